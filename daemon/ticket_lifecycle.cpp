#include "daemon/ticket_lifecycle.h"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>

#include "daemon/loop_guard.h"
#include "daemon/outgoing_mail.h"
#include "daemon/sla.h"
#include "store/store.h"

namespace ticketd {

bool is_ticket_status(std::string_view status) {
  return std::find(std::begin(kStatuses), std::end(kStatuses), status) != std::end(kStatuses);
}

bool transition_allowed(std::string_view from, std::string_view to) {
  if (!is_ticket_status(from) || !is_ticket_status(to) || from == to || to == "new") return false;
  if (from == "closed") return to == "open";
  if (from == "resolved") return to == "open" || to == "closed";
  return true;  // new, open, pending, on-hold: to any other working or final status
}

std::optional<std::string> status_after_customer_reply(std::string_view status) {
  if (status == "pending" || status == "resolved" || status == "closed") return std::string("open");
  return std::nullopt;
}

std::string status_notice_event(std::string_view from, std::string_view to) {
  if (to == "pending") return "status_pending";
  if (to == "resolved") return "status_resolved";
  if (to == "closed") return "status_closed";
  if (to == "open" && (from == "resolved" || from == "closed")) return "status_reopened";
  return "";
}


bool queue_customer_notice(LifecycleContext& ctx, const Ticket& ticket, const std::string& event_name,
                           const Placeholders& values, const std::string& kind) {
  const MailboxConfig* mailbox = ctx.config.mailbox(ticket.mailbox);
  std::string why_not;
  if (!mailbox && !ctx.config.mailboxes.empty()) mailbox = &ctx.config.mailboxes.front();
  if (!mailbox) why_not = "no mailbox to send from";
  else if (ticket.requester_address.empty()) why_not = "the ticket has no customer address";
  else if (ticket.spam) why_not = "marked as spam";
  else if (is_own_address(ctx.config, ticket.requester_address)) why_not = "the customer address is our own";
  if (!why_not.empty()) {
    ctx.transaction.add_event(new_event(ticket.id, ctx.now, Actor::system("lifecycle"), "mail-suppressed",
                                    fmt::format("{} not sent: {}", event_name, why_not)));
    return false;
  }
  // Thread on the customer's last mail (RFC 5322 3.6.4), so the customer's
  // client shows one conversation.
  Message parent;
  if (auto last = ctx.store.last_message_of(ticket.id, "in", "customer")) {
    parent.message_id = last->message_id;
    parent.in_reply_to = last->in_reply_to;
  }
  TicketMailRequest request{kind, event_name, "auto-generated",
                            Address{ticket.requester_name, ticket.requester_address},
                            parent.message_id.empty() ? nullptr : &parent, values};
  TicketMail mail = make_ticket_mail(request, ticket, *mailbox, ctx.config, ctx.templates, ctx.now);
  if (!mail.fallback_reason.empty() && ctx.log) {
    ctx.log->warning("template fallback for ticket #{}: {}", ticket.number, mail.fallback_reason);
  }
  ctx.transaction.queue_mail(mail.outbox);
  StoredMessage out;
  out.ticket_id = ticket.id;
  out.direction = "out";
  out.author = Actor::system(event_name);
  out.message_id = mail.outbox.message_id;
  out.in_reply_to = parent.message_id;
  out.subject = mail.subject;
  out.body = mail.text;
  out.reply = mail.text;
  out.created_at = ctx.now;
  ctx.transaction.add_message(out, {}, {});
  ctx.transaction.add_event(new_event(ticket.id, ctx.now, Actor::system(event_name), "mail-queued",
                                  fmt::format("{} <{}> to {}", event_name, mail.outbox.message_id,
                                              ticket.requester_address)));
  return true;
}

bool change_status(LifecycleContext& ctx, Ticket* ticket, const StatusChange& change, std::string* err) {
  const std::string from = ticket->status;
  if (from == change.to) return true;
  if (!transition_allowed(from, change.to)) {
    if (!is_ticket_status(change.to)) {
      *err = fmt::format("\"{}\" is not a status (new, open, pending, on-hold, resolved, closed)", change.to);
    } else {
      *err = fmt::format("ticket #{} cannot go from {} to {}", ticket->number, from, change.to);
    }
    return false;
  }
  ticket->status = change.to;
  if (change.to == "resolved") ticket->resolved_at = ctx.now;
  if (change.to == "closed") {
    ticket->closed_at = ctx.now;
    if (!ticket->resolved_at) ticket->resolved_at = ctx.now;
  }
  if (change.to == "open" || change.to == "pending" || change.to == "on-hold") {
    ticket->resolved_at.reset();
    ticket->closed_at.reset();
  }
  ctx.transaction.add_event(new_event(ticket->id, ctx.now, change.actor, "status",
                                  fmt::format("{} -> {}: {}", from, change.to, change.why)));
  const bool reopened = (from == "resolved" || from == "closed") && change.to == "open";
  if (reopened) ctx.transaction.add_event(new_event(ticket->id, ctx.now, change.actor, "reopened", change.why));
  ctx.transaction.set_status_since(ticket->id, change.to, ctx.now);
  sla_on_status_change(ctx.config, ctx.store, ctx.transaction, *ticket, from, change.to, ctx.now);

  if (change.to == "resolved" && ctx.config.csat.enabled && !ticket->spam) {
    CsatSurvey survey;
    survey.ticket_id = ticket->id;
    survey.customer = ticket->requester_address;
    survey.due_at = ctx.now + ctx.config.csat.delay_minutes * 60;
    ctx.transaction.plan_survey(survey);
  }
  std::string notice = status_notice_event(from, change.to);
  if (change.notify_customer && !notice.empty()) {
    queue_customer_notice(ctx, *ticket, notice, {{"reason", change.why}});
  }
  return true;
}

}  // namespace ticketd
