// `ticketd check [--connect]`: validates config, templates and rules; every
// problem as file:line:column: message; exit 1 when any. It warns (exit
// code unchanged) about store files the daemon's user cannot write. With --connect it
// then logs in to every IMAP mailbox (selecting its folder) and to the SMTP
// server (EHLO, AUTH, NOOP), one line each, and exits 3 when any of them
// cannot be reached or refuses the login, so an admin knows before starting.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "daemon/commands.h"
#include "daemon/imap_session.h"
#include "daemon/mailbox_account.h"
#include "daemon/setup.h"
#include "daemon/smtp_session.h"
#include "rules/rule_set.h"
#include "store/store_files.h"

namespace ticketd {

namespace {

// Returns false when any server failed; prints one line per server.
bool check_servers(const Config& config) {
  bool all_ok = true;
  for (const auto& m : config.mailboxes) {
    if (m.url.empty()) {
      fmt::print("mailbox {}: no url (deliver-only): not checked\n", m.name);
      continue;
    }
    ImapAccount account = imap_account_of(m);
    account.timeout_seconds = 20;
    ImapSession imap(account);
    Uidvalidity uidvalidity = 0;
    std::string err;
    if (imap.select(m.folder, &uidvalidity, &err)) {
      fmt::print("mailbox {}: ok (logged in as {}, folder {} selected)\n", m.name, m.user, m.folder);
      // How fast new mail will be taken in daemon mode: IDLE is what makes
      // it seconds instead of up to poll_seconds (daemon/mailbox_watch.h).
      if (!m.idle) {
        fmt::print("mailbox {}: idle = false: new mail is polled every {}s\n", m.name, config.poll_seconds);
      } else if (imap.has_capability("IDLE", &err)) {
        fmt::print("mailbox {}: IMAP IDLE offered: new mail is taken within about a second\n", m.name);
      } else {
        fmt::print("mailbox {}: the server offers no IMAP IDLE: new mail is polled every {}s\n", m.name,
                   config.poll_seconds);
      }
    } else {
      fmt::print(stderr, "mailbox {}: FAILED: {}\n", m.name, err);
      all_ok = false;
    }
  }
  const auto& s = config.smtp;
  SmtpSession smtp(SmtpAccount{s.url, s.user, s.password, s.verify_tls, s.require_tls, 20});
  std::string err;
  if (smtp.check(&err)) {
    fmt::print("smtp: ok ({}{})\n", s.url, s.password.empty() ? "" : ", logged in as " + s.user);
  } else {
    fmt::print(stderr, "smtp: FAILED: {}\n", err);
    all_ok = false;
  }
  return all_ok;
}

}  // namespace

void add_check_command(CLI::App& app, GlobalOptions& global) {
  auto* cmd = app.add_subcommand("check", "validate config, rules and templates");
  auto connect = std::make_shared<bool>(false);
  cmd->add_flag("--connect", *connect, "also log in to every IMAP mailbox and the SMTP server");
  cmd->callback([&global, connect] {
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
    // Warnings, not errors: `run` waits for a store it cannot write (a mount
    // not ready yet) instead of exiting, and the unit's ExecStartPre check
    // must not keep it from starting to wait.
    const std::vector<std::string> store_problems = store_file_problems(config.store_path);
    for (const auto& problem : store_problems) fmt::print(stderr, "warning: {}\n", problem);
    if (store_problems.empty()) {
      fmt::print("{}: ok (the store's files can be written by the daemon's user)\n", config.store_path);
    }
    // A config mistake (exit 1) is the first thing to fix; it wins over 3.
    if (*connect && !check_servers(config) && global.exit_code == kExitOk) global.exit_code = kExitUnreachable;
  });
}

}  // namespace ticketd
