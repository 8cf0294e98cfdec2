// IDN domains: shown in Unicode when received, sent in ASCII.
#include <catch2/catch.hpp>

#include <optional>
#include <string>

#include "parser/punycode.h"

using ticketd::domain_to_ascii;
using ticketd::domain_to_unicode;
using ticketd::punycode_decode;
using ticketd::punycode_encode;

TEST_CASE("RFC 3492 sample strings round-trip", "[punycode]") {
  // RFC 3492 section 7.1, samples (A) Arabic and (B) Chinese (simplified).
  CHECK(punycode_decode("egbpdaj6bu4bxfgehfvwxn") == std::optional<std::string>("ليهمابتكلموشعربي؟"));
  CHECK(punycode_decode("ihqwcrb4cv8a8dqg056pqjye") == std::optional<std::string>("他们为什么不说中文"));
  CHECK(punycode_encode("他们为什么不说中文") == std::optional<std::string>("ihqwcrb4cv8a8dqg056pqjye"));
  CHECK(punycode_encode("ليهمابتكلموشعربي؟") == std::optional<std::string>("egbpdaj6bu4bxfgehfvwxn"));
}

TEST_CASE("an IDN mail domain is shown in Unicode", "[punycode]") {
  CHECK(domain_to_unicode("xn--fiqs8s") == "中国");
  CHECK(domain_to_unicode("mail.xn--mnchen-3ya.de") == "mail.münchen.de");
  CHECK(domain_to_unicode("XN--R8JZ45G.xn--zckzah") == "例え.テスト");
  CHECK(domain_to_unicode("example.com") == "example.com");
}

TEST_CASE("a broken xn-- label is kept as written", "[punycode]") {
  CHECK(domain_to_unicode("xn--!!!.com") == "xn--!!!.com");
  CHECK(domain_to_unicode("xn--99999999999999999999a.com") == "xn--99999999999999999999a.com");
  CHECK_FALSE(punycode_decode("zzzzzzzzzzzzzzzzzzzzzzzzzzz"));
}

TEST_CASE("a Unicode domain is sent as xn-- labels", "[punycode]") {
  CHECK(domain_to_ascii("中国") == "xn--fiqs8s");
  CHECK(domain_to_ascii("mail.München.de") == "mail.xn--mnchen-3ya.de");
  CHECK(domain_to_ascii("example.com") == "example.com");
}
