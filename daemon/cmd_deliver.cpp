// `ticketd deliver --mailbox NAME < mail.eml`: takes one mail from an MTA
// pipe (like rt-mailgate). The ticket change and its outbox rows are
// committed before the command exits 0; exit 3 tells the MTA to keep the
// mail and try again later.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <iostream>
#include <sstream>

#include "daemon/commands.h"
#include "daemon/mail_intake.h"
#include "daemon/rules_loader.h"
#include "daemon/setup.h"

namespace ticketd {

void add_deliver_command(CLI::App& app, GlobalOptions& global) {
  auto* cmd = app.add_subcommand("deliver", "take one mail from standard input into a mailbox's tickets");
  auto mailbox = std::make_shared<std::string>();
  cmd->add_option("--mailbox", *mailbox, "name of the [[mailbox]] the mail came to")->required();
  cmd->callback([&global, mailbox] {
    auto config = load_config_or_report(global.config_path, &global.exit_code);
    if (!config) return;
    if (!config->mailbox(*mailbox)) {
      fmt::print(stderr, "{}: no [[mailbox]] named \"{}\"\n", global.config_path, *mailbox);
      global.exit_code = kExitBadInput;
      return;
    }
    std::stringstream buffer;
    buffer << std::cin.rdbuf();
    std::string raw = buffer.str();
    auto store = open_store_or_report(*config, &global.exit_code);
    if (!store) return;
    Log log;
    TemplateSet templates = load_templates_with_warnings(*config);
    LoadedRules rules = load_rules_or_keep(*config, nullptr, log);
    MailIntake intake(*config, *store, templates, rules.get(), log);
    try {
      auto outcome = intake.process(IncomingMail{*mailbox, raw, std::nullopt, now_seconds(), {}}, now_seconds());
      log.info("{}: {}", *mailbox, describe(outcome));
    } catch (const StoreError& e) {
      log.error("{}: mail not taken, try again: {}", *mailbox, e.what());
      global.exit_code = kExitUnreachable;
    }
  });
}

}  // namespace ticketd
