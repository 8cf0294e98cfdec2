#include "parser/mail_parser.h"

#include <catch2/catch.hpp>

#include <chrono>
#include <string>

using ticketd::Message;
using ticketd::parse_mail;
using ticketd::ParseLimits;

namespace {

constexpr std::int64_t kReceived = 1700000000;

std::string crlf(std::string s) {
  std::string out;
  for (char c : s) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

bool has_note_containing(const Message& m, std::string_view text) {
  for (const std::string& n : m.notes)
    if (n.find(text) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("a plain customer mail gives its sender, subject, ids, date and text", "[mail_parser]") {
  Message m = parse_mail(crlf("Return-Path: <alice@example.com>\n"
                              "From: \"Alice Liddell\" <alice@example.com>\n"
                              "To: Support <support@shop.example>, bob@example.com\n"
                              "Cc: carol@example.com\n"
                              "Subject: Re: My order #123 has not arrived\n"
                              "Date: Tue, 14 Nov 2023 22:13:20 +0100\n"
                              "Message-ID: <abc.123@mail.example.com>\n"
                              "In-Reply-To: <t1-xyz@shop.example>\n"
                              "References: <first@shop.example>\n <t1-xyz@shop.example>\n"
                              "Content-Type: text/plain; charset=us-ascii\n"
                              "\n"
                              "Hello,\n"
                              "where is my parcel?\n"),
                         kReceived);
  CHECK(m.from.name == "Alice Liddell");
  CHECK(m.from.address == "alice@example.com");
  REQUIRE(m.to.size() == 2);
  CHECK(m.to[0].address == "support@shop.example");
  CHECK(m.to[1].address == "bob@example.com");
  REQUIRE(m.cc.size() == 1);
  CHECK(m.subject == "Re: My order #123 has not arrived");
  CHECK(m.normalized_subject == "My order #123 has not arrived");
  CHECK(m.message_id == "abc.123@mail.example.com");
  CHECK(m.in_reply_to == "t1-xyz@shop.example");
  CHECK(m.references == std::vector<std::string>{"first@shop.example", "t1-xyz@shop.example"});
  CHECK(m.return_path == "alice@example.com");
  CHECK(m.date_from_header);
  CHECK(m.date_utc == 1699996400);
  CHECK(m.body == "Hello,\nwhere is my parcel?");
  CHECK(m.reply == m.body);
  CHECK(m.attachments.empty());
  CHECK_FALSE(m.auto_generated);
  CHECK_FALSE(m.over_limits);
  REQUIRE(m.header("x-nothing") == nullptr);
  REQUIRE(m.header("SUBJECT") != nullptr);
  CHECK(*m.header("SUBJECT") == "Re: My order #123 has not arrived");
}

TEST_CASE("a mail without a Date is dated at its receipt", "[mail_parser]") {
  Message m = parse_mail("From: a@b.example\nSubject: hi\n\nbody\n", kReceived);
  CHECK(m.date_utc == kReceived);
  CHECK_FALSE(m.date_from_header);
}

TEST_CASE("a GB2312 subject and a GBK body read as Chinese text", "[mail_parser]") {
  // "你好" in GB2312 base64 = xOO6ww==; body "请帮我退款" in GBK bytes.
  std::string raw = "From: =?gb2312?B?1cXI/Q==?= <zhangsan@qq.com>\n"
                    "Subject: =?gb2312?B?xOO6ww==?=\n"
                    "Content-Type: text/plain; charset=gb2312\n"
                    "Content-Transfer-Encoding: 8bit\n\n"
                    "\xC7\xEB\xB0\xEF\xCE\xD2\xCD\xCB\xBF\xEE\n";
  Message m = parse_mail(raw, kReceived);
  CHECK(m.subject == "你好");
  CHECK(m.from.name == "张三");
  CHECK(m.body == "请帮我退款");
}

TEST_CASE("multipart/alternative shows the plain text when it is real", "[mail_parser]") {
  Message m = parse_mail(crlf("From: a@b.example\n"
                              "Content-Type: multipart/alternative; boundary=\"XX\"\n\n"
                              "--XX\nContent-Type: text/plain; charset=utf-8\n\nPlain words\n"
                              "--XX\nContent-Type: text/html; charset=utf-8\n\n<p>Html words</p>\n"
                              "--XX--\n"),
                         kReceived);
  CHECK(m.body == "Plain words");
  CHECK(m.attachments.empty());
}

TEST_CASE("an HTML-only mail becomes readable text with its links", "[mail_parser]") {
  Message m = parse_mail("From: a@b.example\n"
                         "Content-Type: text/html; charset=utf-8\n\n"
                         "<html><head><style>p{color:red}</style></head><body><p>Hello</p>"
                         "<p>See <a href=\"https://shop.example/o/1\">your order</a></p>"
                         "<script>alert(1)</script></body></html>",
                         kReceived);
  CHECK(m.body == "Hello\n\nSee your order <https://shop.example/o/1>");
}

TEST_CASE("an attachment keeps its decoded size, hash and a safe name", "[mail_parser]") {
  Message m = parse_mail(crlf("From: a@b.example\n"
                              "Content-Type: multipart/mixed; boundary=b1\n\n"
                              "--b1\nContent-Type: text/plain\n\nSee attached.\n"
                              "--b1\nContent-Type: application/pdf; name=\"../../etc/passwd\"\n"
                              "Content-Disposition: attachment; filename=\"../../etc/passwd\"\n"
                              "Content-Transfer-Encoding: base64\n\n"
                              "YWJj\n"
                              "--b1--\n"),
                         kReceived);
  CHECK(m.body == "See attached.");
  REQUIRE(m.attachments.size() == 1);
  const auto& a = m.attachments[0];
  CHECK(a.filename == "passwd");
  CHECK(a.content_type == "application/pdf");
  CHECK(a.size == 3);
  CHECK(a.data == "abc");
  CHECK(a.sha256 == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK_FALSE(a.is_inline);
}

TEST_CASE("a header far over the limit is cut, noted, and parsing stays fast", "[mail_parser]") {
  std::string raw = "From: a@b.example\nSubject: ";
  for (int i = 0; i < 200000; ++i) raw += "word ";
  raw += "\nX-Folded: start\n";
  for (int i = 0; i < 100000; ++i) raw += " fold fold fold\n";
  raw += "\nbody\n";
  auto start = std::chrono::steady_clock::now();
  Message m = parse_mail(raw, kReceived);
  auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(m.over_limits);
  CHECK(has_note_containing(m, "Subject"));
  CHECK(has_note_containing(m, "X-Folded"));
  CHECK(m.subject.size() <= ParseLimits{}.max_header_bytes);
  CHECK(m.body == "body");
  CHECK(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count() < 2000);
}

TEST_CASE("a mail of nothing but garbage still becomes a message", "[mail_parser]") {
  std::string raw("\xff\xfe\x00\x01 no headers at all\n\n--", 24);
  Message m = parse_mail(raw, kReceived);
  CHECK(m.date_utc == kReceived);
  CHECK_FALSE(m.body.empty());
}

TEST_CASE("a PGP-encrypted mail keeps its encrypted parts as attachments", "[mail_parser]") {
  Message m = parse_mail("From: a@b.example\n"
                         "Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=e\n\n"
                         "--e\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n"
                         "--e\nContent-Type: application/octet-stream; name=\"encrypted.asc\"\n\n"
                         "-----BEGIN PGP MESSAGE-----\nhQEMA\n-----END PGP MESSAGE-----\n"
                         "--e--\n",
                         kReceived);
  REQUIRE(m.attachments.size() == 2);
  CHECK(m.attachments[0].content_type == "application/pgp-encrypted");
  CHECK(m.attachments[1].filename == "encrypted.asc");
  CHECK(m.body.empty());
  CHECK(has_note_containing(m, "encrypted"));
}

TEST_CASE("a forwarded message shown inline brings its text and its attachments", "[mail_parser]") {
  Message m = parse_mail("From: boss@b.example\nSubject: Fwd: complaint\n"
                         "Content-Type: multipart/mixed; boundary=o\n\n"
                         "--o\nContent-Type: text/plain\n\nPlease handle this.\n"
                         "--o\nContent-Type: message/rfc822\n\n"
                         "From: Angry Customer <angry@c.example>\nSubject: complaint\nDate: Mon, 6 Nov 2023 09:00:00 +0000\n"
                         "Content-Type: multipart/mixed; boundary=i\n\n"
                         "--i\nContent-Type: text/plain\n\nThe lamp is broken.\n"
                         "--i\nContent-Type: image/jpeg; name=lamp.jpg\nContent-Transfer-Encoding: base64\n\n/9j/4AAQ\n"
                         "--i--\n"
                         "--o--\n",
                         kReceived);
  CHECK(m.body ==
        "Please handle this.\n\n---------- Forwarded message ----------\nFrom: Angry Customer <angry@c.example>\n"
        "Date: Mon, 6 Nov 2023 09:00:00 +0000\nSubject: complaint\n\nThe lamp is broken.");
  REQUIRE(m.attachments.size() == 1);
  CHECK(m.attachments[0].filename == "lamp.jpg");
  CHECK(m.attachments[0].size == 6);
}

TEST_CASE("an attachment over the size limit is listed with its hash but its data is not kept", "[mail_parser]") {
  ParseLimits limits;
  limits.max_attachment_bytes = 4;
  Message m = parse_mail("From: a@b.example\nContent-Type: multipart/mixed; boundary=b\n\n"
                         "--b\nContent-Type: application/zip; name=big.zip\nContent-Transfer-Encoding: base64\n\n"
                         "YWJjZGVmZ2g=\n--b--\n",
                         kReceived, limits);
  REQUIRE(m.attachments.size() == 1);
  CHECK(m.attachments[0].size == 8);
  CHECK(m.attachments[0].truncated);
  CHECK(m.attachments[0].data.empty());
  CHECK(m.attachments[0].sha256 == "9c56cc51b374c3ba189210d5b6d4bf57790d351c96c47c02190ecf1e430635ab");
  CHECK(m.over_limits);
  CHECK(has_note_containing(m, "big.zip"));
}

TEST_CASE("text and mail size limits cut the mail short with a note, never mid-character", "[mail_parser]") {
  ParseLimits limits;
  limits.max_body_bytes = 10;
  Message m = parse_mail("From: a@b.example\nContent-Type: text/plain; charset=utf-8\n\n一二三四五六七八\n", kReceived, limits);
  CHECK(m.body == "一二三");
  CHECK(m.over_limits);
  limits = ParseLimits{};
  limits.max_mail_bytes = 30;
  Message cut = parse_mail("From: a@b.example\nSubject: hello\n\nbody text here\n", kReceived, limits);
  CHECK(cut.over_limits);
  CHECK(cut.from.address == "a@b.example");
  CHECK(has_note_containing(cut, "not read"));
}

TEST_CASE("the customer's language is told from the text and its charset", "[mail_parser]") {
  Message m = parse_mail("From: a@b.example\nSubject: =?utf-8?B?6K+36Zeu?=\nContent-Type: text/plain; charset=utf-8\n\n"
                         "请问我的订单什么时候发货？\n",
                         kReceived);
  CHECK(m.language == "zh-CN");
}

TEST_CASE("a huge text part is cut before conversion and the cut is flagged", "[mail_parser]") {
  ParseLimits limits;
  limits.max_body_bytes = 1000;
  std::string raw = "From: a@b.example\nContent-Type: text/plain\n\n";
  for (int i = 0; i < 10000; ++i) raw += "line of text\n";
  Message m = parse_mail(raw, kReceived, limits);
  CHECK(m.body.size() <= 1000);
  CHECK(m.body.substr(0, 13) == "line of text\n");
  CHECK(m.over_limits);
  CHECK(has_note_containing(m, "cut"));
}
