#include "daemon/setup.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace ticketd {

std::optional<Config> load_config_or_report(const std::string& path, int* exit_code) {
  Config config;
  std::vector<std::string> errors;
  if (!load_config(path, &config, &errors)) {
    for (const auto& e : errors) fmt::print(stderr, "{}\n", e);
    *exit_code = kExitBadInput;
    return std::nullopt;
  }
  return config;
}

std::unique_ptr<Store> open_store_or_report(const Config& config, int* exit_code) {
  try {
    return std::make_unique<Store>(config.store_path);
  } catch (const StoreError& e) {
    fmt::print(stderr, "{}\n", e.what());
    *exit_code = kExitUnreachable;
    return nullptr;
  }
}

TemplateSet load_templates_with_warnings(const Config& config) {
  TemplateSet templates;
  std::vector<std::string> errors;
  std::string dir = config.templates_dir.empty() ? TemplateSet::default_dir() : config.templates_dir;
  if (!templates.load(dir, &errors)) {
    for (const auto& e : errors) fmt::print(stderr, "<4>{} (the built-in default is used instead)\n", e);
  }
  return templates;
}

std::int64_t now_seconds() {
  const std::int64_t real =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  // TEST ONLY. TICKETD_TEST_NOW lets the integration tests move the clock
  // (SLA reminders, auto-close, surveys) without waiting days: "1800000000"
  // fixes the time (seconds since the epoch), "+86400" runs the clock that
  // many seconds ahead. Read here and nowhere else; never set it in
  // production (systemd/ticketd.service does not).
  if (const char* test_now = std::getenv("TICKETD_TEST_NOW"); test_now && *test_now) {
    char* end = nullptr;
    const bool offset = *test_now == '+';
    const long long value = std::strtoll(test_now + (offset ? 1 : 0), &end, 10);
    if (end && *end == '\0' && end != test_now + (offset ? 1 : 0)) return offset ? real + value : value;
  }
  return real;
}

}  // namespace ticketd
