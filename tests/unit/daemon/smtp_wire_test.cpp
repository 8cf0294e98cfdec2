// The SMTP wire pieces SmtpSession speaks with (daemon/smtp_wire.h).
#include "daemon/smtp_wire.h"

#include <catch2/catch.hpp>

namespace ticketd {
namespace {

TEST_CASE("the data goes out with CRLF line ends, dot-stuffed, and the end-of-data line", "[smtp_wire]") {
  CHECK(data_on_the_wire("Subject: x\n\nHello.\n") == "Subject: x\r\n\r\nHello.\r\n.\r\n");
  CHECK(data_on_the_wire("a\r\nb\r\n") == "a\r\nb\r\n.\r\n");  // CRLF kept, not doubled
  // A line that starts with "." gets another (RFC 5321 4.5.2), the first
  // line too; a lone "." would otherwise end the mail early.
  CHECK(data_on_the_wire(".first\nmid.dle\n.\n..two\n") == "..first\r\nmid.dle\r\n..\r\n...two\r\n.\r\n");
  CHECK(data_on_the_wire("no line end") == "no line end\r\n.\r\n");
  CHECK(data_on_the_wire("") == ".\r\n");
}

TEST_CASE("reply lines give their code, whether they end the reply, and their text", "[smtp_wire]") {
  SmtpReplyLine line;
  REQUIRE(parse_smtp_reply_line("250-PIPELINING", &line));
  CHECK(line.code == 250);
  CHECK_FALSE(line.last);
  CHECK(line.text == "PIPELINING");
  REQUIRE(parse_smtp_reply_line("550 5.1.1 User unknown\r", &line));
  CHECK(line.code == 550);
  CHECK(line.last);
  CHECK(line.text == "5.1.1 User unknown");
  REQUIRE(parse_smtp_reply_line("354", &line));
  CHECK(line.last);
  CHECK_FALSE(parse_smtp_reply_line("25", &line));
  CHECK_FALSE(parse_smtp_reply_line("OK fine", &line));
}

TEST_CASE("a failed exchange says what failed and whether to try again", "[smtp_wire]") {
  const std::string where = "smtp://mail.example:25";
  SendResult unknown = classified_failure(where, "bob", "RCPT <x@example.org>", 550, "5.1.1 User unknown");
  CHECK(unknown.outcome == SendResult::Outcome::permanent_failure);
  CHECK(unknown.smtp_code == 550);
  CHECK(unknown.detail == "smtp://mail.example:25: RCPT <x@example.org>: 550 5.1.1 User unknown");
  CHECK(classified_failure(where, "bob", "DATA", 451, "try later").outcome == SendResult::Outcome::temporary_failure);
  // The admin's to fix, so the mail stays queued: a login, TLS.
  SendResult login = classified_failure(where, "bob", "AUTH", 535, "5.7.8 bad credentials");
  CHECK(login.outcome == SendResult::Outcome::temporary_failure);
  CHECK(login.detail == "smtp://mail.example:25: login failed as bob: AUTH: 535 5.7.8 bad credentials");
  CHECK(classified_failure(where, "", "MAIL", 530, "auth required").outcome ==
        SendResult::Outcome::temporary_failure);
  CHECK(classified_failure(where, "", "STARTTLS", 554, "no TLS").outcome == SendResult::Outcome::temporary_failure);
  SendResult down = connection_failure(where, "cannot connect");
  CHECK(down.outcome == SendResult::Outcome::temporary_failure);
  CHECK(down.smtp_code == 0);
}

TEST_CASE("envelope addresses that could change the command are refused", "[smtp_wire]") {
  CHECK(safe_envelope_address("li.wei@example.cn"));
  CHECK(safe_envelope_address(""));  // the null sender <>
  CHECK_FALSE(safe_envelope_address("a@b>\r\nRCPT TO:<evil@example.org"));
  CHECK_FALSE(safe_envelope_address("a b@example.org"));
  CHECK(has_non_ascii("李伟@例子.中国"));
  CHECK_FALSE(has_non_ascii("li.wei@example.cn"));
}

TEST_CASE("the connect transcript keeps the EHLO keywords and the reply that failed, never credentials",
          "[smtp_wire]") {
  ConnectTranscript said;
  said.on_reply("220 mail.example ESMTP");
  said.on_command("EHLO ticketd.example");
  said.on_reply("250-mail.example");
  said.on_reply("250-PIPELINING");
  said.on_reply("250-SIZE 10240000");
  said.on_reply("250 AUTH PLAIN LOGIN");
  CHECK(said.offers("PIPELINING"));
  CHECK(said.offers("SIZE"));
  CHECK_FALSE(said.offers("SMTPUTF8"));
  said.on_command("AUTH PLAIN");
  said.on_reply("334 ");
  said.on_command("AGJvYgBzZWNyZXQ=");  // the credentials
  said.on_reply("535 5.7.8 Authentication failed");
  said.on_command("QUIT");
  said.on_reply("221 Bye");
  CHECK(said.last_verb == "AUTH");
  CHECK(said.last_code == 535);
  CHECK(said.last_text == "5.7.8 Authentication failed");
}

}  // namespace
}  // namespace ticketd
