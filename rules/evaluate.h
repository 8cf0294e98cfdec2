// evaluate_rules: the rules stage of the pipeline. A pure function of the
// rule set, the parsed mail, the ticket facts and the time: no I/O, no clock,
// no store. Same inputs, same Decision (tests and `ticketd rules test` rely
// on it).
//
// Order and bounds (issue 4, point 5):
//  - each rule is evaluated at most once per mail, in RuleSet order; rules
//    whose applies_to does not fit (new ticket / follow-up) or that are
//    disabled are skipped; a matching rule with `stop = true` ends evaluation;
//  - conditions look at most `max_text_bytes` of any one text (subject,
//    body, reply, header value); RE2 matching is linear in that;
//  - at most `max_actions` actions per mail: a matching rule whose actions
//    would pass the cap takes none (the trace says so);
//  - conditions on the ticket's state (tags, priority, group, status,
//    assignee, assigned) see the ticket as changed by the earlier matching
//    rules of this run, so a last "defaults" rule can say "when no group yet";
//  - rules never re-run because of their own actions: a rule evaluated
//    earlier in the run is not evaluated again when a later rule changes the
//    status (or anything else), so status changes cannot loop, and a rule
//    that matches every mail costs one evaluation per mail.
// Loop safety (DESIGN.md invariant 4): auto replies are withheld from
// auto-generated mail (Message::auto_generated) and from spam, and capped at
// `max_auto_replies`; what was withheld is listed in Decision::withheld.
#pragma once

#include <cstddef>
#include <cstdint>

#include "parser/message.h"
#include "rules/assignment.h"
#include "rules/decision.h"
#include "rules/rule_set.h"
#include "rules/ticket_facts.h"

namespace ticketd {

struct EvaluationOptions {
  std::size_t max_actions = 1000;
  std::size_t max_text_bytes = 1u << 20;
  std::size_t max_auto_replies = 3;
  // true: the trace has a line for every rule of the set, saying why it did
  // or did not match (what `ticketd rules test` shows). false: the trace
  // lists only the rules that matched, with why: the pipeline's choice (it
  // records those as events), which saves a trace line and a sentence per
  // rule per mail (see bench/rules_bench.cpp for what that is worth).
  bool trace_misses = true;
};
using EvaluationLimits = EvaluationOptions;  // the earlier name

// `now_utc`: seconds since the epoch, for business-hours conditions.
Decision evaluate_rules(const RuleSet& rules, const Message& message, const TicketFacts& ticket,
                        std::int64_t now_utc, const EvaluationOptions& options = {});

// The ticket as it will be once `decision` is applied, as assignment sees
// it: the ticket's tags with the decision's added and removed, the decided
// priority (or the current one), the VIP flag.
AssignmentTicket assignment_ticket(const Decision& decision, const TicketFacts& ticket);

// Runs decision.assignment (if any) against `roster`: the daemon's one call
// after evaluate_rules when it assigns. Returns {assigned = false, reason =
// ""} when the decision holds no assignment request.
AssignmentResult run_assignment(const Decision& decision, const TicketFacts& ticket, const Roster& roster);

}  // namespace ticketd
