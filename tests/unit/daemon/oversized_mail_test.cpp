#include <catch2/catch.hpp>

#include "daemon/oversized_mail.h"
#include "parser/mail_parser.h"

using namespace ticketd;

TEST_CASE("a mail too large to fetch becomes a readable stand-in from its header", "[oversized]") {
  const std::string header =
      "From: =?utf-8?B?5p2O5aic?= <lina@example.test>\r\n"
      "Subject: contract scans\r\n"
      "Message-ID: <big.1@example.test>\r\n"
      "In-Reply-To: <earlier@example.test>\r\n"
      "MIME-Version: 1.0\r\n"
      "Content-Type: multipart/mixed;\r\n"
      "\tboundary=\"b\"\r\n"
      "Content-Transfer-Encoding: 7bit\r\n"
      "\r\n";
  std::string raw = oversized_mail_stand_in(header, 67108864, "INBOX", 35);
  Message message = parse_mail(raw, 0);
  CHECK(message.from.address == "lina@example.test");
  CHECK(message.subject == "contract scans");
  CHECK(message.message_id == "big.1@example.test");
  CHECK(message.in_reply_to == "earlier@example.test");
  CHECK_THAT(message.body, Catch::Contains("too large to take in"));
  CHECK_THAT(message.body, Catch::Contains("67108864 bytes"));
  CHECK_THAT(message.body, Catch::Contains("\"INBOX\" (UID 35)"));
  // The multipart description (and its folded boundary line) is gone, so
  // the note is not taken for a preamble.
  CHECK(raw.find("boundary") == std::string::npos);
  CHECK(raw.find("multipart") == std::string::npos);
}

TEST_CASE("the stand-in of the same mail is the same bytes, so dedupe by hash holds", "[oversized]") {
  const std::string header = "From: a@example.test\r\nSubject: no id\r\n\r\n";
  CHECK(oversized_mail_stand_in(header, 100, "INBOX", 7) == oversized_mail_stand_in(header, 100, "INBOX", 7));
  CHECK(oversized_mail_stand_in(header, 100, "INBOX", 7) != oversized_mail_stand_in(header, 100, "INBOX", 8));
}
