#include "daemon/report_figures.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace ticketd {

namespace {

constexpr std::int64_t kDay = 86400;

// Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civil_from_days(std::int64_t z, int* y, unsigned* m, unsigned* d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int>(static_cast<std::int64_t>(yoe) + era * 400 + (*m <= 2));
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

bool in(std::int64_t t, std::int64_t start, std::int64_t end) { return t >= start && t < end; }

std::optional<double> share(std::int64_t part, std::int64_t whole) {
  if (whole == 0) return std::nullopt;
  return static_cast<double>(part) / static_cast<double>(whole);
}

Distribution distribution(const std::vector<double>& values) {
  return {values.size(), median_of(values), percentile_nearest_rank(values, 0.9)};
}

// Open at `t`: created before, not closed, not resolved since its last reopening.
bool open_at(const ReportTicket& t, std::int64_t at) {
  if (t.created_at >= at) return false;
  if (t.closed_at && *t.closed_at < at) return false;
  std::optional<std::int64_t> last_resolved, last_reopened;
  for (auto r : t.resolved_at)
    if (r < at) last_resolved = r;
  for (auto r : t.reopened_at)
    if (r < at) last_reopened = r;
  if (!last_resolved) return true;
  return last_reopened && *last_reopened >= *last_resolved;
}

ReportFigures figures_for(const std::vector<const ReportTicket*>& tickets, std::int64_t start, std::int64_t end,
                          const ReportOptions& options) {
  ReportFigures f;
  std::vector<double> first_response, resolution;
  std::int64_t resolved_tickets = 0, reopened = 0, answered_resolved = 0, first_contact = 0;
  std::int64_t satisfied = 0, rating_sum = 0;
  for (const ReportTicket* t : tickets) {
    if (in(t->created_at, start, end)) {
      ++f.created;
      if (t->first_response_at) {
        first_response.push_back(static_cast<double>(
            business_seconds_between(options.hours, t->created_at, *t->first_response_at)));
      }
      // SLA: each target met, breached, or still running or paused (left out).
      for (const auto& target : {t->first_response_sla, t->resolution_sla}) {
        if (!target) continue;
        if (target->met_at) {
          ++(*target->met_at <= target->due_at ? f.sla_met : f.sla_breached);
        } else if (!target->paused && target->due_at < options.until) {
          ++f.sla_breached;
        }
      }
    }
    bool resolved_here = false;
    for (auto r : t->resolved_at) {
      if (!in(r, start, end)) continue;
      ++f.resolved;
      resolved_here = true;
      resolution.push_back(static_cast<double>(business_seconds_between(options.hours, t->created_at, r)));
    }
    if (resolved_here) {
      ++resolved_tickets;
      bool was_reopened = std::any_of(t->reopened_at.begin(), t->reopened_at.end(),
                                      [&](std::int64_t o) { return o > t->resolved_at.front(); });
      if (was_reopened) ++reopened;
      if (t->agent_replies > 0) {
        ++answered_resolved;
        if (t->agent_replies == 1 && !was_reopened) ++first_contact;
      }
      if (t->survey_sent) {
        ++f.surveys_sent;
        if (t->csat_rating) {
          ++f.surveys_answered;
          rating_sum += *t->csat_rating;
          if (*t->csat_rating >= 4) ++satisfied;
        }
      }
    }
    if (open_at(*t, end)) ++f.backlog;
  }
  f.first_response = distribution(first_response);
  f.resolution = distribution(resolution);
  f.reopen_rate = share(reopened, resolved_tickets);
  f.first_contact_resolution = share(first_contact, answered_resolved);
  f.sla_attainment = share(f.sla_met, f.sla_met + f.sla_breached);
  f.csat_response_rate = share(f.surveys_answered, f.surveys_sent);
  f.csat_score = share(satisfied, f.surveys_answered);
  if (f.surveys_answered > 0) f.csat_mean = static_cast<double>(rating_sum) / static_cast<double>(f.surveys_answered);
  return f;
}

std::string week_key(std::int64_t local_day) {
  // ISO 8601 week: the week's Thursday decides the year.
  std::int64_t weekday = floor_div(local_day + 3, 7) * 7 - 3;  // Monday of this week (1970-01-01 was a Thursday)
  std::int64_t thursday = weekday + 3;
  int y;
  unsigned m, d;
  civil_from_days(thursday, &y, &m, &d);
  std::int64_t week = (thursday - days_from_civil(y, 1, 1)) / 7 + 1;
  return fmt::format("{}-W{:02}", y, week);
}

std::vector<ReportRow> time_rows(const std::vector<const ReportTicket*>& all, const ReportOptions& o, int step_days) {
  std::vector<ReportRow> rows;
  std::int64_t offset = static_cast<std::int64_t>(o.day_offset_minutes) * 60;
  std::int64_t start = local_midnight(o.since, o.day_offset_minutes);
  if (step_days == 7) {
    std::int64_t day = floor_div(start + offset, kDay);
    std::int64_t monday = floor_div(day + 3, 7) * 7 - 3;
    start = monday * kDay - offset;
  }
  for (std::int64_t s = start; s < o.until; s += step_days * kDay) {
    std::int64_t from = std::max(s, o.since), to = std::min(s + step_days * kDay, o.until);
    std::string key = step_days == 7 ? week_key(floor_div(s + offset, kDay)) : local_date(s, o.day_offset_minutes);
    rows.push_back({key, from, to, figures_for(all, from, to, o)});
  }
  return rows;
}

}  // namespace

bool parse_report_grouping(std::string_view text, ReportGrouping* out) {
  static const std::pair<std::string_view, ReportGrouping> names[] = {
      {"day", ReportGrouping::day},     {"week", ReportGrouping::week}, {"agent", ReportGrouping::agent},
      {"group", ReportGrouping::group}, {"tag", ReportGrouping::tag},   {"mailbox", ReportGrouping::mailbox}};
  for (const auto& [name, value] : names) {
    if (text == name) {
      *out = value;
      return true;
    }
  }
  return false;
}

std::string_view grouping_name(ReportGrouping by) {
  switch (by) {
    case ReportGrouping::none: return "";
    case ReportGrouping::day: return "day";
    case ReportGrouping::week: return "week";
    case ReportGrouping::agent: return "agent";
    case ReportGrouping::group: return "group";
    case ReportGrouping::tag: return "tag";
    case ReportGrouping::mailbox: return "mailbox";
  }
  return "";
}

std::optional<double> median_of(std::vector<double> values) {
  if (values.empty()) return std::nullopt;
  std::sort(values.begin(), values.end());
  std::size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

std::optional<double> percentile_nearest_rank(std::vector<double> values, double p) {
  if (values.empty()) return std::nullopt;
  std::sort(values.begin(), values.end());
  auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(values.size())));
  return values[std::clamp<std::size_t>(rank, 1, values.size()) - 1];
}

std::int64_t local_midnight(std::int64_t utc, int offset_minutes) {
  std::int64_t offset = static_cast<std::int64_t>(offset_minutes) * 60;
  return floor_div(utc + offset, kDay) * kDay - offset;
}

std::string local_date(std::int64_t utc, int offset_minutes) {
  int y;
  unsigned m, d;
  civil_from_days(floor_div(utc + static_cast<std::int64_t>(offset_minutes) * 60, kDay), &y, &m, &d);
  return fmt::format("{:04}-{:02}-{:02}", y, m, d);
}

bool parse_report_date(std::string_view text, int offset_minutes, std::int64_t* out, std::string* err) {
  int y = 0;
  unsigned mo = 0, d = 0, h = 0, mi = 0;
  auto digits = [&](std::size_t at, std::size_t n, unsigned* v) {
    if (at + n > text.size()) return false;
    *v = 0;
    for (std::size_t i = at; i < at + n; ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
      *v = *v * 10 + static_cast<unsigned>(text[i] - '0');
    }
    return true;
  };
  unsigned year = 0;
  bool ok = (text.size() == 10 || text.size() == 16) && digits(0, 4, &year) && text[4] == '-' &&
            digits(5, 2, &mo) && text[7] == '-' && digits(8, 2, &d) && mo >= 1 && mo <= 12 && d >= 1 && d <= 31;
  if (ok && text.size() == 16) {
    ok = (text[10] == 'T' || text[10] == ' ') && digits(11, 2, &h) && text[13] == ':' && digits(14, 2, &mi) &&
         h < 24 && mi < 60;
  }
  if (!ok) {
    *err = fmt::format("\"{}\" is not a date (YYYY-MM-DD or YYYY-MM-DDTHH:MM)", text);
    return false;
  }
  y = static_cast<int>(year);
  *out = days_from_civil(y, mo, d) * kDay + h * 3600 + mi * 60 - static_cast<std::int64_t>(offset_minutes) * 60;
  return true;
}

Report compute_report(const std::vector<ReportTicket>& tickets, const ReportOptions& options) {
  Report report;
  report.options = options;
  std::vector<const ReportTicket*> all;
  for (const auto& t : tickets) all.push_back(&t);
  report.total = figures_for(all, options.since, options.until, options);
  report.daily = time_rows(all, options, 1);

  auto keyed = [&](auto keys_of) {
    std::map<std::string, std::vector<const ReportTicket*>> groups;
    for (const auto* t : all) {
      for (const std::string& key : keys_of(*t)) groups[key].push_back(t);
    }
    for (const auto& [key, members] : groups) {
      report.rows.push_back({key, options.since, options.until, figures_for(members, options.since, options.until,
                                                                            options)});
    }
  };
  auto or_none = [](const std::string& v, const char* none) { return v.empty() ? std::string(none) : v; };
  switch (options.by) {
    case ReportGrouping::none: break;
    case ReportGrouping::day: report.rows = report.daily; break;
    case ReportGrouping::week: report.rows = time_rows(all, options, 7); break;
    case ReportGrouping::agent:
      keyed([&](const ReportTicket& t) { return std::vector<std::string>{or_none(t.assignee, "(unassigned)")}; });
      break;
    case ReportGrouping::group:
      keyed([&](const ReportTicket& t) { return std::vector<std::string>{or_none(t.group, "(no group)")}; });
      break;
    case ReportGrouping::mailbox:
      keyed([&](const ReportTicket& t) { return std::vector<std::string>{t.mailbox}; });
      break;
    case ReportGrouping::tag:
      keyed([&](const ReportTicket& t) { return t.tags.empty() ? std::vector<std::string>{"(no tag)"} : t.tags; });
      break;
  }
  // A key with nothing in the period (a ticket long closed) says nothing.
  std::erase_if(report.rows, [](const ReportRow& r) {
    const auto& f = r.figures;
    return f.created == 0 && f.resolved == 0 && f.backlog == 0 && f.sla_met + f.sla_breached == 0;
  });
  if (options.by == ReportGrouping::day || options.by == ReportGrouping::week) {
    // Time rows are kept even when quiet: a gap in a series is information.
    report.rows = options.by == ReportGrouping::day ? report.daily : time_rows(all, options, 7);
  }
  return report;
}

}  // namespace ticketd
