#include "daemon/setup.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>

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
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace ticketd
