#include "daemon/bounce_stage.h"

#include <fmt/format.h>
#include <re2/re2.h>

#include <algorithm>

#include "store/store.h"

namespace ticketd {
namespace {

// A permanent status in a bounce's free text: an enhanced status code
// 5.x.x (RFC 3463; qmail writes "#5.1.1") or a 55x reply code. RE2: the
// text is the sender's, and RE2 runs in linear time whatever it holds.
std::optional<std::string> permanent_status_in(const std::string& text) {
  // Bounce texts are short; the returned mail after them is not looked at.
  re2::StringPiece head(text.data(), std::min<std::size_t>(text.size(), 8192));
  const RE2 enhanced(R"((?:^|[^\d.])(5\.\d{1,3}\.\d{1,3})(?:[^\d.]|$))");
  const RE2 reply_code(R"((?:^|[\s:(])(55[0-4])[ -])");
  std::string status;
  if (RE2::PartialMatch(head, enhanced, &status)) return status;
  if (RE2::PartialMatch(head, reply_code, &status)) return status;
  return std::nullopt;
}

std::string words(const std::vector<PermanentRefusal>& refusals) {
  std::string out;
  for (const PermanentRefusal& r : refusals) {
    if (!out.empty()) out += ", ";
    out += fmt::format("{} ({})", r.address, r.status);
  }
  return out;
}

}  // namespace

std::vector<PermanentRefusal> permanent_refusals(const Message& bounce,
                                                 const std::vector<std::string>& our_recipients) {
  std::vector<PermanentRefusal> refusals;
  if (!bounce.delivery_results.empty()) {
    for (const DeliveryResult& r : bounce.delivery_results) {
      if (r.permanent_failure()) refusals.push_back({r.recipient, r.status.empty() ? r.action : r.status});
    }
    return refusals;
  }
  if (our_recipients.size() != 1) return refusals;
  if (auto status = permanent_status_in(bounce.body)) refusals.push_back({our_recipients.front(), *status});
  return refusals;
}

std::optional<IntakeOutcome> take_bounce(const Message& message, const IncomingMail& mail, const std::string& key,
                                         const Config& config, Store& store, std::int64_t now) {
  if (message.bounced_message_id.empty()) return std::nullopt;
  auto ticket_id = store.ticket_for_message_id(message.bounced_message_id);
  if (!ticket_id) return std::nullopt;
  auto ticket = store.ticket_by_id(*ticket_id);
  std::vector<PermanentRefusal> refusals =
      permanent_refusals(message, store.outbox_recipients_of(message.bounced_message_id));

  std::string detail = fmt::format("our mail <{}> bounced: {}", message.bounced_message_id,
                                   message.auto_generated.value_or("delivery failure"));
  if (!refusals.empty()) {
    detail += fmt::format("; refused for good by {}", words(refusals));
    if (config.bounce_block_hours > 0)
      detail += fmt::format(": no automatic mail there for {} hours", config.bounce_block_hours);
  }

  auto transaction = store.begin();
  StoredMessage stored = incoming_message(message, *ticket_id, now);
  stored.author = Actor::system("bounce");
  add_incoming_message(transaction, stored, mail, message.attachments);
  transaction.add_event(new_event(*ticket_id, now, Actor::system("bounce"), "bounce", detail));
  for (const PermanentRefusal& r : refusals)
    transaction.record_bounce(r.address, now, *ticket_id, message.bounced_message_id, r.status);
  transaction.record_processed(mail.source, mail.mailbox, key, *ticket_id, now);
  transaction.commit();
  return IntakeOutcome{IntakeOutcome::Kind::follow_up, ticket->number,
                       fmt::format("bounce of <{}> recorded{}", message.bounced_message_id,
                                   refusals.empty() ? "" : "; " + words(refusals) + " blocked")};
}

}  // namespace ticketd
