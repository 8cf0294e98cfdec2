// `ticketd rules test FILE.eml [--json]`: dry-runs the rules on a saved mail.
// Shows each rule in order, whether it matched and why, and what the mail
// would get (tags, priority, group, assignee, canned answers). Reads the store
// (for threading, the customer's past tickets and agents' load) when it
// exists; writes nothing and sends nothing.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "daemon/commands.h"
#include "daemon/rule_stage.h"
#include "daemon/setup.h"
#include "daemon/threading.h"
#include "parser/language.h"
#include "parser/mail_parser.h"
#include "rules/assignment.h"
#include "rules/decision_render.h"
#include "rules/evaluate.h"
#include "rules/rule_set.h"

namespace ticketd {

namespace {

struct RulesTestOptions {
  std::string file;
  std::string mailbox;
  bool json = false;
};

void rules_test(GlobalOptions& global, const RulesTestOptions& options) {
  auto config = load_config_or_report(global.config_path, &global.exit_code);
  if (!config) return;
  if (config->rules_dir.empty()) {
    fmt::print(stderr, "{}: no [rules] dir is configured\n", global.config_path);
    global.exit_code = kExitBadInput;
    return;
  }
  RuleSet rules;
  std::string err;
  if (!load_rule_dir(config->rules_dir, &rules, &err)) {
    fmt::print(stderr, "{}\n", err);
    global.exit_code = kExitBadInput;
    return;
  }
  std::ifstream in(options.file, std::ios::binary);
  if (!in) {
    fmt::print(stderr, "{}: cannot read the mail: {}\n", options.file, std::strerror(errno));
    global.exit_code = kExitBadInput;
    return;
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::int64_t now = now_seconds();
  Message message = parse_mail(buffer.str(), now, config->limits);
  std::string mailbox = options.mailbox.empty() ? config->mailboxes.front().name : options.mailbox;
  std::string language = detect_language(message.reply.empty() ? message.body : message.reply);

  std::unique_ptr<Store> store;
  if (std::filesystem::exists(config->store_path)) store = open_store_or_report(*config, &global.exit_code);
  TicketFacts facts;
  Roster roster;
  if (store) {
    ThreadMatch match = find_thread(message, *store, ThreadingPolicy{}, now);
    facts = ticket_facts(message, match, language, mailbox, *store);
    roster = build_roster(*config, *store);
  } else {
    facts.mailbox = mailbox;
    facts.language = language;
    facts.status = "new";
    facts.priority = "normal";
    for (const auto& a : config->agents) roster.agents.push_back(Agent{a.name, a.groups, a.skills, a.away, 0, 0});
  }
  Decision decision = evaluate_rules(rules, message, facts, now);
  AssignmentResult assignment = run_assignment(decision, facts, roster);
  const AssignmentResult* shown = decision.assignment ? &assignment : nullptr;
  if (options.json) {
    nlohmann::json out = decision_to_json(decision, shown);
    out["mail"] = {{"from", message.from.address}, {"subject", message.subject}, {"language", language},
                   {"ticket", facts.is_new ? "new" : "follow-up"}};
    fmt::print("{}\n", out.dump(2));
  } else {
    fmt::print("Mail: {} from {} ({}, language {})\n\n", message.subject, message.from.address,
               facts.is_new ? "new ticket" : "follow-up", language.empty() ? "unknown" : language);
    fmt::print("{}", render_decision_text(decision, shown));
  }
}

}  // namespace

void add_rules_command(CLI::App& app, GlobalOptions& global) {
  auto* rules = app.add_subcommand("rules", "work with the rule files");
  rules->require_subcommand(1);
  auto* test = rules->add_subcommand("test", "dry-run the rules on a saved mail (nothing stored, nothing sent)");
  auto options = std::make_shared<RulesTestOptions>();
  test->add_option("FILE", options->file, "the saved mail (.eml)")->required();
  test->add_option("--mailbox", options->mailbox, "the mailbox it arrives in (default: the first)");
  test->add_flag("--json", options->json, "print JSON");
  test->callback([&global, options] { rules_test(global, *options); });
}

}  // namespace ticketd
