// Office hours: days, hours, fixed-offset time zone and holidays.
#include "rules/business_hours.h"

#include <catch2/catch.hpp>

namespace ticketd {
namespace {

BusinessHours beijing() {
  BusinessHours h;
  REQUIRE(parse_utc_offset("+08:00", &h.utc_offset_minutes));
  h.open_days = {true, true, true, true, true, false, false};
  h.open_minute = 9 * 60;
  h.close_minute = 18 * 60;
  h.holidays = {"2026-10-01"};
  return h;
}

constexpr std::int64_t kWed0200Utc = 1'794'967'200;  // 2026-11-18 10:00 in Beijing

TEST_CASE("the desk is open on a weekday within the hours, in its own time zone", "[business_hours]") {
  const BusinessHours h = beijing();
  CHECK(within_business_hours(h, kWed0200Utc));
  CHECK(within_business_hours(h, kWed0200Utc - 3600));           // 09:00 sharp: open
  CHECK_FALSE(within_business_hours(h, kWed0200Utc - 3601));     // 08:59:59
  CHECK_FALSE(within_business_hours(h, kWed0200Utc + 8 * 3600)); // 18:00: closed
  CHECK(within_business_hours(h, kWed0200Utc + 8 * 3600 - 1));
}

TEST_CASE("weekends and holidays are closed", "[business_hours]") {
  const BusinessHours h = beijing();
  CHECK_FALSE(within_business_hours(h, kWed0200Utc + 3 * 86400));  // Saturday
  CHECK_FALSE(within_business_hours(h, kWed0200Utc + 4 * 86400));  // Sunday
  CHECK(within_business_hours(h, kWed0200Utc + 5 * 86400));        // Monday
  const std::int64_t national_day = 1'790'820'000;                 // 2026-10-01 (Thursday) 10:00 +08:00
  CHECK_FALSE(within_business_hours(h, national_day));
  CHECK(within_business_hours(h, national_day + 86400));
}

TEST_CASE("the local date follows the offset across midnight UTC", "[business_hours]") {
  BusinessHours h = beijing();
  h.open_days = {false, false, false, true, false, false, false};  // Thursday only
  h.open_minute = 0;
  h.close_minute = 24 * 60;
  // Wednesday 20:00 UTC is Thursday 04:00 in Beijing.
  CHECK(within_business_hours(h, kWed0200Utc + 18 * 3600));
  BusinessHours ny = h;
  REQUIRE(parse_utc_offset("-05:00", &ny.utc_offset_minutes));
  CHECK_FALSE(within_business_hours(ny, kWed0200Utc + 18 * 3600));  // still Wednesday in New York
}

TEST_CASE("rule-file spellings of offsets, times, days and dates", "[business_hours]") {
  int v = 0;
  CHECK((parse_utc_offset("UTC", &v) && v == 0));
  CHECK((parse_utc_offset("-05:30", &v) && v == -330));
  CHECK_FALSE(parse_utc_offset("Asia/Shanghai", &v));
  CHECK((parse_clock_time("24:00", &v) && v == 1440));
  CHECK_FALSE(parse_clock_time("24:01", &v));
  CHECK_FALSE(parse_clock_time("9:00", &v));
  CHECK((parse_weekday("Friday", &v) && v == 4));
  CHECK((parse_weekday("sun", &v) && v == 6));
  CHECK_FALSE(parse_weekday("fr", &v));
  CHECK(is_iso_date("2026-10-01"));
  CHECK_FALSE(is_iso_date("2026-13-01"));
  CHECK_FALSE(is_iso_date("01.10.2026"));
}

}  // namespace
}  // namespace ticketd
