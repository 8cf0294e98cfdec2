// `ticketd tickets list [filters] [--json]` and `ticketd tickets show N [--json]`.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "daemon/commands.h"
#include "daemon/setup.h"
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
}

}  // namespace ticketd
