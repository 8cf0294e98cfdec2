// Writing headers: readable where possible, encoded where needed, never
// injectable.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "parser/encoded_words.h"
#include "parser/header_encoder.h"
#include "parser/header_fields.h"

using ticketd::Address;
using ticketd::address_field;
using ticketd::decode_header_text;
using ticketd::encode_words;
using ticketd::header_safe_name;
using ticketd::header_safe_value;
using ticketd::mime_parameter;
using ticketd::token_field;
using ticketd::unstructured_field;

namespace {

// The value of a one-field string "Name: value\r\n", unfolded.
std::string unfolded_value(const std::string& field) {
  std::string v = field.substr(field.find(':') + 1);
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '\r' && i + 1 < v.size() && v[i + 1] == '\n') {
      ++i;
      continue;
    }
    out += v[i];
  }
  return out;
}

}  // namespace

TEST_CASE("an ASCII subject is written as is", "[header-encoder]") {
  CHECK(unstructured_field("Subject", "[#42] Your ticket was resolved") ==
        "Subject: [#42] Your ticket was resolved\r\n");
}

TEST_CASE("a Chinese subject becomes encoded words that decode back exactly", "[header-encoder]") {
  std::string s = "回复： [#1234] 关于订单的退款申请";
  std::string field = unstructured_field("Subject", s);
  CHECK(field.find("[#1234]") != std::string::npos);  // the ticket tag stays readable
  CHECK(decode_header_text(unfolded_value(field)) == s);
}

TEST_CASE("spaces inside and around encoded runs survive decoding", "[header-encoder]") {
  for (std::string s : {"退款  申请", "a  退款", "退款 a 申请", "Re: 退款 ok", "x =?utf-8?q?y?= z"}) {
    CHECK(decode_header_text(unfolded_value(unstructured_field("Subject", s))) == s);
  }
}

TEST_CASE("encoded words hold whole characters and at most 75 characters", "[header-encoder]") {
  std::vector<std::string> words = encode_words(std::string(100, 'a') + "😀退款😀");
  REQUIRE(words.size() > 1);
  std::string joined;
  for (const std::string& w : words) {
    CHECK(w.size() <= 75);
    std::string one = decode_header_text(w);
    CHECK(one.find("\xEF\xBF\xBD") == std::string::npos);
    joined += one;
  }
  CHECK(joined == std::string(100, 'a') + "😀退款😀");
}

TEST_CASE("long fields fold under 78 columns and unfold to the same value", "[header-encoder]") {
  std::string s;
  for (int i = 0; i < 20; ++i) s += "word" + std::to_string(i) + " ";
  s += "end";
  std::string field = unstructured_field("Subject", s);
  std::size_t start = 0;
  while (start < field.size()) {
    std::size_t end = field.find("\r\n", start);
    CHECK(end - start <= 78);
    start = end + 2;
  }
  CHECK(unfolded_value(field) == " " + s);
}

TEST_CASE("display names are quoted or encoded as they need", "[header-encoder]") {
  CHECK(address_field("To", {{"Jane Doe", "jane@example.com"}}) == "To: Jane Doe <jane@example.com>\r\n");
  CHECK(address_field("To", {{"Doe, Jane", "jane@example.com"}}) == "To: \"Doe, Jane\" <jane@example.com>\r\n");
  CHECK(address_field("To", {{"Jane \"JD\" Doe", "jane@example.com"}}) ==
        "To: \"Jane \\\"JD\\\" Doe\" <jane@example.com>\r\n");
  CHECK(address_field("To", {{"", "jane@example.com"}}) == "To: jane@example.com\r\n");
  std::string field = address_field("To", {{"张三", "zs@example.cn"}, {"Doe, Jane", "jane@example.com"}});
  CHECK(ticketd::parse_address_list(unfolded_value(field)) ==
        std::vector<Address>{{"张三", "zs@example.cn"}, {"Doe, Jane", "jane@example.com"}});
}

TEST_CASE("an IDN domain is written in its xn-- form", "[header-encoder]") {
  CHECK(address_field("To", {{"", "info@bücher.de"}}) == "To: info@xn--bcher-kva.de\r\n");
}

TEST_CASE("an address cannot smuggle a second recipient or a header", "[header-encoder]") {
  CHECK(address_field("To", {{"", "a@x.com, evil@y.com"}}) == "To: a@x.comevil@y.com\r\n");
  CHECK(address_field("To", {{"Eve\r\nBcc: v@x", "e@x\r\nBcc: v@x"}}).find("\r\nBcc") == std::string::npos);
  CHECK(address_field("To", {{"Nobody", ""}}) == "To:\r\n");
}

TEST_CASE("header values and names lose CR, LF and NUL", "[header-encoder]") {
  CHECK(header_safe_value(std::string("a\r\nb\0c\td", 8)) == "a bc d");
  CHECK(header_safe_name("X-Evil\r\n: 1") == "X-Evil1");
  CHECK(unstructured_field("Subject", "Hi\r\nBcc: v@x") == "Subject: Hi Bcc: v@x\r\n");
}

TEST_CASE("message ids are written whole, folded between ids", "[header-encoder]") {
  std::vector<std::string> ids;
  for (int i = 0; i < 6; ++i) ids.push_back("<" + std::string(20, 'a') + std::to_string(i) + "@example.com>");
  std::string field = token_field("References", ids);
  CHECK(ticketd::parse_message_ids(unfolded_value(field)).size() == 6);
  CHECK(field.find("\r\n <") != std::string::npos);
}

TEST_CASE("a plain file name is a quoted parameter, others use RFC 2231", "[header-encoder]") {
  CHECK(mime_parameter("filename", "report.pdf") == std::vector<std::string>{"filename=\"report.pdf\""});
  CHECK(mime_parameter("filename", "a \"b\".pdf") == std::vector<std::string>{"filename=\"a \\\"b\\\".pdf\""});
  CHECK(mime_parameter("filename", "发票.pdf") == std::vector<std::string>{"filename*=utf-8''%E5%8F%91%E7%A5%A8.pdf"});
  std::vector<std::string> long_name = mime_parameter("filename", std::string(30, 'x') + "发票发票发票发票.pdf");
  REQUIRE(long_name.size() > 1);
  CHECK(long_name[0].rfind("filename*0*=utf-8''", 0) == 0);
  CHECK(long_name[1].rfind("filename*1*=", 0) == 0);
  std::string joined;
  for (const std::string& p : long_name) joined += p.substr(p.find('=') + 1);
  CHECK(ticketd::decode_rfc2231_value(joined) == std::string(30, 'x') + "发票发票发票发票.pdf");
}
