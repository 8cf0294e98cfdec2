// Message ids for threading, from well-formed and broken headers alike.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "parser/header_fields.h"

using ticketd::parse_message_ids;
using Ids = std::vector<std::string>;

TEST_CASE("a Message-ID is read bare", "[message-ids]") {
  CHECK(parse_message_ids("<abc.123@mail.example.com>") == Ids{"abc.123@mail.example.com"});
  CHECK(parse_message_ids("  <abc@x>  ") == Ids{"abc@x"});
}

TEST_CASE("References yield every id in order, duplicates removed", "[message-ids]") {
  CHECK(parse_message_ids("<a@x> <b@x>\r\n <c@x> <a@x>") == Ids{"a@x", "b@x", "c@x"});
  CHECK(parse_message_ids("<a@x>,<b@x>") == Ids{"a@x", "b@x"});
  CHECK(parse_message_ids("<a@x><b@x>") == Ids{"a@x", "b@x"});
}

TEST_CASE("ids with missing brackets are still found", "[message-ids]") {
  CHECK(parse_message_ids("a@x b@x") == Ids{"a@x", "b@x"});
  CHECK(parse_message_ids("abc.123@mail.example.com") == Ids{"abc.123@mail.example.com"});
  CHECK(parse_message_ids("<a@x") == Ids{"a@x"});
  CHECK(parse_message_ids("<a@x <b@x>") == Ids{"a@x", "b@x"});
  CHECK(parse_message_ids("1234567890") == Ids{"1234567890"});
}

TEST_CASE("an id folded in the middle is joined", "[message-ids]") {
  CHECK(parse_message_ids("<CAF=abc\r\n def@mail.gmail.com>") == Ids{"CAF=abcdef@mail.gmail.com"});
}

TEST_CASE("prose and comments around In-Reply-To ids are ignored", "[message-ids]") {
  CHECK(parse_message_ids("<a@x> (John's message of Tue, <john@example.com>)") == Ids{"a@x"});
  CHECK(parse_message_ids("Your message of Tue 25 Aug <a@x>") == Ids{"a@x"});
}

TEST_CASE("nothing usable gives no ids, never an empty one", "[message-ids]") {
  CHECK(parse_message_ids("").empty());
  CHECK(parse_message_ids("<>").empty());
  CHECK(parse_message_ids("   ").empty());
  CHECK(parse_message_ids("not an id at all").empty());
}

TEST_CASE("a hostile run of unclosed brackets is read in linear time", "[message-ids]") {
  std::string hostile(200000, '<');
  CHECK(parse_message_ids(hostile).empty());
  std::string ids;
  for (int i = 0; i < 10000; ++i) ids += "<" + std::to_string(i) + "@x> ";
  CHECK(parse_message_ids(ids).size() == 10000);
}
