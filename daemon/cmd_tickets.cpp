// `ticketd tickets list [filters] [--json]`, `ticketd tickets show N [--json]`
// and `ticketd tickets update N [--status S] [--priority P] [--assign A]
// [--group G] [--tag T]... [--untag T]...` (an admin's change, each recorded
// as an event with actor kind "admin" named by $SUDO_USER or $USER; the
// customer is told of a status change as by any change).
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

#include "daemon/commands.h"
#include "daemon/setup.h"
#include "daemon/sla.h"
#include "daemon/ticket_lifecycle.h"
#include "daemon/ticket_views.h"

namespace ticketd {

namespace {

struct ListOptions {
  TicketFilter filter;
  std::string status, priority, group, assignee, tag, requester;
  bool json = false;
  bool overdue = false;
};

std::optional<std::string> given(const std::string& value) {
  return value.empty() ? std::nullopt : std::optional<std::string>(value);
}

// `tickets update`: what the admin asked for; empty means unchanged.
struct AdminChange {
  std::int64_t number = 0;
  std::string status, priority, assignee, group;
  std::vector<std::string> add_tags, remove_tags;
  bool quiet = false;
};

// The admin as the ticket history names them: the person behind sudo when
// there is one, else the login name.
Actor admin_actor() {
  for (const char* name : {"SUDO_USER", "USER", "LOGNAME"}) {
    const char* value = std::getenv(name);
    if (value && *value) return Actor{"admin", value};
  }
  return Actor{"admin", "ticketd tickets update"};
}

// Checks the values against the config before anything is written, so a
// typo changes nothing. Returns the first problem, or "".
std::string invalid_change(const Config& config, const AdminChange& c) {
  if (!c.status.empty() && !is_ticket_status(c.status)) return fmt::format("--status: unknown status \"{}\"", c.status);
  if (!c.priority.empty() &&
      std::find(std::begin(kPriorities), std::end(kPriorities), c.priority) == std::end(kPriorities)) {
    return fmt::format("--priority: unknown priority \"{}\" (low, normal, high, urgent)", c.priority);
  }
  if (!c.assignee.empty() && c.assignee != "-" && !config.agent(c.assignee)) {
    return fmt::format("--assign: no [[agent]] named \"{}\" in {}", c.assignee, config.source_path);
  }
  if (!c.group.empty() && c.group != "-" && !config.groups.empty() &&
      std::none_of(config.groups.begin(), config.groups.end(), [&](const GroupConfig& g) { return g.name == c.group; })) {
    return fmt::format("--group: no [[group]] named \"{}\" in {}", c.group, config.source_path);
  }
  for (const auto& tag : c.add_tags)
    if (tag.empty()) return "--tag: a tag cannot be empty";
  if (c.status.empty() && c.priority.empty() && c.assignee.empty() && c.group.empty() && c.add_tags.empty() &&
      c.remove_tags.empty()) {
    return "nothing to change: give --status, --priority, --assign, --group, --tag or --untag";
  }
  return "";
}

// One transaction: every change and its event, or nothing.
void update_ticket_as_admin(GlobalOptions& global, const AdminChange& change) {
  auto config = load_config_or_report(global.config_path, &global.exit_code);
  if (!config) return;
  if (std::string why = invalid_change(*config, change); !why.empty()) {
    fmt::print(stderr, "{}\n", why);
    global.exit_code = why.rfind("nothing", 0) == 0 ? kExitUsage : kExitBadInput;
    return;
  }
  auto store = open_store_or_report(*config, &global.exit_code);
  if (!store) return;
  TemplateSet templates = load_templates_with_warnings(*config);
  try {
    auto ticket = store->ticket_by_number(change.number);
    if (!ticket) {
      fmt::print(stderr, "no ticket #{}\n", change.number);
      global.exit_code = kExitBadInput;
      return;
    }
    const std::int64_t now = now_seconds();
    const Actor admin = admin_actor();
    const std::string why = "changed with ticketd tickets update";
    std::vector<std::string> done;
    auto transaction = store->begin();
    Log log;
    LifecycleContext ctx{*config, *store, templates, transaction, now, &log};
    if (!change.status.empty() && change.status != ticket->status) {
      const std::string from = ticket->status;
      std::string err;
      if (!change_status(ctx, &*ticket, StatusChange{change.status, admin, why, !change.quiet}, &err)) {
        fmt::print(stderr, "{}\n", err);
        global.exit_code = kExitBadInput;
        return;
      }
      done.push_back(fmt::format("status {} -> {}", from, ticket->status));
    }
    auto set = [&](const std::string& wanted, std::string* field, const char* what) {
      if (wanted.empty()) return;
      std::string value = wanted == "-" ? "" : wanted;
      if (value == *field) return;
      std::string detail = fmt::format("{} -> {}", field->empty() ? "-" : *field, value.empty() ? "-" : value);
      transaction.add_event(Event{0, ticket->id, now, admin, what, detail + ": " + why});
      done.push_back(fmt::format("{} {}", what, detail));
      *field = value;
    };
    const std::string priority_before = ticket->priority;
    set(change.priority, &ticket->priority, "priority");
    // Running SLA clocks follow the new priority's targets.
    if (ticket->priority != priority_before) sla_on_targets_change(*config, *store, transaction, *ticket);
    set(change.group, &ticket->group, "group");
    std::string before = ticket->assignee;
    set(change.assignee, &ticket->assignee, "assign");
    if (ticket->assignee != before && !ticket->assignee.empty()) transaction.record_assignment(ticket->assignee, "", now);
    for (const auto& tag : change.add_tags) {
      if (std::find(ticket->tags.begin(), ticket->tags.end(), tag) != ticket->tags.end()) continue;
      transaction.add_tag(ticket->id, tag);
      transaction.add_event(Event{0, ticket->id, now, admin, "tag", "added " + tag});
      ticket->tags.push_back(tag);
      done.push_back("tag +" + tag);
    }
    for (const auto& tag : change.remove_tags) {
      auto it = std::find(ticket->tags.begin(), ticket->tags.end(), tag);
      if (it == ticket->tags.end()) continue;
      transaction.remove_tag(ticket->id, tag);
      transaction.add_event(Event{0, ticket->id, now, admin, "untag", "removed " + tag});
      ticket->tags.erase(it);
      done.push_back("tag -" + tag);
    }
    transaction.update_ticket(*ticket, now);
    transaction.commit();
    if (done.empty()) {
      fmt::print("ticket #{}: nothing changed\n", ticket->number);
      return;
    }
    for (const auto& d : done) fmt::print("ticket #{}: {} (by {})\n", ticket->number, d, admin.name);
  } catch (const StoreError& e) {
    fmt::print(stderr, "{}\n", e.what());
    global.exit_code = kExitUnreachable;
  }
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
  list->add_flag("--overdue", options->overdue, "only tickets with an SLA target past due");
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
    if (options->overdue) filter.overdue_at = now_seconds();
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
  auto change = std::make_shared<AdminChange>();
  update->add_option("N", change->number, "the ticket number")->required();
  update->add_option("--status", change->status, "open, pending, on-hold, resolved or closed");
  update->add_option("--priority", change->priority, "low, normal, high or urgent");
  update->add_option("--assign", change->assignee, "a configured agent, or - to unassign");
  update->add_option("--group", change->group, "a configured group, or - for none");
  update->add_option("--tag", change->add_tags, "add this tag (repeatable)");
  update->add_option("--untag", change->remove_tags, "remove this tag (repeatable)");
  update->add_flag("--no-notify", change->quiet, "do not mail the customer about a status change");
  update->callback([&global, change] { update_ticket_as_admin(global, *change); });
}

}  // namespace ticketd
