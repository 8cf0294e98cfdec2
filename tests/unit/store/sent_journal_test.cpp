// The sent journal (store/sent_journal.h): a mail the SMTP server accepted is
// noted at once, without the database's write lock, and its outbox row is
// marked sent with its pass's others in one transaction; notes a killed
// process left are marked by the next sender, once; a damaged line never
// marks another mail.
#include "store/sent_journal.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store.h"
#include "tests/unit/temp_folder.h"

using namespace ticketd;

namespace {

struct TempFolder : testing::TempFolder {
  TempFolder() : testing::TempFolder("sent") {}
  std::string db() const { return (dir / "tickets.db").string(); }
  std::filesystem::path journal() const { return dir / "tickets.db-sent"; }
};

std::vector<std::int64_t> queue_mails(Store& store, int count) {
  auto tx = store.begin();
  Ticket ticket;
  ticket.subject = "退款";
  ticket.mailbox = "support";
  ticket = tx.create_ticket(ticket);
  std::vector<std::int64_t> ids;
  for (int n = 0; n < count; ++n) {
    ids.push_back(tx.queue_mail(OutboxMail{0, ticket.id, "ack", "m" + std::to_string(n) + "@x", "support@x",
                                           {"li.wei@example.cn"}, "data", "queued", 0, 100, "", 100, std::nullopt}));
  }
  tx.commit();
  return ids;
}

std::string state_of(const Store& store, std::int64_t id) { return store.outbox_mail(id)->state; }

}  // namespace

TEST_CASE("a sent mail is noted at once and marked sent with the others of its pass") {
  TempFolder t;
  Store store(t.db());
  auto ids = queue_mails(store, 3);
  store.note_sent(ids[0], 150);
  store.note_sent(ids[1], 151);
  CHECK(state_of(store, ids[0]) == "queued");  // noted, not yet marked
  CHECK(store.fold_sent_journal() == 2);
  auto first = store.outbox_mail(ids[0]);
  CHECK(first->state == "sent");
  CHECK(first->sent_at == 150);
  CHECK(first->attempts == 1);
  CHECK(state_of(store, ids[1]) == "sent");
  CHECK(state_of(store, ids[2]) == "queued");
  CHECK(store.due_outbox(200, 10).size() == 1);
  CHECK(std::filesystem::file_size(t.journal()) == 0);
  CHECK(store.fold_sent_journal() == 0);
}

TEST_CASE("notes a killed sender left are marked by the next sender, and only once") {
  TempFolder t;
  std::vector<std::int64_t> ids;
  {
    Store killed(t.db());
    ids = queue_mails(killed, 2);
    killed.note_sent(ids[1], 150);
  }  // gone before its pass ended
  // Folded once already, but the journal not emptied (a crash in between).
  std::ofstream(t.journal(), std::ios::app) << "sent " << ids[1] << " 150\n";
  Store next(t.db());
  CHECK(next.fold_sent_journal() == 2);
  auto mail = next.outbox_mail(ids[1]);
  CHECK(mail->state == "sent");
  CHECK(mail->attempts == 1);
  CHECK(state_of(next, ids[0]) == "queued");
}

TEST_CASE("a line of the journal written in part marks no mail, not even another one") {
  TempFolder t;
  Store store(t.db());
  auto ids = queue_mails(store, 2);
  // A piece of a note, then a whole one joined to it: neither is taken as
  // the other mail's; that mail is sent again, never lost.
  std::ofstream(t.journal(), std::ios::app) << "sent " << ids[0];
  store.note_sent(ids[1], 150);
  store.fold_sent_journal();
  CHECK(state_of(store, ids[0]) == "queued");
  CHECK(state_of(store, ids[1]) == "queued");
}

TEST_CASE("a store in memory marks a sent mail at once") {
  Store store(":memory:");
  auto ids = queue_mails(store, 1);
  store.note_sent(ids[0], 150);
  CHECK(state_of(store, ids[0]) == "sent");
  CHECK(store.fold_sent_journal() == 0);
}

TEST_CASE("a sent journal an admin's command creates as root belongs to the database's owner, as the daemon runs") {
  if (::geteuid() != 0) return;  // only root creates files for another user
  TempFolder t;
  std::vector<std::int64_t> ids;
  { Store create(t.db()); ids = queue_mails(create, 1); }
  const uid_t daemon_user = 65534;  // nobody, as a stand-in for the ticketd user
  REQUIRE(::chown(t.db().c_str(), daemon_user, daemon_user) == 0);
  Store as_root(t.db());
  as_root.note_sent(ids[0], 150);
  struct stat file {};
  REQUIRE(::stat(t.journal().c_str(), &file) == 0);
  CHECK(file.st_uid == daemon_user);
  CHECK(file.st_gid == daemon_user);
}
