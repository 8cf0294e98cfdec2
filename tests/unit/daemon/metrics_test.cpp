// The Prometheus metrics file (issue 7).
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "daemon/config.h"
#include "daemon/metrics.h"

using namespace ticketd;

namespace {

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    char pattern[] = "/tmp/ticketd-metrics-XXXXXX";
    path = mkdtemp(pattern);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

std::string read(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("the metrics file has HELP, TYPE and a sample for each figure the admin graphs") {
  StoreTotals totals;
  totals.mails_processed = 12;
  totals.tickets_created = 7;
  totals.mails_sent = 9;
  totals.mails_failed = 1;
  totals.mails_queued = 3;
  totals.oldest_queued_at = 1000;
  totals.parse_notes = 2;
  totals.loop_suppressions = 4;
  RunCounters run;
  run.mails_fetched = 5;
  run.send_retries = 6;
  std::string text = prometheus_text(totals, run, 1600);
  CHECK(text.find("# TYPE ticketd_tickets_created_total counter\nticketd_tickets_created_total 7\n") !=
        std::string::npos);
  CHECK(text.find("\nticketd_mails_processed_total 12\n") != std::string::npos);
  CHECK(text.find("\nticketd_mails_fetched_this_run_total 5\n") != std::string::npos);
  CHECK(text.find("\nticketd_mails_sent_total 9\n") != std::string::npos);
  CHECK(text.find("\nticketd_send_failures_total 1\n") != std::string::npos);
  CHECK(text.find("# TYPE ticketd_outbox_depth gauge\nticketd_outbox_depth 3\n") != std::string::npos);
  CHECK(text.find("\nticketd_outbox_oldest_unsent_age_seconds 600\n") != std::string::npos);
  CHECK(text.find("\nticketd_parse_notes_total 2\n") != std::string::npos);
  CHECK(text.find("\nticketd_loop_suppressions_total 4\n") != std::string::npos);
  CHECK(text.find("\nticketd_sla_breaches_total 0\n") != std::string::npos);
  // Every sample line is "name value" and every name has HELP and TYPE.
  std::istringstream lines(text);
  int samples = 0, types = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("# TYPE ", 0) == 0) ++types;
    else if (line[0] != '#') ++samples;
  }
  CHECK(samples == types);
}

TEST_CASE("an empty outbox has an oldest-unsent age of zero") {
  std::string text = prometheus_text(StoreTotals{}, RunCounters{}, 5000);
  CHECK(text.find("\nticketd_outbox_oldest_unsent_age_seconds 0\n") != std::string::npos);
}

TEST_CASE("the metrics file is replaced whole and leaves no temporary file") {
  TempDir dir;
  auto path = (dir.path / "ticketd.prom").string();
  std::string err;
  REQUIRE(write_file_atomically(path, "a 1\n", &err));
  REQUIRE(write_file_atomically(path, "a 2\n", &err));
  CHECK(read(path) == "a 2\n");
  CHECK(std::distance(std::filesystem::directory_iterator(dir.path), std::filesystem::directory_iterator()) == 1);
}

TEST_CASE("a metrics file in a folder that does not exist is an error naming the file") {
  std::string err;
  CHECK_FALSE(write_file_atomically("/nonexistent-ticketd/m.prom", "a 1\n", &err));
  CHECK(err.find("/nonexistent-ticketd/m.prom") != std::string::npos);
}

TEST_CASE("[metrics] file is read from the config, relative to the config's folder") {
  TempDir dir;
  std::ofstream(dir.path / "pw") << "secret";
  std::ofstream(dir.path / "ticketd.toml") << "[store]\npath = \"t.db\"\n[smtp]\nurl = \"smtp://127.0.0.1:25\"\n"
                                               "[metrics]\nfile = \"metrics/ticketd.prom\"\n"
                                               "[[mailbox]]\nname = \"support\"\naddress = \"support@example.com\"\n";
  Config config;
  std::vector<std::string> errors;
  REQUIRE(load_config((dir.path / "ticketd.toml").string(), &config, &errors));
  CHECK(config.metrics_file == (dir.path / "metrics/ticketd.prom").string());
  std::ofstream(dir.path / "bad.toml") << "[store]\npath = \"t.db\"\n[smtp]\nurl = \"smtp://127.0.0.1:25\"\n"
                                          "[metrics]\npath = \"x\"\n"
                                          "[[mailbox]]\nname = \"support\"\naddress = \"support@example.com\"\n";
  CHECK_FALSE(load_config((dir.path / "bad.toml").string(), &config, &errors));
  REQUIRE_FALSE(errors.empty());
  CHECK(errors.front().find("metrics.path") != std::string::npos);
}
