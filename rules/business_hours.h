// BusinessHours: when the support desk is staffed, for the `business_hours`
// rule condition ("outside office hours, send the after-hours answer").
//
// Defined once per rule set, by a `[business_hours]` table in one rule file
// (see rules/README.md), so the rules and the hours they test are read and
// tried together (`ticketd rules test`). The current time is always passed in;
// nothing here reads a clock.
//
// The time zone is a fixed offset from UTC ("+08:00" for China, Taiwan and
// Hong Kong, which keep no daylight saving time). Desks in zones with DST set
// the offset they want, or two rule sets; this is a known limit.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ticketd {

struct BusinessHours {
  int utc_offset_minutes = 0;              // local = UTC + offset
  std::array<bool, 7> open_days{};         // index 0 = Monday ... 6 = Sunday
  int open_minute = 9 * 60;                // local minutes after midnight, inclusive
  int close_minute = 18 * 60;              // exclusive; close <= open means closed all day
  std::vector<std::string> holidays;       // local dates "YYYY-MM-DD", closed all day
};

// True when `now_utc` (seconds since the epoch) falls on an open day, not a
// holiday, within [open, close) local time.
bool within_business_hours(const BusinessHours& hours, std::int64_t now_utc);

// Parsers for the rule-file spellings; each returns false on a bad value.
bool parse_utc_offset(std::string_view text, int* minutes);       // "UTC", "+08:00", "-05:30"
bool parse_clock_time(std::string_view text, int* minute_of_day);  // "09:00", "24:00"
bool parse_weekday(std::string_view text, int* index);             // "mon".."sun", "monday".. (any case)
bool is_iso_date(std::string_view text);                           // "2026-10-01"

}  // namespace ticketd
