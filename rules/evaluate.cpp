#include "rules/evaluate.h"

#include <algorithm>

#include "rules/mail_facts.h"

namespace ticketd {
namespace {

int priority_rank(std::string_view p) {
  if (p == "low") return 0;
  if (p == "normal") return 1;
  if (p == "high") return 2;
  if (p == "urgent") return 3;
  return -1;
}

bool holds(const std::vector<RuleValue>& list, const std::string& value) {
  return std::any_of(list.begin(), list.end(), [&](const RuleValue& v) { return v.value == value; });
}

void erase_value(std::vector<RuleValue>* list, const std::string& value) {
  list->erase(std::remove_if(list->begin(), list->end(), [&](const RuleValue& v) { return v.value == value; }),
              list->end());
}

// A later rule replaces a single value; the trace says what it replaced.
void set_value(std::optional<RuleValue>* slot, const std::string& what, const std::string& value,
               const std::string& rule, RuleTrace* trace) {
  std::string line = what + " " + value;
  if (*slot && (*slot)->value != value) line += " (replaces " + (*slot)->value + " from rule " + (*slot)->rule + ")";
  *slot = RuleValue{value, rule};
  trace->actions.push_back(line);
}

void set_flag(std::optional<RuleValue>* slot, const std::string& what, const std::string& rule, RuleTrace* trace) {
  if (!*slot) *slot = RuleValue{"true", rule};
  trace->actions.push_back(what);
}

void apply_actions(const Rule& rule, Decision* d, RuleTrace* trace) {
  const RuleActions& a = rule.then;
  for (const auto& tag : a.add_tags) {
    erase_value(&d->tags_to_remove, tag);
    if (!holds(d->tags_to_add, tag)) d->tags_to_add.push_back({tag, rule.name});
    trace->actions.push_back("add tag " + tag);
  }
  for (const auto& tag : a.remove_tags) {
    erase_value(&d->tags_to_add, tag);
    if (!holds(d->tags_to_remove, tag)) d->tags_to_remove.push_back({tag, rule.name});
    trace->actions.push_back("remove tag " + tag);
  }
  if (a.priority) {
    if (d->priority && priority_rank(d->priority->value) >= priority_rank(*a.priority)) {
      trace->actions.push_back("priority " + *a.priority + " (kept " + d->priority->value + " from rule " +
                               d->priority->rule + ": the highest wins)");
    } else {
      set_value(&d->priority, "priority", *a.priority, rule.name, trace);
    }
  }
  if (a.group) set_value(&d->group, "group", *a.group, rule.name, trace);
  if (a.status) set_value(&d->status, "status", *a.status, rule.name, trace);
  if (a.assign_agent) {
    d->assignment.reset();
    set_value(&d->assignee, "assign", *a.assign_agent, rule.name, trace);
  }
  if (a.assign_strategy) {
    d->assignee.reset();
    d->assignment = RuleAssignment{*a.assign_strategy, rule.name};
    std::string line = "assign by " + std::string(strategy_name(a.assign_strategy->strategy));
    if (!a.assign_strategy->group.empty()) line += " in " + a.assign_strategy->group;
    if (!a.assign_strategy->seniors.empty()) line += " (seniors first for VIP/urgent)";
    trace->actions.push_back(line);
  }
  if (a.vip) set_flag(&d->vip, "vip", rule.name, trace);
  for (const auto& name : a.auto_replies) {
    if (!holds(d->auto_replies, name)) d->auto_replies.push_back({name, rule.name});
    trace->actions.push_back("auto reply " + name);
  }
  for (const auto& note : a.notes) {
    if (!holds(d->notes, note)) d->notes.push_back({note, rule.name});
    trace->actions.push_back("note \"" + note + "\"");
  }
  if (a.suppress_ack) set_flag(&d->suppress_ack, "suppress acknowledgement", rule.name, trace);
  if (a.spam) set_flag(&d->spam, "spam", rule.name, trace);
  for (const auto& [kind, minutes] : a.sla.targets()) {
    auto same = std::find_if(d->sla_targets.begin(), d->sla_targets.end(),
                             [&, &kind = kind](const RuleSlaTarget& t) { return t.kind == kind; });
    std::string line = "sla " + kind + " " + std::to_string(minutes) + " min";
    if (same == d->sla_targets.end()) {
      d->sla_targets.push_back({kind, minutes, rule.name});
    } else if (minutes < same->minutes) {
      line += " (replaces " + std::to_string(same->minutes) + " min from rule " + same->rule + ": the strictest wins)";
      *same = {kind, minutes, rule.name};
    } else {
      line += " (kept " + std::to_string(same->minutes) + " min from rule " + same->rule + ": the strictest wins)";
    }
    trace->actions.push_back(line);
  }
}

// Why `rule` does not apply to this mail, or null when it does.
const char* skip_reason(const Rule& rule, const TicketFacts& ticket) {
  if (!rule.enabled) return "skipped: disabled";
  if (rule.applies_to == AppliesTo::kNew && !ticket.is_new) return "skipped: applies to new tickets; this mail is a follow-up";
  if (rule.applies_to == AppliesTo::kFollowUp && ticket.is_new) return "skipped: applies to follow-ups; this mail opens a new ticket";
  return nullptr;
}

// Invariant 4 (no mail loops) does not depend on admins writing rules well.
void withhold_unsafe_replies(const Message& message, const EvaluationOptions& limits, Decision* d) {
  std::string reason;
  if (message.auto_generated) reason = "the mail is auto-generated (" + *message.auto_generated + ")";
  else if (d->spam) reason = "the mail is marked spam by rule " + d->spam->rule;
  std::vector<RuleValue> kept;
  for (auto& reply : d->auto_replies) {
    if (reason.empty() && kept.size() < limits.max_auto_replies) {
      kept.push_back(std::move(reply));
      continue;
    }
    d->withheld.push_back("auto reply " + reply.value + " (rule " + reply.rule + ") withheld: " +
                          (reason.empty() ? "more than " + std::to_string(limits.max_auto_replies) + " auto replies" : reason));
  }
  d->auto_replies = std::move(kept);
}

}  // namespace

std::size_t RuleActions::count() const {
  return add_tags.size() + remove_tags.size() + (priority ? 1 : 0) + (group ? 1 : 0) + (status ? 1 : 0) +
         (assign_agent ? 1 : 0) + (assign_strategy ? 1 : 0) + (vip ? 1 : 0) + auto_replies.size() + notes.size() +
         (suppress_ack ? 1 : 0) + (spam ? 1 : 0) + sla.targets().size();
}

std::vector<std::pair<std::string, std::int64_t>> RuleSlaTargets::targets() const {
  std::vector<std::pair<std::string, std::int64_t>> out;
  if (first_response_minutes) out.emplace_back("first_response", *first_response_minutes);
  if (next_response_minutes) out.emplace_back("next_response", *next_response_minutes);
  if (resolution_minutes) out.emplace_back("resolution", *resolution_minutes);
  return out;
}

Decision evaluate_rules(const RuleSet& rules, const Message& message, const TicketFacts& ticket,
                        std::int64_t now_utc, const EvaluationOptions& limits) {
  Decision d;
  if (limits.trace_misses) d.trace.reserve(rules.rules.size());
  MailFacts facts(message, ticket, now_utc, rules.business_hours ? &*rules.business_hours : nullptr,
                  limits.max_text_bytes, &rules.text_scans);
  facts.follow_decision(&d);
  std::size_t actions = 0;
  for (const Rule& rule : rules.rules) {
    const char* skip = !d.stopped_by.empty() ? "" : skip_reason(rule, ticket);
    if (!limits.trace_misses) {
      // The pipeline's path: decide first, and spend a trace line and a
      // sentence only on rules that matched.
      if (skip || !evaluate_condition(rule.when, facts, nullptr)) continue;
    }
    RuleTrace& trace = d.trace.emplace_back();
    trace.rule = rule.name;
    trace.file = rule.file;
    trace.line = rule.line;
    if (!d.stopped_by.empty()) {
      trace.why = "not evaluated: rule " + d.stopped_by + " stopped evaluation";
      continue;
    }
    if (skip) {
      trace.why = skip;
      continue;
    }
    trace.evaluated = true;
    trace.matched = evaluate_condition(rule.when, facts, &trace.why);
    if (!trace.matched) continue;
    const std::size_t n = rule.then.count();
    if (actions + n > limits.max_actions) {
      const std::string note = "rule " + rule.name + " took no action: the cap of " +
                               std::to_string(limits.max_actions) + " actions per mail was reached";
      trace.actions.push_back(note);
      d.withheld.push_back(note);
    } else {
      actions += n;
      apply_actions(rule, &d, &trace);
      const RuleActions& a = rule.then;
      if (!a.add_tags.empty() || !a.remove_tags.empty() || a.priority || a.group || a.status || a.assign_agent ||
          a.assign_strategy)
        facts.decision_changed();  // ticket-state fields read anew by later rules
    }
    if (rule.stop) {
      d.stopped_by = rule.name;
      trace.actions.push_back("stop");
    }
  }
  if (d.assignment && d.assignment->request.group.empty()) {
    // `assign = { strategy = ... }` without a group: the group the ticket
    // will be in once this decision is applied.
    d.assignment->request.group = d.group ? d.group->value : ticket.group;
  }
  withhold_unsafe_replies(message, limits, &d);
  return d;
}

AssignmentTicket assignment_ticket(const Decision& d, const TicketFacts& ticket) {
  AssignmentTicket t;
  for (const auto& tag : ticket.tags)
    if (!holds(d.tags_to_remove, tag)) t.tags.push_back(tag);
  for (const auto& tag : d.tags_to_add)
    if (std::find(t.tags.begin(), t.tags.end(), tag.value) == t.tags.end()) t.tags.push_back(tag.value);
  t.priority = d.priority ? d.priority->value : ticket.priority;
  t.vip = d.vip.has_value();
  return t;
}

AssignmentResult run_assignment(const Decision& decision, const TicketFacts& ticket, const Roster& roster) {
  if (!decision.assignment) return {};
  return choose_agent(decision.assignment->request, assignment_ticket(decision, ticket), roster);
}

}  // namespace ticketd
