// Satisfaction ratings: the signed rating addresses of a survey, and
// ratings read from a plain reply.
#include "daemon/csat.h"

#include <catch2/catch.hpp>

#include <algorithm>

namespace ticketd {
namespace {

const Signer kSigner("a test key that is long enough");

TEST_CASE("a rating address names the ticket and rating and verifies", "[csat]") {
  std::string address = csat_address(kSigner, "support@example.com", 1001, 4);
  CHECK(address.rfind("support+csat-1001-4-", 0) == 0);
  CHECK(address.find("@example.com") != std::string::npos);
  auto token = parse_csat_address(address);
  REQUIRE(token);
  CHECK(token->base_address == "support@example.com");
  CHECK(token->ticket_number == 1001);
  CHECK(token->rating == 4);
  CHECK(verify_csat_token(kSigner, *token));
  // Mail systems may fold the local part to upper case.
  auto upper = parse_csat_address("SUPPORT+CSAT-1001-4-" + token->signature + "@EXAMPLE.COM");
  REQUIRE(upper);
  CHECK(verify_csat_token(kSigner, *upper));
}

TEST_CASE("an edited rating, another ticket's number or another key is refused", "[csat]") {
  auto token = parse_csat_address(csat_address(kSigner, "support@example.com", 1001, 1));
  REQUIRE(token);
  CsatToken five = *token;
  five.rating = 5;
  CHECK_FALSE(verify_csat_token(kSigner, five));
  CsatToken other = *token;
  other.ticket_number = 1002;
  CHECK_FALSE(verify_csat_token(kSigner, other));
  CHECK_FALSE(verify_csat_token(Signer("another key, also long enough"), *token));
  CHECK_FALSE(verify_csat_token(Signer(), *token));
}

TEST_CASE("addresses that only look like rating addresses are not parsed", "[csat]") {
  CHECK_FALSE(parse_csat_address("support@example.com"));
  CHECK_FALSE(parse_csat_address("support+csat-1001-6-abc@example.com"));
  CHECK_FALSE(parse_csat_address("support+csat-1001-0-abc@example.com"));
  CHECK_FALSE(parse_csat_address("support+csat-10x1-3-abc@example.com"));
  CHECK_FALSE(parse_csat_address("support+csat-1001-3-@example.com"));
  CHECK_FALSE(parse_csat_address("support+csat-1001-34-abc@example.com"));
  CHECK_FALSE(parse_csat_address("+csat-1001-3-abc@example.com"));
}

TEST_CASE("the survey offers five mailto links with a ready subject, in the customer's language", "[csat]") {
  std::string en = survey_links(kSigner, "support@example.com", 1001, "en");
  CHECK(en.find("5 - Very satisfied: mailto:support+csat-1001-5-") == 0);
  CHECK(en.find("1 - Very dissatisfied: mailto:support+csat-1001-1-") != std::string::npos);
  CHECK(en.find("?subject=Rating%205%20for%20ticket%20%5B%231001%5D") != std::string::npos);
  std::string zh = survey_links(kSigner, "support@example.com", 1001, "zh-TW");
  CHECK(zh.find("非常滿意") != std::string::npos);
  CHECK(std::count(zh.begin(), zh.end(), '\n') == 4);
}

TEST_CASE("a plain reply with a number or a word is a rating, the rest is the comment", "[csat]") {
  auto r = rating_from_text("5");
  REQUIRE(r);
  CHECK(r->rating == 5);
  CHECK(r->comment.empty());
  r = rating_from_text("  4 - quick and friendly, thanks\n");
  REQUIRE(r);
  CHECK(r->rating == 4);
  CHECK(r->comment == "quick and friendly, thanks");
  r = rating_from_text("3/5\nThe answer took two days.");
  REQUIRE(r);
  CHECK(r->rating == 3);
  CHECK(r->comment == "The answer took two days.");
  r = rating_from_text("Good, solved in minutes");
  REQUIRE(r);
  CHECK(r->rating == 5);
  CHECK(r->comment == "solved in minutes");
  CHECK(rating_from_text("bad")->rating == 1);
  CHECK(rating_from_text("满意，谢谢")->rating == 5);
  CHECK(rating_from_text("满意，谢谢")->comment == "谢谢");
  CHECK(rating_from_text("不满意")->rating == 1);
  CHECK(rating_from_text("不滿意，等太久了")->rating == 1);
  CHECK(rating_from_text("不滿意，等太久了")->comment == "等太久了");
  CHECK(rating_from_text("滿意")->rating == 5);
}

TEST_CASE("ordinary replies are not ratings", "[csat]") {
  CHECK_FALSE(rating_from_text(""));
  CHECK_FALSE(rating_from_text("Thanks, but the printer is still broken"));
  CHECK_FALSE(rating_from_text("10 pages are missing"));
  CHECK_FALSE(rating_from_text("goodbye"));
  CHECK_FALSE(rating_from_text("6"));
}

}  // namespace
}  // namespace ticketd
