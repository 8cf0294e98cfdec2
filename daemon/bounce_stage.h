// The bounce stage of mail intake: a delivery failure report about a mail
// we sent is recorded on that mail's ticket (never a new ticket, never an
// answer: DESIGN.md invariant 4), and each address that refused it for good
// gets no automatic mail for [daemon] bounce_block_hours (issue 5, point 5).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "daemon/config.h"
#include "daemon/mail_intake.h"
#include "parser/message.h"

namespace ticketd {

class Store;

struct PermanentRefusal {
  std::string address;
  std::string status;  // "5.1.1", or the reply code / words found in the text
};

// Who refused the bounced mail for good. From the report's per-recipient
// results (RFC 3464) when it has them; otherwise, for the bounces that are
// plain text (qmail, old Exchange, some Chinese providers), the mail's
// single recipient `our_recipients` when the text carries a permanent status
// ("5.1.1", "#5.1.1", "550 "). A delay notice or an unclear text gives none:
// better one more automatic mail than a customer cut off by mistake.
std::vector<PermanentRefusal> permanent_refusals(const Message& bounce,
                                                 const std::vector<std::string>& our_recipients);

// When `message` is a bounce of one of our mails: records it on the ticket
// (message, "bounce" event, blocked addresses) and the dedupe key, in one
// transaction, and returns the outcome. Nothing when it is not ours.
std::optional<IntakeOutcome> take_bounce(const Message& message, const IncomingMail& mail, const std::string& key,
                                         const Config& config, Store& store, std::int64_t now);

}  // namespace ticketd
