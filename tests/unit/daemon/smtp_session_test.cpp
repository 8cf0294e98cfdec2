// SmtpSession against the real SMTP server of the test harness (tag [live];
// see smtp_imap_live.h), read back from the recipient's mailbox over IMAP.
#include "daemon/smtp_session.h"

#include <chrono>
#include <thread>

#include "tests/unit/daemon/smtp_imap_live.h"

namespace ticketd {
namespace {

using live::unique;

std::string support() { return "support@" + live::domain(); }
std::string peer() { return live::env("TICKETD_LIVE_PEER") + "@" + live::domain(); }

// Waits (up to 10 s) for a mail whose Subject is `subject` in the peer's
// INBOX; returns its raw bytes, or "" if it never came.
std::string find_in_peer_inbox(const std::string& subject) {
  ImapSession imap(live::peer_imap_account());
  std::string err;
  for (int i = 0; i < 100; ++i) {
    Uidvalidity uv;
    REQUIRE(imap.select("INBOX", &uv, &err));
    std::vector<std::uint32_t> uids;
    REQUIRE(imap.search_unflagged("$Seen-By-Test", &uids, &err));
    for (auto uid : uids) {
      std::string raw;
      REQUIRE(imap.fetch(uid, &raw, &err));
      if (raw.find("Subject: " + subject + "\r\n") != std::string::npos) return raw;
      REQUIRE(imap.add_keyword(uid, "$Seen-By-Test", &err));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return "";
}

TEST_CASE("an acknowledgement sent by SMTP arrives in the customer's mailbox", "[live][smtp]") {
  SmtpSession smtp(live::smtp_account());
  const std::string subject = unique("ack");
  // LF line ends in the outbox are sent as CRLF; a leading dot survives.
  const std::string data = "From: support@example.test\nTo: " + peer() + "\nSubject: " + subject +
                           "\n\nWe got your mail.\n.hidden line\n";
  SendResult result = smtp.send(support(), {peer()}, data);
  INFO(result.detail);
  REQUIRE(result.outcome == SendResult::Outcome::sent);
  CHECK(result.smtp_code == 250);
  CHECK(result.refused.empty());
  const std::string raw = find_in_peer_inbox(subject);
  REQUIRE_FALSE(raw.empty());
  CHECK_THAT(raw, Catch::Contains("\r\n\r\nWe got your mail.\r\n.hidden line\r\n"));
  CHECK_THAT(raw, Catch::Contains("Return-Path: <" + support() + ">"));
}

TEST_CASE("an unknown recipient is a permanent failure with the server's 550", "[live][smtp]") {
  SmtpSession smtp(live::smtp_account());
  const std::string nobody = "no-such-customer@" + live::domain();
  SendResult result = smtp.send(support(), {nobody}, live::mail(unique("x")));
  INFO(result.detail);
  CHECK(result.outcome == SendResult::Outcome::permanent_failure);
  CHECK(result.smtp_code == 550);
  CHECK_THAT(result.detail, Catch::Contains("RCPT <" + nobody + ">: 550 5.1.1"));
  REQUIRE(result.refused.size() == 1);
  CHECK(result.refused[0].recipient == nobody);
  CHECK_FALSE(result.refused[0].temporary());
}

TEST_CASE("a 451 for the recipient is a temporary failure, kept for retry", "[live][smtp]") {
  SmtpSession smtp(live::smtp_account());
  SendResult result = smtp.send(support(), {live::env("TICKETD_LIVE_DEFERRED_RCPT")}, live::mail(unique("x")));
  INFO(result.detail);
  CHECK(result.outcome == SendResult::Outcome::temporary_failure);
  CHECK(result.smtp_code == 451);
  // The session is usable afterwards.
  SendResult next = smtp.send(support(), {peer()}, live::mail(unique("after-451")));
  INFO(next.detail);
  CHECK(next.outcome == SendResult::Outcome::sent);
}

TEST_CASE("one refused recipient among two does not stop the mail to the other", "[live][smtp]") {
  SmtpSession smtp(live::smtp_account());
  const std::string subject = unique("cc");
  const std::string nobody = "nobody-here@" + live::domain();
  SendResult result = smtp.send(support(), {nobody, peer()}, live::mail(subject, "Hi.\r\n", peer()));
  INFO(result.detail);
  CHECK(result.outcome == SendResult::Outcome::sent);
  REQUIRE(result.refused.size() == 1);
  CHECK(result.refused[0].recipient == nobody);
  CHECK(result.refused[0].smtp_code == 550);
  CHECK_FALSE(find_in_peer_inbox(subject).empty());
}

TEST_CASE("an SMTP server that is down is a temporary failure without an SMTP code", "[live][smtp]") {
  SmtpSession smtp(live::smtp_account("TICKETD_LIVE_DOWN_SMTP_URL"));
  SendResult result = smtp.send(support(), {peer()}, live::mail(unique("x")));
  CHECK(result.outcome == SendResult::Outcome::temporary_failure);
  CHECK(result.smtp_code == 0);
  CHECK_THAT(result.detail, Catch::StartsWith(live::env("TICKETD_LIVE_DOWN_SMTP_URL") + ": cannot connect"));
}

TEST_CASE("three mails go out over one SMTP connection", "[live][smtp]") {
  SmtpSession smtp(live::smtp_account());
  for (int i = 0; i < 3; ++i) {
    SendResult result = smtp.send(support(), {peer()}, live::mail(unique("reuse")));
    INFO(result.detail);
    REQUIRE(result.outcome == SendResult::Outcome::sent);
  }
  CHECK(smtp.connections_opened() == 1);
}

TEST_CASE("an envelope address that would inject a command is refused before sending", "[live][smtp]") {
  SmtpSession smtp(live::smtp_account());
  SendResult result = smtp.send(support(), {peer() + ">\r\nRCPT TO:<evil@example.org"}, live::mail(unique("x")));
  CHECK(result.outcome == SendResult::Outcome::permanent_failure);
  CHECK(smtp.connections_opened() == 0);
}

TEST_CASE("a server that requires AUTH accepts our login and refuses a wrong password", "[live][smtp]") {
  SmtpAccount account = live::smtp_account("TICKETD_LIVE_AUTH_SMTP_URL");
  account.user = live::env("TICKETD_LIVE_USER");
  account.password = live::env("TICKETD_LIVE_PASSWORD");
  SmtpSession good(account);
  SendResult ok = good.send(support(), {peer()}, live::mail(unique("auth")));
  INFO(ok.detail);
  CHECK(ok.outcome == SendResult::Outcome::sent);

  account.password = "Wrong-Secret-4711";
  SmtpSession bad(account);
  SendResult refused = bad.send(support(), {peer()}, live::mail(unique("auth")));
  INFO(refused.detail);
  // The admin must fix the password; the mail itself stays queued.
  CHECK(refused.outcome == SendResult::Outcome::temporary_failure);
  CHECK(refused.smtp_code == 535);
  CHECK_THAT(refused.detail, Catch::Contains("login failed"));
  CHECK_THAT(refused.detail, !Catch::Contains("Wrong-Secret-4711"));

  account.password.clear();  // no AUTH at all: the server insists
  SmtpSession anonymous(account);
  SendResult rejected = anonymous.send(support(), {peer()}, live::mail(unique("auth")));
  INFO(rejected.detail);
  CHECK(rejected.outcome != SendResult::Outcome::sent);
  CHECK(rejected.smtp_code == 530);
}

}  // namespace
}  // namespace ticketd
