// Dates as clients and servers really write them, all read to UTC.
#include <catch2/catch.hpp>

#include <cstdint>
#include <optional>

#include "parser/header_fields.h"

using ticketd::parse_mail_date;

namespace {
// 2020-08-25 02:22:33 UTC, i.e. 10:22:33 in Beijing.
constexpr std::int64_t kBeijingMorning = 1598322153;
}  // namespace

TEST_CASE("an RFC 5322 date is read to UTC", "[date]") {
  CHECK(parse_mail_date("Tue, 25 Aug 2020 10:22:33 +0800") == kBeijingMorning);
  CHECK(parse_mail_date("Mon, 2 Jan 2006 15:04:05 -0700") == 1136239445);
  CHECK(parse_mail_date("  Tue,\r\n 25 Aug 2020 10:22:33 +0800\r\n") == kBeijingMorning);
}

TEST_CASE("a date without weekday or seconds is read", "[date]") {
  CHECK(parse_mail_date("25 Aug 2020 10:22:33 +0800") == kBeijingMorning);
  CHECK(parse_mail_date("Tue, 25 Aug 2020 10:22 +0800") == kBeijingMorning - 33);
}

TEST_CASE("obsolete and named time zones are honoured", "[date]") {
  CHECK(parse_mail_date("Tue, 25 Aug 2020 10:22:33 PDT") == 1598376153);
  CHECK(parse_mail_date("Tue, 25 Aug 2020 02:22:33 GMT") == kBeijingMorning);
  CHECK(parse_mail_date("Tue, 25 Aug 2020 02:22:33 UT") == kBeijingMorning);
  CHECK(parse_mail_date("Mon, 24 Aug 2020 21:22:33 EST") == kBeijingMorning);
  CHECK(parse_mail_date("Mon, 24 Aug 2020 22:22:33 EDT") == kBeijingMorning);
  CHECK(parse_mail_date("Tue, 25 Aug 2020 11:22:33 JST") == kBeijingMorning);
  // A zone with a colon, and an hour-only zone.
  CHECK(parse_mail_date("Tue, 25 Aug 2020 10:22:33 +08:00") == kBeijingMorning);
  CHECK(parse_mail_date("Tue, 25 Aug 2020 10:22:33 +08") == kBeijingMorning);
  CHECK(parse_mail_date("Tue, 25 Aug 2020 10:22:33 GMT+0800") == kBeijingMorning);
  CHECK(parse_mail_date("Tue, 25 Aug 2020 10:22:33 UTC+8") == kBeijingMorning);
}

TEST_CASE("two-digit and three-digit years follow RFC 5322 section 4.3", "[date]") {
  CHECK(parse_mail_date("Tue, 25 Aug 20 10:22:33 +0800") == kBeijingMorning);
  CHECK(parse_mail_date("Fri, 31 Dec 99 23:59:00 GMT") == 946684740);
  CHECK(parse_mail_date("Fri, 31 Dec 099 23:59:00 GMT") == 946684740);
}

TEST_CASE("ISO 8601 dates are read", "[date]") {
  CHECK(parse_mail_date("2020-08-25T02:22:33Z") == kBeijingMorning);
  CHECK(parse_mail_date("2020-08-25T10:22:33+08:00") == kBeijingMorning);
  CHECK(parse_mail_date("2020-08-25 10:22:33 +0800") == kBeijingMorning);
  CHECK(parse_mail_date("2020-08-25T02:22:33.123Z") == kBeijingMorning);
}

TEST_CASE("asctime, RFC 850, slashed and Chinese dates are read", "[date]") {
  CHECK(parse_mail_date("Tue Aug 25 02:22:33 2020") == kBeijingMorning);
  CHECK(parse_mail_date("Tue Aug 25 10:22:33 2020 +0800") == kBeijingMorning);
  CHECK(parse_mail_date("Tuesday, 25-Aug-20 02:22:33 GMT") == kBeijingMorning);
  CHECK(parse_mail_date("2020/08/25 10:22:33 +0800") == kBeijingMorning);
  CHECK(parse_mail_date("2020年8月25日 10:22:33 +0800") == kBeijingMorning);
  CHECK(parse_mail_date("Di, 25. Aug. 2020 10:22:33 +0800") == kBeijingMorning);
  CHECK(parse_mail_date("Tue, 25 Aug 2020 10:22:33 PM +0000") == kBeijingMorning + 20 * 3600);
}

TEST_CASE("junk after the date and comments are ignored", "[date]") {
  CHECK(parse_mail_date("Tue, 25 Aug 2020 10:22:33 +0800 (CST)") == kBeijingMorning);
  CHECK(parse_mail_date("Tue, 25 Aug 2020 10:22:33 +0800 (China Standard Time) via webmail") == kBeijingMorning);
}

TEST_CASE("a date without a zone is taken as UTC", "[date]") {
  CHECK(parse_mail_date("Tue, 25 Aug 2020 02:22:33") == kBeijingMorning);
}

TEST_CASE("leap days and leap seconds are accepted, impossible dates are not", "[date]") {
  CHECK(parse_mail_date("Tue, 29 Feb 2000 00:00:00 +0000") == 951782400);
  CHECK(parse_mail_date("Sat, 31 Dec 2016 23:59:60 +0000") == parse_mail_date("Sat, 31 Dec 2016 23:59:59 +0000"));
  CHECK_FALSE(parse_mail_date("Tue, 30 Feb 2021 10:00:00 +0000"));
  CHECK_FALSE(parse_mail_date("Tue, 25 Aug 2020 25:22:33 +0800"));
  CHECK_FALSE(parse_mail_date("Tue, 32 Aug 2020 10:22:33 +0800"));
}

TEST_CASE("a missing or unreadable date gives nothing", "[date]") {
  CHECK_FALSE(parse_mail_date(""));
  CHECK_FALSE(parse_mail_date("yesterday"));
  CHECK_FALSE(parse_mail_date("Tue, Aug 2020"));
  CHECK_FALSE(parse_mail_date(std::string(100000, '9')));
}
