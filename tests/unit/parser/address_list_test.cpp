// Address lists: who wrote and who was copied, however the client wrote it.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "parser/header_fields.h"

using ticketd::Address;
using ticketd::parse_address_list;
using Addresses = std::vector<Address>;

TEST_CASE("a plain address and a named address are read", "[addresses]") {
  CHECK(parse_address_list("jane@example.com") == Addresses{{"", "jane@example.com"}});
  CHECK(parse_address_list("Jane Doe <jane@example.com>") == Addresses{{"Jane Doe", "jane@example.com"}});
  CHECK(parse_address_list("<jane@example.com>") == Addresses{{"", "jane@example.com"}});
}

TEST_CASE("a list of several people keeps them in order", "[addresses]") {
  CHECK(parse_address_list("Jane <jane@example.com>, bob@example.com,\r\n\t\"Li, Lei\" <li@example.cn>") ==
        Addresses{{"Jane", "jane@example.com"}, {"", "bob@example.com"}, {"Li, Lei", "li@example.cn"}});
  CHECK(parse_address_list("a@x, , b@x,") == Addresses{{"", "a@x"}, {"", "b@x"}});
}

TEST_CASE("quoted names keep escaped quotes and special characters", "[addresses]") {
  CHECK(parse_address_list(R"("Jane \"JD\" Doe" <jane@example.com>)") ==
        Addresses{{"Jane \"JD\" Doe", "jane@example.com"}});
  CHECK(parse_address_list(R"x("Doe, Jane (Sales)" <jane@example.com>)x") ==
        Addresses{{"Doe, Jane (Sales)", "jane@example.com"}});
  CHECK(parse_address_list("'Jane Doe' <jane@example.com>") == Addresses{{"Jane Doe", "jane@example.com"}});
}

TEST_CASE("groups yield their members and empty groups nothing", "[addresses]") {
  CHECK(parse_address_list("Support team: a@example.com, Bob <b@example.com>;, c@example.com") ==
        Addresses{{"", "a@example.com"}, {"Bob", "b@example.com"}, {"", "c@example.com"}});
  CHECK(parse_address_list("undisclosed-recipients:;").empty());
  CHECK(parse_address_list("Undisclosed recipients: ;").empty());
}

TEST_CASE("comments are dropped, and name a person when nothing else does", "[addresses]") {
  CHECK(parse_address_list("jane@example.com (Jane Doe)") == Addresses{{"Jane Doe", "jane@example.com"}});
  CHECK(parse_address_list("Jane <jane(at home)@example.com>") == Addresses{{"Jane", "jane@example.com"}});
  CHECK(parse_address_list("Jane (Sales) <jane@example.com>") == Addresses{{"Jane", "jane@example.com"}});
}

TEST_CASE("missing angle brackets still split name and address", "[addresses]") {
  CHECK(parse_address_list("Jane Doe jane@example.com") == Addresses{{"Jane Doe", "jane@example.com"}});
  CHECK(parse_address_list("Jane Doe <jane@example.com") == Addresses{{"Jane Doe", "jane@example.com"}});
  CHECK(parse_address_list("<mailto:jane@example.com>") == Addresses{{"", "jane@example.com"}});
  CHECK(parse_address_list("Jane <<jane@example.com>>") == Addresses{{"Jane", "jane@example.com"}});
}

TEST_CASE("an unquoted 'Last, First' name from Outlook stays one person", "[addresses]") {
  CHECK(parse_address_list("Doe, Jane <jane@example.com>") == Addresses{{"Doe, Jane", "jane@example.com"}});
  CHECK(parse_address_list("root, Jane <jane@example.com>, postmaster") ==
        Addresses{{"root, Jane", "jane@example.com"}, {"", "postmaster"}});
}

TEST_CASE("encoded-word and raw 8-bit names are decoded", "[addresses]") {
  CHECK(parse_address_list("=?UTF-8?B?5byg5LiJ?= <zhangsan@example.cn>") ==
        Addresses{{"张三", "zhangsan@example.cn"}});
  CHECK(parse_address_list("\"=?GBK?B?v823/rK/?=\" <kefu@example.cn>") == Addresses{{"客服部", "kefu@example.cn"}});
  CHECK(parse_address_list("=?utf-8?q?Jane?= =?utf-8?q?_Doe?= <jane@example.com>") ==
        Addresses{{"Jane Doe", "jane@example.com"}});
  CHECK(parse_address_list("张三 <zhangsan@example.cn>") == Addresses{{"张三", "zhangsan@example.cn"}});
  CHECK(parse_address_list("\xD5\xC5\xC8\xFD <zhangsan@example.cn>") == Addresses{{"张三", "zhangsan@example.cn"}});
}

TEST_CASE("IDN domains are shown in Unicode", "[addresses]") {
  CHECK(parse_address_list("Li <li@xn--fiqs8s>") == Addresses{{"Li", "li@中国"}});
  CHECK(parse_address_list("info@mail.xn--mnchen-3ya.de") == Addresses{{"", "info@mail.münchen.de"}});
}

TEST_CASE("the null sender and empty values give no address", "[addresses]") {
  CHECK(parse_address_list("<>").empty());
  CHECK(parse_address_list("").empty());
  CHECK(parse_address_list("   ").empty());
}

TEST_CASE("an obsolete source route is dropped from the address", "[addresses]") {
  CHECK(parse_address_list("Jane <@relay.example.net:jane@example.com>") == Addresses{{"Jane", "jane@example.com"}});
}

TEST_CASE("no CR, LF or NUL survives in a name or an address", "[addresses]") {
  Addresses a = parse_address_list(std::string("\"Jane\r\nBcc: x@evil\0\" <jane@example.com>", 40));
  REQUIRE(a.size() == 1);
  CHECK(a[0].name.find_first_of(std::string("\r\n\0", 3)) == std::string::npos);
  CHECK(a[0].address == "jane@example.com");
}
