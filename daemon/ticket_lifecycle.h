// The ticket lifecycle (issue 6 point 6, DESIGN.md "Names we use"):
//
//   new -> open -> pending / on-hold -> resolved -> closed
//
// with reopening (resolved or closed -> open). The pure half says which
// moves are allowed and what a customer's reply does; change_status()
// applies one move inside the caller's transaction, with everything it
// causes, so a status never changes without its consequences:
//  - the ticket's fields (status, resolved_at, closed_at), which the caller
//    then writes with StoreTransaction::update_ticket in the same
//    transaction;
//  - an event "status" with the actor and "from -> to: why", and an event
//    "reopened" when a resolved or closed ticket opens again;
//  - the time the ticket entered its status (for the pending timers);
//  - the SLA clocks (paused while pending/on-hold, met when resolved);
//  - a satisfaction survey planned when it is resolved ([csat]);
//  - the status mail to the customer (status_pending, status_resolved,
//    status_closed, status_reopened), threaded on the customer's last mail,
//    Auto-Submitted: auto-generated, when `notify_customer` is set.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "daemon/config.h"
#include "daemon/log.h"
#include "store/records.h"
#include "templates/template_set.h"

namespace ticketd {

class Store;
class StoreTransaction;

// --- pure ------------------------------------------------------------------
bool is_ticket_status(std::string_view status);
// Whether `from` may move to `to`. Nothing moves back to "new"; a closed
// ticket only reopens; a resolved ticket closes or reopens. Staying in the
// same status is not a transition.
bool transition_allowed(std::string_view from, std::string_view to);
// What a customer's new mail does to a ticket: pending (the answer we waited
// for), resolved and closed (within the reopen window) become open; new,
// open and on-hold stay as they are.
std::optional<std::string> status_after_customer_reply(std::string_view status);
// The customer mail template for a move, or "" for none.
std::string status_notice_event(std::string_view from, std::string_view to);

// --- applied ---------------------------------------------------------------
// What a status-changing stage needs; references must outlive the call.
struct LifecycleContext {
  const Config& config;
  const Store& store;  // reads see the transaction's own writes (one connection)
  const TemplateSet& templates;
  StoreTransaction& transaction;
  std::int64_t now = 0;
  Log* log = nullptr;  // for template fallbacks; may be null
};

struct StatusChange {
  std::string to;
  Actor actor;
  std::string why;              // "the customer wrote again", "#status resolved", "pending for 7 days"
  bool notify_customer = true;  // false: e.g. an agent's answer already told the customer
};

// Applies `change` to `ticket` (see above). Returns false, changing and
// writing nothing, when the move is not allowed; `err` says why in words an
// agent understands. A change to the current status is a no-op that
// returns true.
bool change_status(LifecycleContext& ctx, Ticket* ticket, const StatusChange& change, std::string* err);

// Queues a mail about `ticket` to its requester with template `event`,
// threaded on the customer's last mail, and records it as an outgoing
// message and an event. Returns false (nothing queued, an event says why)
// when the requester must get no automatic mail (spam ticket, our own
// address, no address).
bool queue_customer_notice(LifecycleContext& ctx, const Ticket& ticket, const std::string& event,
                           const Placeholders& values, const std::string& kind = "notify");

}  // namespace ticketd
