// The support report's figures on a fixed week of tickets, each expectation
// counted by hand (the comments show the count).
#include <catch2/catch.hpp>

#include "daemon/report_figures.h"
#include "daemon/report_render.h"

using namespace ticketd;

namespace {

constexpr std::int64_t kHour = 3600;

std::int64_t monday() {  // 2026-11-02 00:00 UTC, a Monday (ISO week 45)
  std::int64_t t = 0;
  std::string err;
  REQUIRE(parse_report_date("2026-11-02", 0, &t, &err));
  return t;
}

ReportTicket ticket(std::int64_t number, std::int64_t created_h, std::string assignee, std::string group,
                    std::vector<std::string> tags) {
  ReportTicket t;
  t.number = number;
  t.created_at = monday() + created_h * kHour;
  t.assignee = std::move(assignee);
  t.group = std::move(group);
  t.tags = std::move(tags);
  t.mailbox = "support";
  return t;
}

std::int64_t at(std::int64_t hours) { return monday() + hours * kHour; }

// The week (hours after Monday 00:00):
//  #1 created 1, answered 3, resolved 5; 1 agent reply; alice/billing [billing]; CSAT 5
//  #2 created 2, answered 6, resolved 26, reopened 30, resolved 50; 2 replies; bob/billing [billing refund]; CSAT 2
//  #3 created 25, answered 26, open; alice/tech; SLA: answer due 29 (met), resolution due 49 (breached)
//  #4 created 49, never answered, open; unassigned, mailbox billing [refund]; SLA: answer due 53 (breached)
//  #5 created -24 (the week before), resolved 10, closed 20; no reply; bob/tech; survey not answered
//  #6 created 100, answered 101, resolved 102; 1 reply; alice/tech; CSAT 4
//  #7 created 200 (after the week)
std::vector<ReportTicket> the_week() {
  std::vector<ReportTicket> week;
  auto t1 = ticket(1, 1, "alice", "billing", {"billing"});
  t1.first_response_at = at(3);
  t1.resolved_at = {at(5)};
  t1.agent_replies = 1;
  t1.survey_sent = true;
  t1.csat_rating = 5;
  week.push_back(t1);
  auto t2 = ticket(2, 2, "bob", "billing", {"billing", "refund"});
  t2.first_response_at = at(6);
  t2.resolved_at = {at(26), at(50)};
  t2.reopened_at = {at(30)};
  t2.agent_replies = 2;
  t2.survey_sent = true;
  t2.csat_rating = 2;
  week.push_back(t2);
  auto t3 = ticket(3, 25, "alice", "tech", {});
  t3.first_response_at = at(26);
  t3.first_response_sla = ReportTicket::SlaTarget{at(29), at(26), false};
  t3.resolution_sla = ReportTicket::SlaTarget{at(49), std::nullopt, false};
  week.push_back(t3);
  auto t4 = ticket(4, 49, "", "", {"refund"});
  t4.mailbox = "billing";
  t4.first_response_sla = ReportTicket::SlaTarget{at(53), std::nullopt, false};
  week.push_back(t4);
  auto t5 = ticket(5, -24, "bob", "tech", {});
  t5.resolved_at = {at(10)};
  t5.closed_at = at(20);
  t5.survey_sent = true;
  week.push_back(t5);
  auto t6 = ticket(6, 100, "alice", "tech", {});
  t6.first_response_at = at(101);
  t6.resolved_at = {at(102)};
  t6.agent_replies = 1;
  t6.survey_sent = true;
  t6.csat_rating = 4;
  week.push_back(t6);
  week.push_back(ticket(7, 200, "alice", "tech", {}));
  return week;
}

ReportOptions the_week_options(ReportGrouping by = ReportGrouping::none) {
  ReportOptions o;
  o.since = monday();
  o.until = monday() + 7 * 24 * kHour;
  o.by = by;
  return o;
}

const ReportRow& row(const Report& r, const std::string& key) {
  for (const auto& x : r.rows)
    if (x.key == key) return x;
  FAIL("no row " << key);
  throw 0;
}

}  // namespace

TEST_CASE("the week's totals match the hand count") {
  Report r = compute_report(the_week(), the_week_options());
  const auto& f = r.total;
  CHECK(f.created == 5);   // #1 #2 #3 #4 #6
  CHECK(f.resolved == 5);  // #1, #2 twice, #5, #6
  CHECK(f.backlog == 2);   // #3 #4
  // First answers: 2h 4h 1h 1h -> median (1+2)/2 = 1.5h, p90 = 4th of 4 = 4h.
  CHECK(f.first_response.count == 4);
  CHECK(*f.first_response.median == Approx(1.5 * kHour));
  CHECK(*f.first_response.p90 == Approx(4 * kHour));
  // Resolutions: 4h 24h 48h 34h 2h -> median 24h, p90 = 5th of 5 = 48h.
  CHECK(*f.resolution.median == Approx(24 * kHour));
  CHECK(*f.resolution.p90 == Approx(48 * kHour));
  CHECK(*f.reopen_rate == Approx(1.0 / 4));               // #2 of #1 #2 #5 #6
  CHECK(*f.first_contact_resolution == Approx(2.0 / 3));  // #1 #6 of #1 #2 #6 (#5 never answered)
  CHECK(f.sla_met == 1);                                  // #3's answer
  CHECK(f.sla_breached == 2);                             // #3's resolution, #4's answer
  CHECK(*f.sla_attainment == Approx(1.0 / 3));
  CHECK(f.surveys_sent == 4);  // #1 #2 #5 #6
  CHECK(f.surveys_answered == 3);
  CHECK(*f.csat_response_rate == Approx(0.75));
  CHECK(*f.csat_score == Approx(2.0 / 3));  // 5 and 4 of 5, 2, 4
  CHECK(*f.csat_mean == Approx(11.0 / 3));
}

TEST_CASE("backlog over time follows each day's openings, resolutions and the reopening") {
  Report r = compute_report(the_week(), the_week_options(ReportGrouping::day));
  REQUIRE(r.rows.size() == 7);
  CHECK(r.rows[0].key == "2026-11-02");
  CHECK(r.rows[6].key == "2026-11-08");
  std::vector<std::int64_t> created, resolved, backlog;
  for (const auto& d : r.rows) {
    created.push_back(d.figures.created);
    resolved.push_back(d.figures.resolved);
    backlog.push_back(d.figures.backlog);
  }
  CHECK(created == std::vector<std::int64_t>{2, 1, 1, 0, 1, 0, 0});
  CHECK(resolved == std::vector<std::int64_t>{2, 1, 1, 0, 1, 0, 0});
  // Mon: #2 open. Tue: #2 reopened, #3. Wed on: #3 #4.
  CHECK(backlog == std::vector<std::int64_t>{1, 2, 2, 2, 2, 2, 2});
}

TEST_CASE("per agent, each agent's own tickets are counted and the unassigned are shown") {
  Report r = compute_report(the_week(), the_week_options(ReportGrouping::agent));
  REQUIRE(r.rows.size() == 3);
  CHECK(r.rows[0].key == "(unassigned)");
  const auto& alice = row(r, "alice").figures;
  CHECK(alice.created == 3);  // #1 #3 #6
  CHECK(alice.resolved == 2);
  CHECK(alice.backlog == 1);
  const auto& bob = row(r, "bob").figures;
  CHECK(bob.created == 1);
  CHECK(bob.resolved == 3);  // #2 twice, #5
  CHECK(bob.backlog == 0);
  CHECK(row(r, "(unassigned)").figures.backlog == 1);
}

TEST_CASE("per tag, a ticket with two tags counts under both") {
  Report r = compute_report(the_week(), the_week_options(ReportGrouping::tag));
  CHECK(row(r, "billing").figures.created == 2);
  CHECK(row(r, "billing").figures.resolved == 3);
  CHECK(row(r, "refund").figures.created == 2);
  CHECK(row(r, "refund").figures.backlog == 1);
  CHECK(row(r, "(no tag)").figures.created == 2);  // #3 #6
}

TEST_CASE("a week that starts on Monday is one ISO week row equal to the total") {
  Report r = compute_report(the_week(), the_week_options(ReportGrouping::week));
  REQUIRE(r.rows.size() == 1);
  CHECK(r.rows[0].key == "2026-W45");
  CHECK(r.rows[0].figures.created == r.total.created);
  CHECK(r.rows[0].figures.backlog == r.total.backlog);
}

TEST_CASE("figures without data are empty, not zero") {
  std::vector<ReportTicket> plain = {ticket(1, 1, "alice", "", {})};
  Report r = compute_report(plain, the_week_options());
  CHECK(r.total.created == 1);
  CHECK_FALSE(r.total.first_response.median);
  CHECK_FALSE(r.total.sla_attainment);
  CHECK_FALSE(r.total.csat_score);
  CHECK_FALSE(r.total.first_contact_resolution);
  CHECK(report_csv(r).find("total,1,0,1,,,,,,,,,\r\n") != std::string::npos);
}

TEST_CASE("response times count business hours only when they are configured") {
  // Friday 17:00 UTC to Monday 10:00 UTC: 65 hours of wall clock, 2 business hours (Fri 17-18, Mon 9-10).
  auto t = ticket(1, 4 * 24 + 17, "alice", "", {});
  t.first_response_at = at(7 * 24 + 10);
  ReportOptions o = the_week_options();
  o.until = monday() + 14 * 24 * kHour;
  CHECK(*compute_report({t}, o).total.first_response.median == Approx(65 * kHour));
  o.hours = BusinessHours{};
  o.hours.open_days = {true, true, true, true, true, false, false};
  CHECK(*compute_report({t}, o).total.first_response.median == Approx(2 * kHour));
}

TEST_CASE("the HTML report is one page with its charts and escapes names") {
  auto week = the_week();
  week[0].assignee = "<script>alert(1)</script>";
  std::string html = report_html(compute_report(week, the_week_options(ReportGrouping::agent)));
  CHECK(html.find("<svg class=\"chart\" id=\"chart-daily\"") != std::string::npos);
  CHECK(html.find("<svg class=\"chart\" id=\"chart-backlog\"") != std::string::npos);
  CHECK(html.find("<svg class=\"chart\" id=\"chart-by\"") != std::string::npos);
  CHECK(html.find("<polyline class=\"line backlog\"") != std::string::npos);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("&lt;script&gt;") != std::string::npos);
  CHECK(html.find("src=") == std::string::npos);
  CHECK(html.find("href=") == std::string::npos);
}

TEST_CASE("report dates are local days at the given offset") {
  std::int64_t t = 0;
  std::string err;
  REQUIRE(parse_report_date("2026-11-02", 8 * 60, &t, &err));
  CHECK(t == monday() - 8 * kHour);
  CHECK(local_date(t, 8 * 60) == "2026-11-02");
  CHECK_FALSE(parse_report_date("02/11/2026", 0, &t, &err));
  CHECK(err == "\"02/11/2026\" is not a date (YYYY-MM-DD or YYYY-MM-DDTHH:MM)");
}

TEST_CASE("percentiles: median of an even count is the mean of the middle two, p90 is nearest rank") {
  CHECK(*median_of({4, 1, 3, 2}) == Approx(2.5));
  CHECK(*percentile_nearest_rank({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 0.9) == Approx(9));
  CHECK(*percentile_nearest_rank({7}, 0.9) == Approx(7));
  CHECK_FALSE(median_of({}));
}

TEST_CASE("an SLA clock that is paused or not yet due is neither met nor breached") {
  auto paused = ticket(1, 1, "alice", "", {});
  paused.first_response_sla = ReportTicket::SlaTarget{at(2), std::nullopt, true};
  auto running = ticket(2, 1, "alice", "", {});
  running.first_response_sla = ReportTicket::SlaTarget{at(24 * 8), std::nullopt, false};
  auto late = ticket(3, 1, "alice", "", {});
  late.first_response_sla = ReportTicket::SlaTarget{at(2), at(3), false};
  Report r = compute_report({paused, running, late}, the_week_options());
  CHECK(r.total.sla_met == 0);
  CHECK(r.total.sla_breached == 1);  // #3, answered an hour late
  CHECK(*r.total.sla_attainment == Approx(0.0));
}
