// Internal to rules/: compiling rule files into a RuleSet under construction.
// rules/rule_set.h is the public face; this header exists so the directory
// walk (rule_set.cpp) and the TOML compilation (rule_file.cpp) stay separate.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rules/customer_list.h"
#include "rules/rule_set.h"

namespace ticketd {

// Everything that spans the files of one load.
struct RuleLoad {
  explicit RuleLoad(const RuleLoadLimits& l) : limits(l) {}

  const RuleLoadLimits& limits;
  std::string lists_dir;
  RuleSet set;                                                       // being built
  std::vector<std::string> errors;                                   // "file:line:col: message"
  std::map<std::string, std::shared_ptr<const CustomerList>> lists;  // by path as written: each read once
  std::map<std::string, std::string> rule_names;                     // name -> "file:line:col"
  std::string business_hours_at;                                     // "file:line:col" of [business_hours]
  std::vector<std::string> business_hours_uses;                      // "file:line:col" of conditions on it

  bool full() const { return errors.size() >= limits.max_errors; }
};

// Parses `text` as TOML and appends its rules (and business hours) to
// load->set, or its errors to load->errors. `path` is how errors name it.
void compile_rule_file(std::string_view text, const std::string& path, RuleLoad* load);

// Cross-file checks once every file is compiled; then moves the set to *out
// when there is no error, or joins the errors into *err.
bool finish_rule_load(RuleLoad* load, RuleSet* out, std::string* err);

}  // namespace ticketd
