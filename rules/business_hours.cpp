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

}  // namespace

bool within_business_hours(const BusinessHours& hours, std::int64_t now_utc) {
  const std::int64_t local = now_utc + std::int64_t{hours.utc_offset_minutes} * 60;
  const std::int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
  const auto minute = static_cast<int>((local - days * 86400) / 60);
  // 1970-01-01 was a Thursday (index 3 with Monday = 0).
  const auto weekday = static_cast<int>(((days % 7) + 7 + 3) % 7);
  if (!hours.open_days[weekday]) return false;
  int y = 0, m = 0, d = 0;
  civil_from_days(days, &y, &m, &d);
  char date[40];
  std::snprintf(date, sizeof date, "%04d-%02d-%02d", y, m, d);
  if (std::find(hours.holidays.begin(), hours.holidays.end(), date) != hours.holidays.end()) return false;
  return minute >= hours.open_minute && minute < hours.close_minute;
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
