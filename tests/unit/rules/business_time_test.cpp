// SLA arithmetic on business hours: adding open minutes to a moment and
// counting the open time between two moments, across nights, weekends,
// holidays, time zones and daylight saving changes (issue 6, point 7).
#include <catch2/catch.hpp>

#include "rules/business_hours.h"
#include "rules/time_zone.h"

namespace ticketd {
namespace {

BusinessHours desk(const char* zone_name, int open_hour, int close_hour) {
  BusinessHours h;
  TimeZone zone;
  std::string err;
  REQUIRE(load_time_zone(zone_name, &zone, &err));
  set_time_zone(&h, zone);
  h.open_days = {true, true, true, true, true, false, false};
  h.open_minute = open_hour * 60;
  h.close_minute = close_hour * 60;
  return h;
}

// Moments written as local wall-clock times (computed with Python's zoneinfo).
constexpr std::int64_t kShanghaiWed1700 = 1794992400;  // 2026-11-18 17:00 +08:00
constexpr std::int64_t kShanghaiThu1000 = 1795053600;  // 2026-11-19 10:00
constexpr std::int64_t kShanghaiFri1730 = 1795167000;  // 2026-11-20 17:30
constexpr std::int64_t kShanghaiMon0930 = 1795397400;  // 2026-11-23 09:30

TEST_CASE("a two-hour target set an hour before closing falls due the next morning", "[business_time]") {
  const BusinessHours h = desk("Asia/Shanghai", 9, 18);
  CHECK(add_business_minutes(h, kShanghaiWed1700, 120) == kShanghaiThu1000);
  CHECK(business_seconds_between(h, kShanghaiWed1700, kShanghaiThu1000) == 2 * 3600);
}

TEST_CASE("a target running into the weekend continues on Monday", "[business_time]") {
  const BusinessHours h = desk("Asia/Shanghai", 9, 18);
  CHECK(add_business_minutes(h, kShanghaiFri1730, 60) == kShanghaiMon0930);
  CHECK(business_seconds_between(h, kShanghaiFri1730, kShanghaiMon0930) == 3600);
}

TEST_CASE("a mail arriving at night starts its clock at the next opening", "[business_time]") {
  const BusinessHours h = desk("Asia/Shanghai", 9, 18);
  const std::int64_t thu0300 = kShanghaiThu1000 - 7 * 3600;
  CHECK(add_business_minutes(h, thu0300, 60) == kShanghaiThu1000);
  const std::int64_t saturday = kShanghaiFri1730 + 86400;
  CHECK(add_business_minutes(h, saturday, 30) == kShanghaiMon0930);
}

TEST_CASE("holidays are skipped like weekends", "[business_time]") {
  BusinessHours h = desk("+08:00", 9, 18);
  h.holidays = {"2026-10-01"};
  const std::int64_t wed_sep30_1700 = 1790758800;
  const std::int64_t fri_oct2_1000 = 1790906400;
  CHECK(add_business_minutes(h, wed_sep30_1700, 120) == fri_oct2_1000);
  h.holidays.clear();
  CHECK(add_business_minutes(h, wed_sep30_1700, 120) == fri_oct2_1000 - 86400);
}

TEST_CASE("the same local hours mean different UTC times in different zones", "[business_time]") {
  const BusinessHours shanghai = desk("Asia/Shanghai", 9, 18);
  const BusinessHours utc = desk("UTC", 9, 18);
  // Thursday 10:00 in Shanghai is 02:00 UTC: open there, night in London.
  CHECK(within_business_hours(shanghai, kShanghaiThu1000));
  CHECK_FALSE(within_business_hours(utc, kShanghaiThu1000));
  CHECK(add_business_minutes(utc, kShanghaiThu1000, 60) == kShanghaiThu1000 + 8 * 3600);
}

TEST_CASE("office hours follow the clock change to winter time in Berlin", "[business_time]") {
  const BusinessHours h = desk("Europe/Berlin", 9, 17);
  const std::int64_t fri_oct23_1600_cest = 1792764000;  // 14:00 UTC
  const std::int64_t mon_oct26_1000_cet = 1793005200;   // 09:00 UTC
  CHECK(add_business_minutes(h, fri_oct23_1600_cest, 120) == mon_oct26_1000_cet);
  // Monday 09:30 local is 08:30 UTC after the change: open, although a fixed
  // summer offset would have called it 10:30.
  CHECK(within_business_hours(h, mon_oct26_1000_cet - 1800));
  CHECK_FALSE(within_business_hours(h, mon_oct26_1000_cet - 3600 - 1));
}

TEST_CASE("a round-the-clock desk counts the real length of DST days", "[business_time]") {
  BusinessHours h = BusinessHours::always_open();
  TimeZone berlin;
  std::string err;
  REQUIRE(load_time_zone("Europe/Berlin", &berlin, &err));
  set_time_zone(&h, berlin);
  const std::int64_t oct25_midnight = 1792879200, oct26_midnight = 1792969200;
  CHECK(business_seconds_between(h, oct25_midnight, oct26_midnight) == 25 * 3600);
  const std::int64_t mar29_midnight = 1774738800, mar30_midnight = 1774821600;
  CHECK(business_seconds_between(h, mar29_midnight, mar30_midnight) == 23 * 3600);
  CHECK(add_business_minutes(h, mar29_midnight, 23 * 60) == mar30_midnight);
}

TEST_CASE("counting open time back gives the minutes that were added", "[business_time]") {
  BusinessHours h = desk("Europe/Berlin", 9, 17);
  h.holidays = {"2026-12-25"};
  for (std::int64_t start = 1792764000; start < 1792764000 + 40 * 86400; start += 7919) {
    for (std::int64_t minutes : {1, 59, 480, 481, 3000}) {
      const std::int64_t due = add_business_minutes(h, start, minutes);
      CHECK(business_seconds_between(h, start, due) == minutes * 60);
    }
  }
}

TEST_CASE("zero minutes are due at once and a desk never open falls back to wall-clock time", "[business_time]") {
  BusinessHours h = desk("UTC", 9, 17);
  CHECK(add_business_minutes(h, kShanghaiWed1700, 0) == kShanghaiWed1700);
  h.open_days.fill(false);
  CHECK(add_business_minutes(h, kShanghaiWed1700, 30) == kShanghaiWed1700 + 1800);
  CHECK(business_seconds_between(h, kShanghaiWed1700, kShanghaiWed1700 + 86400) == 0);
}

TEST_CASE("unknown or path-like time zone names are refused with the name", "[business_time]") {
  TimeZone zone;
  std::string err;
  CHECK_FALSE(load_time_zone("Mars/Olympus_Mons", &zone, &err));
  CHECK(err.find("Mars/Olympus_Mons") != std::string::npos);
  CHECK_FALSE(load_time_zone("../../etc/passwd", &zone, &err));
  CHECK_FALSE(load_time_zone("/etc/passwd", &zone, &err));
  CHECK(load_time_zone("-05:30", &zone, &err));
  CHECK(zone.offset_minutes_at(0) == -330);
}

}  // namespace
}  // namespace ticketd
