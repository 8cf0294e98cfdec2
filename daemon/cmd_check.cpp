// `ticketd check`: validates config, templates and rules; every problem as
// file:line:column: message; exit 1 when any.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "daemon/commands.h"
#include "daemon/setup.h"
#include "rules/rule_set.h"

namespace ticketd {

void add_check_command(CLI::App& app, GlobalOptions& global) {
  auto* cmd = app.add_subcommand("check", "validate config, rules and templates");
  cmd->callback([&global] {
    Config config;
    std::vector<std::string> errors;
    if (!load_config(global.config_path, &config, &errors)) {
      for (const auto& e : errors) fmt::print(stderr, "{}\n", e);
      global.exit_code = kExitBadInput;
      return;
    }
    fmt::print("{}: ok ({} mailbox(es))\n", global.config_path, config.mailboxes.size());
    TemplateSet templates;
    std::string dir = config.templates_dir.empty() ? TemplateSet::default_dir() : config.templates_dir;
    std::vector<std::string> template_errors;
    if (templates.load(dir, &template_errors)) {
      fmt::print("{}: ok\n", dir);
    } else {
      for (const auto& e : template_errors) fmt::print(stderr, "{}\n", e);
      global.exit_code = kExitBadInput;
    }
    if (!config.rules_dir.empty()) {
      RuleSet rules;
      std::string err;
      if (load_rule_dir(config.rules_dir, &rules, &err)) {
        fmt::print("{}: ok ({} rule(s) in {} file(s))\n", config.rules_dir, rules.rules.size(), rules.files.size());
      } else {
        fmt::print(stderr, "{}\n", err);
        global.exit_code = kExitBadInput;
      }
    }
  });
}

}  // namespace ticketd
