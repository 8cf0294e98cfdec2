// The Prometheus metrics file (issue 7): with `[metrics] file = "..."` in the
// config, the daemon rewrites that file after every cycle in the Prometheus
// text exposition format, for node_exporter's textfile collector
// (--collector.textfile.directory; the file name must end in .prom).
//
// The file is written whole to a temporary file in the same folder and
// renamed over the old one (rename(2) is atomic within a file system), so
// the collector never reads half a file.
//
// Counters (_total) that describe mail and tickets are read from the store,
// so they survive daemon restarts; the *_this_run counters count since the
// daemon started. Gauges describe now.
#pragma once

#include <cstdint>
#include <string>

#include "store/store.h"

namespace ticketd {

// What the daemon itself counted since it started.
struct RunCounters {
  std::int64_t mails_fetched = 0;     // taken from IMAP this run
  std::int64_t send_retries = 0;      // temporary SMTP failures this run
  std::int64_t cycles = 0;
  std::int64_t server_failures = 0;   // cycles in which a server could not be reached
  std::int64_t last_cycle_at = 0;     // UTC seconds
  double last_cycle_seconds = 0;
};

// The text exposition format: # HELP, # TYPE, then the sample, per metric.
std::string prometheus_text(const StoreTotals& totals, const RunCounters& run, std::int64_t now);

// Writes `text` to `path` atomically (path.tmp.<pid>, then rename).
bool write_file_atomically(const std::string& path, const std::string& text, std::string* err);

}  // namespace ticketd
