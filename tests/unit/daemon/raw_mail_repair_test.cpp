// No mail lost to a crash of the system (DESIGN.md invariant 1): the raw mail
// goes to the store's mail log and its row to the WAL, and until the batch's
// sync_to_disk() the kernel may write either to the disk first. When the row
// survived and the bytes did not, the mail is not marked on the server, so it
// comes back; intake then finds it taken already and keeps the server's copy
// again (MailIntake::keep_raw_mail_whole()).
#include <catch2/catch.hpp>
#include <filesystem>

#include "daemon/mail_intake.h"
#include "tests/unit/daemon/lifecycle_fixture.h"

using namespace ticketd;
using ticketd::testing::Desk;
using ticketd::testing::kMonday0900Utc;

namespace {

const std::string kRaw =
    "From: Carol <carol@customer.example>\r\nTo: support@example.com\r\nSubject: Printer on fire\r\n"
    "Message-ID: <fire-1@customer.example>\r\n\r\nThe printer in room 4 is on fire again.\r\n";

// Cuts the newest mail log file in half, as a power loss before the log's
// pages reached the disk would.
void cut_mail_log_short(const Desk& desk) {
  const auto file = std::filesystem::path(desk.config.store_path + "-mails") / "000001.mails";
  REQUIRE(std::filesystem::exists(file));
  std::filesystem::resize_file(file, std::filesystem::file_size(file) / 2);
}

}  // namespace

TEST_CASE("a mail whose stored copy a system crash cut short is kept again when the server offers it again") {
  Desk desk;
  const std::int64_t now = kMonday0900Utc;
  MailIntake intake(desk.config, *desk.store, desk.templates, nullptr, desk.log);
  auto first = intake.process({"support", kRaw, MailSource{"support", 7, 42}, now, std::nullopt}, now);
  REQUIRE(first.kind == IntakeOutcome::Kind::new_ticket);
  auto ticket = desk.store->ticket_by_number(first.ticket_number);
  REQUIRE(ticket);
  const std::int64_t row = desk.store->messages_of(ticket->id).at(0).id;
  CHECK(desk.store->raw_mail_of(row) == kRaw);

  cut_mail_log_short(desk);
  REQUIRE_THROWS(desk.store->raw_mail_of(row));

  SECTION("offered again at the same UID (not marked before the crash)") {
    auto again = intake.process({"support", kRaw, MailSource{"support", 7, 42}, now + 60, std::nullopt}, now + 60);
    CHECK(again.kind == IntakeOutcome::Kind::duplicate);
  }
  SECTION("offered again, kept in the log ahead by the fetching thread, its bytes let go") {
    PreparedMail ahead = intake.prepare_and_keep(kRaw, now + 60);
    REQUIRE(ahead.kept);
    auto again = intake.process({"support", "", MailSource{"support", 7, 42}, now + 60, std::move(ahead)}, now + 60);
    CHECK(again.kind == IntakeOutcome::Kind::duplicate);
  }
  SECTION("offered again under a new UIDVALIDITY (the mailbox recreated)") {
    auto again = intake.process({"support", kRaw, MailSource{"support", 8, 1}, now + 60, std::nullopt}, now + 60);
    CHECK(again.kind == IntakeOutcome::Kind::duplicate);
  }
  CHECK(desk.store->raw_mail_of(row) == kRaw);
  CHECK(desk.store->list_tickets({}).size() == 1);
}
