// The rating stage of intake (issue 5 point 6), run before threading: a
// mail that answers a satisfaction survey records a rating and nothing
// else (no new ticket, no acknowledgement, no reopening).
//
//  - A mail to a rating address (support+csat-<ticket>-<rating>-<sig>@,
//    found in To, Cc, Delivered-To or X-Original-To): a valid token records
//    the rating of that ticket; a forged or altered one is ignored, with an
//    event on the ticket it names (when there is one) saying so.
//  - A reply threaded onto our survey mail whose new text starts with a
//    rating (1-5, good/bad, 满意/不满意, 滿意/不滿意).
// A later rating of the same ticket replaces the earlier one; the text
// beside the rating is kept as its comment; the agent rated is the
// ticket's assignee. The rating, the mail (as a message of the ticket), the
// events and the dedupe record are one transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "daemon/config.h"
#include "daemon/csat.h"
#include "daemon/mail_intake.h"
#include "parser/message.h"

namespace ticketd {

class Store;

// The first recipient of `message` shaped like a rating address of one of
// our mailboxes (unverified).
std::optional<CsatToken> rating_address_in(const Message& message, const Config& config);

// Records the rating of a mail to a rating address (or ignores a forged
// one), with the mail's dedupe record.
IntakeOutcome take_rating_mail(const Message& message, const CsatToken& token, const IncomingMail& mail,
                               const std::string& dedupe_key, const Config& config, Store& store, std::int64_t now);

// When `message` replies to the survey of `ticket_id` with a rating, records
// it (with the dedupe record) and returns the outcome; otherwise nothing.
std::optional<IntakeOutcome> take_survey_reply(const Message& message, std::int64_t ticket_id, const IncomingMail& mail,
                                               const std::string& dedupe_key, Store& store, std::int64_t now);

}  // namespace ticketd
