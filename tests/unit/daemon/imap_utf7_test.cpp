#include "daemon/imap_utf7.h"

#include <catch2/catch.hpp>

namespace ticketd {
namespace {

std::string encode(std::string_view utf8) {
  std::string out, err;
  REQUIRE(encode_imap_utf7(utf8, &out, &err));
  return out;
}

std::string decode(std::string_view mutf7) {
  std::string out, err;
  REQUIRE(decode_imap_utf7(mutf7, &out, &err));
  return out;
}

TEST_CASE("a Chinese folder name from the config is sent as modified UTF-7", "[imap_utf7]") {
  CHECK(encode("已处理") == "&XfJZBHQG-");
  CHECK(decode("&XfJZBHQG-") == "已处理");
}

TEST_CASE("an ampersand in a folder name is written &- and read back", "[imap_utf7]") {
  CHECK(encode("R&D") == "R&-D");
  CHECK(decode("R&-D") == "R&D");
  CHECK(encode("&") == "&-");
}

TEST_CASE("plain ASCII folder names and hierarchy separators pass unchanged", "[imap_utf7]") {
  CHECK(encode("INBOX") == "INBOX");
  CHECK(encode("Support/Done 2024") == "Support/Done 2024");
  CHECK(decode("INBOX/Sub") == "INBOX/Sub");
}

TEST_CASE("the RFC 3501 example round-trips", "[imap_utf7]") {
  // RFC 3501 5.1.3: "~peter/mail/台北/日本語"
  CHECK(encode("~peter/mail/台北/日本語") == "~peter/mail/&U,BTFw-/&ZeVnLIqe-");
  CHECK(decode("~peter/mail/&U,BTFw-/&ZeVnLIqe-") == "~peter/mail/台北/日本語");
}

TEST_CASE("mixed names switch in and out of base64 at each run", "[imap_utf7]") {
  CHECK(encode("Tickets 已处理 & done") == "Tickets &XfJZBHQG- &- done");
  CHECK(decode(encode("Tickets 已处理 & done")) == "Tickets 已处理 & done");
  CHECK(decode(encode("Größe")) == "Größe");
}

TEST_CASE("characters beyond the BMP use surrogate pairs", "[imap_utf7]") {
  const std::string emoji = "Done \xF0\x9F\x98\x80";  // U+1F600
  CHECK(encode(emoji) == "Done &2D3eAA-");
  CHECK(decode("Done &2D3eAA-") == emoji);
}

TEST_CASE("invalid UTF-8 in a configured folder name is an error, not a guess", "[imap_utf7]") {
  std::string out, err;
  CHECK_FALSE(encode_imap_utf7("bad \xff name", &out, &err));
  CHECK(err == "folder name is not valid UTF-8 at byte 4");
  CHECK_FALSE(encode_imap_utf7("\xC0\xAF", &out, &err));  // overlong "/"
}

TEST_CASE("malformed modified UTF-7 from a server is rejected", "[imap_utf7]") {
  std::string out, err;
  CHECK_FALSE(decode_imap_utf7("&XfJZBHQG", &out, &err));  // no closing "-"
  CHECK_FALSE(decode_imap_utf7("&2D0-", &out, &err));      // lone high surrogate
  CHECK_FALSE(decode_imap_utf7("&AEE-", &out, &err));      // "A" must not be encoded
  CHECK_FALSE(decode_imap_utf7("&*-", &out, &err));
}

}  // namespace
}  // namespace ticketd
