#include "parser/delivery_status.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "parser/mail_parser.h"

using namespace ticketd;

namespace {
std::string corpus(const std::string& name) {
  std::ifstream in(std::string(TICKETD_TEST_DATA) + "/corpus/mail/" + name, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}
}  // namespace

TEST_CASE("A Postfix bounce names the refused address and a permanent 5.1.1", "[delivery_status]") {
  Message m = parse_mail(corpus("bounce_dsn.eml"), 0);
  REQUIRE(m.delivery_results.size() == 1);
  CHECK(m.delivery_results[0].recipient == "nobody@gone.example");
  CHECK(m.delivery_results[0].action == "failed");
  CHECK(m.delivery_results[0].status == "5.1.1");
  CHECK(m.delivery_results[0].diagnostic == "550 5.1.1 User unknown");
  CHECK(m.delivery_results[0].permanent_failure());
  CHECK(m.bounced_message_id == "t4410.m3.9f8e7d@shop.example");
}

TEST_CASE("An Exchange bounce with lower-case field names is read the same", "[delivery_status]") {
  Message m = parse_mail(corpus("bounce_exchange.eml"), 0);
  REQUIRE(m.delivery_results.size() == 1);
  CHECK(m.delivery_results[0].recipient == "h.mueller@firma.example");
  CHECK(m.delivery_results[0].status == "5.1.10");
  CHECK(m.delivery_results[0].permanent_failure());
}

TEST_CASE("A delay notice is not a permanent failure", "[delivery_status]") {
  auto results = parse_delivery_status(
      "Reporting-MTA: dns; mx.example\n\n"
      "Final-Recipient: rfc822; <slow@far.example>\nAction: delayed\nStatus: 4.4.7\n"
      "Will-Retry-Until: Mon, 13 Nov 2023 10:00:01 +0000\n");
  REQUIRE(results.size() == 1);
  CHECK(results[0].recipient == "slow@far.example");
  CHECK_FALSE(results[0].permanent_failure());
}

TEST_CASE("Several recipients and folded diagnostics each get their own result", "[delivery_status]") {
  auto results = parse_delivery_status(
      "Reporting-MTA: dns; mx.example\r\n\r\n"
      "Original-Recipient: rfc822; a@one.example\r\nAction: failed\r\nStatus: 5.2.2 (mailbox full)\r\n"
      "Diagnostic-Code: smtp; 552 5.2.2 Mailbox full,\r\n  try later\r\n\r\n"
      "Final-Recipient: rfc822; b@two.example\r\nAction: delivered\r\nStatus: 2.0.0\r\n");
  REQUIRE(results.size() == 2);
  CHECK(results[0].recipient == "a@one.example");
  CHECK(results[0].status == "5.2.2");
  CHECK(results[0].diagnostic == "552 5.2.2 Mailbox full, try later");
  CHECK(results[0].permanent_failure());
  CHECK(results[1].recipient == "b@two.example");
  CHECK_FALSE(results[1].permanent_failure());
}

TEST_CASE("Garbage in a delivery report gives no results rather than a crash", "[delivery_status]") {
  CHECK(parse_delivery_status("").empty());
  CHECK(parse_delivery_status("\n\n\n:::\n \tcontinued\nFinal-Recipient: rfc822; no-at-sign\n").empty());
  static constexpr char kNulAndHighByte[] = "Final-Recipient: rfc822; a@b\0\xff\n";
  CHECK(parse_delivery_status(std::string(kNulAndHighByte, sizeof kNulAndHighByte - 1)).size() == 1);
}
