#include "daemon/rule_stage.h"

#include <fmt/format.h>

#include <algorithm>

#include "store/store.h"

namespace ticketd {

RuleOutcome run_rules(const RuleSet* rules, const Message&, const ThreadMatch&, const std::string&,
                      const std::string&, const Store&, const Config&, std::int64_t) {
  RuleOutcome outcome;
  if (!rules) return outcome;
  return outcome;
}

void apply_rules(const RuleOutcome& outcome, Ticket* ticket, StoreTransaction& transaction, std::int64_t now) {
  for (const auto& change : outcome.changes) {
    if (change.what == "tag") {
      transaction.add_tag(ticket->id, change.value);
      if (std::find(ticket->tags.begin(), ticket->tags.end(), change.value) == ticket->tags.end()) {
        ticket->tags.push_back(change.value);
      }
    } else if (change.what == "untag") {
      transaction.remove_tag(ticket->id, change.value);
      std::erase(ticket->tags, change.value);
    } else if (change.what == "priority") {
      ticket->priority = change.value;
    } else if (change.what == "group") {
      ticket->group = change.value;
    } else if (change.what == "assign") {
      ticket->assignee = change.value;
    } else if (change.what == "status") {
      ticket->status = change.value;
    } else if (change.what == "spam") {
      ticket->spam = true;
    }
    transaction.add_event(Event{0, ticket->id, now, Actor::rule(change.rule), change.what,
                                change.detail.empty() ? change.value : change.detail});
  }
}

void queue_rule_replies(const RuleOutcome&, const Ticket&, const Message&, const MailboxConfig&, const Config&,
                        const TemplateSet&, const Store&, StoreTransaction&, std::int64_t) {}

}  // namespace ticketd
