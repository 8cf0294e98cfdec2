#include "rules/business_hours.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace ticketd {
namespace {

// Civil date from days since 1970-01-01 (Howard Hinnant's algorithm), so we
// never touch the process-wide TZ or localtime().
void civil_from_days(std::int64_t z, int* y, int* m, int* d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t year = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned day = doy - (153 * mp + 2) / 5 + 1;
  const unsigned month = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int>(year + (month <= 2));
  *m = static_cast<int>(month);
  *d = static_cast<int>(day);
}

bool two_digits(std::string_view s, int* v) {
  if (s.size() != 2 || !std::isdigit(static_cast<unsigned char>(s[0])) ||
      !std::isdigit(static_cast<unsigned char>(s[1])))
    return false;
  *v = (s[0] - '0') * 10 + (s[1] - '0');
  return true;
}

std::int64_t floor_days(std::int64_t local) { return local >= 0 ? local / 86400 : (local - 86399) / 86400; }

// Whether the local day `days` (since 1970-01-01) is a working day.
bool open_day(const BusinessHours& hours, std::int64_t days) {
  // 1970-01-01 was a Thursday (index 3 with Monday = 0).
  const auto weekday = static_cast<std::size_t>(((days % 7) + 7 + 3) % 7);
  if (!hours.open_days[weekday]) return false;
  if (hours.holidays.empty()) return true;
  int y = 0, m = 0, d = 0;
  civil_from_days(days, &y, &m, &d);
  char date[40];
  std::snprintf(date, sizeof date, "%04d-%02d-%02d", y, m, d);
  return std::find(hours.holidays.begin(), hours.holidays.end(), date) == hours.holidays.end();
}

std::int64_t local_to_utc(const BusinessHours& hours, std::int64_t local) {
  if (hours.zone.transitions.empty()) return local - std::int64_t{hours.utc_offset_minutes} * 60;
  return hours.zone.utc_of_local(local);
}

// The open span of local day `days`, in UTC: [*from, *to). False when closed.
bool open_span(const BusinessHours& hours, std::int64_t days, std::int64_t* from, std::int64_t* to) {
  if (hours.close_minute <= hours.open_minute || !open_day(hours, days)) return false;
  *from = local_to_utc(hours, days * 86400 + std::int64_t{hours.open_minute} * 60);
  *to = local_to_utc(hours, days * 86400 + std::int64_t{hours.close_minute} * 60);
  return *to > *from;
}

constexpr std::int64_t kMaxDays = 3660;  // ten years: the search bound for a desk never open

}  // namespace

BusinessHours BusinessHours::always_open() {
  BusinessHours hours;
  hours.open_days.fill(true);
  hours.open_minute = 0;
  hours.close_minute = 24 * 60;
  return hours;
}

void set_time_zone(BusinessHours* hours, TimeZone zone) {
  // The offset in force now-ish (after the last transition), not the local
  // mean time a zone file starts with (+08:06 for Shanghai).
  hours->utc_offset_minutes = zone.offsets_after_minutes.empty() ? zone.base_offset_minutes
                                                                 : zone.offsets_after_minutes.back();
  hours->zone = std::move(zone);
}

int utc_offset_at(const BusinessHours& hours, std::int64_t utc) {
  return hours.zone.transitions.empty() ? hours.utc_offset_minutes : hours.zone.offset_minutes_at(utc);
}

bool within_business_hours(const BusinessHours& hours, std::int64_t now_utc) {
  const std::int64_t local = now_utc + std::int64_t{utc_offset_at(hours, now_utc)} * 60;
  const std::int64_t days = floor_days(local);
  const auto minute = static_cast<int>((local - days * 86400) / 60);
  if (!open_day(hours, days)) return false;
  return minute >= hours.open_minute && minute < hours.close_minute;
}

std::int64_t add_business_minutes(const BusinessHours& hours, std::int64_t start_utc, std::int64_t minutes) {
  return add_business_seconds(hours, start_utc, minutes * 60);
}

std::int64_t add_business_seconds(const BusinessHours& hours, std::int64_t start_utc, std::int64_t seconds) {
  if (seconds <= 0) return start_utc;
  std::int64_t left = seconds;
  // Begin one local day early: a span of yesterday's date may still be open
  // (a close at 24:00 on a day that ends later in UTC).
  std::int64_t day = floor_days(start_utc + std::int64_t{utc_offset_at(hours, start_utc)} * 60) - 1;
  for (std::int64_t n = 0; n < kMaxDays; ++n, ++day) {
    std::int64_t from = 0, to = 0;
    if (!open_span(hours, day, &from, &to) || to <= start_utc) continue;
    from = std::max(from, start_utc);
    if (to - from >= left) return from + left;
    left -= to - from;
  }
  return start_utc + seconds;
}

std::int64_t business_seconds_between(const BusinessHours& hours, std::int64_t from_utc, std::int64_t to_utc) {
  if (to_utc <= from_utc) return 0;
  std::int64_t total = 0;
  std::int64_t day = floor_days(from_utc + std::int64_t{utc_offset_at(hours, from_utc)} * 60) - 1;
  const std::int64_t last = floor_days(to_utc + std::int64_t{utc_offset_at(hours, to_utc)} * 60) + 1;
  for (; day <= last; ++day) {
    std::int64_t from = 0, to = 0;
    if (!open_span(hours, day, &from, &to)) continue;
    from = std::max(from, from_utc);
    to = std::min(to, to_utc);
    if (to > from) total += to - from;
  }
  return total;
}

bool parse_utc_offset(std::string_view text, int* minutes) {
  if (text == "UTC" || text == "Z" || text == "utc") {
    *minutes = 0;
    return true;
  }
  if (text.size() != 6 || (text[0] != '+' && text[0] != '-') || text[3] != ':') return false;
  int h = 0, m = 0;
  if (!two_digits(text.substr(1, 2), &h) || !two_digits(text.substr(4, 2), &m) || h > 14 || m > 59) return false;
  *minutes = (text[0] == '-' ? -1 : 1) * (h * 60 + m);
  return true;
}

bool parse_clock_time(std::string_view text, int* minute_of_day) {
  int h = 0, m = 0;
  if (text.size() != 5 || text[2] != ':' || !two_digits(text.substr(0, 2), &h) || !two_digits(text.substr(3, 2), &m))
    return false;
  if (m > 59 || h > 24 || (h == 24 && m != 0)) return false;
  *minute_of_day = h * 60 + m;
  return true;
}

bool parse_weekday(std::string_view text, int* index) {
  static constexpr std::string_view kNames[] = {"monday", "tuesday", "wednesday", "thursday",
                                                "friday", "saturday", "sunday"};
  std::string lower;
  for (char c : text) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  for (int i = 0; i < 7; ++i) {
    if (lower == kNames[i] || (lower.size() == 3 && kNames[i].substr(0, 3) == lower)) {
      *index = i;
      return true;
    }
  }
  return false;
}

bool is_iso_date(std::string_view text) {
  int mo = 0, d = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (int i : {0, 1, 2, 3})
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return false;
  return two_digits(text.substr(5, 2), &mo) && two_digits(text.substr(8, 2), &d) && mo >= 1 && mo <= 12 && d >= 1 &&
         d <= 31;
}

}  // namespace ticketd
