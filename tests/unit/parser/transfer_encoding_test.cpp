#include "parser/transfer_encoding.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "parser/sha256.h"

using ticketd::decode_base64_lenient;
using ticketd::decode_quoted_printable_lenient;
using ticketd::decode_transfer_encoding;

TEST_CASE("base64 bodies decode despite line breaks, stray characters and bad padding", "[transfer_encoding]") {
  CHECK(decode_base64_lenient("SGVsbG8sIHdv\r\ncmxkIQ==\r\n") == "Hello, world!");
  CHECK(decode_base64_lenient("SGVsbG8sIHdvcmxkIQ") == "Hello, world!");     // padding missing
  CHECK(decode_base64_lenient("SGVs bG8s*IHdv!cmxkIQ=") == "Hello, world!");  // junk and short padding
  CHECK(decode_base64_lenient("QQ==QQ==") == "AA");                           // two padded blocks glued
  CHECK(decode_base64_lenient("") == "");
  CHECK(decode_base64_lenient("Q") == "");  // one character carries no byte
}

TEST_CASE("quoted-printable decodes soft breaks, lower-case hex and keeps stray equals signs",
          "[transfer_encoding]") {
  CHECK(decode_quoted_printable_lenient("caf=C3=A9 au lait") == "café au lait");
  CHECK(decode_quoted_printable_lenient("caf=c3=a9") == "café");
  CHECK(decode_quoted_printable_lenient("one long =\r\nline") == "one long line");
  CHECK(decode_quoted_printable_lenient("soft with blanks=  \nnext") == "soft with blanksnext");
  CHECK(decode_quoted_printable_lenient("1+1=2 and a=b") == "1+1=2 and a=b");
  CHECK(decode_quoted_printable_lenient("ends with =") == "ends with ");
}

TEST_CASE("unknown transfer encodings leave the body as it is, uuencode is read", "[transfer_encoding]") {
  CHECK(decode_transfer_encoding("plain", "8bit") == "plain");
  CHECK(decode_transfer_encoding("plain", "x-something") == "plain");
  CHECK(decode_transfer_encoding("begin 644 a.txt\n#86)C\n`\nend\n", "x-uuencode") == "abc");
}

TEST_CASE("base64 fed in pieces of any size decodes exactly as the whole text", "[transfer_encoding]") {
  // An attachment's size and hash come from the decoder fed 64 KiB at a
  // time: a group of four, a padding "=" or a line end split between two
  // pieces must change nothing.
  std::string long_body;
  for (int i = 0; i < 300; ++i) long_body += "SGVsbG8sIHdvcmxkISDkvaDlpb3vvIzkuJbnlYwh\r\n";
  const std::vector<std::string> texts = {
      "SGVsbG8sIHdv\r\ncmxkIQ==\r\n", "SGVsbG8sIHdvcmxkIQ", "SGVs bG8s*IHdv!cmxkIQ=", "QQ==QQ==", "Q", "",
      "QUJD\r\nREVG\r\n=\r\nR0hJ\r\n", "-_-_", long_body, long_body + "QQ", "QUJDRA==" + long_body};
  for (const std::string& text : texts) {
    const std::string whole = decode_base64_lenient(text);
    for (std::size_t piece : {1u, 2u, 3u, 5u, 7u, 64u, 1000u}) {
      ticketd::Base64Decoder decoder;
      std::string out;
      for (std::size_t at = 0; at < text.size(); at += piece) decoder.feed(std::string_view(text).substr(at, piece), &out);
      decoder.finish(&out);
      INFO("text of " << text.size() << " characters in pieces of " << piece);
      CHECK(out == whole);
    }
  }
  CHECK(decode_base64_lenient(long_body).size() == 300 * 30);
}

TEST_CASE("an attachment's size and hash are those of its decoded bytes, in every encoding", "[transfer_encoding]") {
  std::string big;  // several 64 KiB pieces, the last one short
  for (int i = 0; i < 5000; ++i) big += "UGFydCBvZiBhIGxhcmdlIGF0dGFjaG1lbnQsIGxpbmUg" + std::to_string(i % 10) + "\r\n";
  const std::vector<std::pair<std::string, std::string>> bodies = {
      {big, "base64"}, {"SGVsbG8sIHdvcmxkIQ", "base64"}, {"", "base64"}, {"caf=C3=A9 au lait", "quoted-printable"},
      {"begin 644 a.txt\n#86)C\n`\nend\n", "x-uuencode"}, {"plain bytes\r\n", "8bit"}, {"raw", ""}};
  for (const auto& [body, encoding] : bodies) {
    const std::string decoded = decode_transfer_encoding(body, encoding);
    const ticketd::DecodedDigest digest = ticketd::digest_of_transfer_encoding(body, encoding);
    INFO(encoding << " body of " << body.size() << " bytes");
    CHECK(digest.size == decoded.size());
    CHECK(digest.sha256 == ticketd::sha256_hex(decoded));
  }
}
