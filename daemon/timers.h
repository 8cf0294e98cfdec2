// The timers stage (issue 6 point 8; DESIGN.md: "timers (SLA, auto-close)
// --> events + outbox rows"), run from the daemon loop once per cycle.
//
// run_timers() does everything that is due at `now`, so a daemon that was
// down catches up on its first cycle:
//  - SLA: a clock past its reminder share reminds the assignee (or the
//    group's lead) with sla_reminder; past its due time it escalates to the
//    group's lead and escalation address with sla_breach and, when
//    [sla] raise_priority_on_breach, raises the priority one step. A clock
//    already breached when first seen sends the escalation alone.
//  - pending tickets: after [lifecycle] pending_reminder_days one reminder
//    to the customer (pending_reminder), after pending_resolve_days the
//    ticket is resolved;
//  - resolved tickets close themselves after auto_close_resolved_days;
//  - planned satisfaction surveys whose delay has passed are sent (at most
//    one per customer per [csat] min_days_between, the others skipped).
// Each action is one store transaction holding its mails, its events and a
// timer notice keyed by (ticket, kind, due time): a restart never repeats
// an action and never forgets one. `now` is passed in (the daemon's clock,
// which tests set with TICKETD_TEST_NOW); nothing here reads a clock.
#pragma once

#include <cstdint>
#include <string>

#include "daemon/config.h"
#include "daemon/log.h"
#include "templates/template_set.h"

namespace ticketd {

class Store;

struct TimerRun {
  int sla_reminders = 0;
  int sla_breaches = 0;
  int pending_reminders = 0;
  int auto_resolved = 0;
  int auto_closed = 0;
  int surveys_sent = 0;
  int surveys_skipped = 0;

  int total() const {
    return sla_reminders + sla_breaches + pending_reminders + auto_resolved + auto_closed + surveys_sent +
           surveys_skipped;
  }
  // "2 SLA reminders, 1 escalation, ..." (only the non-zero counts).
  std::string summary() const;
};

// Throws StoreError when the store fails; what was committed before stays.
TimerRun run_timers(const Config& config, Store& store, const TemplateSet& templates, Log& log, std::int64_t now);

// "2026-11-23 10:30 (+08:00)": a due time as the desk reads it.
std::string format_local_time(const BusinessHours& hours, std::int64_t utc);

}  // namespace ticketd
