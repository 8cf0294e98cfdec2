// Transfer encodings of outgoing parts: decodable by any client, lines kept
// short, the text unchanged.
#include <catch2/catch.hpp>

#include <string>

#include "parser/body_encoder.h"
#include "parser/transfer_encoding.h"

using ticketd::choose_transfer_encoding;
using ticketd::encode_base64_lines;
using ticketd::encode_body;
using ticketd::encode_quoted_printable;

namespace {

bool lines_within(const std::string& s, std::size_t limit) {
  std::size_t start = 0;
  while (start < s.size()) {
    std::size_t end = s.find("\r\n", start);
    if (end == std::string::npos) end = s.size();
    if (end - start > limit) return false;
    start = end + 2;
  }
  return true;
}

std::string crlf(std::string s) {
  std::string out;
  for (char c : s) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

}  // namespace

TEST_CASE("the encoding fits the text", "[body-encoder]") {
  CHECK(choose_transfer_encoding("Hello,\nyour ticket is resolved.\n") == "7bit");
  CHECK(choose_transfer_encoding(std::string(100, 'a')) == "quoted-printable");
  CHECK(choose_transfer_encoding("Hello Jane, your refund of 5 € is on its way. Thanks!") == "quoted-printable");
  CHECK(choose_transfer_encoding("您好，您的退款已经受理。") == "base64");
}

TEST_CASE("base64 lines are 76 characters and decode back", "[body-encoder]") {
  std::string data;
  for (int i = 0; i < 1000; ++i) data += static_cast<char>(i * 7);
  std::string encoded = encode_base64_lines(data);
  CHECK(lines_within(encoded, 76));
  CHECK(ticketd::decode_base64_lenient(encoded) == data);
  CHECK(encode_base64_lines("") == "");
  CHECK(encode_base64_lines("a") == "YQ==\r\n");
}

TEST_CASE("quoted-printable keeps lines short and the text exact", "[body-encoder]") {
  std::string text = "Café = 5 €\nA long line: " + std::string(200, 'x') + "\ntrailing space \n\tindent\nFrom here\nend";
  std::string encoded = encode_quoted_printable(text);
  CHECK(lines_within(encoded, 76));
  CHECK(encoded.find("=3D") != std::string::npos);
  CHECK(encoded.find("space=20\r\n") != std::string::npos);  // white space before a line end is escaped
  CHECK(encoded.find("\r\n=46rom here") != std::string::npos);  // mbox would turn "From " into ">From "
  CHECK(ticketd::decode_quoted_printable_lenient(encoded) == crlf(text));
}

TEST_CASE("a soft break never cuts an escape in two", "[body-encoder]") {
  std::string text;
  for (int i = 0; i < 60; ++i) text += "é";
  std::string encoded = encode_quoted_printable(text);
  CHECK(lines_within(encoded, 76));
  CHECK(ticketd::decode_quoted_printable_lenient(encoded) == text);
}

TEST_CASE("a final line break is kept exactly, never added", "[body-encoder]") {
  CHECK(encode_quoted_printable("a\n") == "a\r\n");
  CHECK(encode_quoted_printable("a") == "a");
  CHECK(encode_body("a\nb\n", "7bit") == "a\r\nb\r\n");
  CHECK(encode_body("a\nb", "7bit") == "a\r\nb");
}
