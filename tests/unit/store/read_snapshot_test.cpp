// Store::ReadSnapshot: a mail's lookups share one read transaction; begin()
// still starts from the latest state. Two Stores on one file stand for
// intake and another writer (the sender, `ticketd deliver`).
#include <catch2/catch.hpp>

#include "store/store.h"
#include "tests/unit/temp_folder.h"

namespace ticketd {
namespace {

Ticket ticket_about(std::string subject) {
  Ticket t;
  t.subject = std::move(subject);
  t.requester_address = "li.wei@example.cn";
  t.mailbox = "support";
  t.created_at = 1700000000;
  return t;
}

std::int64_t create(Store& store, const std::string& subject) {
  auto tx = store.begin();
  const std::int64_t id = tx.create_ticket(ticket_about(subject)).id;
  tx.commit();
  return id;
}

TEST_CASE("reads in a snapshot see the store as it was at the first read", "[store][snapshot]") {
  testing::TempFolder folder("snapshot");
  Store intake((folder.dir / "t.db").string());
  Store other((folder.dir / "t.db").string());
  const std::int64_t first = create(other, "first");
  std::int64_t second = 0;
  {
    Store::ReadSnapshot lookups = intake.read_snapshot();
    REQUIRE(intake.ticket_by_id(first));
    second = create(other, "second");  // committed while the snapshot is held
    CHECK_FALSE(intake.ticket_by_id(second));
  }
  // Let go: the next read sees the other writer's commit.
  CHECK(intake.ticket_by_id(second));
}

TEST_CASE("begin() in a snapshot ends it and writes from the latest state", "[store][snapshot]") {
  testing::TempFolder folder("snapshot");
  Store intake((folder.dir / "t.db").string());
  Store other((folder.dir / "t.db").string());
  const std::int64_t first = create(other, "first");
  Store::ReadSnapshot lookups = intake.read_snapshot();
  REQUIRE(intake.ticket_by_id(first));
  const std::int64_t second = create(other, "second");
  CHECK_FALSE(intake.ticket_by_id(second));
  auto tx = intake.begin();  // would fail with SQLITE_BUSY_SNAPSHOT if it upgraded the old snapshot
  CHECK(intake.ticket_by_id(second));
  const std::int64_t third = tx.create_ticket(ticket_about("third")).id;
  tx.commit();
  CHECK(other.ticket_by_id(third));
  CHECK(third > second);
}

TEST_CASE("a snapshot inside a transaction or another snapshot does nothing of its own", "[store][snapshot]") {
  testing::TempFolder folder("snapshot");
  Store intake((folder.dir / "t.db").string());
  Store other((folder.dir / "t.db").string());
  std::int64_t inside = 0;
  {
    auto tx = intake.begin();
    { Store::ReadSnapshot nested = intake.read_snapshot(); }  // must not commit the transaction
    inside = tx.create_ticket(ticket_about("inside")).id;
    // Not committed: the transaction rolls back when it goes.
  }
  CHECK_FALSE(other.ticket_by_id(inside));

  Store::ReadSnapshot outer = intake.read_snapshot();
  const std::int64_t before = create(other, "before the first read");
  {
    Store::ReadSnapshot inner = intake.read_snapshot();
    CHECK(intake.ticket_by_id(before));  // the first read takes the snapshot
  }
  // The inner one let nothing go: the outer snapshot still holds.
  const std::int64_t after = create(other, "after");
  CHECK_FALSE(intake.ticket_by_id(after));
}

}  // namespace
}  // namespace ticketd
