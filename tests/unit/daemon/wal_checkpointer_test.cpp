#include "daemon/wal_checkpointer.h"

#include <catch2/catch.hpp>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>
#include <unistd.h>

#include "parser/sha256.h"
#include "store/store.h"

using namespace ticketd;

namespace {

constexpr std::uintmax_t kPage = 4096;

struct TempDir {
  std::filesystem::path dir;
  TempDir() {
    char pattern[] = "/tmp/ticketd-checkpoint-XXXXXX";
    dir = mkdtemp(pattern);
  }
  ~TempDir() { std::filesystem::remove_all(dir); }
  std::string db() const { return (dir / "t.db").string(); }
  std::uintmax_t size_of(const char* suffix) const {
    std::error_code ec;
    auto size = std::filesystem::file_size(db() + suffix, ec);
    return ec ? 0 : size;
  }
};

// One customer mail committed as intake does, in one transaction: a ticket,
// its message and `bytes` (distinct per `n`) written into the database.
// Raw mails go to the store's mail log, outside the WAL (store/mail_log.h),
// so the bytes are an attachment's, which the store keeps in the database
// when there is no raw mail.
void commit_mail(Store& store, int n, std::size_t bytes) {
  auto tx = store.begin();
  Ticket ticket;
  ticket.subject = "Mail " + std::to_string(n);
  ticket.requester_address = "li.wei@example.cn";
  ticket.mailbox = "support";
  ticket.created_at = 1700000000 + n;
  ticket = tx.create_ticket(ticket);
  StoredMessage message;
  message.ticket_id = ticket.id;
  message.direction = "in";
  message.author = Actor::customer("li.wei@example.cn");
  message.subject = ticket.subject;
  message.body = "Question " + std::to_string(n);
  message.created_at = ticket.created_at;
  Attachment file;
  file.filename = "log-" + std::to_string(n) + ".txt";
  file.content_type = "text/plain";
  file.data = std::to_string(n) + std::string(bytes, static_cast<char>('a' + n % 26));
  file.size = file.data.size();
  file.sha256 = sha256_hex(file.data);
  tx.add_message(message, {}, {file});
  tx.commit();
}

}  // namespace

TEST_CASE("a store whose commits are handed to a hook does not checkpoint by itself") {
  TempDir t;
  Store writer(t.db());
  std::vector<int> reported;
  writer.on_commit_leave_checkpoints_to([&](int frames) { reported.push_back(frames); }, 1'000'000);
  // 100 mails of 64 KiB: about 1,700 pages, past SQLite's own 1,000-page
  // checkpoint, which would have copied them into the database file.
  for (int i = 0; i < 100; ++i) commit_mail(writer, i, 64 * 1024);

  REQUIRE(reported.size() == 100);
  CHECK(std::is_sorted(reported.begin(), reported.end()));
  CHECK(reported.back() > 1600);
  CHECK(t.size_of("-wal") >= static_cast<std::uintmax_t>(reported.back()) * kPage);
  CHECK(t.size_of("") < 1000 * kPage);

  // Another connection copies them: all of them, the writer being idle.
  Store other(t.db());
  auto passive = other.checkpoint();
  CHECK(passive.wal_frames == reported.back());
  CHECK(passive.copied_frames == passive.wal_frames);
  CHECK(t.size_of("") > 100 * 64 * 1024);
  // A wholly copied WAL is written from its start by the next commit.
  commit_mail(writer, 100, 100);
  CHECK(reported.back() < 50);
}

TEST_CASE("the checkpointer copies the WAL on its own thread and keeps it bounded under a steady writer") {
  TempDir t;
  Log log(false);
  Store writer(t.db());
  Store checkpoint_connection(t.db());
  const int checkpoint_frames = 100;
  const int catch_up_frames = 600;
  std::atomic<int> most_frames{0};
  {
    WalCheckpointer checkpointer(checkpoint_connection, log, checkpoint_frames);
    writer.on_commit_leave_checkpoints_to(
        [&](int frames) {
          most_frames = std::max(most_frames.load(), frames);
          checkpointer.wal_grew(frames);
        },
        catch_up_frames);
    // 300 mails of 64 KiB (about 5,000 pages, 20 MiB) committed back to
    // back, as intake does with a backlog (it parses between commits, this
    // writer does not even pause).
    for (int i = 0; i < 300; ++i) commit_mail(writer, i, 64 * 1024);

    CHECK(checkpointer.checkpoints() >= 3);
    writer.on_commit_leave_checkpoints_to(nullptr, 1'000'000);
  }
  // Without the writer's catch-up the WAL would hold every page written
  // (about 5,000): the checkpointer alone copies them but the WAL is never
  // wholly copied between two commits. With it the WAL stays near
  // catch_up_frames plus one mail.
  INFO("most frames in the WAL: " << most_frames.load());
  CHECK(most_frames.load() < 5000 / 2);
  CHECK(t.size_of("-wal") < 5000 / 2 * kPage);
  // The pages went to the database file, and every mail is there.
  CHECK(t.size_of("") > 300 * 64 * 1024 / 2);
  Store reader(t.db());
  CHECK(reader.totals().tickets_created == 300);
}
