// `ticketd tickets list [filters] [--json]`, `ticketd tickets show N [--json]`
// and `ticketd tickets update N --status S` (an admin's change, recorded as
// an event with actor kind "admin"; the customer is told as by any change).
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdlib>

#include "daemon/commands.h"
#include "daemon/setup.h"
#include "daemon/ticket_lifecycle.h"
#include "daemon/ticket_views.h"

namespace ticketd {

namespace {

struct ListOptions {
  TicketFilter filter;
  std::string status, priority, group, assignee, tag, requester;
  bool json = false;
};

std::optional<std::string> given(const std::string& value) {
  return value.empty() ? std::nullopt : std::optional<std::string>(value);
}

}  // namespace

void add_tickets_command(CLI::App& app, GlobalOptions& global) {
  auto* tickets = app.add_subcommand("tickets", "look at tickets");
  tickets->require_subcommand(1);

  auto* list = tickets->add_subcommand("list", "list tickets, newest first");
  auto options = std::make_shared<ListOptions>();
  list->add_option("--status", options->status, "new, open, pending, on-hold, resolved or closed");
  list->add_option("--priority", options->priority, "low, normal, high or urgent");
  list->add_option("--group", options->group);
  list->add_option("--assignee", options->assignee);
  list->add_option("--tag", options->tag);
  list->add_option("--requester", options->requester, "the customer's address");
  list->add_option("--limit", options->filter.limit)->capture_default_str();
  list->add_flag("--json", options->json, "print JSON");
  list->callback([&global, options] {
    auto config = load_config_or_report(global.config_path, &global.exit_code);
    if (!config) return;
    auto store = open_store_or_report(*config, &global.exit_code);
    if (!store) return;
    TicketFilter filter = options->filter;
    filter.status = given(options->status);
    filter.priority = given(options->priority);
    filter.group = given(options->group);
    filter.assignee = given(options->assignee);
    filter.tag = given(options->tag);
    filter.requester = given(options->requester);
    auto found = store->list_tickets(filter);
    if (options->json) {
      auto out = nlohmann::json::array();
      for (const auto& t : found) out.push_back(ticket_to_json(t));
      fmt::print("{}\n", out.dump(2));
    } else {
      fmt::print("{}", tickets_table(found));
    }
  });

  auto* show = tickets->add_subcommand("show", "one ticket: its messages, internal notes and history");
  auto number = std::make_shared<std::int64_t>(0);
  auto json = std::make_shared<bool>(false);
  show->add_option("N", *number, "the ticket number")->required();
  show->add_flag("--json", *json, "print JSON");
  show->callback([&global, number, json] {
    auto config = load_config_or_report(global.config_path, &global.exit_code);
    if (!config) return;
    auto store = open_store_or_report(*config, &global.exit_code);
    if (!store) return;
    auto ticket = store->ticket_by_number(*number);
    if (!ticket) {
      fmt::print(stderr, "no ticket #{}\n", *number);
      global.exit_code = kExitBadInput;
      return;
    }
    if (*json) {
      fmt::print("{}\n", ticket_detail_json(*store, *ticket).dump(2));
    } else {
      fmt::print("{}", ticket_detail_text(*store, *ticket));
    }
  });

  auto* update = tickets->add_subcommand("update", "change a ticket as an admin (recorded in its history)");
  auto target = std::make_shared<std::int64_t>(0);
  auto status = std::make_shared<std::string>();
  auto quiet = std::make_shared<bool>(false);
  update->add_option("N", *target, "the ticket number")->required();
  update->add_option("--status", *status, "open, pending, on-hold, resolved or closed")->required();
  update->add_flag("--no-notify", *quiet, "do not mail the customer about the change");
  update->callback([&global, target, status, quiet] {
    auto config = load_config_or_report(global.config_path, &global.exit_code);
    if (!config) return;
    auto store = open_store_or_report(*config, &global.exit_code);
    if (!store) return;
    TemplateSet templates = load_templates_with_warnings(*config);
    try {
      auto ticket = store->ticket_by_number(*target);
      if (!ticket) {
        fmt::print(stderr, "no ticket #{}\n", *target);
        global.exit_code = kExitBadInput;
        return;
      }
      const std::int64_t now = now_seconds();
      const std::string from = ticket->status;
      auto transaction = store->begin();
      Log log;
      LifecycleContext ctx{*config, *store, templates, transaction, now, &log};
      const char* user = std::getenv("USER");
      Actor admin{"admin", user && *user ? user : "ticketd tickets update"};
      std::string err;
      if (!change_status(ctx, &*ticket, StatusChange{*status, admin, "changed with ticketd tickets update", !*quiet},
                         &err)) {
        fmt::print(stderr, "{}\n", err);
        global.exit_code = kExitBadInput;
        return;
      }
      transaction.update_ticket(*ticket, now);
      transaction.commit();
      fmt::print("ticket #{}: {} -> {}\n", ticket->number, from, ticket->status);
    } catch (const StoreError& e) {
      fmt::print(stderr, "{}\n", e.what());
      global.exit_code = kExitUnreachable;
    }
  });
}

}  // namespace ticketd
