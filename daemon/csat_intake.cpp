#include "daemon/csat_intake.h"

#include <fmt/format.h>

#include <cctype>

#include "daemon/mail_intake.h"
#include "store/store.h"

namespace ticketd {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Writes the rating, the mail and its events in `tx`.
void record_rating(StoreTransaction& tx, const Ticket& ticket, const Message& message, const IncomingMail& mail,
                   int rating, const std::string& comment, const std::string& how, const Store& store,
                   std::int64_t now) {
  auto previous = store.rating_of(ticket.id);
  tx.put_rating(CsatRating{ticket.id, ticket.assignee, message.from.address, rating, comment, now});
  add_incoming_message(tx, incoming_message(message, ticket.id, now), mail, message.attachments);
  std::string detail = fmt::format("{} rated {} of 5 ({}){}", message.from.address, rating, how,
                                   previous ? fmt::format(", replacing {} of 5", previous->rating) : "");
  if (!comment.empty()) detail += ": " + comment;
  tx.add_event(new_event(ticket.id, now, Actor::customer(message.from.address), "csat-rating", detail));
}

}  // namespace

std::optional<CsatToken> rating_address_in(const Message& message, const Config& config) {
  std::vector<std::string> candidates;
  for (const auto& a : message.to) candidates.push_back(a.address);
  for (const auto& a : message.cc) candidates.push_back(a.address);
  // The MTA's record of the envelope recipient: a rating link's address may
  // be hidden behind a Bcc or rewritten To (RFC 9228 Delivered-To).
  for (const auto& h : message.headers) {
    std::string name = lower(h.name);
    if (name == "delivered-to" || name == "x-original-to") {
      std::string v = h.value;
      auto lt = v.find('<'), gt = v.find('>');
      if (lt != std::string::npos && gt != std::string::npos && gt > lt) v = v.substr(lt + 1, gt - lt - 1);
      candidates.push_back(v);
    }
  }
  for (const auto& address : candidates) {
    auto token = parse_csat_address(address);
    if (!token) continue;
    for (const auto& mailbox : config.mailboxes) {
      if (lower(mailbox.address) == token->base_address) return token;
    }
  }
  return std::nullopt;
}

IntakeOutcome take_rating_mail(const Message& message, const CsatToken& token, const IncomingMail& mail,
                               const std::string& dedupe_key, const Config& config, Store& store, std::int64_t now) {
  auto ticket = store.ticket_by_number(token.ticket_number);
  Signer signer(config.security.secret);
  auto tx = store.begin();
  IntakeOutcome outcome;
  outcome.kind = IntakeOutcome::Kind::follow_up;
  outcome.ticket_number = token.ticket_number;
  if (!ticket || !verify_csat_token(signer, token)) {
    std::string why = !ticket ? fmt::format("rating mail for unknown ticket #{} ignored", token.ticket_number)
                              : fmt::format("rating mail from {} ignored: its rating token is forged or altered",
                                            message.from.address);
    if (ticket) tx.add_event(new_event(ticket->id, now, Actor::system("csat"), "csat-forged", why));
    tx.record_processed(mail.source, mail.mailbox, dedupe_key, std::nullopt, now);
    tx.commit();
    outcome.detail = why;
    return outcome;
  }
  std::string comment = message.reply;
  while (!comment.empty() && std::isspace(static_cast<unsigned char>(comment.back()))) comment.pop_back();
  while (!comment.empty() && std::isspace(static_cast<unsigned char>(comment.front()))) comment.erase(0, 1);
  record_rating(tx, *ticket, message, mail, token.rating, comment, "rating link", store, now);
  tx.record_processed(mail.source, mail.mailbox, dedupe_key, ticket->id, now);
  tx.commit();
  outcome.detail = fmt::format("rating {} of 5 recorded", token.rating);
  return outcome;
}

std::optional<IntakeOutcome> take_survey_reply(const Message& message, std::int64_t ticket_id,
                                               const IncomingMail& mail, const std::string& dedupe_key, Store& store,
                                               std::int64_t now) {
  if (message.in_reply_to.empty() || message.auto_generated) return std::nullopt;
  bool answers_survey = false;
  for (const auto& m : store.messages_of(ticket_id)) {
    if (m.direction == "out" && m.author.name == "csat_survey" && m.message_id == message.in_reply_to) {
      answers_survey = true;
    }
  }
  if (!answers_survey) return std::nullopt;
  auto rating = rating_from_text(message.reply);
  if (!rating) return std::nullopt;
  auto ticket = store.ticket_by_id(ticket_id);
  if (!ticket) return std::nullopt;
  auto tx = store.begin();
  record_rating(tx, *ticket, message, mail, rating->rating, rating->comment, "reply to the survey", store, now);
  tx.record_processed(mail.source, mail.mailbox, dedupe_key, ticket->id, now);
  tx.commit();
  return IntakeOutcome{IntakeOutcome::Kind::follow_up, ticket->number,
                       fmt::format("rating {} of 5 recorded from a reply to the survey", rating->rating)};
}

}  // namespace ticketd
