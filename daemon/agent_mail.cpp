#include "daemon/agent_mail.h"

#include <fmt/format.h>

#include <algorithm>

#include "daemon/agent_commands.h"
#include "daemon/agent_notifications.h"
#include "daemon/loop_guard.h"
#include "daemon/outgoing_mail.h"
#include "daemon/reply_tokens.h"
#include "daemon/sla.h"
#include "daemon/ticket_lifecycle.h"
#include "parser/mail_parser.h"
#include "parser/reply_extractor.h"
#include "store/store.h"

namespace ticketd {

namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

const AgentConfig* agent_with_address(const Config& config, std::string_view address) {
  std::string wanted = lower(address);
  if (wanted.empty()) return nullptr;
  for (const auto& agent : config.agents) {
    for (const auto& a : agent.addresses) {
      if (lower(a) == wanted) return &agent;
    }
  }
  return nullptr;
}

// "<support+a1@example.com>" or "support+a1@example.com" -> the bare address.
std::string bare(std::string_view value) {
  auto open = value.find('<');
  auto close = value.find('>', open == std::string_view::npos ? 0 : open);
  if (open != std::string_view::npos && close != std::string_view::npos) value = value.substr(open + 1, close - open - 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  return std::string(value);
}

// Where the mail was addressed: To and Cc as written, and the envelope
// recipient the delivering MTA recorded (Postfix's Delivered-To,
// X-Original-To), which is what survives a Bcc or a client that rewrote To.
std::vector<std::string> recipients_of(const Message& message) {
  std::vector<std::string> out;
  for (const auto& a : message.to) out.push_back(a.address);
  for (const auto& a : message.cc) out.push_back(a.address);
  for (const auto& h : message.headers) {
    std::string name = lower(h.name);
    if (name == "delivered-to" || name == "x-original-to") out.push_back(bare(h.value));
  }
  return out;
}

Event agent_event(std::int64_t ticket_id, std::int64_t now, const AgentConfig& agent, std::string what,
                  std::string detail) {
  return Event{0, ticket_id, now, Actor{"agent", agent.name}, std::move(what), std::move(detail)};
}

std::string trim_end(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  return text;
}

}  // namespace

// The parser's Message::reply falls back to the whole body when stripping
// would leave nothing; a first line that is never a quote keeps the
// extractor from falling back, so a mail of quotes alone gives no text.
std::string agent_new_text(const Message& message) {
  static constexpr std::string_view kSentinel = "ticketd-agent-text-begins";
  std::string reply = extract_reply(std::string(kSentinel) + "\n" + message.body);
  if (reply.rfind(kSentinel, 0) != 0) return message.reply;  // cannot happen; keep the parser's answer
  reply.erase(0, kSentinel.size());
  if (!reply.empty() && reply.front() == '\n') reply.erase(0, 1);
  return reply;
}

AgentMailMatch recognise_agent_mail(const Message& message, const Config& config) {
  AgentMailMatch match;
  if (config.agents.empty()) return match;
  const AgentConfig* sender = agent_with_address(config, message.from.address);
  Signer signer(config.security.secret);

  // (a) A signed reply address among the recipients.
  for (const auto& address : recipients_of(message)) {
    auto token = parse_reply_address(address);
    if (!token || !is_own_address(config, token->base_address)) continue;
    const AgentConfig* signed_for = nullptr;
    for (const auto& agent : config.agents) {
      if (verify_reply_address(signer, *token, agent.name)) signed_for = &agent;
    }
    if (!signed_for) {
      match.refused = fmt::format("reply address {} has no valid signature", address);
    } else if (signed_for != sender) {
      match.refused = fmt::format("reply address of agent {} for ticket #{}, but the mail is from {}",
                                  signed_for->name, token->ticket_number, message.from.address);
    } else {
      match.agent = sender;
      match.ticket_number = token->ticket_number;
      match.how = fmt::format("reply address {}", address);
      match.refused.clear();
      return match;
    }
  }

  // (b) A Message-ID we signed for this agent, newest reference first.
  if (sender) {
    std::vector<std::pair<std::string, const char*>> ids;
    if (!message.in_reply_to.empty()) ids.emplace_back(message.in_reply_to, "In-Reply-To");
    for (auto it = message.references.rbegin(); it != message.references.rend(); ++it) {
      ids.emplace_back(*it, "References");
    }
    for (const auto& [id, header] : ids) {
      auto token = parse_message_id(id);
      if (token && verify_message_id(signer, *token, agent_mail_purpose(sender->name))) {
        match.agent = sender;
        match.ticket_number = token->ticket_number;
        match.how = fmt::format("signed {} <{}>", header, id);
        match.refused.clear();
        return match;
      }
    }
  }

  if (!match.refused.empty()) {
    match.refused += ": treated as a customer";
  } else if (sender) {
    match.refused = signer.usable() ? "agent address without a valid reply token: treated as a customer"
                                    : "agent address, but no [security] key to check reply tokens: "
                                      "treated as a customer";
  }
  return match;
}

AgentMailStage::AgentMailStage(const Config& config, Store& store, const TemplateSet& templates, Log& log)
    : config_(config), store_(store), templates_(templates), log_(log) {}

std::optional<IntakeOutcome> AgentMailStage::process(AgentMailMatch& match, const Message& message,
                                                     const IncomingMail& mail, const std::string& dedupe_key,
                                                     std::int64_t now) {
  const AgentConfig& agent = *match.agent;
  auto found = store_.ticket_by_number(match.ticket_number);
  if (!found) {
    match.refused = fmt::format("agent {}'s reply names ticket #{}, which does not exist: treated as a customer",
                                agent.name, match.ticket_number);
    match.agent = nullptr;
    return std::nullopt;
  }
  Ticket ticket = *found;
  const MailboxConfig* mailbox = config_.mailbox(ticket.mailbox);
  if (!mailbox) mailbox = config_.mailbox(mail.mailbox);

  auto transaction = store_.begin();
  auto finish = [&](std::string detail) {
    transaction.record_processed(mail.source, mail.mailbox, dedupe_key, ticket.id, now);
    transaction.commit();
    return IntakeOutcome{IntakeOutcome::Kind::follow_up, ticket.number, std::move(detail)};
  };
  transaction.add_event(agent_event(ticket.id, now, agent, "agent-mail",
                                    fmt::format("from {} via {}", message.from.address, match.how)));

  // An agent's out-of-office answering a notification is no answer.
  if (message.auto_generated) {
    transaction.add_event(agent_event(ticket.id, now, agent, "agent-mail-ignored",
                                      fmt::format("automatic mail ({}): nothing applied, nothing sent",
                                                  *message.auto_generated)));
    return finish(fmt::format("automatic mail from agent {} ignored", agent.name));
  }

  // Stage: validate every command before applying any.
  CommandVocabulary vocabulary;
  vocabulary.self = agent.name;
  for (const auto& a : config_.agents) {
    vocabulary.agents.push_back(a.name);
    for (const auto& g : a.groups) {
      if (std::find(vocabulary.groups.begin(), vocabulary.groups.end(), g) == vocabulary.groups.end()) {
        vocabulary.groups.push_back(g);
      }
    }
  }
  for (const auto& g : config_.groups) {
    if (std::find(vocabulary.groups.begin(), vocabulary.groups.end(), g.name) == vocabulary.groups.end()) {
      vocabulary.groups.push_back(g.name);
    }
  }
  const std::string language = ticket.language.empty() && mailbox ? mailbox->language : ticket.language;
  vocabulary.canned_exists = [&](std::string_view name) {
    return templates_.has(fmt::format("canned/{}", name), language) || templates_.has(fmt::format("canned/{}", name), "en");
  };
  CommandParse parse = parse_agent_commands(agent_new_text(message), vocabulary);
  std::vector<std::string> problems = parse.problems;
  std::string status_wanted;
  for (const auto& command : parse.commands) {
    if (command.kind != AgentCommand::Kind::status) continue;
    status_wanted = command.values.at(0);
    if (status_wanted != ticket.status && !transition_allowed(ticket.status, status_wanted)) {
      problems.push_back(fmt::format("{}: ticket #{} is {} and cannot go to {}", command.line, ticket.number,
                                     ticket.status, status_wanted));
    }
  }
  if (problems.empty() && parse.commands.empty() && parse.text.empty()) {
    problems.push_back("the mail has no new text and no command (only quoted text?)");
  }
  if (!mailbox) problems.push_back(fmt::format("ticket #{} has no mailbox to answer from", ticket.number));

  if (!problems.empty()) {
    std::string listed;
    for (const auto& p : problems) listed += "  - " + p + "\n";
    if (mailbox) {
      TicketMailRequest request{"notify", "command_error", "auto-replied", Address{agent.name, message.from.address},
                                &message, {{"agent_name", agent.name}, {"reason", trim_end(listed)}}};
      TicketMailOptions options;
      options.language = agent.language;
      options.reply_to = Address{mailbox->display_name,
                                 agent_reply_address(Signer(config_.security.secret), mailbox->address,
                                                     ticket.number, agent.name)};
      options.signed_for = agent_mail_purpose(agent.name);
      TicketMail error = make_ticket_mail(request, ticket, *mailbox, config_, templates_, now, options);
      transaction.queue_mail(error.outbox);
    }
    std::string joined;
    for (const auto& p : problems) joined += (joined.empty() ? "" : "; ") + p;
    transaction.add_event(agent_event(ticket.id, now, agent, "commands-refused",
                                      fmt::format("nothing applied, error mail to {}: {}", message.from.address,
                                                  joined)));
    return finish(fmt::format("agent {}'s mail refused ({} problem{})", agent.name, problems.size(),
                              problems.size() == 1 ? "" : "s"));
  }

  // Stage: apply the commands, each an event by the agent.
  std::vector<std::string> done;
  std::string assignee_before = ticket.assignee;
  std::string priority_before = ticket.priority;
  std::string public_text = parse.text;
  for (const auto& command : parse.commands) {
    const auto& values = command.values;
    switch (command.kind) {
      case AgentCommand::Kind::priority:
        if (values[0] != ticket.priority) {
          transaction.add_event(agent_event(ticket.id, now, agent, "priority",
                                            fmt::format("{} -> {}: #priority", ticket.priority, values[0])));
          ticket.priority = values[0];
          done.push_back("priority " + values[0]);
        }
        break;
      case AgentCommand::Kind::assign:
        if (values[0] != ticket.assignee) {
          transaction.add_event(agent_event(ticket.id, now, agent, "assign",
                                            fmt::format("{} -> {}: #assign by {}",
                                                        ticket.assignee.empty() ? "-" : ticket.assignee,
                                                        values[0], agent.name)));
          ticket.assignee = values[0];
          transaction.record_assignment(values[0], "", now);
          done.push_back("assigned to " + values[0]);
        }
        break;
      case AgentCommand::Kind::group:
        if (values[0] != ticket.group) {
          transaction.add_event(agent_event(ticket.id, now, agent, "group",
                                            fmt::format("{} -> {}: #group", ticket.group.empty() ? "-" : ticket.group,
                                                        values[0])));
          ticket.group = values[0];
          done.push_back("group " + values[0]);
        }
        break;
      case AgentCommand::Kind::tag:
        for (const auto& tag : values) {
          if (std::find(ticket.tags.begin(), ticket.tags.end(), tag) != ticket.tags.end()) continue;
          transaction.add_tag(ticket.id, tag);
          ticket.tags.push_back(tag);
          transaction.add_event(agent_event(ticket.id, now, agent, "tag", "added " + tag));
          done.push_back("tag " + tag);
        }
        break;
      case AgentCommand::Kind::untag:
        for (const auto& tag : values) {
          if (std::find(ticket.tags.begin(), ticket.tags.end(), tag) == ticket.tags.end()) continue;
          transaction.remove_tag(ticket.id, tag);
          std::erase(ticket.tags, tag);
          transaction.add_event(agent_event(ticket.id, now, agent, "untag", "removed " + tag));
          done.push_back("untag " + tag);
        }
        break;
      case AgentCommand::Kind::canned: {
        Placeholders placeholders = {{"ticket_number", std::to_string(ticket.number)},
                                     {"subject", ticket.subject},
                                     {"customer_name", !ticket.requester_name.empty() ? ticket.requester_name
                                                                                      : ticket.requester_address},
                                     {"customer_address", ticket.requester_address},
                                     {"agent_name", agent.name},
                                     {"support_address", mailbox->address},
                                     {"support_name", !mailbox->display_name.empty() ? mailbox->display_name
                                                                                     : mailbox->address},
                                     {"canned_name", values[0]}};
        std::string canned = trim_end(templates_.render("canned/" + values[0], language, placeholders).body);
        public_text += (public_text.empty() ? "" : "\n\n") + canned;
        done.push_back("canned " + values[0]);
        break;
      }
      case AgentCommand::Kind::status:  // below, after the answer
      case AgentCommand::Kind::note:
        break;
    }
  }

  // Stage: the note, or the answer to the customer.
  bool answered = false;
  if (parse.note) {
    StoredMessage note;
    note.ticket_id = ticket.id;
    note.direction = "note";
    note.author = Actor{"agent", agent.name};
    note.message_id = message.message_id;
    note.subject = message.subject;
    note.body = trim_end(parse.note_text.empty() ? parse.text : parse.note_text + "\n" + parse.text);
    note.reply = note.body;
    note.created_at = now;
    add_incoming_message(transaction, note, mail, message.attachments);
    transaction.add_event(agent_event(ticket.id, now, agent, "note", "internal note; nothing sent to the customer"));
    done.push_back("internal note");
  } else if (!public_text.empty()) {
    // Thread on the customer's conversation: their last mail's id and references.
    Message parent;
    std::vector<StoredMessage> history = store_.messages_of(ticket.id);
    for (auto it = history.rbegin(); it != history.rend(); ++it) {
      if (it->direction != "in" || it->author.kind != "customer") continue;
      parent.message_id = it->message_id;
      std::string raw = store_.raw_mail_of(it->id);
      if (!raw.empty()) parent.references = parse_mail(raw, now, config_.limits).references;
      if (parent.references.empty() && !it->in_reply_to.empty()) parent.references.push_back(it->in_reply_to);
      if (!it->in_reply_to.empty()) parent.in_reply_to = it->in_reply_to;
      break;
    }
    TicketMailOptions options;
    for (const auto& address : store_.participants_of(ticket.id)) {
      if (lower(address) == lower(ticket.requester_address) || is_own_address(config_, address) ||
          agent_with_address(config_, address)) {
        continue;
      }
      options.cc.push_back(Address{"", address});
    }
    // Files the agent attached go to the customer; inline parts (Outlook's
    // signature logos, referenced by a Content-ID in HTML we do not send) do
    // not. Intake keeps no decoded copy (MailIntake::prepare()), so they are
    // decoded again from the raw mail, which holds them.
    const bool has_files = std::any_of(message.attachments.begin(), message.attachments.end(),
                                       [](const Attachment& a) { return !a.is_inline && a.data.empty() && a.size > 0; });
    const Message decoded = has_files ? parse_mail(raw_bytes_of(mail, store_), now, config_.limits) : Message{};
    for (const auto& attachment : (has_files ? decoded : message).attachments) {
      if (!attachment.is_inline) options.attachments.push_back(attachment);
    }
    TicketMailRequest request{"reply", "agent_reply", "", Address{ticket.requester_name, ticket.requester_address},
                              parent.message_id.empty() ? nullptr : &parent,
                              {{"reply", public_text}, {"agent_name", agent.name}}};
    TicketMail answer = make_ticket_mail(request, ticket, *mailbox, config_, templates_, now, options);
    if (!answer.fallback_reason.empty()) {
      log_.warning("template fallback for ticket #{}: {}", ticket.number, answer.fallback_reason);
    }
    transaction.queue_mail(answer.outbox);
    StoredMessage out;
    out.ticket_id = ticket.id;
    out.direction = "out";
    out.author = Actor{"agent", agent.name};
    out.message_id = answer.outbox.message_id;
    out.in_reply_to = parent.message_id;
    out.subject = answer.subject;
    out.body = answer.text;
    out.reply = public_text;
    out.created_at = now;
    add_incoming_message(transaction, out, mail, message.attachments);
    std::string to;
    for (const auto& r : answer.outbox.recipients) to += (to.empty() ? "" : ", ") + r;
    transaction.add_event(agent_event(ticket.id, now, agent, "mail-queued",
                                      fmt::format("answer <{}> to {}", answer.outbox.message_id, to)));
    if (!ticket.first_response_at) {
      ticket.first_response_at = now;
      transaction.add_event(agent_event(ticket.id, now, agent, "first-response", "first answer to the customer"));
    }
    answered = true;
    done.push_back("answer sent");
  }

  // Stage: the status. An answer waits on the customer unless #status says
  // otherwise (DESIGN.md: pending = waiting on the customer).
  LifecycleContext lifecycle{config_, store_, templates_, transaction, now, &log_};
  std::string to_status = !status_wanted.empty() ? status_wanted : (answered ? "pending" : "");
  if (!to_status.empty() && to_status != ticket.status) {
    std::string from = ticket.status;
    std::string why = !status_wanted.empty() ? fmt::format("#status {} by {}", status_wanted, agent.name)
                                             : fmt::format("{} answered; waiting on the customer", agent.name);
    // The answer itself tells the customer it waits on them; a resolution
    // or closing is told by its own mail (and survey).
    bool tell = !(answered && to_status == "pending");
    std::string err;
    if (change_status(lifecycle, &ticket, StatusChange{to_status, Actor{"agent", agent.name}, why, tell}, &err)) {
      done.push_back(fmt::format("status {} -> {}", from, to_status));
    } else {
      transaction.add_event(agent_event(ticket.id, now, agent, "status-refused", err));
    }
  }
  if (answered) sla_on_agent_answer(store_, transaction, ticket, now);
  if (ticket.priority != priority_before) sla_on_targets_change(config_, store_, transaction, ticket);
  transaction.update_ticket(ticket, now);

  // A ticket handed to someone else: tell them, with the customer's last words.
  if (ticket.assignee != assignee_before && ticket.assignee != agent.name) {
    if (const AgentConfig* assignee = config_.agent(ticket.assignee)) {
      AgentNotice notice;
      notice.event = "assigned";
      notice.reason = fmt::format("assigned by {}", agent.name);
      std::vector<StoredMessage> history = store_.messages_of(ticket.id);
      for (auto it = history.rbegin(); it != history.rend(); ++it) {
        if (it->direction == "in" && it->author.kind == "customer") {
          notice.customer_text = it->reply.empty() ? it->body : it->reply;
          notice.thread_id = it->message_id;
          break;
        }
      }
      queue_agent_notices(notice, {assignee}, ticket, *mailbox, config_, templates_, store_, transaction, now);
    }
  }

  std::string summary;
  for (const auto& d : done) summary += (summary.empty() ? "" : ", ") + d;
  return finish(fmt::format("agent {}: {}", agent.name, summary.empty() ? "nothing to do" : summary));
}

}  // namespace ticketd
