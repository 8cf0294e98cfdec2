// Decision: what the rules decided for one mail, and why.
//
// Every value remembers the rule that set it (`rule`), so the daemon records
// each change as an event with that rule as its actor. Values are final:
// conflicts between rules are already resolved (see below), and the daemon
// applies a Decision to the ticket as it is, in one transaction.
//
// How values from several matching rules combine (rules run in file-name
// order, then in the order written):
//  - tags: added and removed in order; a later rule can remove a tag an
//    earlier one added (and add back one it removed); the final sets are
//    disjoint and hold no duplicates;
//  - priority: the highest any matching rule asked for (low < normal < high
//    < urgent), so "VIP -> urgent" is not undone by "billing -> high";
//  - group, status, assignee/assignment: the last matching rule wins; a named
//    assignee and an assignment request replace each other;
//  - auto replies and notes: all of them, duplicates dropped;
//  - suppress_ack, spam, vip: set once any rule sets them;
//  - SLA targets: per kind, the strictest (fewest minutes) any rule set, so
//    "VIP: answer within 30 minutes" is not undone by a looser rule.
// Rules never re-run because of their own changes: a status a rule sets does
// not trigger rules, so status changes cannot loop.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rules/assignment.h"

namespace ticketd {

struct RuleValue {
  std::string value;
  std::string rule;  // name of the rule that set it

  bool operator==(const RuleValue&) const = default;
};

// One SLA target a rule set for the ticket (kind as in daemon/sla.h).
struct RuleSlaTarget {
  std::string kind;  // "first_response", "next_response", "resolution"
  std::int64_t minutes = 0;  // business minutes
  std::string rule;

  bool operator==(const RuleSlaTarget&) const = default;
};

struct RuleAssignment {
  AssignmentRequest request;  // group resolved: never empty unless no group was known
  std::string rule;
};

// One rule's line in the trace.
struct RuleTrace {
  std::string rule;
  std::string file;
  int line = 0;
  bool evaluated = false;  // false: skipped (wrong ticket kind, disabled, or after a stop)
  bool matched = false;
  std::string why;                   // the condition(s) that decided, or why it was skipped
  std::vector<std::string> actions;  // what it did, e.g. `priority high`, `add tag billing`
};

struct Decision {
  std::vector<RuleValue> tags_to_add;
  std::vector<RuleValue> tags_to_remove;
  std::optional<RuleValue> priority;
  std::optional<RuleValue> group;
  std::optional<RuleValue> status;
  std::optional<RuleValue> assignee;          // a named agent (`assign = "li.na"`)
  std::optional<RuleAssignment> assignment;   // or a strategy to run (rules/assignment.h)
  std::vector<RuleValue> auto_replies;        // template names of canned answers
  std::vector<RuleValue> notes;               // internal notes
  std::optional<RuleValue> suppress_ack;      // value "true"; present = do not acknowledge
  std::optional<RuleValue> spam;              // value "true"; present = spam, no notifications
  std::optional<RuleValue> vip;               // value "true"; present = VIP customer
  std::vector<RuleSlaTarget> sla_targets;     // at most one per kind

  // Safety notes for people: auto replies withheld from auto-generated mail
  // or spam, actions dropped at the per-mail cap.
  std::vector<std::string> withheld;

  // Every rule of the set, in evaluation order; only the matched ones when
  // evaluated with EvaluationOptions::trace_misses = false.
  std::vector<RuleTrace> trace;
  std::string stopped_by;        // name of the rule whose `stop` ended evaluation, or ""
};

}  // namespace ticketd
