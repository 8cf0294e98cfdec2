// The store's mail log (store/mail_log.h): raw mails kept whole outside the
// database, one record per content, nothing left by a transaction that did
// not commit, damage reported instead of wrong bytes returned.
#include "store/mail_log.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include "parser/sha256.h"
#include "store/store.h"
#include "tests/unit/temp_folder.h"

using namespace ticketd;

namespace {

struct TempFolder : testing::TempFolder {
  TempFolder() : testing::TempFolder("mail-log") {}
  std::string db() const { return (dir / "tickets.db").string(); }
  std::filesystem::path log_file(int n) const {
    char name[32];
    std::snprintf(name, sizeof name, "%06d.mails", n);
    return dir / "tickets.db-mails" / name;
  }
};

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// A customer's mail with a 300 KB attachment, about what issue 8's benchmark
// mails weigh on average.
std::string customer_mail(int n) {
  std::string raw = "From: li.wei@example.cn\r\nTo: support@example.com\r\nMessage-ID: <m" + std::to_string(n) +
                    "@example.cn>\r\nSubject: 发票 " + std::to_string(n) + "\r\n\r\n";
  for (int line = 0; line < 4000; ++line) raw += "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJz" + std::to_string(n) + "\r\n";
  return raw;
}

// A new ticket in `tx`, and the customer's message for it (not yet added).
StoredMessage new_ticket_message(StoreTransaction& tx) {
  Ticket ticket;
  ticket.subject = "发票";
  ticket.requester_address = "li.wei@example.cn";
  ticket.mailbox = "support";
  StoredMessage in;
  in.ticket_id = tx.create_ticket(ticket).id;
  in.direction = "in";
  in.author = Actor::customer("li.wei@example.cn");
  return in;
}

std::int64_t store_incoming(Store& store, const std::string& raw) {
  auto tx = store.begin();
  auto row = tx.add_message(new_ticket_message(tx), raw, {});
  tx.commit();
  return row;
}

}  // namespace

TEST_CASE("a raw mail is kept once, outside the database, in a file a person can read, and read back whole") {
  TempFolder t;
  Store store(t.db());
  const std::string raw = customer_mail(1);
  auto first = store_incoming(store, raw);
  auto again = store_incoming(store, raw);  // the same mail delivered twice
  CHECK(store.raw_mail_of(first) == raw);
  CHECK(store.raw_mail_of(again) == raw);

  const std::string expected = "ticketd-mail " + std::to_string(raw.size()) + " " + sha256_hex(raw) + "\r\n" + raw + "\r\n";
  CHECK(read_file(t.log_file(1)) == expected);
  SQLite::Database db(t.db());
  CHECK(db.execAndGet("SELECT sum(length(bytes)) FROM raw_mails").getInt64() == 0);
}

TEST_CASE("a transaction that does not commit leaves no raw mail in the log") {
  TempFolder t;
  Store store(t.db());
  const std::string kept = customer_mail(1);
  store_incoming(store, kept);
  {
    auto tx = store.begin();
    StoredMessage in = new_ticket_message(tx);
    tx.add_message(in, customer_mail(2), {});
    tx.add_message(in, customer_mail(3), {});
  }  // rolled back, say by a full disk at commit
  CHECK(std::filesystem::file_size(t.log_file(1)) == kept.size() + 18 + 64 + std::to_string(kept.size()).size());
  CHECK(store.list_tickets({}).size() == 1);
}

TEST_CASE("the daemon and a command line process append to one mail log without overwriting each other") {
  TempFolder t;
  Store daemon(t.db());
  Store cli(t.db());
  std::vector<std::pair<std::int64_t, std::string>> rows;
  for (int n = 0; n < 6; ++n) {
    std::string raw = customer_mail(n);
    rows.emplace_back(store_incoming(n % 2 ? cli : daemon, raw), raw);
  }
  for (const auto& [row, raw] : rows) {
    CHECK(daemon.raw_mail_of(row) == raw);
    CHECK(cli.raw_mail_of(row) == raw);
  }
}

TEST_CASE("a raw mail a system crash cut short is reported, not returned, and kept again from the server's copy") {
  TempFolder t;
  Store store(t.db());
  const std::string raw = customer_mail(1);
  auto row = store_incoming(store, raw);
  const std::string sha = sha256_hex(raw);
  CHECK(store.raw_mail_intact(sha));

  // The commit reached the disk, the end of the log did not.
  std::filesystem::resize_file(t.log_file(1), std::filesystem::file_size(t.log_file(1)) / 2);
  CHECK_FALSE(store.raw_mail_intact(sha));
  CHECK_THROWS_WITH(store.raw_mail_of(row), Catch::Contains("000001.mails: the raw mail at offset") &&
                                                Catch::Contains("is cut short"));

  auto tx = store.begin();
  tx.rewrite_raw_mail(raw, sha);
  tx.commit();
  CHECK(store.raw_mail_intact(sha));
  CHECK(store.raw_mail_of(row) == raw);
}

TEST_CASE("a raw mail changed in its file is refused by its SHA-256") {
  TempFolder t;
  Store store(t.db());
  const std::string raw = customer_mail(1);
  auto row = store_incoming(store, raw);
  {
    std::fstream f(t.log_file(1), std::ios::binary | std::ios::in | std::ios::out);
    f.seekp(200);
    f.put('#');
  }
  CHECK_THROWS_WITH(store.raw_mail_of(row), Catch::Contains("does not match its SHA-256 " + sha256_hex(raw)));
}

TEST_CASE("raw mail files an admin's command creates as root belong to the database's owner, as the daemon runs") {
  if (::geteuid() != 0) return;  // only root creates files for another user
  TempFolder t;
  { Store create(t.db()); }
  const uid_t daemon_user = 65534;  // nobody, as a stand-in for the ticketd user
  REQUIRE(::chown(t.db().c_str(), daemon_user, daemon_user) == 0);
  Store as_root(t.db());
  store_incoming(as_root, customer_mail(1));
  struct stat folder {}, file {};
  REQUIRE(::stat((t.dir / "tickets.db-mails").c_str(), &folder) == 0);
  REQUIRE(::stat(t.log_file(1).c_str(), &file) == 0);
  CHECK(folder.st_uid == daemon_user);
  CHECK(file.st_uid == daemon_user);
  CHECK(file.st_gid == daemon_user);
}

TEST_CASE("a full mail log file gives way to the next, and both stay readable") {
  TempFolder t;
  const std::string folder = (t.dir / "tickets.db-mails").string();
  MailLog log(folder, {}, 1000);
  std::vector<std::pair<MailLogPlace, std::string>> kept;
  for (int n = 0; n < 3; ++n) {
    std::string raw(700, static_cast<char>('a' + n));
    MailLogPlace place;
    std::string err;
    REQUIRE(log.append(raw, sha256_hex(raw), &place, &err));
    kept.emplace_back(place, raw);
  }
  CHECK(kept[0].first.file == 1);
  CHECK(kept[1].first.file == 1);  // the file held 785 bytes: under 1,000, one more
  CHECK(kept[2].first.file == 2);
  std::string err;
  REQUIRE(log.sync(&err));
  for (const auto& [place, raw] : kept) {
    std::string bytes;
    CHECK(log.read(place, static_cast<std::int64_t>(raw.size()), sha256_hex(raw), &bytes, &err));
    CHECK(bytes == raw);
  }
}

TEST_CASE("a mail the file system refuses to take is an error naming the file, and nothing half-written stays") {
  TempFolder t;
  MailLog log((t.dir / "mails").string());
  std::string small(100, 's'), big(64 * 1024, 'b');
  MailLogPlace place;
  std::string err;
  REQUIRE(log.append(small, sha256_hex(small), &place, &err));
  const auto size_before = std::filesystem::file_size(t.dir / "mails" / "000001.mails");

  // A file size limit stands in for a full disk (EFBIG instead of ENOSPC).
  auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  rlimit old_limit{};
  getrlimit(RLIMIT_FSIZE, &old_limit);
  rlimit limit = old_limit;
  limit.rlim_cur = 16 * 1024;
  setrlimit(RLIMIT_FSIZE, &limit);
  bool appended = log.append(big, sha256_hex(big), &place, &err);
  setrlimit(RLIMIT_FSIZE, &old_limit);
  std::signal(SIGXFSZ, old_handler);

  CHECK_FALSE(appended);
  CHECK_THAT(err, Catch::Contains("000001.mails: cannot write the raw mail: File too large"));
  CHECK(std::filesystem::file_size(t.dir / "mails" / "000001.mails") == size_before);
  REQUIRE(log.append(small, sha256_hex(small), &place, &err));  // space back: the log goes on
  CHECK(place.record_start == static_cast<std::int64_t>(size_before));
}

TEST_CASE("threads of one process and another process append to one mail log at once, and every record reads back") {
  // The fetching thread keeps mails ahead while intake's transactions append
  // and the batch's sync runs, and `ticketd deliver` may append from another
  // process: two logs on one folder stand in for two processes (each holds
  // its own open folder, so flock() keeps them apart as it does processes).
  TempFolder t;
  const std::string folder = (t.dir / "tickets.db-mails").string();
  MailLog daemon(folder, {}, 4 << 20);  // small files, so appends also start new ones
  MailLog other_process(folder, {}, 4 << 20);
  struct Kept {
    MailLogPlace place;
    std::string raw;
  };
  std::vector<Kept> kept[3];
  std::atomic<bool> appending{true};
  std::atomic<int> failures{0};  // Catch's assertions are for the test's own thread
  auto append_many = [&](MailLog& log, int writer) {
    for (int n = 0; n < 60; ++n) {
      std::string raw = customer_mail(writer * 1000 + n);
      MailLogPlace place;
      std::string err;
      if (!log.append(raw, sha256_hex(raw), &place, &err)) ++failures;
      kept[writer].push_back({place, std::move(raw)});
    }
  };
  std::thread syncing([&] {
    std::string err;
    while (appending) failures += !daemon.sync(&err);
  });
  std::thread fetching([&] { append_many(daemon, 0); });
  std::thread intake([&] { append_many(daemon, 1); });
  std::thread deliver([&] { append_many(other_process, 2); });
  fetching.join();
  intake.join();
  deliver.join();
  appending = false;
  syncing.join();
  CHECK(failures == 0);

  std::string err;
  REQUIRE(daemon.sync(&err));
  int read_back = 0;
  for (const auto& writer : kept) {
    for (const auto& [place, raw] : writer) {
      std::string bytes;
      INFO(err);
      CHECK(daemon.read(place, static_cast<std::int64_t>(raw.size()), sha256_hex(raw), &bytes, &err));
      read_back += bytes == raw;
    }
  }
  CHECK(read_back == 180);
}

TEST_CASE("a transaction that does not commit keeps the mails kept ahead after its own") {
  TempFolder t;
  Store store(t.db());
  const std::string fetched_meanwhile = customer_mail(2);
  std::optional<KeptRawMail> ahead;
  {
    auto tx = store.begin();
    tx.add_message(new_ticket_message(tx), customer_mail(1), {});
    // Meanwhile the fetching thread keeps the next mail.
    std::string err;
    ahead = store.keep_raw_mail_ahead(fetched_meanwhile, sha256_hex(fetched_meanwhile), &err);
    REQUIRE(ahead);
  }  // rolled back: cutting its record off would cut the next mail's too
  CHECK(store.kept_raw_mail_bytes(*ahead) == fetched_meanwhile);
  CHECK(store.list_tickets({}).empty());
}

TEST_CASE("a mail kept ahead is named by the transaction that stores it, and written once") {
  TempFolder t;
  Store store(t.db());
  const std::string raw = customer_mail(1);
  std::string err;
  auto kept = store.keep_raw_mail_ahead(raw, sha256_hex(raw), &err);
  REQUIRE(kept);
  CHECK(kept->size == static_cast<std::int64_t>(raw.size()));
  CHECK(store.kept_raw_mail_bytes(*kept) == raw);

  auto store_kept = [&](const KeptRawMail& k) {
    auto tx = store.begin();
    auto row = tx.add_message_kept_ahead(new_ticket_message(tx), k, {});
    tx.commit();
    return row;
  };
  auto row = store_kept(*kept);
  CHECK(store.raw_mail_of(row) == raw);
  const std::string one_record = "ticketd-mail " + std::to_string(raw.size()) + " " + sha256_hex(raw) + "\r\n" + raw + "\r\n";
  CHECK(read_file(t.log_file(1)) == one_record);

  // The same mail again (fetched twice): kept once more, but its row names
  // the first copy, and the second stays in the log unnamed.
  auto again = store.keep_raw_mail_ahead(raw, sha256_hex(raw), &err);
  REQUIRE(again);
  auto second_row = store_kept(*again);
  CHECK(store.raw_mail_of(second_row) == raw);
  SQLite::Database db(t.db());
  CHECK(db.execAndGet("SELECT count(*) FROM raw_mails").getInt64() == 1);
  CHECK(db.execAndGet("SELECT log_offset FROM raw_mails").getInt64() == kept->place.offset);
}

TEST_CASE("a store in memory keeps nothing ahead: its transactions keep the raw mail") {
  Store store(":memory:");
  std::string err;
  CHECK_FALSE(store.keep_raw_mail_ahead("From: a@b\r\n\r\nhi", sha256_hex("From: a@b\r\n\r\nhi"), &err));
}

// The log's pages resident in the page cache, from mincore() over a mapping.
static std::size_t resident_pages(const std::filesystem::path& file) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  REQUIRE(fd >= 0);
  const auto size = static_cast<std::size_t>(std::filesystem::file_size(file));
  void* map = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
  ::close(fd);
  REQUIRE(map != MAP_FAILED);
  const long page = ::sysconf(_SC_PAGESIZE);
  std::vector<unsigned char> in_core((size + static_cast<std::size_t>(page) - 1) / static_cast<std::size_t>(page));
  REQUIRE(::mincore(map, size, in_core.data()) == 0);
  ::munmap(map, size);
  return static_cast<std::size_t>(std::count_if(in_core.begin(), in_core.end(), [](unsigned char c) { return c & 1; }));
}

TEST_CASE("raw mail on the disk leaves the page cache, and still reads back whole") {
  TempFolder t;
  struct statfs fs {};
  REQUIRE(::statfs(t.dir.c_str(), &fs) == 0);
  if (fs.f_type == TMPFS_MAGIC) {
    WARN("the test folder is on tmpfs, whose pages are the file: nothing to drop");
    return;
  }
  Store store(t.db());
  std::vector<std::pair<std::int64_t, std::string>> rows;
  for (int n = 1; n <= 8; ++n) rows.emplace_back(store_incoming(store, customer_mail(n)), customer_mail(n));
  const std::size_t written = resident_pages(t.log_file(1));
  CHECK(written > 8 * 60);  // 8 mails of some 300 KB: in the cache until synced
  store.sync_to_disk();
  CHECK(resident_pages(t.log_file(1)) < written / 10);
  for (const auto& [row, raw] : rows) CHECK(store.raw_mail_of(row) == raw);
}
