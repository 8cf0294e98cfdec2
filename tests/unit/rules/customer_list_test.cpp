// VIP and domain list files.
#include "rules/customer_list.h"

#include <catch2/catch.hpp>

#include "rules_test_support.h"

namespace ticketd {
namespace {

TEST_CASE("a list file holds addresses and domains, with comments", "[customer_list]") {
  CustomerList list;
  std::string err;
  REQUIRE(CustomerList::load(test::rules_data_dir() + "/vip.txt", 100, &list, &err));
  CHECK(list.size() == 3);
  CHECK(list.contains("ceo@bigcorp.example"));
  CHECK(list.contains("CEO@BIGCORP.EXAMPLE"));
  CHECK_FALSE(list.contains("cfo@bigcorp.example"));
  CHECK(list.contains("x@goldmember.example.com"));
  CHECK(list.contains("x@mail.goldmember.example.com"));
  CHECK(list.contains("goldmember.example.com"));
  CHECK_FALSE(list.contains("x@goldmember.example.com.evil.example"));
  CHECK_FALSE(list.contains("# VIPs for the tests"));
}

TEST_CASE("a list entry may be written with a leading @", "[customer_list]") {
  const CustomerList list = CustomerList::from_entries({"@partner.example"});
  CHECK(list.contains("a@partner.example"));
  CHECK_FALSE(list.contains("a@other.example"));
  CHECK_FALSE(list.contains(""));
}

TEST_CASE("a list line with two entries is an error naming the line", "[customer_list]") {
  const std::string path = test::rules_data_dir() + "/two-per-line.txt";
  CustomerList list;
  std::string err;
  REQUIRE_FALSE(CustomerList::load(path, 100, &list, &err));
  CHECK(err == path + ":3: one address or domain per line, found \"a@x.example b@x.example\"");
}

TEST_CASE("a list larger than the limit is refused", "[customer_list]") {
  const std::string path = test::rules_data_dir() + "/vip.txt";
  CustomerList list;
  std::string err;
  REQUIRE_FALSE(CustomerList::load(path, 2, &list, &err));
  CHECK(err == path + ":4: more than 2 entries");
}

}  // namespace
}  // namespace ticketd
