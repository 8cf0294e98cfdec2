// SLA clocks (issue 6 point 7): per priority a first-response, a
// next-response and a resolution target, counted in business time
// ([business_hours]) and paused while the ticket waits on the customer
// (pending) or on a third party (on-hold).
//
// The arithmetic is pure (start/pause/resume a clock); the sla_on_*
// functions write the clocks of one ticket inside the caller's transaction
// when something happens to it. Reminders and escalations are sent by the
// timers stage (daemon/timers.h), which only reads the clocks' due times.
//
//  - first_response: starts when the ticket is created, met by the first
//    agent answer (Ticket::first_response_at);
//  - next_response: (re)starts with a customer message after the first
//    answer, unless one is already running; met by the next agent answer;
//  - resolution: starts with the ticket, met when it is resolved or closed,
//    resumed (with the time it had left) when it is reopened.
// A target of 0 minutes means no clock of that kind. Targets come from the
// ticket's priority ([sla.<priority>]) unless a rule set the ticket's own
// (`sla = { first_response_minutes = 30 }`, kept in the store).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "daemon/config.h"
#include "store/lifecycle_records.h"
#include "store/records.h"

namespace ticketd {

class Store;
class StoreTransaction;

inline constexpr std::string_view kSlaKinds[] = {"first_response", "next_response", "resolution"};

// True for the statuses during which SLA time does not run.
bool sla_paused_in(std::string_view status);

// A fresh clock: due after `minutes` of business time from `now`, the
// reminder after `share` of them (at least one minute before the due time
// when the target is longer than a minute).
SlaClock start_sla_clock(std::int64_t ticket_id, std::string_view kind, std::int64_t minutes, double share,
                         const BusinessHours& hours, std::int64_t now);
// Paused at `now` (no change when already paused or met).
SlaClock pause_sla_clock(SlaClock clock, std::int64_t now);
// Resumed at `now`: the business time left at the pause is counted on from
// `now`, for the reminder and the due time alike.
SlaClock resume_sla_clock(SlaClock clock, const BusinessHours& hours, std::int64_t now);

// The target in minutes of `kind` for a priority.
std::int64_t sla_minutes(const SlaConfig& sla, std::string_view priority, std::string_view kind);
// The target in minutes of `kind` for this ticket: what a rule set for it
// (store's sla_overrides), else its priority's from the config.
std::int64_t sla_minutes_for(const Config& config, const Store& store, const Ticket& ticket, std::string_view kind);

// --- hooks, each inside the caller's transaction ---------------------------
void sla_on_new_ticket(const Config& config, const Store& store, StoreTransaction& tx, const Ticket& ticket,
                       std::int64_t now);
void sla_on_customer_message(const Config& config, const Store& store, StoreTransaction& tx, const Ticket& ticket,
                             std::int64_t now);
// An agent answered the customer (the agents helper's reply path calls this).
void sla_on_agent_answer(const Store& store, StoreTransaction& tx, const Ticket& ticket, std::int64_t now);
void sla_on_status_change(const Config& config, const Store& store, StoreTransaction& tx, const Ticket& ticket,
                          std::string_view from, std::string_view to, std::int64_t now);
// The targets changed (a new priority, or a rule set the ticket's own):
// running clocks are recomputed from their start with the new targets
// (pauses so far are not re-counted; a known simplification).
void sla_on_targets_change(const Config& config, const Store& store, StoreTransaction& tx, const Ticket& ticket);

// The earliest unmet due time of a ticket's clocks (for notifications'
// "SLA due" fact), if any clock runs.
std::optional<std::int64_t> sla_next_due(const Store& store, std::int64_t ticket_id);

}  // namespace ticketd
