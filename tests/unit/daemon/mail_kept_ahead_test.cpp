// Mails the fetching thread kept in the mail log ahead of intake
// (MailIntake::prepare_and_keep(), daemon/mail_prefetcher.h): intake's
// transaction names the record instead of writing the bytes again, and the
// raw mail reads back whole from the ticket, as for a mail intake kept itself.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "daemon/mail_intake.h"
#include "parser/sha256.h"
#include "tests/unit/daemon/lifecycle_fixture.h"

using namespace ticketd;
using ticketd::testing::Desk;
using ticketd::testing::kMonday0900Utc;

namespace {

const std::string kRaw =
    "From: 李伟 <li.wei@customer.example>\r\nTo: support@example.com\r\nSubject: =?UTF-8?B?5Y+R56Wo?=\r\n"
    "Message-ID: <invoice-7@customer.example>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
    "发票金额不对，请核实。\r\n";

std::uintmax_t mail_log_bytes(const Desk& desk) {
  return std::filesystem::file_size(std::filesystem::path(desk.config.store_path + "-mails") / "000001.mails");
}

}  // namespace

TEST_CASE("a mail kept ahead by the fetching thread becomes its ticket, its raw mail written once") {
  Desk desk;
  const std::int64_t now = kMonday0900Utc;
  MailIntake intake(desk.config, *desk.store, desk.templates, nullptr, desk.log);
  PreparedMail prepared = intake.prepare_and_keep(kRaw, now);
  REQUIRE(prepared.kept);
  const auto one_record = mail_log_bytes(desk);

  // As the fetching thread hands it over: the raw bytes let go.
  auto outcome = intake.process({"support", "", MailSource{"support", 7, 42}, now, std::move(prepared)}, now);
  REQUIRE(outcome.kind == IntakeOutcome::Kind::new_ticket);
  auto ticket = desk.store->ticket_by_number(outcome.ticket_number);
  REQUIRE(ticket);
  CHECK(ticket->subject == "发票");
  const auto messages = desk.store->messages_of(ticket->id);
  REQUIRE(!messages.empty());
  CHECK(desk.store->raw_mail_of(messages[0].id) == kRaw);
  CHECK(mail_log_bytes(desk) == one_record);  // named, not appended again

  SECTION("offered again after a crash before marking: a duplicate, still one ticket") {
    PreparedMail again = intake.prepare_and_keep(kRaw, now + 60);
    auto second = intake.process({"support", "", MailSource{"support", 7, 42}, now + 60, std::move(again)}, now + 60);
    CHECK(second.kind == IntakeOutcome::Kind::duplicate);
    CHECK(desk.store->list_tickets({}).size() == 1);
    CHECK(desk.store->raw_mail_of(messages[0].id) == kRaw);
  }
}

TEST_CASE("when the mail log refuses a mail ahead, intake keeps the bytes in its transaction") {
  Desk desk;
  const std::int64_t now = kMonday0900Utc;
  MailIntake intake(desk.config, *desk.store, desk.templates, nullptr, desk.log);
  // A file where the log's folder would go: nothing can be kept ahead.
  const std::string folder = desk.config.store_path + "-mails";
  { std::ofstream blocker(folder); }
  PreparedMail prepared = intake.prepare_and_keep(kRaw, now);
  CHECK_FALSE(prepared.kept);
  CHECK(prepared.raw_sha256 == sha256_hex(kRaw));
  // The transaction meets the same refusal, and says so: nothing is stored,
  // so nothing is marked, and the mail is taken again once the folder is fixed.
  CHECK_THROWS_AS(intake.process({"support", kRaw, MailSource{"support", 7, 42}, now, prepared}, now), StoreError);
  CHECK(desk.store->list_tickets({}).empty());
  std::filesystem::remove(folder);
  auto outcome = intake.process({"support", kRaw, MailSource{"support", 7, 42}, now, std::move(prepared)}, now);
  CHECK(outcome.kind == IntakeOutcome::Kind::new_ticket);
}
