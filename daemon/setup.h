// Loading what every subcommand needs (config, templates, store), turning
// each failure into the message an admin can act on and the exit code
// DESIGN.md promises. Used by the cmd_*.cpp files only.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "daemon/commands.h"
#include "daemon/config.h"
#include "store/store.h"
#include "templates/template_set.h"

namespace ticketd {

// Prints each error to stderr and sets `exit_code` (1) on failure.
std::optional<Config> load_config_or_report(const std::string& path, int* exit_code);
// Opens the store; on failure prints why and sets `exit_code` (3).
std::unique_ptr<Store> open_store_or_report(const Config& config, int* exit_code);
// Loads the configured (or shipped) templates; problems are printed as
// warnings: rendering falls back, so they never stop the daemon.
TemplateSet load_templates_with_warnings(const Config& config);

// Seconds since the epoch. TEST ONLY: the environment variable
// TICKETD_TEST_NOW ("1800000000" fixed, "+86400" ahead) overrides it, so
// integration tests control the clock of timers; see setup.cpp.
std::int64_t now_seconds();

}  // namespace ticketd
