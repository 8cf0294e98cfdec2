// MailboxWatch against a real Dovecot (tag [live]; see smtp_imap_live.h):
// the daemon's sleep ends within a second of a customer's mail, and a server
// without IDLE, or one that is down, leaves the mailbox to polling.
#include "daemon/mailbox_watch.h"

#include <chrono>
#include <thread>

#include "tests/unit/daemon/smtp_imap_live.h"

namespace ticketd {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

MailboxConfig mailbox(const std::string& folder, const char* url_var = "TICKETD_LIVE_IMAP_URL") {
  ImapAccount account = live::imap_account(url_var);
  MailboxConfig m;
  m.name = "support";
  m.url = account.url;
  m.user = account.user;
  m.password = account.password;
  m.folder = folder;
  return m;
}

TEST_CASE("the daemon wakes within a second of a customer's mail in a watched mailbox", "[live][imap][idle]") {
  const std::string folder = live::unique("watch");
  ImapSession imap(live::imap_account());
  std::string err;
  INFO(err);
  REQUIRE(imap.create_folder(folder, &err));

  Log log(false);
  Wakeup wakeup;
  MailboxWatch watch(mailbox(folder), 60, log);
  // Connecting asks for one cycle: mail from before the EXAMINE is looked at.
  CHECK(watch.check(Clock::now()));
  REQUIRE(watch.idling());
  CHECK(watch.fd() >= 0);
  CHECK(wakeup.wait(Clock::now() + 300ms, {&watch}).reason == Wakeup::Reason::deadline);

  const auto sent = Clock::now();
  REQUIRE(imap.append(folder, live::mail(live::unique("watch")), &err));
  CHECK(wakeup.wait(sent + 10s, {&watch}).reason == Wakeup::Reason::news);
  CHECK(Clock::now() - sent < 1s);

  // Two mails while the daemon is busy: one wake-up, not two.
  REQUIRE(imap.append(folder, live::mail(live::unique("busy1")), &err));
  REQUIRE(imap.append(folder, live::mail(live::unique("busy2")), &err));
  std::this_thread::sleep_for(300ms);
  CHECK(wakeup.wait(Clock::now() + 10s, {&watch}).reason == Wakeup::Reason::news);
  CHECK(wakeup.wait(Clock::now() + 300ms, {&watch}).reason == Wakeup::Reason::deadline);
}

TEST_CASE("a mailbox on a server without IDLE is polled and IDLE asked for again in an hour", "[live][imap][idle]") {
  Log log(false);
  MailboxWatch watch(mailbox("INBOX", "TICKETD_LIVE_NOMOVE_IMAP_URL"), 60, log);
  const auto now = Clock::now();
  CHECK_FALSE(watch.check(now));
  CHECK_FALSE(watch.idling());
  CHECK(watch.fd() == -1);
  CHECK(watch.due() >= now + 59min);
}

TEST_CASE("a mailbox whose server is down is polled and IDLE retried with growing pauses", "[live][imap][idle]") {
  Log log(false);
  MailboxWatch watch(mailbox("INBOX", "TICKETD_LIVE_DOWN_IMAP_URL"), 60, log);
  auto now = Clock::now();
  CHECK_FALSE(watch.check(now));
  CHECK_FALSE(watch.idling());
  const auto first = watch.due() - now;
  CHECK(first >= 4s);
  CHECK(first <= 6s);
  CHECK_FALSE(watch.check(now + 1s));  // not due yet: no attempt
  CHECK(watch.due() - now == first);
  now = watch.due();
  CHECK_FALSE(watch.check(now));
  CHECK(watch.due() - now > first);
}

}  // namespace
}  // namespace ticketd
