#include "store/statement_cache.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <unistd.h>

using namespace ticketd;

namespace {

struct TempDb {
  std::filesystem::path dir;
  std::unique_ptr<SQLite::Database> db;
  TempDb() {
    char pattern[] = "/tmp/ticketd-cache-XXXXXX";
    dir = mkdtemp(pattern);
    db = std::make_unique<SQLite::Database>((dir / "t.db").string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db->exec("PRAGMA journal_mode=WAL");
    db->exec("CREATE TABLE t (k TEXT PRIMARY KEY, v BLOB)");
  }
  ~TempDb() {
    db.reset();
    std::filesystem::remove_all(dir);
  }
};

}  // namespace

TEST_CASE("a statement is prepared once and reused with fresh bindings") {
  TempDb t;
  StatementCache cache(*t.db);
  for (int i = 0; i < 3; ++i) {
    auto insert = cache.use("INSERT INTO t (k, v) VALUES (?, ?)");
    insert.bind(1, "key" + std::to_string(i));
    insert.exec();
  }
  CHECK(cache.size() == 1);
  // The binding of the last use is gone: v was never bound, so it is NULL.
  auto count = cache.use("SELECT count(*) FROM t WHERE v IS NULL");
  REQUIRE(count.executeStep());
  CHECK(count.getColumn(0).getInt() == 3);
}

TEST_CASE("a blob bound without a copy is stored whole, and the binding ends with the statement's use") {
  TempDb t;
  StatementCache cache(*t.db);
  std::string mail(300000, 'x');
  mail[0] = '\0';  // binary: a NUL inside must not cut it
  {
    auto insert = cache.use("INSERT INTO t (k, v) VALUES (?, ?)");
    insert.bind(1, "raw");
    insert.bind_blob_no_copy(2, mail);
    CHECK(insert.exec() == 1);
  }
  mail.assign(10, 'y');  // the caller's buffer changes afterwards
  {
    auto insert = cache.use("INSERT INTO t (k, v) VALUES (?, ?)");
    insert.bind(1, "unbound");
    insert.exec();  // v not bound this time: NULL, not the old pointer
  }
  auto read = cache.use("SELECT length(v), v IS NULL FROM t ORDER BY k");
  REQUIRE(read.executeStep());
  CHECK(read.getColumn(0).getInt() == 300000);
  REQUIRE(read.executeStep());
  CHECK(read.getColumn(1).getInt() == 1);
}

TEST_CASE("the same statement used inside its own use gets a separate statement") {
  TempDb t;
  t.db->exec("INSERT INTO t (k) VALUES ('a'), ('b')");
  StatementCache cache(*t.db);
  auto outer = cache.use("SELECT k FROM t ORDER BY k");
  REQUIRE(outer.executeStep());
  {
    auto inner = cache.use("SELECT k FROM t ORDER BY k");
    REQUIRE(inner.executeStep());
    CHECK(inner.getColumn(0).getString() == "a");
  }
  REQUIRE(outer.executeStep());
  CHECK(outer.getColumn(0).getString() == "b");
}

TEST_CASE("a finished read does not keep the WAL from being checkpointed") {
  TempDb t;
  StatementCache cache(*t.db);
  {
    auto read = cache.use("SELECT k FROM t");
    read.executeStep();  // stepped, not run to the end
  }
  // A second connection writes; a full checkpoint must then be able to
  // reset the WAL, which an open read snapshot on the first would block.
  SQLite::Database other((t.dir / "t.db").string(), SQLite::OPEN_READWRITE);
  other.exec("INSERT INTO t (k) VALUES ('c')");
  int log = -1, done = -1;
  REQUIRE(sqlite3_wal_checkpoint_v2(other.getHandle(), nullptr, SQLITE_CHECKPOINT_TRUNCATE, &log, &done) ==
          SQLITE_OK);
  CHECK(log == done);
}
