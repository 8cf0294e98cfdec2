// The timers stage with a clock the tests control: SLA reminders and
// escalations, pending reminders, auto-resolve, auto-close and surveys,
// each once, caught up after downtime.
#include "daemon/timers.h"

#include <catch2/catch.hpp>

#include <chrono>

#include "lifecycle_fixture.h"

namespace ticketd {
namespace {

using testing::Desk;
using testing::kMonday0900Utc;

constexpr std::int64_t kMinute = 60, kHour = 3600, kDay = 86400;

TimerRun tick(Desk& desk, std::int64_t now) {
  return run_timers(desk.config, *desk.store, desk.templates, desk.log, now);
}

TEST_CASE("an unanswered urgent ticket reminds its assignee at 75% and escalates to the lead at 100%, once each",
          "[timers][sla]") {
  Desk desk;
  desk.config.sla.urgent.first_response_minutes = 60;
  Ticket t = desk.open_ticket(kMonday0900Utc, "urgent");

  CHECK(tick(desk, kMonday0900Utc + 44 * kMinute).total() == 0);
  CHECK(tick(desk, kMonday0900Utc + 45 * kMinute).sla_reminders == 1);
  auto reminders = desk.mail_to("alice@agents.example.com");
  REQUIRE(reminders.size() == 1);
  CHECK(reminders[0].data.find("SLA reminder") != std::string::npos);
  CHECK(reminders[0].data.find("Auto-Submitted: auto-generated") != std::string::npos);
  CHECK(tick(desk, kMonday0900Utc + 50 * kMinute).total() == 0);  // never twice

  TimerRun breach = tick(desk, kMonday0900Utc + 60 * kMinute);
  CHECK(breach.sla_breaches == 1);
  CHECK(desk.mail_to("bob@agents.example.com").size() == 1);
  CHECK(desk.mail_to("escalations@example.com").size() == 1);
  CHECK(desk.mail_to("bob@agents.example.com")[0].data.find("SLA breached") != std::string::npos);
  CHECK(tick(desk, kMonday0900Utc + 2 * kHour).total() == 0);
  CHECK(tick(desk, kMonday0900Utc + 2 * kDay).total() == 0);
  CHECK(desk.mail_to("alice@agents.example.com").size() == 1);
  CHECK(desk.events(t.id, "sla-reminder") == 1);
  CHECK(desk.events(t.id, "sla-breach") == 1);
}

TEST_CASE("after downtime past the due time only the escalation goes out", "[timers][sla]") {
  Desk desk;
  desk.config.sla.urgent.first_response_minutes = 60;
  desk.open_ticket(kMonday0900Utc, "urgent");
  TimerRun run = tick(desk, kMonday0900Utc + 5 * kHour);
  CHECK(run.sla_breaches == 1);
  CHECK(run.sla_reminders == 0);
  CHECK(desk.mail_to("alice@agents.example.com").empty());
  CHECK(tick(desk, kMonday0900Utc + 6 * kHour).total() == 0);
}

TEST_CASE("an answered ticket sends no reminder", "[timers][sla]") {
  Desk desk;
  desk.config.sla.urgent.first_response_minutes = 60;
  Ticket t = desk.open_ticket(kMonday0900Utc, "urgent");
  {
    auto tx = desk.store->begin();
    t.first_response_at = kMonday0900Utc + 10 * kMinute;
    tx.update_ticket(t, kMonday0900Utc + 10 * kMinute);
    tx.commit();
  }
  CHECK(tick(desk, kMonday0900Utc + 3 * kHour).total() == 0);
  CHECK(desk.store->sla_clocks_of(t.id)[0].met_at == kMonday0900Utc + 10 * kMinute);
}

TEST_CASE("a breach raises the priority one step when the config asks", "[timers][sla]") {
  Desk desk;
  desk.config.sla.normal.first_response_minutes = 60;
  desk.config.sla.raise_priority_on_breach = true;
  Ticket t = desk.open_ticket(kMonday0900Utc, "normal");
  tick(desk, kMonday0900Utc + 61 * kMinute);
  CHECK(desk.ticket(t.id).priority == "high");
  tick(desk, kMonday0900Utc + 10 * kHour);
  CHECK(desk.ticket(t.id).priority == "high");  // one breach, one step
}

TEST_CASE("SLA timers count business hours: a Friday evening ticket escalates on Monday", "[timers][sla]") {
  Desk desk;
  desk.config.sla.urgent.first_response_minutes = 120;
  BusinessHours hours;
  hours.open_days = {true, true, true, true, true, false, false};
  hours.open_minute = 9 * 60;
  hours.close_minute = 17 * 60;
  desk.config.business_hours = hours;
  const std::int64_t friday_1630 = kMonday0900Utc - 3 * kDay + 7 * kHour + 30 * kMinute;
  desk.open_ticket(friday_1630, "urgent");
  CHECK(tick(desk, friday_1630 + 2 * kHour).total() == 0);
  CHECK(tick(desk, kMonday0900Utc - kMinute).total() == 0);
  CHECK(tick(desk, kMonday0900Utc + 60 * kMinute).sla_reminders == 1);  // 30 + 60 of 120 minutes
  CHECK(tick(desk, kMonday0900Utc + 90 * kMinute).sla_breaches == 1);
}

TEST_CASE("a pending ticket gets one reminder to the customer and is then resolved", "[timers][lifecycle]") {
  Desk desk;
  desk.config.lifecycle.pending_reminder_days = 3;
  desk.config.lifecycle.pending_resolve_days = 7;
  Ticket t = desk.open_ticket(kMonday0900Utc);
  REQUIRE(desk.set_status(&t, "pending", kMonday0900Utc + kHour));
  const auto after_pending = desk.mail_to("carol@customer.example").size();

  CHECK(tick(desk, kMonday0900Utc + 3 * kDay).total() == 0);
  CHECK(tick(desk, kMonday0900Utc + 3 * kDay + kHour).pending_reminders == 1);
  CHECK(tick(desk, kMonday0900Utc + 5 * kDay).total() == 0);
  CHECK(desk.mail_to("carol@customer.example").size() == after_pending + 1);
  CHECK(desk.mail_to("carol@customer.example").back().data.find("Reminder") != std::string::npos);

  CHECK(tick(desk, kMonday0900Utc + 7 * kDay + kHour).auto_resolved == 1);
  CHECK(desk.ticket(t.id).status == "resolved");
  CHECK(desk.mail_to("carol@customer.example").size() == after_pending + 2);  // + resolved
}

TEST_CASE("resolved tickets close themselves after the configured days", "[timers][lifecycle]") {
  Desk desk;
  desk.config.lifecycle.auto_close_resolved_days = 4;
  Ticket t = desk.open_ticket(kMonday0900Utc);
  REQUIRE(desk.set_status(&t, "resolved", kMonday0900Utc));
  CHECK(tick(desk, kMonday0900Utc + 4 * kDay - 1).auto_closed == 0);
  CHECK(tick(desk, kMonday0900Utc + 4 * kDay).auto_closed == 1);
  Ticket closed = desk.ticket(t.id);
  CHECK(closed.status == "closed");
  CHECK(closed.closed_at == kMonday0900Utc + 4 * kDay);
  bool by_timer = false;
  for (const auto& e : desk.store->events_of(t.id)) {
    if (e.what == "status" && e.detail == "resolved -> closed: resolved for 4 days") by_timer = e.actor.kind == "system";
  }
  CHECK(by_timer);
  CHECK(tick(desk, kMonday0900Utc + 10 * kDay).total() == 0);
}

TEST_CASE("a survey goes out after the delay, at most once per customer per period", "[timers][csat]") {
  Desk desk;
  desk.config.security.secret = "a test key that is long enough";  // signs the rating links
  desk.config.csat.enabled = true;
  desk.config.csat.delay_minutes = 60;
  desk.config.csat.min_days_between = 30;
  Ticket first = desk.open_ticket(kMonday0900Utc);
  Ticket second = desk.open_ticket(kMonday0900Utc);
  REQUIRE(desk.set_status(&first, "resolved", kMonday0900Utc + kHour));
  REQUIRE(desk.set_status(&second, "resolved", kMonday0900Utc + 2 * kHour));

  CHECK(tick(desk, kMonday0900Utc + 2 * kHour - 1).surveys_sent == 0);
  CHECK(tick(desk, kMonday0900Utc + 2 * kHour).surveys_sent == 1);
  auto surveys = desk.outbox_of_kind("csat");
  REQUIRE(surveys.size() == 1);
  CHECK(surveys[0].data.find("support+csat-" + std::to_string(first.number) + "-5-") != std::string::npos);
  TimerRun later = tick(desk, kMonday0900Utc + 3 * kHour);
  CHECK(later.surveys_sent == 0);
  CHECK(later.surveys_skipped == 1);
  CHECK(desk.store->survey_of(second.id)->outcome.find("less than 30 days") != std::string::npos);
}

TEST_CASE("a ticket reopened before its survey is due gets no survey", "[timers][csat]") {
  Desk desk;
  desk.config.csat.enabled = true;
  desk.config.csat.delay_minutes = 60;
  Ticket t = desk.open_ticket(kMonday0900Utc);
  REQUIRE(desk.set_status(&t, "resolved", kMonday0900Utc));
  REQUIRE(desk.set_status(&t, "open", kMonday0900Utc + 10 * kMinute));
  CHECK(tick(desk, kMonday0900Utc + 2 * kHour).surveys_skipped == 1);
  CHECK(desk.outbox_of_kind("csat").empty());
}

TEST_CASE("due times are shown in the desk's local time", "[timers]") {
  BusinessHours hours;
  TimeZone zone;
  std::string err;
  REQUIRE(load_time_zone("Asia/Taipei", &zone, &err));
  set_time_zone(&hours, zone);
  CHECK(format_local_time(hours, kMonday0900Utc) == "2026-11-23 17:00 (+08:00)");
  CHECK(format_local_time(BusinessHours::always_open(), kMonday0900Utc) == "2026-11-23 09:00 (+00:00)");
}

}  // namespace
}  // namespace ticketd

namespace ticketd {
namespace {

// Not run by default (hidden tag): `daemon_tests "[timers-bench]"` prints
// how long one timers cycle takes over a busy desk.
TEST_CASE("timers over 2000 urgent tickets at reminder time and at breach time", "[.][timers-bench]") {
  testing::Desk desk;
  desk.config.sla.urgent.first_response_minutes = 60;
  for (int i = 0; i < 2000; ++i) desk.open_ticket(testing::kMonday0900Utc, "urgent");
  auto timed = [&](std::int64_t now) {
    auto start = std::chrono::steady_clock::now();
    TimerRun run = run_timers(desk.config, *desk.store, desk.templates, desk.log, now);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    WARN(run.summary() << " in " << ms.count() << " ms");
    return run;
  };
  CHECK(timed(testing::kMonday0900Utc + 45 * 60).sla_reminders == 500);  // one batch per cycle
  timed(testing::kMonday0900Utc + 45 * 60);
  timed(testing::kMonday0900Utc + 45 * 60);
  CHECK(timed(testing::kMonday0900Utc + 45 * 60).sla_reminders == 500);
  CHECK(timed(testing::kMonday0900Utc + 45 * 60).total() == 0);  // nothing left: no crowding by done notices
  CHECK(timed(testing::kMonday0900Utc + 3600).sla_breaches == 500);
}

}  // namespace
}  // namespace ticketd
