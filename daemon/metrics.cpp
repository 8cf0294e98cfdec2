#include "daemon/metrics.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace ticketd {

namespace {

void metric(std::string& out, const char* name, const char* type, const char* help, double value) {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n{} {}\n", name, help, name, type, name, value);
}

}  // namespace

std::string prometheus_text(const StoreTotals& t, const RunCounters& run, std::int64_t now) {
  std::string out;
  auto d = [](std::int64_t v) { return static_cast<double>(v); };
  metric(out, "ticketd_mails_processed_total", "counter", "Mails taken in and recorded (duplicates included).",
         d(t.mails_processed));
  metric(out, "ticketd_mails_fetched_this_run_total", "counter", "Mails fetched over IMAP since the daemon started.",
         d(run.mails_fetched));
  metric(out, "ticketd_tickets_created_total", "counter", "Tickets created.", d(t.tickets_created));
  metric(out, "ticketd_mails_sent_total", "counter", "Mails the SMTP server accepted.", d(t.mails_sent));
  metric(out, "ticketd_send_failures_total", "counter", "Mails given up after a permanent failure or too many attempts.",
         d(t.mails_failed));
  metric(out, "ticketd_send_retries_this_run_total", "counter",
         "Temporary SMTP failures (retried later) since the daemon started.", d(run.send_retries));
  metric(out, "ticketd_outbox_depth", "gauge", "Mails queued to send.", d(t.mails_queued));
  metric(out, "ticketd_outbox_oldest_unsent_age_seconds", "gauge", "Age of the oldest queued mail (0: none queued).",
         t.oldest_queued_at ? d(std::max<std::int64_t>(0, now - *t.oldest_queued_at)) : 0.0);
  metric(out, "ticketd_parse_notes_total", "counter", "Mails the parser had to repair or could not fully read.",
         d(t.parse_notes));
  metric(out, "ticketd_loop_suppressions_total", "counter",
         "Automatic mails not sent to avoid a loop or a flood.", d(t.loop_suppressions));
  metric(out, "ticketd_sla_breaches_total", "counter", "SLA targets breached.", d(t.sla_breaches));
  metric(out, "ticketd_cycles_this_run_total", "counter", "Poll cycles since the daemon started.", d(run.cycles));
  metric(out, "ticketd_server_failures_this_run_total", "counter",
         "Cycles in which an IMAP or SMTP server could not be reached.", d(run.server_failures));
  metric(out, "ticketd_last_cycle_timestamp_seconds", "gauge", "When the last cycle ended (UTC).",
         d(run.last_cycle_at));
  metric(out, "ticketd_last_cycle_duration_seconds", "gauge", "How long the last cycle took.",
         run.last_cycle_seconds);
  return out;
}

bool write_file_atomically(const std::string& path, const std::string& text, std::string* err) {
  std::string temp = fmt::format("{}.tmp.{}", path, getpid());
  int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    *err = fmt::format("{}: cannot write: {}", temp, std::strerror(errno));
    return false;
  }
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      *err = fmt::format("{}: cannot write: {}", temp, std::strerror(errno));
      close(fd);
      unlink(temp.c_str());
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  // No fsync: after a power loss a stale or missing metrics file is
  // harmless, and the next cycle rewrites it; rename() alone keeps readers
  // from seeing half a file.
  if (close(fd) != 0) {
    *err = fmt::format("{}: cannot write: {}", temp, std::strerror(errno));
    unlink(temp.c_str());
    return false;
  }
  if (rename(temp.c_str(), path.c_str()) != 0) {
    *err = fmt::format("{}: cannot replace: {}", path, std::strerror(errno));
    unlink(temp.c_str());
    return false;
  }
  return true;
}

}  // namespace ticketd
