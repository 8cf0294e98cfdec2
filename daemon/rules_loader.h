// Keeping the admin's rules in force: load the rules directory named by the
// config, and on any error keep the set that was running (issue 4, point 5:
// a broken rule file never stops the daemon nor leaves it with half a set).
#pragma once

#include <memory>
#include <string>

#include "daemon/config.h"
#include "daemon/log.h"
#include "rules/rule_set.h"

namespace ticketd {

using LoadedRules = std::shared_ptr<const RuleSet>;

// Loads config.rules_dir. On success returns the new set and logs how many
// rules from how many files; on failure logs every error line and returns
// `previous` (which may be null: no rules). No rules_dir: returns null.
LoadedRules load_rules_or_keep(const Config& config, LoadedRules previous, Log& log);

// A fingerprint of the rules directory: the names, sizes and modification
// times of its files. The daemon compares it each cycle and reloads when it
// changes, so an admin's edit takes effect without a SIGHUP (and without
// inotify, which a ProtectSystem= sandbox and network file systems may deny).
std::string rules_fingerprint(const std::string& dir);

}  // namespace ticketd
