#include "daemon/sla.h"

#include <algorithm>
#include <cmath>

#include "store/store.h"

namespace ticketd {

bool sla_paused_in(std::string_view status) { return status == "pending" || status == "on-hold"; }

SlaClock start_sla_clock(std::int64_t ticket_id, std::string_view kind, std::int64_t minutes, double share,
                         const BusinessHours& hours, std::int64_t now) {
  SlaClock clock;
  clock.ticket_id = ticket_id;
  clock.kind = std::string(kind);
  clock.started_at = now;
  clock.due_at = add_business_minutes(hours, now, minutes);
  std::int64_t remind_seconds = static_cast<std::int64_t>(std::llround(static_cast<double>(minutes * 60) * share));
  if (minutes > 1) remind_seconds = std::min(remind_seconds, minutes * 60 - 60);
  clock.remind_at = add_business_seconds(hours, now, std::max<std::int64_t>(0, remind_seconds));
  return clock;
}

SlaClock pause_sla_clock(SlaClock clock, std::int64_t now) {
  if (!clock.paused_at && !clock.met_at) clock.paused_at = now;
  return clock;
}

SlaClock resume_sla_clock(SlaClock clock, const BusinessHours& hours, std::int64_t now) {
  if (!clock.paused_at) return clock;
  const std::int64_t at = *clock.paused_at;
  clock.remind_at = add_business_seconds(hours, now, business_seconds_between(hours, at, clock.remind_at));
  clock.due_at = add_business_seconds(hours, now, business_seconds_between(hours, at, clock.due_at));
  clock.paused_at.reset();
  return clock;
}

std::int64_t sla_minutes(const SlaConfig& sla, std::string_view priority, std::string_view kind) {
  const SlaTargets& t = sla.targets(priority);
  if (kind == "first_response") return t.first_response_minutes;
  if (kind == "next_response") return t.next_response_minutes;
  if (kind == "resolution") return t.resolution_minutes;
  return 0;
}

std::int64_t sla_minutes_for(const Config& config, const Store& store, const Ticket& ticket, std::string_view kind) {
  for (const SlaOverride& o : store.sla_overrides_of(ticket.id)) {
    if (o.kind == kind) return o.minutes;
  }
  return sla_minutes(config.sla, ticket.priority, kind);
}

namespace {

std::optional<SlaClock> find_clock(const Store& store, std::int64_t ticket_id, std::string_view kind) {
  for (auto& c : store.sla_clocks_of(ticket_id)) {
    if (c.kind == kind) return c;
  }
  return std::nullopt;
}

void start(const Config& config, const Store& store, StoreTransaction& tx, const Ticket& ticket,
           std::string_view kind, std::int64_t now) {
  std::int64_t minutes = sla_minutes_for(config, store, ticket, kind);
  if (minutes <= 0) return;
  SlaClock clock = start_sla_clock(ticket.id, kind, minutes, config.sla.reminder_share, config.business_hours, now);
  if (sla_paused_in(ticket.status)) clock = pause_sla_clock(clock, now);
  tx.put_sla_clock(clock);
}

}  // namespace

void sla_on_new_ticket(const Config& config, const Store& store, StoreTransaction& tx, const Ticket& ticket,
                       std::int64_t now) {
  start(config, store, tx, ticket, "first_response", now);
  start(config, store, tx, ticket, "resolution", now);
}

void sla_on_customer_message(const Config& config, const Store& store, StoreTransaction& tx, const Ticket& ticket,
                             std::int64_t now) {
  if (!ticket.first_response_at) return;  // the first response is still owed
  auto running = find_clock(store, ticket.id, "next_response");
  if (running && !running->met_at) return;  // the oldest unanswered message sets the time
  start(config, store, tx, ticket, "next_response", now);
}

void sla_on_agent_answer(const Store& store, StoreTransaction& tx, const Ticket& ticket, std::int64_t now) {
  for (auto clock : store.sla_clocks_of(ticket.id)) {
    if (clock.met_at || clock.kind == "resolution") continue;
    clock.met_at = now;
    tx.put_sla_clock(clock);
  }
}

void sla_on_status_change(const Config& config, const Store& store, StoreTransaction& tx, const Ticket& ticket,
                          std::string_view from, std::string_view to, std::int64_t now) {
  const bool done = to == "resolved" || to == "closed";
  const bool was_done = from == "resolved" || from == "closed";
  for (auto clock : store.sla_clocks_of(ticket.id)) {
    if (done) {
      if (clock.met_at) continue;
      clock.met_at = now;  // resolution met; response targets withdrawn
      clock.paused_at.reset();
    } else if (was_done) {
      // Reopened: the resolution target runs on with the time it had left.
      if (clock.kind != "resolution" || !clock.met_at) continue;
      clock.paused_at = *clock.met_at;
      clock.met_at.reset();
      clock = sla_paused_in(to) ? clock : resume_sla_clock(clock, config.business_hours, now);
    } else if (clock.met_at) {
      continue;
    } else if (sla_paused_in(to)) {
      clock = pause_sla_clock(clock, now);
    } else {
      clock = resume_sla_clock(clock, config.business_hours, now);
    }
    tx.put_sla_clock(clock);
  }
}

void sla_on_targets_change(const Config& config, const Store& store, StoreTransaction& tx, const Ticket& ticket) {
  for (const auto& clock : store.sla_clocks_of(ticket.id)) {
    if (clock.met_at) continue;
    std::int64_t minutes = sla_minutes_for(config, store, ticket, clock.kind);
    if (minutes <= 0) continue;
    SlaClock fresh = start_sla_clock(ticket.id, clock.kind, minutes, config.sla.reminder_share,
                                     config.business_hours, clock.started_at);
    if (clock.paused_at) fresh = pause_sla_clock(fresh, *clock.paused_at);
    tx.put_sla_clock(fresh);
  }
}

std::optional<std::int64_t> sla_next_due(const Store& store, std::int64_t ticket_id) {
  std::optional<std::int64_t> due;
  for (const auto& clock : store.sla_clocks_of(ticket_id)) {
    if (clock.met_at || clock.paused_at) continue;
    if (!due || clock.due_at < *due) due = clock.due_at;
  }
  return due;
}

}  // namespace ticketd
