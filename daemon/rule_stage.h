// The "rules" stage of the intake pipeline: runs the admin's rules on a mail
// and its ticket facts (a pure decision, rules/), then applies that decision
// inside the intake's store transaction, each action an event with the rule
// as its actor (issue 4, point 7).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "daemon/config.h"
#include "daemon/threading.h"
#include "parser/message.h"
#include "store/records.h"
#include "templates/template_set.h"

namespace ticketd {

struct RuleSet;
class Store;
class StoreTransaction;

struct RuleChange {
  std::string rule;    // the rule's name: the event's actor
  std::string what;    // event kind: "tag", "untag", "priority", "group", "assign", "status", "note", "spam"
  std::string value;   // the new value
  std::string detail;  // why, for people
};

struct RuleReply {
  std::string rule;
  std::string template_name;  // canned answer event name
};

struct RuleOutcome {
  std::vector<RuleChange> changes;
  std::vector<RuleReply> replies;
  bool suppress_ack = false;
  std::string suppress_ack_by;
};

RuleOutcome run_rules(const RuleSet* rules, const Message& message, const ThreadMatch& match,
                      const std::string& language, const std::string& mailbox, const Store& store,
                      const Config& config, std::int64_t now);

// Applies the changes to `ticket` (written by the caller's update_ticket)
// and records each as an event.
void apply_rules(const RuleOutcome& outcome, Ticket* ticket, StoreTransaction& transaction, std::int64_t now);

// Queues the canned answers rules asked for, through the loop guard.
void queue_rule_replies(const RuleOutcome& outcome, const Ticket& ticket, const Message& message,
                        const MailboxConfig& mailbox, const Config& config, const TemplateSet& templates,
                        const Store& store, StoreTransaction& transaction, std::int64_t now);

}  // namespace ticketd
