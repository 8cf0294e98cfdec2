// ImapIdle against a real Dovecot (tag [live]; see smtp_imap_live.h).
#include "daemon/imap_idle.h"

#include <chrono>

#include "tests/unit/daemon/smtp_imap_live.h"

namespace ticketd {
namespace {

using namespace std::chrono_literals;
using live::unique;

TEST_CASE("IDLE wakes within a second when a customer's mail arrives", "[live][imap][idle]") {
  const std::string folder = unique("idle");
  ImapSession imap(live::imap_account());
  std::string err;
  INFO(err);
  REQUIRE(imap.create_folder(folder, &err));

  ImapIdle idle(live::imap_account());
  REQUIRE(idle.start(folder, &err));
  CHECK(idle.socket() >= 0);
  CHECK(idle.wait(200ms, &err) == ImapIdle::Wake::timeout);

  const auto sent = std::chrono::steady_clock::now();
  REQUIRE(imap.append(folder, live::mail(unique("idle")), &err));
  CHECK(idle.wait(10s, &err) == ImapIdle::Wake::new_mail);
  const auto latency = std::chrono::steady_clock::now() - sent;
  CHECK(latency < 1s);

  // Our own flag on the mail (from the other connection) is not new mail.
  Uidvalidity uv;
  REQUIRE(imap.select(folder, &uv, &err));
  std::vector<std::uint32_t> uids;
  REQUIRE(imap.search_unflagged("$Ticketd", &uids, &err));
  REQUIRE(uids.size() == 1);
  REQUIRE(imap.add_keyword(uids[0], "$Ticketd", &err));
  CHECK(idle.wait(500ms, &err) == ImapIdle::Wake::timeout);
}

TEST_CASE("mail that arrives between two waits is not missed", "[live][imap][idle]") {
  const std::string folder = unique("idle-gap");
  ImapSession imap(live::imap_account());
  std::string err;
  INFO(err);
  REQUIRE(imap.create_folder(folder, &err));
  ImapIdle idle(live::imap_account());
  REQUIRE(idle.start(folder, &err));
  REQUIRE(imap.append(folder, live::mail(unique("gap")), &err));  // nobody waiting yet
  CHECK(idle.wait(5s, &err) == ImapIdle::Wake::new_mail);
}

TEST_CASE("a server without IDLE is reported so the daemon polls instead", "[live][imap][idle]") {
  ImapIdle idle(live::imap_account("TICKETD_LIVE_NOMOVE_IMAP_URL"));
  std::string err;
  CHECK_FALSE(idle.start("INBOX", &err));
  CHECK_FALSE(idle.supported());
  CHECK_THAT(err, Catch::Contains("does not offer IDLE"));
}

TEST_CASE("IDLE with a wrong password says login failed without the password", "[live][imap][idle]") {
  ImapAccount account = live::imap_account();
  account.password = "Wrong-Secret-4711";
  ImapIdle idle(account);
  std::string err;
  CHECK_FALSE(idle.start("INBOX", &err));
  CHECK_THAT(err, Catch::Contains("login failed"));
  CHECK_THAT(err, !Catch::Contains("Wrong-Secret-4711"));
  CHECK(idle.supported());
}

TEST_CASE("IDLE reports a server that goes down", "[live][imap][idle]") {
  ImapIdle idle(live::imap_account("TICKETD_LIVE_DOWN_IMAP_URL"));
  std::string err;
  CHECK_FALSE(idle.start("INBOX", &err));
  CHECK_THAT(err, Catch::Contains("cannot connect"));
}

}  // namespace
}  // namespace ticketd
