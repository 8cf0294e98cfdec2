// RuleSet: every rule of a rules directory, compiled and checked, in the
// order they run; and loading one.
//
// Loading is all or nothing: any error in any file (TOML syntax, an unknown
// field, action or operator, a bad value, a regex RE2 refuses, a list file
// that cannot be read, two rules with one name) refuses the whole set, and
// the caller keeps the RuleSet it had: the daemon never runs half a rule set
// and never stops on a bad rule. Every error is reported, one per line, as
//
//   /etc/ticketd/rules/10-billing.toml:12:5: unknown action "tagg"
//
// with the line and column of the offending key or value (toml++ gives them
// for syntax errors too). The rule language is described in rules/README.md.
//
// A RuleSet is immutable once loaded; evaluate it from any number of threads
// (rules/evaluate.h). Copying is cheap-ish (regexes and lists are shared).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rules/business_hours.h"
#include "rules/text_scan.h"
#include "rules/rule.h"

namespace ticketd {

struct RuleSet {
  std::vector<Rule> rules;                     // in evaluation order
  std::optional<BusinessHours> business_hours;  // from the one [business_hours] table, if any
  std::vector<std::string> files;              // the files loaded, in order
  std::vector<TextScan> text_scans;            // built by the loader: patterns scanned together per field
};

// Bounds that keep a wrong rule directory from hurting the daemon.
struct RuleLoadLimits {
  std::size_t max_file_bytes = 4u << 20;      // one rule file
  std::size_t max_rules = 20000;              // in the whole set
  std::size_t max_condition_depth = 16;       // nesting of all/any/not
  std::size_t max_list_entries = 1000000;     // one list file
  std::int64_t max_regex_memory = 8 << 20;    // RE2 max_mem per regex (bounds its DFA); a field's TextScan gets 8x
  std::size_t max_errors = 50;                // errors reported before giving up
};

// Loads every `*.toml` file directly in `dir` (not subdirectories; other
// files, such as list files, are ignored), in byte order of their names
// (hence the 10-, 20- prefixes). List files named by rules are read relative
// to `dir`. An empty directory is a valid, empty rule set.
// On success replaces *out and returns true; on failure leaves *out as it
// was, sets *err to the error lines (joined by '\n') and returns false.
bool load_rule_dir(const std::string& dir, RuleSet* out, std::string* err, const RuleLoadLimits& limits = {});

// The same for one file's text held in memory, reported as `path`; list files
// are read relative to `lists_dir`. For tests and benchmarks.
bool load_rule_text(std::string_view toml_text, const std::string& path, const std::string& lists_dir, RuleSet* out,
                    std::string* err, const RuleLoadLimits& limits = {});

}  // namespace ticketd
