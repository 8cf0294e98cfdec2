// The "thread" stage: is a mail a follow-up on a ticket we have, or new?
// DESIGN.md's order, first match wins:
//  1. In-Reply-To, then References (newest first), naming any Message-ID we
//     stored: the customer's own earlier mails and the mails we sent;
//  2. a [#1234] ticket tag in the subject, accepted only when the sender is
//     a participant of that ticket (anyone can type a number);
//  3. otherwise a new ticket.
// A match on a ticket closed longer ago than the reopen window is not a
// follow-up: the mail opens a new ticket linked to the old one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "parser/message.h"
#include "store/records.h"

namespace ticketd {

class Store;

struct ThreadMatch {
  std::optional<Ticket> ticket;  // the ticket to follow up; nothing: a new ticket
  std::string how;               // for the event log: "In-Reply-To <id>", "subject tag [#1001]", "new"
  std::optional<std::int64_t> linked_ticket_id;  // a new ticket following on from this closed one
};

struct ThreadingPolicy {
  std::int64_t reopen_window_seconds = 30 * 86400;  // a closed ticket older than this is not reopened
};

ThreadMatch find_thread(const Message& message, const Store& store, const ThreadingPolicy& policy,
                        std::int64_t now);

// The ticket number of a "[#1234]" tag in a subject, if any.
std::optional<std::int64_t> subject_ticket_tag(std::string_view subject);

}  // namespace ticketd
