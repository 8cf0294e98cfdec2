#include "store/store.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <unistd.h>

using namespace ticketd;

namespace {

// A fresh database file per test, removed afterwards.
struct TempStore {
  std::filesystem::path dir;
  std::unique_ptr<Store> store;
  TempStore() {
    char pattern[] = "/tmp/ticketd-store-XXXXXX";
    dir = mkdtemp(pattern);
    store = std::make_unique<Store>((dir / "t.db").string());
  }
  ~TempStore() { std::filesystem::remove_all(dir); }
};

Ticket sample_ticket(std::string requester = "li.wei@example.cn") {
  Ticket t;
  t.subject = "退款失败";
  t.requester_address = requester;
  t.mailbox = "support";
  t.created_at = 1700000000;
  t.tags = {"billing"};
  return t;
}

}  // namespace

TEST_CASE("a new store is migrated to the newest schema and in WAL mode") {
  TempStore t;
  CHECK(t.store->schema_version() >= 1);
  CHECK(std::filesystem::exists(t.dir / "t.db-wal"));
}

TEST_CASE("tickets get public numbers from 1001 upwards") {
  TempStore t;
  auto tx = t.store->begin();
  auto first = tx.create_ticket(sample_ticket());
  auto second = tx.create_ticket(sample_ticket());
  tx.commit();
  CHECK(first.number == 1001);
  CHECK(second.number == 1002);
  auto read = t.store->ticket_by_number(1001);
  REQUIRE(read);
  CHECK(read->subject == "退款失败");
  CHECK(read->tags == std::vector<std::string>{"billing"});
}

TEST_CASE("a transaction that is not committed leaves nothing behind") {
  TempStore t;
  {
    auto tx = t.store->begin();
    auto ticket = tx.create_ticket(sample_ticket());
    tx.queue_mail(OutboxMail{0, ticket.id, "ack", "id@x", "support@x", {"li.wei@example.cn"}, "data", "queued",
                             0, 0, "", 0, std::nullopt});
    tx.record_processed(MailSource{"support", 7, 42}, "support", "mid:abc@x", ticket.id, 1);
  }
  CHECK(t.store->list_tickets({}).empty());
  CHECK(t.store->outbox_counts().queued == 0);
  CHECK_FALSE(t.store->uid_processed("support", 7, 42));
  CHECK_FALSE(t.store->mail_key_known("support", "mid:abc@x"));
}

TEST_CASE("a processed mail is known by its UID and by its Message-ID") {
  TempStore t;
  auto tx = t.store->begin();
  auto ticket = tx.create_ticket(sample_ticket());
  tx.record_processed(MailSource{"support", 7, 42}, "support", "mid:abc@x", ticket.id, 1);
  tx.commit();
  CHECK(t.store->uid_processed("support", 7, 42));
  CHECK_FALSE(t.store->uid_processed("support", 8, 42));  // UIDVALIDITY changed: UIDs mean nothing
  CHECK(t.store->mail_processed("support", "mid:abc@x") == ticket.id);
  CHECK(t.store->processed_among("support", 7, {41, 42, 43}) == std::vector<std::uint32_t>{42});
}

TEST_CASE("a ticket is found by any Message-ID stored on it, ours included") {
  TempStore t;
  auto tx = t.store->begin();
  auto ticket = tx.create_ticket(sample_ticket());
  StoredMessage in;
  in.ticket_id = ticket.id;
  in.direction = "in";
  in.author = Actor::customer("li.wei@example.cn");
  in.message_id = "customer-1@example.cn";
  tx.add_message(in, "From: x\r\n\r\nraw", {});
  StoredMessage out = in;
  out.direction = "out";
  out.message_id = "ticketd.1001.abc@example.com";
  tx.add_message(out, {}, {});
  tx.commit();
  CHECK(t.store->ticket_for_message_id("customer-1@example.cn") == ticket.id);
  CHECK(t.store->ticket_for_message_id("ticketd.1001.abc@example.com") == ticket.id);
  CHECK_FALSE(t.store->ticket_for_message_id("unknown@x"));
  auto messages = t.store->messages_of(ticket.id);
  REQUIRE(messages.size() == 2);
  CHECK(t.store->raw_mail_of(messages[0].id) == "From: x\r\n\r\nraw");
}

TEST_CASE("attachment contents are stored once per content") {
  TempStore t;
  auto tx = t.store->begin();
  auto ticket = tx.create_ticket(sample_ticket());
  Attachment a;
  a.filename = "invoice.pdf";
  a.content_type = "application/pdf";
  a.data = "%PDF-1.4";
  a.size = a.data.size();
  a.sha256 = "0f";
  StoredMessage m;
  m.ticket_id = ticket.id;
  m.direction = "in";
  m.author = Actor::customer("a@b");
  auto row1 = tx.add_message(m, {}, {a});
  auto renamed = a;
  renamed.filename = "copy.pdf";
  auto row2 = tx.add_message(m, {}, {renamed});
  tx.commit();
  CHECK(t.store->attachments_of(row1).at(0).filename == "invoice.pdf");
  CHECK(t.store->attachments_of(row2).at(0).filename == "copy.pdf");
}

TEST_CASE("outbox mail is retried, failed and requeued, never deleted") {
  TempStore t;
  auto tx = t.store->begin();
  auto ticket = tx.create_ticket(sample_ticket());
  auto id = tx.queue_mail(OutboxMail{0, ticket.id, "ack", "id@x", "support@x", {"li.wei@example.cn"}, "data",
                                     "queued", 0, 100, "", 100, std::nullopt});
  tx.commit();
  CHECK(t.store->due_outbox(99, 10).empty());
  REQUIRE(t.store->due_outbox(100, 10).size() == 1);
  t.store->outbox_retry_later(id, 200, "451 try later");
  CHECK(t.store->due_outbox(150, 10).empty());
  auto mail = t.store->outbox_mail(id);
  REQUIRE(mail);
  CHECK(mail->attempts == 1);
  CHECK(mail->last_error == "451 try later");
  t.store->outbox_failed(id, "550 no such user");
  CHECK(t.store->due_outbox(1000, 10).empty());
  CHECK(t.store->outbox_counts().failed == 1);
  CHECK(t.store->outbox_requeue(id, 300) == 1);
  REQUIRE(t.store->due_outbox(300, 10).size() == 1);
  t.store->outbox_sent(id, 301);
  CHECK(t.store->outbox_counts().sent == 1);
  CHECK(t.store->automatic_mails_to("LI.WEI@example.cn", 0) == 1);
}

TEST_CASE("an unreadable database file is refused with its path in the message") {
  char pattern[] = "/tmp/ticketd-store-XXXXXX";
  std::filesystem::path dir = mkdtemp(pattern);
  auto path = (dir / "broken.db").string();
  {
    FILE* f = std::fopen(path.c_str(), "w");
    std::fputs("this is not a database, just text long enough to be looked at by sqlite", f);
    std::fclose(f);
  }
  try {
    Store store(path);
    FAIL("a broken file was opened");
  } catch (const StoreError& e) {
    CHECK(std::string(e.what()).find(path) != std::string::npos);
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("with the raw mail kept, an attachment is listed but its bytes are not stored a second time") {
  TempStore t;
  auto tx = t.store->begin();
  auto ticket = tx.create_ticket(sample_ticket());
  Attachment a;
  a.filename = "发票.pdf";
  a.content_type = "application/pdf";
  a.data = "%PDF-1.4 decoded";
  a.size = a.data.size();
  a.sha256 = "ab";
  StoredMessage m;
  m.ticket_id = ticket.id;
  m.direction = "in";
  m.author = Actor::customer("li.wei@example.cn");
  const std::string raw = "From: li.wei@example.cn\r\nContent-Type: application/pdf\r\n"
                          "Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQgZGVjb2RlZA==\r\n";
  auto row = tx.add_message(m, raw, {a});
  tx.commit();
  auto listed = t.store->attachments_of(row);
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].filename == "发票.pdf");
  CHECK(listed[0].size == a.data.size());
  CHECK(listed[0].sha256 == "ab");
  // The bytes are in the raw mail, which is kept whole.
  CHECK(t.store->raw_mail_of(row) == raw);
  SQLite::Database db((t.dir / "t.db").string(), SQLite::OPEN_READONLY);
  CHECK(db.execAndGet("SELECT count(*) FROM blobs").getInt() == 0);
}

TEST_CASE("committed changes can be forced to disk before a mail is marked processed") {
  TempStore t;
  t.store->sync_to_disk();  // nothing written yet: nothing to do, no error
  auto tx = t.store->begin();
  auto ticket = tx.create_ticket(sample_ticket());
  tx.record_processed(MailSource{"support", 7, 42}, "support", "mid:a@b", ticket.id, 1700000000);
  tx.commit();
  t.store->sync_to_disk();
  // Another process (the CLI) sees the commit, as before.
  Store other((t.dir / "t.db").string());
  CHECK(other.uid_processed("support", 7, 42));
}

TEST_CASE("an agent's open tickets are counted as tickets are assigned, reassigned, resolved and reopened") {
  // Least-loaded assignment reads these counts for every new ticket; they
  // are kept as tickets change (migration 11), so here they are checked,
  // after every change, against a count of the tickets themselves.
  TempStore t;
  SQLite::Database db((t.dir / "t.db").string());
  const char* agents[] = {"", "ann", "bob", "cai"};
  const char* statuses[] = {"new", "open", "pending", "on-hold", "resolved", "closed"};
  std::vector<Ticket> tickets;
  std::uint32_t seed = 20261122;
  auto next = [&](std::uint32_t n) {
    seed = seed * 1103515245u + 12345u;
    return (seed >> 16) % n;
  };
  for (int step = 0; step < 300; ++step) {
    auto tx = t.store->begin();
    if (tickets.empty() || next(3) == 0) {
      Ticket ticket = sample_ticket();
      ticket.status = statuses[next(6)];
      ticket.assignee = agents[next(4)];
      tickets.push_back(tx.create_ticket(ticket));
    } else {
      Ticket& ticket = tickets[next(static_cast<std::uint32_t>(tickets.size()))];
      if (next(2) == 0) ticket.assignee = agents[next(4)];
      if (next(2) == 0) ticket.status = statuses[next(6)];
      tx.update_ticket(ticket, 1700000000 + step);
    }
    tx.commit();
    for (const char* agent : {"ann", "bob", "cai"}) {
      SQLite::Statement count(db, "SELECT count(*) FROM tickets WHERE assignee=? AND status NOT IN ('resolved','closed')");
      count.bind(1, agent);
      REQUIRE(count.executeStep());
      INFO("step " << step << ", agent " << agent);
      REQUIRE(t.store->agent_load(agent).open_tickets == count.getColumn(0).getInt64());
    }
  }
  CHECK(t.store->agent_load("nobody").open_tickets == 0);
}

TEST_CASE("events are counted by kind for reports and metrics, from an index a new mail's own events stay out of") {
  TempStore t;
  auto tx = t.store->begin();
  const std::int64_t id = tx.create_ticket(sample_ticket()).id;
  auto event = [&](std::int64_t at, const char* what, const char* detail = "") {
    tx.add_event(new_event(id, 1700000000 + at, Actor::system("test"), what, detail));
  };
  // What intake records for every new mail ...
  for (const char* what : {"created", "message", "tag", "assign", "group", "priority", "mail-queued", "agent-notified"}) {
    event(0, what);
  }
  // ... and what reports and metrics count.
  event(1, "parse-note", "no text part");
  event(2, "parse-note", "charset unknown");
  event(3, "ack-suppressed", "auto-generated");
  event(4, "auto-reply-suppressed", "hourly limit");
  event(5, "mail-suppressed", "own address");
  event(6, "sla-breach", "first response");
  event(7, "status", "open -> resolved");
  event(8, "reopened", "customer replied");
  event(9, "status", "open -> closed");
  event(10, "status", "new -> open");
  tx.commit();

  StoreTotals totals = t.store->totals();
  CHECK(totals.parse_notes == 2);
  CHECK(totals.loop_suppressions == 3);
  CHECK(totals.sla_breaches == 1);
  auto report = t.store->report_tickets(1700000000 + 100);
  REQUIRE(report.size() == 1);
  CHECK(report[0].resolved_at == std::vector<std::int64_t>{1700000007, 1700000009});
  CHECK(report[0].reopened_at == std::vector<std::int64_t>{1700000008});

  // The counted kinds can be read from the index alone (INDEXED BY fails
  // where it cannot be used); intake's kinds are not in it, so storing a
  // mail writes no page of it.
  SQLite::Database db((t.dir / "t.db").string());
  for (const char* what : {"parse-note", "ack-suppressed", "auto-reply-suppressed", "mail-suppressed", "sla-breach",
                           "status", "reopened"}) {
    // A literal, as the store's queries have: a bound value is not known
    // when SQLite plans the query.
    const std::string sql = std::string("SELECT count(*) FROM events INDEXED BY events_counted WHERE what = '") + what + "'";
    CHECK_NOTHROW(SQLite::Statement(db, sql).executeStep());
  }
  CHECK_THROWS(SQLite::Statement(db, "SELECT count(*) FROM events INDEXED BY events_counted WHERE what = 'tag'")
                   .executeStep());
  CHECK(db.execAndGet("SELECT count(*) FROM events WHERE what = 'tag'").getInt() == 1);
}

TEST_CASE("a customer's earlier tickets are counted whatever the case of their address") {
  TempStore t;
  auto tx = t.store->begin();
  tx.create_ticket(sample_ticket("Li.Wei@Example.cn"));
  tx.create_ticket(sample_ticket("li.wei@example.cn"));
  tx.create_ticket(sample_ticket("wang.fang@example.cn"));
  tx.commit();
  CHECK(t.store->tickets_of_requester("LI.WEI@EXAMPLE.CN") == 2);
  CHECK(t.store->tickets_of_requester("nobody@example.cn") == 0);
  // From the index without case, the only one on the address (migration
  // 12 dropped the BINARY one no query used).
  SQLite::Database db((t.dir / "t.db").string());
  CHECK_NOTHROW(SQLite::Statement(db, "SELECT count(*) FROM tickets INDEXED BY tickets_requester_nocase "
                                      "WHERE requester_address = 'li.wei@example.cn' COLLATE NOCASE")
                    .executeStep());
  CHECK(db.execAndGet("SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name = 'tickets_requester'")
            .getInt() == 0);
}
