// store_floor_bench: the least any gateway that keeps every raw mail under
// DESIGN.md's invariants must do, timed on the same mailbox as ticketd:
// download each mail over one IMAP connection (ImapSession, as ticketd and
// the curl baseline do) and keep its raw bytes as ticketd's store does: in
// the mail log (store/mail_log.h), with a row naming them committed in
// SQLite, one transaction per mail (WAL, synchronous=NORMAL; every 100 mails
// one fdatasync of the log and one of the WAL). No parsing, rules, tickets or
// mail out. `--in-sqlite`: the raw bytes in a BLOB instead, as ticketd's
// store did before the mail log.
//
//   store_floor_bench IMAP_URL USER PASSWORD_FILE MAILS DB_PATH [--json] [--in-sqlite]
//
// bench/run prints it beside curl's raw download and ticketd: the gap from
// curl to this floor is the price of keeping mail safely, the gap from this
// floor to ticketd is ticketd's own work.
#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>

#include "daemon/imap_session.h"
#include "store/mail_log.h"

int main(int argc, char** argv) {
  using namespace ticketd;
  if (argc < 6) {
    std::fprintf(stderr, "usage: store_floor_bench IMAP_URL USER PASSWORD_FILE MAILS DB_PATH [--json] [--in-sqlite]\n");
    return 2;
  }
  std::ifstream password_file(argv[3]);
  std::string password((std::istreambuf_iterator<char>(password_file)), std::istreambuf_iterator<char>());
  while (!password.empty() && (password.back() == '\n' || password.back() == '\r')) password.pop_back();
  const int mails = std::stoi(argv[4]);
  bool json = false, in_sqlite = false;
  for (int i = 6; i < argc; ++i) {
    json = json || std::string(argv[i]) == "--json";
    in_sqlite = in_sqlite || std::string(argv[i]) == "--in-sqlite";
  }

  ImapAccount account;
  account.url = argv[1];
  account.user = argv[2];
  account.password = password;
  ImapSession imap(account);
  SQLite::Database db(argv[5], SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  db.exec("PRAGMA journal_mode=WAL");
  db.exec("PRAGMA synchronous=NORMAL");
  db.exec("CREATE TABLE IF NOT EXISTS raw_mails (id INTEGER PRIMARY KEY, uid INTEGER NOT NULL, bytes BLOB NOT NULL, "
          "log_file INTEGER, log_offset INTEGER)");
  MailLog log(std::string(argv[5]) + "-mails");
  // The raw C API: SQLiteCpp binds blobs as SQLITE_TRANSIENT (a copy),
  // which ticketd's store avoids too.
  sqlite3_stmt* insert = nullptr;
  sqlite3_prepare_v2(db.getHandle(),
                     "INSERT INTO raw_mails (uid, bytes, log_file, log_offset) VALUES (?, ?, ?, ?)", -1,
                     &insert, nullptr);

  const auto started = std::chrono::steady_clock::now();
  std::string err;
  Uidvalidity uidvalidity = 0;
  if (!imap.select("INBOX", &uidvalidity, &err)) {
    std::fprintf(stderr, "%s\n", err.c_str());
    return 1;
  }
  std::vector<std::uint32_t> uids;
  if (!imap.search_unflagged("$FloorBench", &uids, &err)) {
    std::fprintf(stderr, "%s\n", err.c_str());
    return 1;
  }
  if (static_cast<int>(uids.size()) > mails) uids.resize(static_cast<std::size_t>(mails));
  std::string raw;
  std::size_t bytes = 0;
  for (std::size_t i = 0; i < uids.size(); ++i) {
    if (!imap.fetch(uids[i], &raw, &err)) {
      std::fprintf(stderr, "%s\n", err.c_str());
      return 1;
    }
    bytes += raw.size();
    SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
    sqlite3_bind_int64(insert, 1, uids[i]);
    // No hash: ticketd computes it on its fetching thread, beside all this;
    // the floor keeps the bytes and nothing more.
    const std::string sha;
    if (in_sqlite) {
      sqlite3_bind_blob(insert, 2, raw.data(), static_cast<int>(raw.size()), SQLITE_STATIC);
    } else {
      MailLogPlace place;
      if (!log.append(raw, sha, &place, &err)) {
        std::fprintf(stderr, "%s\n", err.c_str());
        return 1;
      }
      sqlite3_bind_zeroblob(insert, 2, 0);
      sqlite3_bind_int64(insert, 3, place.file);
      sqlite3_bind_int64(insert, 4, place.offset);
    }
    if (sqlite3_step(insert) != SQLITE_DONE) {
      std::fprintf(stderr, "insert: %s\n", sqlite3_errmsg(db.getHandle()));
      return 1;
    }
    sqlite3_reset(insert);
    transaction.commit();
    // ticketd syncs the WAL before it flags a batch of 100 on the server.
    if ((i + 1) % 100 == 0 || i + 1 == uids.size()) {
      if (!in_sqlite && !log.sync(&err)) {
        std::fprintf(stderr, "%s\n", err.c_str());
        return 1;
      }
      sqlite3_file* file = nullptr;
      sqlite3_file_control(db.getHandle(), "main", SQLITE_FCNTL_JOURNAL_POINTER, &file);
      if (file && file->pMethods) file->pMethods->xSync(file, SQLITE_SYNC_NORMAL);
    }
  }
  sqlite3_finalize(insert);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (json) {
    fmt::print("{{\"seconds\": {:.4f}, \"mails\": {}, \"bytes\": {}}}\n", seconds, uids.size(), bytes);
  } else {
    fmt::print("{} mails, {:.1f} MB downloaded and stored in {:.2f} s ({:.0f} mails/s)\n", uids.size(), bytes / 1e6,
               seconds, uids.size() / seconds);
  }
  return 0;
}
