#include "daemon/mail_intake.h"

#include <fmt/format.h>

#include "daemon/agent_mail.h"
#include "daemon/agent_notifications.h"
#include "daemon/bounce_stage.h"
#include "daemon/csat_intake.h"
#include "daemon/loop_guard.h"
#include "daemon/outgoing_mail.h"
#include "daemon/rule_stage.h"
#include "daemon/sla.h"
#include "daemon/threading.h"
#include "daemon/ticket_lifecycle.h"
#include "parser/language.h"
#include "parser/mail_parser.h"
#include "parser/sha256.h"
#include "store/store.h"

namespace ticketd {

std::string dedupe_key(const std::string& message_id, const std::string& raw_sha256) {
  if (!message_id.empty()) return "mid:" + message_id;
  return "sha256:" + raw_sha256;
}

std::string describe(const IntakeOutcome& outcome) {
  switch (outcome.kind) {
    case IntakeOutcome::Kind::new_ticket:
      return fmt::format("new ticket #{} ({})", outcome.ticket_number, outcome.detail);
    case IntakeOutcome::Kind::follow_up:
      return fmt::format("follow-up on ticket #{} ({})", outcome.ticket_number, outcome.detail);
    case IntakeOutcome::Kind::duplicate:
      break;
  }
  return fmt::format("duplicate, skipped ({})", outcome.detail);
}

StoredMessage incoming_message(const Message& message, std::int64_t ticket_id, std::int64_t now) {
  StoredMessage stored;
  stored.ticket_id = ticket_id;
  stored.direction = "in";
  stored.author = Actor::customer(message.from.address);
  stored.message_id = message.message_id;
  stored.in_reply_to = message.in_reply_to;
  stored.subject = message.subject;
  stored.body = message.body;
  stored.reply = message.reply;
  stored.auto_generated = message.auto_generated.value_or("");
  stored.created_at = now;
  return stored;
}

MailIntake::MailIntake(const Config& config, Store& store, const TemplateSet& templates, const RuleSet* rules,
                       Log& log)
    : config_(config), store_(store), templates_(templates), rules_(rules), log_(log) {}

PreparedMail MailIntake::prepare(std::string_view raw, std::int64_t received_at) const {
  // The store keeps an attachment's name, type, size and hash, and its
  // bytes only inside the raw mail; a decoded copy would double what a
  // mail holds while it waits to be taken and while intake works on it
  // (peak RSS over issue 8's bound at 5,000 mails), and decoding it whole
  // cost a fresh allocation, zero-filled, per attachment. The one stage
  // that sends attachments on, an agent's reply, decodes them again.
  ParseLimits limits = config_.limits;
  limits.keep_attachment_bytes = false;
  return PreparedMail{parse_mail(raw, received_at, limits), sha256_hex(raw), std::nullopt};
}

PreparedMail MailIntake::prepare_and_keep(std::string_view raw, std::int64_t received_at) const {
  PreparedMail prepared = prepare(raw, received_at);
  std::string refused;  // the transaction meets the same refusal, and reports it
  prepared.kept = store_.keep_raw_mail_ahead(raw, prepared.raw_sha256, &refused);
  return prepared;
}

std::int64_t add_incoming_message(StoreTransaction& transaction, const StoredMessage& message,
                                  const IncomingMail& mail, const std::vector<Attachment>& attachments) {
  if (mail.prepared && mail.prepared->kept) {
    return transaction.add_message_kept_ahead(message, *mail.prepared->kept, attachments);
  }
  return transaction.add_message(message, mail.raw, attachments, mail.prepared ? mail.prepared->raw_sha256 : "");
}

std::string raw_bytes_of(const IncomingMail& mail, const Store& store) {
  if (mail.raw.empty() && mail.prepared && mail.prepared->kept) return store.kept_raw_mail_bytes(*mail.prepared->kept);
  return mail.raw;
}

// A mail taken already comes back when the server never heard it was done:
// the process or the system stopped between commit and marking. After a
// system crash, the commit may have reached the disk without the raw mail's
// bytes in the mail log (store/store.h, raw_mail_intact()); the server's copy
// is then the only one left, so it is kept again before the mail is marked.
void MailIntake::keep_raw_mail_whole(const IncomingMail& mail, const std::string& raw_sha256) {
  const KeptRawMail* kept = mail.prepared && mail.prepared->kept ? &*mail.prepared->kept : nullptr;
  if ((mail.raw.empty() && !kept) || store_.raw_mail_intact(raw_sha256)) return;
  auto transaction = store_.begin();
  if (kept) {
    transaction.rewrite_raw_mail(*kept);  // the fetching thread wrote the server's copy already
  } else {
    transaction.rewrite_raw_mail(mail.raw, raw_sha256);
  }
  transaction.commit();
  log_.warning("{}: the stored copy of a mail taken already (SHA-256 {}) was cut short or damaged, as by a crash "
               "of the system: kept again from the server's copy", mail.mailbox, raw_sha256);
}

IntakeOutcome MailIntake::process(const IncomingMail& mail, std::int64_t now) {
  const MailboxConfig* mailbox = config_.mailbox(mail.mailbox);
  if (!mailbox) throw std::invalid_argument(fmt::format("unknown mailbox \"{}\"", mail.mailbox));

  // Stage: dedupe by IMAP position (a crash after commit, before marking).
  if (mail.source && store_.uid_processed(mail.source->mailbox, mail.source->uidvalidity, mail.source->uid)) {
    keep_raw_mail_whole(mail, mail.prepared ? mail.prepared->raw_sha256 : sha256_hex(mail.raw));
    return {IntakeOutcome::Kind::duplicate, 0, "already processed (same UIDVALIDITY and UID)"};
  }

  // Stage: parse. Never fails: a broken mail still becomes a ticket.
  std::optional<PreparedMail> prepared_here;
  if (!mail.prepared) prepared_here = prepare(mail.raw, mail.received_at ? mail.received_at : now);
  const PreparedMail& prepared = mail.prepared ? *mail.prepared : *prepared_here;
  const Message& message = prepared.message;

  // Stage: dedupe by content (the same mail fetched again, or UIDVALIDITY changed).
  std::string key = dedupe_key(message.message_id, prepared.raw_sha256);
  if (store_.mail_key_known(mail.mailbox, key)) {
    keep_raw_mail_whole(mail, prepared.raw_sha256);
    auto transaction = store_.begin();
    auto ticket_id = store_.mail_processed(mail.mailbox, key);
    transaction.record_processed(mail.source, mail.mailbox, key, ticket_id, now);
    transaction.commit();
    return {IntakeOutcome::Kind::duplicate, 0, fmt::format("already processed (Message-ID <{}>)", message.message_id)};
  }

  // Stage: bounce of a mail we sent -> an event on its ticket, never a new
  // ticket and never an answer (issue 5, loop protection).
  if (auto bounce = take_bounce(message, mail, key, config_, store_, now)) return *bounce;

  // Stage: satisfaction rating, by a signed rating address (issue 5 point
  // 6): recorded on its ticket and nothing else, no ticket, no answer.
  if (auto token = rating_address_in(message, config_)) {
    return take_rating_mail(message, *token, mail, key, config_, store_, now);
  }

  // Stage: an agent's signed reply (issue 6): answers the customer and runs
  // commands; a mail from an agent's address without a valid token goes on
  // as a customer's, and `agent.refused` says why (anti-spoofing).
  AgentMailMatch agent = recognise_agent_mail(message, config_);
  if (agent.agent) {
    if (auto done = AgentMailStage(config_, store_, templates_, log_).process(agent, message, mail, key, now)) {
      return *done;
    }
  }

  // The lookups from here to the commit (threading, the customer's past
  // tickets, the agents' loads) read one snapshot: one read transaction
  // instead of one per query. begin() below ends it.
  Store::ReadSnapshot lookups = store_.read_snapshot();

  // Stage: thread.
  ThreadMatch match = find_thread(message, store_, ThreadingPolicy{config_.lifecycle.reopen_window_days * 86400}, now);
  if (match.ticket) {
    if (auto rated = take_survey_reply(message, match.ticket->id, mail, key, store_, now)) return *rated;
  }
  std::string language = detect_language(message.reply.empty() ? message.body : message.reply);

  // Stage: rules (a pure decision; applied inside the transaction below).
  TicketFacts facts = ticket_facts(message, match, language, mail.mailbox, store_);
  RuleOutcome rules = run_rules(rules_, message, facts, store_, config_, now);

  // Stage: commit, one transaction.
  auto transaction = store_.begin();
  IntakeOutcome outcome;
  Ticket ticket;
  Actor customer = Actor::customer(message.from.address);
  if (match.ticket) {
    ticket = *match.ticket;
    outcome.kind = IntakeOutcome::Kind::follow_up;
  } else {
    ticket.subject = message.normalized_subject.empty() ? message.subject : message.normalized_subject;
    if (ticket.subject.empty()) ticket.subject = "(no subject)";
    ticket.status = "new";
    ticket.requester_address = message.from.address;
    ticket.requester_name = message.from.name;
    ticket.mailbox = mail.mailbox;
    ticket.language = !language.empty() ? language : mailbox->language;
    ticket.created_at = now;
    ticket.linked_ticket_id = match.linked_ticket_id;
    ticket = transaction.create_ticket(ticket);
    outcome.kind = IntakeOutcome::Kind::new_ticket;
    transaction.add_event(new_event(ticket.id, now, customer, "created",
                                fmt::format("from {} via mailbox {} ({})", message.from.address, mail.mailbox,
                                            match.how)));
  }
  transaction.add_participant(ticket.id, message.from.address);
  for (const auto& cc : message.cc) {
    if (!is_own_address(config_, cc.address)) transaction.add_participant(ticket.id, cc.address);
  }
  add_incoming_message(transaction, incoming_message(message, ticket.id, now), mail, message.attachments);
  if (!agent.refused.empty()) {
    transaction.add_event(new_event(ticket.id, now, Actor::system("anti-spoofing"), "agent-refused", agent.refused));
  }
  if (outcome.kind == IntakeOutcome::Kind::follow_up) {
    transaction.add_event(new_event(ticket.id, now, customer, "message", match.how));
    // The lifecycle (daemon/ticket_lifecycle.h): a customer writing again
    // wakes a waiting or finished ticket; told so (threaded on this mail)
    // when it was resolved or closed, unless the mail was automatic.
    if (auto next = status_after_customer_reply(ticket.status)) {
      LifecycleContext lifecycle{config_, store_, templates_, transaction, now, &log_};
      bool tell = !why_no_automatic_reply(message, config_, store_, now) && !ticket.spam;
      std::string err;
      change_status(lifecycle, &ticket, StatusChange{*next, customer, "the customer wrote again", tell}, &err);
    }
    sla_on_customer_message(config_, store_, transaction, ticket, now);
  }
  for (const auto& note : message.notes) {
    transaction.add_event(new_event(ticket.id, now, Actor::system("parser"), "parse-note", note));
  }

  const std::string assignee_before = ticket.assignee;
  const Ticket before_rules = ticket;
  bool sla_targets_set = apply_rules(rules, &ticket, transaction, now);
  transaction.update_ticket(ticket, now);
  if (outcome.kind == IntakeOutcome::Kind::new_ticket) {
    transaction.set_status_since(ticket.id, ticket.status, now);
    // After the rules: they set the priority and maybe the ticket's own targets.
    sla_on_new_ticket(config_, store_, transaction, ticket, now);
  } else {
    if (ticket.priority != before_rules.priority || sla_targets_set) {
      sla_on_targets_change(config_, store_, transaction, ticket);
    }
    if (ticket.status != before_rules.status) {
      transaction.set_status_since(ticket.id, ticket.status, now);
      sla_on_status_change(config_, store_, transaction, ticket, before_rules.status, ticket.status, now);
    }
  }

  // Acknowledge a new ticket, unless a rule, the loop guard or spam says no.
  if (outcome.kind == IntakeOutcome::Kind::new_ticket) {
    std::optional<std::string> no_ack = why_no_automatic_reply(message, config_, store_, now);
    if (!no_ack && rules.suppress_ack) no_ack = "a rule suppressed it (" + rules.suppress_ack_by + ")";
    if (!no_ack && ticket.spam) no_ack = std::string("marked as spam");
    if (no_ack) {
      transaction.add_event(new_event(ticket.id, now, Actor::system("loop-guard"), "ack-suppressed", *no_ack));
      outcome.detail = fmt::format("{}; no acknowledgement: {}", match.how, *no_ack);
    } else {
      TicketMailRequest request{"ack", "ack", "auto-replied", message.from, &message, {}};
      TicketMail ack = make_ticket_mail(request, ticket, *mailbox, config_, templates_, now);
      if (!ack.fallback_reason.empty()) {
        log_.warning("template fallback for ticket #{}: {}", ticket.number, ack.fallback_reason);
      }
      transaction.queue_mail(ack.outbox);
      StoredMessage out;
      out.ticket_id = ticket.id;
      out.direction = "out";
      out.author = Actor::system("acknowledgement");
      out.message_id = ack.outbox.message_id;
      out.in_reply_to = message.message_id;
      out.subject = ack.subject;
      out.body = ack.text;
      out.reply = ack.text;
      out.created_at = now;
      transaction.add_message(out, {}, {});
      transaction.add_event(new_event(ticket.id, now, Actor::system("acknowledgement"), "mail-queued",
                                  fmt::format("acknowledgement <{}> to {}", ack.outbox.message_id,
                                              message.from.address)));
      outcome.detail = fmt::format("{}; acknowledgement queued", match.how);
    }
  } else {
    outcome.detail = match.how;
  }
  queue_rule_replies(rules, ticket, message, *mailbox, config_, templates_, store_, transaction, now);
  // Tell the agents: the new assignee, or whoever works the ticket (issue 6).
  std::string notified = notify_agents_of_customer_mail(message, ticket, assignee_before, rules.assigned_by, *mailbox,
                                                        config_, templates_, store_, transaction, now);
  if (!notified.empty()) outcome.detail += "; " + notified;

  transaction.record_processed(mail.source, mail.mailbox, key, ticket.id, now);
  transaction.commit();
  outcome.ticket_number = ticket.number;
  return outcome;
}

}  // namespace ticketd
