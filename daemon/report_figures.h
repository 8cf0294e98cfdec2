// The support report's figures (`ticketd report`), computed from the
// store's ReportTicket rows by a pure function: no clock, no SQL, so a fixed
// data set gives hand-countable figures (tests/unit/daemon/report_figures_test.cpp).
//
// For a set of tickets S (all of them, or one agent's, group's, tag's,
// mailbox's) and a window W = [start, end) (the whole period, or one day or
// week of it):
//  - created: tickets of S created in W.
//  - resolved: resolutions in W (a ticket resolved, reopened and resolved
//    again counts twice; "resolved -> closed" does not count again).
//  - backlog: tickets of S open at the end of W (created before it, not
//    closed, and not resolved since their last reopening).
//  - first response time: for tickets of S created in W that have had an
//    answer, the time from creation to the first answer.
//  - resolution time: for each resolution in W, the time from the ticket's
//    creation to that resolution.
//    Both times count business hours only (BusinessHours; always_open()
//    when none are configured: wall-clock time). Median (the mean of the
//    two middle values for an even count) and 90th percentile (nearest
//    rank: the ceil(0.9 n)-th smallest).
//  - reopen rate: of the tickets of S resolved in W, the share that a
//    customer reopened after their first resolution.
//  - first-contact resolution: of the tickets of S resolved in W that an
//    agent answered, the share resolved with exactly one agent reply and
//    never reopened.
//  - SLA attainment: of the SLA targets of tickets of S created in W (first
//    response, resolution), the share met by their due time; a target not
//    yet met whose due time is still ahead at the end of the period, or whose
//    clock is paused (pending on the customer), is left out.
//  - CSAT: of the surveys sent for tickets of S resolved in W, the share
//    answered (response rate), and of the answers, the share rating 4 or 5
//    of 5 (score) and the mean rating.
// A figure with nothing to count (no ticket answered, no SLA data in this
// store, no survey sent) is empty (nullopt), never 0.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rules/business_hours.h"
#include "store/store.h"

namespace ticketd {

enum class ReportGrouping { none, day, week, agent, group, tag, mailbox };

// "day", "week", "agent", "group", "tag", "mailbox"; false for anything else.
bool parse_report_grouping(std::string_view text, ReportGrouping* out);
std::string_view grouping_name(ReportGrouping by);

struct ReportOptions {
  std::int64_t since = 0;  // inclusive, UTC seconds
  std::int64_t until = 0;  // exclusive
  ReportGrouping by = ReportGrouping::none;
  BusinessHours hours = BusinessHours::always_open();
  int day_offset_minutes = 0;  // days and weeks (Monday first) start at local midnight at this UTC offset
};

struct Distribution {
  std::size_t count = 0;
  std::optional<double> median;  // seconds
  std::optional<double> p90;
};

struct ReportFigures {
  std::int64_t created = 0;
  std::int64_t resolved = 0;
  std::int64_t backlog = 0;
  Distribution first_response;
  Distribution resolution;
  std::optional<double> reopen_rate;  // 0..1
  std::optional<double> first_contact_resolution;
  std::int64_t sla_met = 0, sla_breached = 0;
  std::optional<double> sla_attainment;
  std::int64_t surveys_sent = 0, surveys_answered = 0;
  std::optional<double> csat_response_rate;
  std::optional<double> csat_score;     // share of answers rating 4-5
  std::optional<double> csat_mean;      // mean rating, 1..5
};

struct ReportRow {
  std::string key;         // "2026-11-16" (day), "2026-W47" (week), agent/group/tag/mailbox name
  std::int64_t start = 0;  // the row's window
  std::int64_t end = 0;
  ReportFigures figures;
};

struct Report {
  ReportOptions options;
  ReportFigures total;
  std::vector<ReportRow> rows;   // by the chosen grouping; empty for none
  std::vector<ReportRow> daily;  // every day of the period, for the backlog-over-time charts
};

Report compute_report(const std::vector<ReportTicket>& tickets, const ReportOptions& options);

// Percentiles as described above; nullopt for no values.
std::optional<double> median_of(std::vector<double> values);
std::optional<double> percentile_nearest_rank(std::vector<double> values, double p);

// "2026-11-16" (local midnight at `offset_minutes`) or "2026-11-16T09:30"
// (local time) -> UTC seconds. Errors name the text: `"16/11" is not a date
// (YYYY-MM-DD)`.
bool parse_report_date(std::string_view text, int offset_minutes, std::int64_t* out, std::string* err);
// Local midnight (at `offset_minutes`) at or before `utc`.
std::int64_t local_midnight(std::int64_t utc, int offset_minutes);
// "2026-11-16" for the local day holding `utc`.
std::string local_date(std::int64_t utc, int offset_minutes);

}  // namespace ticketd
