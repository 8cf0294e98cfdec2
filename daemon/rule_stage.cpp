#include "daemon/rule_stage.h"

#include <fmt/format.h>

#include <algorithm>

#include "daemon/loop_guard.h"
#include "daemon/outgoing_mail.h"
#include "rules/assignment.h"
#include "rules/evaluate.h"
#include "rules/rule_set.h"
#include "store/store.h"

namespace ticketd {

namespace {

Event rule_event(std::int64_t ticket_id, std::int64_t now, const std::string& rule, std::string what,
                 std::string detail) {
  return new_event(ticket_id, now, Actor::rule(rule), std::move(what), std::move(detail));
}

}  // namespace

TicketFacts ticket_facts(const Message& message, const ThreadMatch& match, const std::string& language,
                         const std::string& mailbox, const Store& store) {
  TicketFacts facts;
  facts.is_new = !match.ticket;
  facts.mailbox = mailbox;
  facts.language = language;
  if (match.ticket) {
    facts.status = match.ticket->status;
    facts.priority = match.ticket->priority;
    facts.group = match.ticket->group;
    facts.assignee = match.ticket->assignee;
    facts.tags = match.ticket->tags;
  } else {
    facts.status = "new";
    facts.priority = "normal";
  }
  facts.customer_past_tickets = store.tickets_of_requester(message.from.address);
  return facts;
}

Roster build_roster(const Config& config, const Store& store) {
  Roster roster;
  for (const auto& a : config.agents) {
    auto load = store.agent_load(a.name);
    roster.agents.push_back(Agent{a.name, a.groups, a.skills, a.away, load.open_tickets, load.last_assigned_at});
  }
  roster.last_assigned_in_group = store.group_cursors();
  return roster;
}

RuleOutcome run_rules(const RuleSet* rules, const Message& message, const TicketFacts& facts, const Store& store,
                      const Config& config, std::int64_t now) {
  RuleOutcome outcome;
  if (!rules) return outcome;
  // The daemon records what rules did, not every rule that did not match:
  // tracing misses costs several times the parse of the mail.
  EvaluationOptions options;
  options.trace_misses = false;
  outcome.decision = evaluate_rules(*rules, message, facts, now, options);
  const Decision& d = *outcome.decision;
  if (d.assignee) {
    outcome.assigned_agent = d.assignee->value;
    outcome.assigned_by = d.assignee->rule;
    outcome.assignment_reason = fmt::format("assigned to {} by name", d.assignee->value);
  } else if (d.assignment) {
    AssignmentResult result = run_assignment(d, facts, build_roster(config, store));
    outcome.assigned_by = d.assignment->rule;
    outcome.assignment_reason = result.reason;
    if (result.assigned) {
      outcome.assigned_agent = result.agent;
      if (d.assignment->request.strategy == AssignmentStrategy::kRoundRobin) {
        outcome.round_robin_group = d.assignment->request.group;
      }
    }
  }
  if (d.suppress_ack) {
    outcome.suppress_ack = true;
    outcome.suppress_ack_by = d.suppress_ack->rule;
  }
  return outcome;
}

bool apply_rules(const RuleOutcome& outcome, Ticket* ticket, StoreTransaction& transaction, std::int64_t now) {
  if (!outcome.decision) return false;
  const Decision& d = *outcome.decision;
  for (const auto& tag : d.tags_to_add) {
    if (std::find(ticket->tags.begin(), ticket->tags.end(), tag.value) != ticket->tags.end()) continue;
    transaction.add_tag(ticket->id, tag.value);
    ticket->tags.push_back(tag.value);
    transaction.add_event(rule_event(ticket->id, now, tag.rule, "tag", "added " + tag.value));
  }
  for (const auto& tag : d.tags_to_remove) {
    if (std::find(ticket->tags.begin(), ticket->tags.end(), tag.value) == ticket->tags.end()) continue;
    transaction.remove_tag(ticket->id, tag.value);
    std::erase(ticket->tags, tag.value);
    transaction.add_event(rule_event(ticket->id, now, tag.rule, "untag", "removed " + tag.value));
  }
  auto set = [&](const std::optional<RuleValue>& value, std::string* field, const char* what) {
    if (!value || value->value == *field) return;
    transaction.add_event(rule_event(ticket->id, now, value->rule, what,
                                     fmt::format("{} -> {}", field->empty() ? "-" : *field, value->value)));
    *field = value->value;
  };
  set(d.priority, &ticket->priority, "priority");
  set(d.group, &ticket->group, "group");
  set(d.status, &ticket->status, "status");
  if (!outcome.assigned_by.empty()) {
    if (!outcome.assigned_agent.empty() && outcome.assigned_agent != ticket->assignee) {
      ticket->assignee = outcome.assigned_agent;
      transaction.record_assignment(outcome.assigned_agent, outcome.round_robin_group, now);
    }
    transaction.add_event(rule_event(ticket->id, now, outcome.assigned_by, "assign", outcome.assignment_reason));
  }
  if (d.spam && !ticket->spam) {
    ticket->spam = true;
    transaction.add_event(rule_event(ticket->id, now, d.spam->rule, "spam", "marked as spam; no notifications"));
  }
  for (const auto& note : d.notes) {
    StoredMessage m;
    m.ticket_id = ticket->id;
    m.direction = "note";
    m.author = Actor::rule(note.rule);
    m.body = note.value;
    m.reply = note.value;
    m.created_at = now;
    transaction.add_message(m, {}, {});
    transaction.add_event(rule_event(ticket->id, now, note.rule, "note", "internal note added"));
  }
  for (const auto& withheld : d.withheld) {
    transaction.add_event(new_event(ticket->id, now, Actor::system("rules"), "withheld", withheld));
  }
  for (const auto& target : d.sla_targets) {
    transaction.put_sla_override(SlaOverride{ticket->id, target.kind, target.minutes, target.rule});
    transaction.add_event(rule_event(ticket->id, now, target.rule, "sla",
                                     fmt::format("{} target {} business minutes (instead of the {} priority's)",
                                                 target.kind, target.minutes, ticket->priority)));
  }
  return !d.sla_targets.empty();
}

void queue_rule_replies(const RuleOutcome& outcome, const Ticket& ticket, const Message& message,
                        const MailboxConfig& mailbox, const Config& config, const TemplateSet& templates,
                        const Store& store, StoreTransaction& transaction, std::int64_t now) {
  if (!outcome.decision) return;
  for (const auto& reply : outcome.decision->auto_replies) {
    if (auto why = why_no_automatic_reply(message, config, store, now); why || ticket.spam) {
      transaction.add_event(rule_event(ticket.id, now, reply.rule, "auto-reply-suppressed",
                                       fmt::format("canned answer {} not sent: {}", reply.value,
                                                   why ? *why : std::string("spam"))));
      continue;
    }
    TicketMailRequest request{"auto_reply", "canned/" + reply.value, "auto-replied", message.from, &message,
                              {{"canned_name", reply.value}}};
    TicketMail mail = make_ticket_mail(request, ticket, mailbox, config, templates, now);
    transaction.queue_mail(mail.outbox);
    StoredMessage out;
    out.ticket_id = ticket.id;
    out.direction = "out";
    out.author = Actor::rule(reply.rule);
    out.message_id = mail.outbox.message_id;
    out.in_reply_to = message.message_id;
    out.subject = mail.subject;
    out.body = mail.text;
    out.reply = mail.text;
    out.created_at = now;
    transaction.add_message(out, {}, {});
    transaction.add_event(rule_event(ticket.id, now, reply.rule, "mail-queued",
                                     fmt::format("canned answer {} <{}> to {}", reply.value,
                                                 mail.outbox.message_id, message.from.address)));
  }
}

}  // namespace ticketd
