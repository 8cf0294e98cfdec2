// The [lifecycle], [sla], [business_hours] and [csat] tables of the config:
// read with their defaults, and mistakes reported as file:line:column.
#include <catch2/catch.hpp>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "daemon/config.h"

namespace ticketd {
namespace {

struct ConfigFile {
  std::filesystem::path dir;
  ConfigFile() {
    char pattern[] = "/tmp/ticketd-lifecycle-config-XXXXXX";
    dir = mkdtemp(pattern);
  }
  ~ConfigFile() { std::filesystem::remove_all(dir); }
  std::string write(const std::string& tables) {
    auto file = (dir / "ticketd.toml").string();
    std::ofstream(file) << "[store]\npath = \"t.db\"\n[smtp]\nurl = \"smtp://127.0.0.1:25\"\n"
                           "[[mailbox]]\nname = \"support\"\naddress = \"support@example.com\"\n"
                        << tables;
    return file;
  }
};

TEST_CASE("without lifecycle tables nothing is timed and SLA time is wall-clock time", "[config][lifecycle]") {
  ConfigFile f;
  Config config;
  std::vector<std::string> errors;
  REQUIRE(load_config(f.write(""), &config, &errors));
  CHECK(config.lifecycle.reopen_window_days == 30);
  CHECK(config.lifecycle.auto_close_resolved_days == 0);
  CHECK(config.sla.urgent.first_response_minutes == 0);
  CHECK_FALSE(config.csat.enabled);
  CHECK(within_business_hours(config.business_hours, 1795424400 + 5 * 86400 + 3 * 3600));  // Saturday noon
}

TEST_CASE("lifecycle, SLA, business hours and survey settings are read", "[config][lifecycle]") {
  ConfigFile f;
  Config config;
  std::vector<std::string> errors;
  REQUIRE(load_config(f.write(R"(
[lifecycle]
reopen_window_days = 14
auto_close_resolved_days = 5
pending_reminder_days = 3
pending_resolve_days = 7

[sla]
reminder_share = 0.8
raise_priority_on_breach = true

[sla.urgent]
first_response_minutes = 30
next_response_minutes = 60
resolution_minutes = 480

[sla.normal]
first_response_minutes = 240

[business_hours]
time_zone = "Asia/Taipei"
days = ["mon", "tue", "wed", "thu", "fri"]
open = "09:00"
close = "18:00"
holidays = ["2026-10-10"]

[csat]
delay_minutes = 120
min_days_between = 60
)"),
                      &config, &errors));
  CHECK(config.lifecycle.reopen_window_days == 14);
  CHECK(config.lifecycle.pending_resolve_days == 7);
  CHECK(config.sla.reminder_share == Approx(0.8));
  CHECK(config.sla.raise_priority_on_breach);
  CHECK(config.sla.targets("urgent").resolution_minutes == 480);
  CHECK(config.sla.targets("normal").first_response_minutes == 240);
  CHECK(config.sla.targets("high").first_response_minutes == 0);
  CHECK(config.business_hours.utc_offset_minutes == 480);
  CHECK(config.business_hours.holidays == std::vector<std::string>{"2026-10-10"});
  CHECK(config.csat.enabled);
  CHECK(config.csat.delay_minutes == 120);
}

TEST_CASE("mistakes in the lifecycle tables are reported with their place", "[config][lifecycle]") {
  ConfigFile f;
  Config config;
  std::vector<std::string> errors;
  CHECK_FALSE(load_config(f.write(R"(
[lifecycle]
pending_reminder_days = 7
pending_resolve_days = 3

[sla]
reminder_share = 1.5

[sla.urgnet]
first_response_minutes = 30

[business_hours]
time_zone = "Mars/Base"
close = "08:00"
)"),
                          &config, &errors));
  auto has = [&](const std::string& text) {
    for (const auto& e : errors) {
      if (e.find(text) != std::string::npos && e.find("ticketd.toml:") != std::string::npos) return true;
    }
    return false;
  };
  CHECK(has("pending_resolve_days must be more than pending_reminder_days"));
  CHECK(has("sla.reminder_share must be between"));
  CHECK(has("unknown key \"sla.urgnet\""));
  CHECK(has("unknown time zone \"Mars/Base\""));
  CHECK(has("business_hours.close"));
}

}  // namespace
}  // namespace ticketd
