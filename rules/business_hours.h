// BusinessHours: when the support desk is staffed, for the `business_hours`
// rule condition ("outside office hours, send the after-hours answer").
//
// Defined once per rule set, by a `[business_hours]` table in one rule file
// (see rules/README.md), so the rules and the hours they test are read and
// tried together (`ticketd rules test`). The current time is always passed in;
// nothing here reads a clock.
//
// The time zone is a fixed offset from UTC ("+08:00" for China, Taiwan and
// Hong Kong, which keep no daylight saving time), or, when `zone` holds
// transitions (an IANA zone loaded by rules/time_zone.h, as the daemon's
// [business_hours] config does for SLA), the offset in force at each moment,
// so daylight saving changes are followed. Rule files still take fixed
// offsets only.
//
// SLA arithmetic (issue 6): add_business_minutes() and
// business_seconds_between() count only open time: nights, closed days and
// holidays are skipped, and a day on which the clocks change has its real
// length. Both are pure functions of their arguments.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rules/time_zone.h"

namespace ticketd {

struct BusinessHours {
  int utc_offset_minutes = 0;              // local = UTC + offset
  std::array<bool, 7> open_days{};         // index 0 = Monday ... 6 = Sunday
  int open_minute = 9 * 60;                // local minutes after midnight, inclusive
  int close_minute = 18 * 60;              // exclusive; close <= open means closed all day
  std::vector<std::string> holidays;       // local dates "YYYY-MM-DD", closed all day
  TimeZone zone;                           // when it has transitions, used instead of utc_offset_minutes

  // Open every day, all day, in UTC: what SLA counts in when no
  // [business_hours] is configured (wall-clock time).
  static BusinessHours always_open();
};

// Sets both the zone and the fixed offset (the zone's latest offset).
void set_time_zone(BusinessHours* hours, TimeZone zone);

// Minutes east of UTC in force at `utc` for these hours.
int utc_offset_at(const BusinessHours& hours, std::int64_t utc);

// True when `now_utc` (seconds since the epoch) falls on an open day, not a
// holiday, within [open, close) local time.
bool within_business_hours(const BusinessHours& hours, std::int64_t now_utc);

// The moment at which `minutes` of open time have passed since `start_utc`.
// Starting outside the hours, the count begins at the next opening. Zero
// minutes gives `start_utc` itself. When the desk is never open (no open day
// within ten years) the answer is start + minutes of wall-clock time, so a
// misconfiguration cannot make a deadline unreachable.
std::int64_t add_business_minutes(const BusinessHours& hours, std::int64_t start_utc, std::int64_t minutes);

// The same in seconds of open time.
std::int64_t add_business_seconds(const BusinessHours& hours, std::int64_t start_utc, std::int64_t seconds);

// Seconds of open time within [from_utc, to_utc); 0 when to <= from.
std::int64_t business_seconds_between(const BusinessHours& hours, std::int64_t from_utc, std::int64_t to_utc);

// Parsers for the rule-file spellings; each returns false on a bad value.
bool parse_utc_offset(std::string_view text, int* minutes);       // "UTC", "+08:00", "-05:30"
bool parse_clock_time(std::string_view text, int* minute_of_day);  // "09:00", "24:00"
bool parse_weekday(std::string_view text, int* index);             // "mon".."sun", "monday".. (any case)
bool is_iso_date(std::string_view text);                           // "2026-10-01"

}  // namespace ticketd
