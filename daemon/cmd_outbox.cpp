// `ticketd outbox list [--state S] [--json]` and `ticketd outbox retry [ID]`.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "daemon/commands.h"
#include "daemon/setup.h"
#include "daemon/ticket_views.h"

namespace ticketd {

void add_outbox_command(CLI::App& app, GlobalOptions& global) {
  auto* outbox = app.add_subcommand("outbox", "see and retry what is queued to send");
  outbox->require_subcommand(1);

  auto* list = outbox->add_subcommand("list", "mails queued, sent and failed, newest first");
  auto state = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  auto limit = std::make_shared<std::size_t>(100);
  list->add_option("--state", *state, "queued, sent or failed")->check(CLI::IsMember({"queued", "sent", "failed"}));
  list->add_option("--limit", *limit)->capture_default_str();
  list->add_flag("--json", *json, "print JSON");
  list->callback([&global, state, json, limit] {
    auto config = load_config_or_report(global.config_path, &global.exit_code);
    if (!config) return;
    auto store = open_store_or_report(*config, &global.exit_code);
    if (!store) return;
    auto mails = store->list_outbox(state->empty() ? std::nullopt : std::optional<std::string>(*state), *limit);
    if (*json) {
      auto out = nlohmann::json::array();
      for (const auto& m : mails) {
        auto ticket = m.ticket_id ? store->ticket_by_id(m.ticket_id) : std::nullopt;
        out.push_back({{"id", m.id},
                       {"ticket", ticket ? nlohmann::json(ticket->number) : nlohmann::json(nullptr)},
                       {"kind", m.kind},
                       {"message_id", m.message_id},
                       {"recipients", m.recipients},
                       {"state", m.state},
                       {"attempts", m.attempts},
                       {"next_attempt_at", format_time(m.next_attempt_at)},
                       {"last_error", m.last_error},
                       {"created_at", format_time(m.created_at)},
                       {"sent_at", m.sent_at ? nlohmann::json(format_time(*m.sent_at)) : nlohmann::json(nullptr)}});
      }
      fmt::print("{}\n", out.dump(2));
      return;
    }
    fmt::print("{:<6} {:<7} {:<11} {:<7} {:<8} {:<30} {}\n", "ID", "TICKET", "KIND", "STATE", "ATTEMPTS", "TO",
               "LAST ERROR");
    for (const auto& m : mails) {
      auto ticket = m.ticket_id ? store->ticket_by_id(m.ticket_id) : std::nullopt;
      fmt::print("{:<6} {:<7} {:<11} {:<7} {:<8} {:<30} {}\n", m.id,
                 ticket ? "#" + std::to_string(ticket->number) : "-", m.kind, m.state, m.attempts,
                 m.recipients.empty() ? "" : m.recipients.front(), m.last_error);
    }
    auto counts = store->outbox_counts();
    fmt::print("{} queued, {} failed, {} sent\n", counts.queued, counts.failed, counts.sent);
  });

  auto* retry = outbox->add_subcommand("retry", "send failed mail again at the next cycle (all, or one ID)");
  auto id = std::make_shared<std::int64_t>(0);
  retry->add_option("ID", *id, "one outbox id");
  retry->callback([&global, id] {
    auto config = load_config_or_report(global.config_path, &global.exit_code);
    if (!config) return;
    auto store = open_store_or_report(*config, &global.exit_code);
    if (!store) return;
    int n = store->outbox_requeue(*id ? std::optional<std::int64_t>(*id) : std::nullopt, now_seconds());
    fmt::print("{} mail(s) queued to be sent again\n", n);
  });
}

}  // namespace ticketd
