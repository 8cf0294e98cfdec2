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

// Waits (up to `tries` times 0.1 s) for a mail whose Subject is `subject` in
// the peer's INBOX; returns its raw bytes, or "" if it never came.
std::string find_in_peer_inbox(const std::string& subject, int tries = 100) {
  ImapSession imap(live::peer_imap_account());
  std::string err;
  for (int i = 0; i < tries; ++i) {
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

TEST_CASE("mails sent one after another each get their own outcome, refused ones in between", "[live][smtp]") {
  SmtpSession smtp(live::smtp_account());
  const std::string nobody = "no-such-customer@" + live::domain();
  const std::string busy = live::env("TICKETD_LIVE_DEFERRED_RCPT");
  const std::vector<std::string> to_peer{peer()}, to_nobody{nobody}, to_busy{busy}, to_injection{peer() + ">x"};
  const std::vector<std::string> subjects{unique("each-a"), unique("each-b"), unique("each-c"), unique("each-d"),
                                          unique("each-e")};
  std::vector<std::string> data;
  for (const auto& subject : subjects) data.push_back(live::mail(subject, "Hello.\r\n.leading dot\r\n", peer()));
  const std::string from = support();  // MailToSend holds views: the strings must outlive send_each()
  const std::vector<SmtpSession::MailToSend> mails{{from, &to_peer, data[0]},
                                                   {from, &to_nobody, data[1]},
                                                   {from, &to_peer, data[2]},
                                                   {from, &to_busy, data[3]},
                                                   {from, &to_injection, data[4]}};
  std::vector<SendResult> results;
  smtp.send_each(mails, [&](std::size_t index, const SendResult& result) {
    CHECK(index == results.size());
    results.push_back(result);
    return true;
  });
  REQUIRE(results.size() == 5);
  CHECK(results[0].outcome == SendResult::Outcome::sent);
  CHECK(results[1].outcome == SendResult::Outcome::permanent_failure);
  CHECK(results[1].smtp_code == 550);
  CHECK(results[2].outcome == SendResult::Outcome::sent);
  CHECK(results[3].outcome == SendResult::Outcome::temporary_failure);
  CHECK(results[3].smtp_code == 451);
  CHECK(results[4].outcome == SendResult::Outcome::permanent_failure);  // refused before sending
  CHECK(smtp.connections_opened() == 1);
  const std::string first = find_in_peer_inbox(subjects[0]);
  CHECK_THAT(first, Catch::Contains("\r\n\r\nHello.\r\n.leading dot\r\n"));
  CHECK_FALSE(find_in_peer_inbox(subjects[2]).empty());
}

TEST_CASE("a caller that stops after a mail gets no further mail sent, and the session goes on", "[live][smtp]") {
  SmtpSession smtp(live::smtp_account());
  const std::vector<std::string> to_peer{peer()};
  const std::string kept = unique("stop-sent"), held = unique("stop-held"), after = unique("stop-after");
  const std::string data_kept = live::mail(kept), data_held = live::mail(held);
  const std::string from = support();
  std::size_t told = 0;
  smtp.send_each({{from, &to_peer, data_kept}, {from, &to_peer, data_held}},
                 [&](std::size_t, const SendResult& result) {
                   ++told;
                   CHECK(result.outcome == SendResult::Outcome::sent);
                   return false;
                 });
  CHECK(told == 1);
  SendResult next = smtp.send(support(), {peer()}, live::mail(after));
  INFO(next.detail);
  CHECK(next.outcome == SendResult::Outcome::sent);
  CHECK_FALSE(find_in_peer_inbox(kept).empty());
  CHECK_FALSE(find_in_peer_inbox(after).empty());
  // The second mail's transaction was left without its data: had the
  // server taken it, it would have been delivered before the mail after.
  CHECK(find_in_peer_inbox(held, 5).empty());
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
