#include "parser/transfer_encoding.h"

#include <catch2/catch.hpp>

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
