// An agent's files reach the customer (issue 6): intake keeps no decoded
// copy of a mail's attachments (MailIntake::prepare(); the raw mail holds
// them), so the agent stage decodes them again before sending them on, from
// the mail log when the fetching thread kept the raw mail and let it go.
#include <catch2/catch.hpp>

#include "daemon/mail_intake.h"
#include "daemon/reply_tokens.h"
#include "parser/body_encoder.h"
#include "parser/mail_parser.h"
#include "tests/unit/daemon/lifecycle_fixture.h"

using namespace ticketd;
using ticketd::testing::Desk;
using ticketd::testing::kMonday0900Utc;

TEST_CASE("a file an agent attaches to a reply reaches the customer byte for byte", "[agent-mail]") {
  Desk desk;
  desk.config.security.secret = "0123456789abcdef0123456789abcdef";
  const std::int64_t now = kMonday0900Utc;
  Ticket ticket = desk.open_ticket(now);
  std::string pdf = "%PDF-1.4\n";
  for (int i = 0; i < 3000; ++i) pdf += static_cast<char>(i * 7 % 256);
  const std::string to = agent_reply_address(Signer(desk.config.security.secret), "support@example.com",
                                             ticket.number, "alice");
  const std::string raw =
      "From: Alice <alice@agents.example.com>\r\nTo: " + to +
      "\r\nSubject: Re: Invoice is wrong\r\nMessage-ID: <reply1@agents.example.com>\r\n"
      "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
      "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe corrected invoice is attached.\r\n"
      "--b1\r\nContent-Type: application/pdf; name=\"invoice.pdf\"\r\n"
      "Content-Disposition: attachment; filename=\"invoice.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
      encode_base64_lines(pdf) + "\r\n--b1--\r\n";

  MailIntake intake(desk.config, *desk.store, desk.templates, nullptr, desk.log);
  SECTION("prepared ahead, without the decoded attachment") {
    PreparedMail prepared = intake.prepare(raw, now);
    REQUIRE(prepared.message.attachments.size() == 1);
    CHECK(prepared.message.attachments[0].data.empty());
    CHECK(prepared.message.attachments[0].size == pdf.size());
    intake.process({"support", raw, std::nullopt, now, std::move(prepared)}, now + 60);
  }
  SECTION("kept in the mail log ahead, as the fetching thread hands it over: the raw bytes let go") {
    PreparedMail prepared = intake.prepare_and_keep(raw, now);
    REQUIRE(prepared.kept);
    intake.process({"support", "", std::nullopt, now, std::move(prepared)}, now + 60);
  }

  auto to_customer = desk.mail_to("carol@customer.example");
  REQUIRE(to_customer.size() == 1);
  Message sent = parse_mail(to_customer[0].data, now);
  CHECK(sent.reply.find("The corrected invoice is attached.") != std::string::npos);
  REQUIRE(sent.attachments.size() == 1);
  CHECK(sent.attachments[0].filename == "invoice.pdf");
  CHECK(sent.attachments[0].data == pdf);
}
