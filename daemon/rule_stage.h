// The "rules" stage of the intake pipeline: runs the admin's rules on a mail
// and its ticket facts (a pure decision, rules/evaluate.h), runs the
// assignment strategy a rule asked for against the agents of the config and
// their load in the store, then applies the result inside the intake's store
// transaction, each action an event with the rule's name as its actor
// (issue 4, point 7).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "daemon/config.h"
#include "daemon/threading.h"
#include "parser/message.h"
#include "rules/decision.h"
#include "rules/ticket_facts.h"
#include "store/records.h"
#include "templates/template_set.h"

namespace ticketd {

struct RuleSet;
struct Roster;
class Store;
class StoreTransaction;

struct RuleOutcome {
  std::optional<Decision> decision;  // nothing: no rules configured
  std::string assigned_agent;        // by name or by strategy
  std::string assigned_by;           // the rule
  std::string assignment_reason;     // for the event
  std::string round_robin_group;     // set when round-robin chose, to move the group's cursor
  bool suppress_ack = false;
  std::string suppress_ack_by;
};

// The facts rules see about the ticket the mail belongs to.
TicketFacts ticket_facts(const Message& message, const ThreadMatch& match, const std::string& language,
                         const std::string& mailbox, const Store& store);

// The agents of the config with their current load from the store.
Roster build_roster(const Config& config, const Store& store);

RuleOutcome run_rules(const RuleSet* rules, const Message& message, const TicketFacts& facts, const Store& store,
                      const Config& config, std::int64_t now);

// Applies the decision to `ticket` (the caller writes it with update_ticket)
// and records each change as an event, internal notes as notes, SLA
// targets as the ticket's own (the caller restarts its SLA clocks). True
// when the rules set SLA targets.
bool apply_rules(const RuleOutcome& outcome, Ticket* ticket, StoreTransaction& transaction, std::int64_t now);

// Queues the canned answers rules asked for (templates <lang>/canned/<name>.txt),
// each through the loop guard.
void queue_rule_replies(const RuleOutcome& outcome, const Ticket& ticket, const Message& message,
                        const MailboxConfig& mailbox, const Config& config, const TemplateSet& templates,
                        const Store& store, StoreTransaction& transaction, std::int64_t now);

}  // namespace ticketd
