#include "daemon/bounce_stage.h"

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "daemon/mail_intake.h"
#include "lifecycle_fixture.h"
#include "parser/mail_parser.h"

using namespace ticketd;
using ticketd::testing::Desk;
using ticketd::testing::kMonday0900Utc;

namespace {

std::string customer_mail(const std::string& id, const std::string& subject) {
  return fmt::format(
      "From: Carol <carol@customer.example>\r\nTo: support@example.com\r\nSubject: {}\r\n"
      "Message-ID: <{}>\r\nDate: Mon, 23 Nov 2026 09:00:00 +0000\r\n\r\nMy invoice is wrong.\r\n",
      subject, id);
}

// A Postfix-shaped delivery status notification about our mail `ours`.
std::string dsn(const std::string& ours, const std::string& action, const std::string& status) {
  return fmt::format(
      "From: Mail Delivery System <MAILER-DAEMON@mx.customer.example>\r\nTo: support@example.com\r\n"
      "Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <dsn-{}-{}@mx.customer.example>\r\n"
      "Auto-Submitted: auto-replied\r\n"
      "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n"
      "--b\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
      "--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.customer.example\r\n\r\n"
      "Final-Recipient: rfc822; carol@customer.example\r\nAction: {}\r\nStatus: {}\r\n"
      "--b\r\nContent-Type: text/rfc822-headers\r\n\r\nFrom: support@example.com\r\n"
      "To: carol@customer.example\r\nMessage-ID: <{}>\r\n--b--\r\n",
      action, status, action, status, ours);
}

std::vector<OutboxMail> mails_to_carol(Store& store) {
  std::vector<OutboxMail> out;
  for (OutboxMail& m : store.list_outbox(std::nullopt, 100))
    for (const std::string& r : m.recipients)
      if (r == "carol@customer.example") out.push_back(m);
  return out;
}

}  // namespace

TEST_CASE("A later bounce saying the customer's mailbox is gone stops automatic mail to it", "[bounce]") {
  Desk desk;
  MailIntake intake(desk.config, *desk.store, desk.templates, nullptr, desk.log);
  std::int64_t now = kMonday0900Utc;
  IntakeOutcome first = intake.process({"support", customer_mail("c1@customer.example", "Invoice"), {}, now, {}}, now);
  REQUIRE(first.kind == IntakeOutcome::Kind::new_ticket);
  auto acks = mails_to_carol(*desk.store);
  REQUIRE(acks.size() == 1);

  IntakeOutcome bounce = intake.process({"support", dsn(acks[0].message_id, "failed", "5.1.1"), {}, now + 60, {}}, now + 60);
  CHECK(bounce.kind == IntakeOutcome::Kind::follow_up);
  CHECK(bounce.ticket_number == first.ticket_number);
  CHECK(desk.store->bounced_since("Carol@Customer.Example", now));

  IntakeOutcome second = intake.process({"support", customer_mail("c2@customer.example", "Still wrong"), {}, now + 120, {}},
                                        now + 120);
  CHECK(second.kind == IntakeOutcome::Kind::new_ticket);
  CHECK(mails_to_carol(*desk.store).size() == 1);  // no acknowledgement for the second ticket
  CHECK_THAT(second.detail, Catch::Contains("failed permanently"));
}

TEST_CASE("A delay notice is recorded but blocks nothing", "[bounce]") {
  Desk desk;
  MailIntake intake(desk.config, *desk.store, desk.templates, nullptr, desk.log);
  std::int64_t now = kMonday0900Utc;
  intake.process({"support", customer_mail("c1@customer.example", "Invoice"), {}, now, {}}, now);
  auto acks = mails_to_carol(*desk.store);
  REQUIRE(acks.size() == 1);
  IntakeOutcome delay = intake.process({"support", dsn(acks[0].message_id, "delayed", "4.4.7"), {}, now + 60, {}}, now + 60);
  CHECK(delay.kind == IntakeOutcome::Kind::follow_up);
  CHECK_FALSE(desk.store->bounced_since("carol@customer.example", now));
  intake.process({"support", customer_mail("c2@customer.example", "Again"), {}, now + 120, {}}, now + 120);
  CHECK(mails_to_carol(*desk.store).size() == 2);
}

TEST_CASE("A plain-text bounce blocks the one address our mail went to only when it reads as permanent",
          "[bounce]") {
  Message qmail;
  qmail.body = "Hi. This is the qmail-send program.\n<carol@customer.example>:\n"
               "Sorry, no mailbox here by that name. (#5.1.1)\n";
  auto refusals = permanent_refusals(qmail, {"carol@customer.example"});
  REQUIRE(refusals.size() == 1);
  CHECK(refusals[0].address == "carol@customer.example");
  CHECK(refusals[0].status == "5.1.1");

  Message provider;
  provider.body = "抱歉，您的邮件无法送达。\nremote server said: 550 Mailbox not found\n";
  REQUIRE(permanent_refusals(provider, {"wei@customer.example"}).size() == 1);

  Message unclear;
  unclear.body = "Your message is delayed; we will keep trying for 5 days. Version 5.10 of the mailer.\n";
  CHECK(permanent_refusals(unclear, {"carol@customer.example"}).empty());
  CHECK(permanent_refusals(qmail, {"a@x.example", "b@y.example"}).empty());  // which one? not guessed
}
