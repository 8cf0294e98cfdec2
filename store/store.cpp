#include "store/store.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>
#include <sqlite3.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "store/row_readers.h"
#include "store/schema.h"
#include "store/statement_cache.h"
#include "store/store_files.h"
#include "store/wal_batching_vfs.h"

namespace ticketd {

namespace {

// How long a writer waits for another connection's write lock (the CLI and
// the daemon share the file; so do the daemon's intake and its background
// sender) before the operation fails and is retried later.
constexpr auto kBusyTimeout = std::chrono::seconds(10);

// SQLite's own busy timeout sleeps 1, 2, 5, 10, 15, 20, 25 ms ... between
// tries: a commit that waits for another connection's 50 µs update then
// sleeps milliseconds, which made intake slower as soon as the background
// sender wrote beside it (measured: 395 sleeps, 1.5 s, in a 300-mail run).
// Here the first tries come after 20 µs and the wait doubles up to 2 ms.
int wait_for_write_lock(void*, int tries) {
  using namespace std::chrono;
  const auto step = std::min(microseconds(20LL << std::min(tries, 7)), microseconds(2000));
  // The first seven waits take about 2.5 ms in all; every later one 2 ms.
  if (tries > 7 && milliseconds(2) * (tries - 7) >= kBusyTimeout) return 0;  // the caller sees SQLITE_BUSY
  std::this_thread::sleep_for(step);
  return 1;
}

// The commit's own checkpoint past Store's catch-up mark: copies what the
// WAL holds beyond the other connection's last checkpoint. That connection
// is most likely checkpointing right then (it is woken every 1,000 pages),
// and SQLite answers a second checkpoint BUSY at once instead of waiting;
// giving up then let a steady writer grow the WAL to 40 MB in a test. So it
// waits for that checkpoint as for a lock, then copies the rest. A failure
// (the disk) is left to the next commit: this one has succeeded.
void catch_up(sqlite3* db) {
  for (int tries = 0; sqlite3_wal_checkpoint_v2(db, "main", SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr) ==
                          SQLITE_BUSY &&
                      wait_for_write_lock(nullptr, tries);
       ++tries) {
  }
}

}  // namespace

Store::Store(const std::string& path) : path_(path) {
  try {
    // A commit's WAL frames in one write (store/wal_batching_vfs.h).
    db_ = std::make_unique<SQLite::Database>(path.c_str(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE, 0,
                                             wal_batching_vfs_name());
    // SQLite quietly opens a file it may not write (read-only file system,
    // immutable file) read-only; every write would then fail until the
    // process restarts, even after write access returns. Refuse it here.
    if (sqlite3_db_readonly(db_->getHandle(), "main") == 1) {
      throw StoreError(fmt::format("{}: cannot open the ticket store: it cannot be written (read-only file or "
                                   "file system)", path));
    }
    statements_ = std::make_unique<StatementCache>(*db_);
    // The absolute name SQLite resolved, so a later chdir changes nothing;
    // empty for a database in memory, which keeps raw mails in itself.
    if (const char* main_file = sqlite3_db_filename(db_->getHandle(), "main"); main_file && *main_file) {
      mail_log_ = std::make_unique<MailLog>(mail_log_folder_of(main_file), main_file);
      sent_journal_ = std::make_unique<SentJournal>(sent_journal_of(main_file), main_file);
    }
    sqlite3_busy_handler(db_->getHandle(), &wait_for_write_lock, nullptr);
    db_->exec("PRAGMA journal_mode=WAL");
    // NORMAL is durable in WAL mode against process crashes (kill -9); an
    // OS crash or power loss may lose the last commits, so sync_to_disk()
    // runs before mails are marked processed on the IMAP server (store.h,
    // "Durability"): otherwise a lost commit would be a lost mail, flagged
    // on the server with no ticket.
    db_->exec("PRAGMA synchronous=NORMAL");
    db_->exec("PRAGMA foreign_keys=ON");
    db_->exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
    int current = schema_version();
    const auto& migrations = schema_migrations();
    int newest = migrations.empty() ? 0 : migrations.back().version;
    if (current > newest) {
      throw StoreError(fmt::format("{}: database schema version {} is newer than this ticketd understands ({})",
                                   path, current, newest));
    }
    for (const auto& migration : migrations) {
      if (migration.version <= current) continue;
      SQLite::Transaction transaction(*db_, SQLite::TransactionBehavior::IMMEDIATE);
      // Another process opening the same new store (the daemon starting and
      // a CLI command) may have migrated it between our read and our write
      // lock ("table ... already exists"); with the lock held, read again.
      current = schema_version();
      if (migration.version <= current) continue;
      db_->exec(std::string(migration.sql));
      db_->exec("DELETE FROM schema_version");
      SQLite::Statement set(*db_, "INSERT INTO schema_version(version) VALUES (?)");
      set.bind(1, migration.version);
      set.exec();
      transaction.commit();
    }
  } catch (const SQLite::Exception& e) {
    throw StoreError(fmt::format("{}: cannot open the ticket store: {}", path, e.what()));
  }
}

Store::~Store() = default;

int Store::schema_version() const {
  auto query = statements_->use("SELECT version FROM schema_version");
  return query.executeStep() ? query.getColumn(0).getInt() : 0;
}

StoreTransaction Store::begin() {
  end_read_snapshot();
  return StoreTransaction(*this);
}

Store::ReadSnapshot::ReadSnapshot(Store& store) : store_(nullptr) {
  if (store.open_snapshot_ != 0 || sqlite3_get_autocommit(store.db_->getHandle()) == 0) return;
  // DEFERRED: no lock yet; the first read takes the snapshot.
  guarded(store.path(), "starting a read snapshot", [&] { store.db_->exec("BEGIN DEFERRED"); });
  store.open_snapshot_ = id_ = ++store.snapshots_;
  store_ = &store;
}

Store::ReadSnapshot::~ReadSnapshot() {
  // Only the snapshot this object opened: begin() may have ended it, and
  // another may be open now.
  if (store_ && store_->open_snapshot_ == id_) store_->end_read_snapshot();
}

void Store::end_read_snapshot() {
  if (open_snapshot_ == 0) return;
  open_snapshot_ = 0;
  // A transaction that only read: COMMIT just lets the snapshot go, and
  // fails only with the connection; a destructor may call this, so a
  // failure is left to the next statement to report.
  sqlite3_exec(db_->getHandle(), "COMMIT", nullptr, nullptr, nullptr);
}

void Store::sync_to_disk() {
  // The mail log first: once the WAL is on the disk, so must be the bytes
  // its commits name.
  if (std::string err; mail_log_ && !mail_log_->sync(&err)) throw StoreError(fmt::format("{}: {}", path_, err));
  // The WAL file holds every commit not yet checkpointed, appended in
  // order, and a checkpoint syncs the database file before it reuses the
  // WAL; so syncing the WAL file's data makes all commits durable. fsync
  // acts on the file, whichever descriptor names it.
  // The absolute name SQLite resolved when it opened the file, so a
  // relative path_ still names the right file after a chdir.
  const char* main_file = sqlite3_db_filename(db_->getHandle(), "main");
  if (!main_file || !*main_file) return;  // an in-memory database: nothing on disk
  const std::string wal = std::string(main_file) + "-wal";
  int fd = ::open(wal.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return;  // no WAL: everything is in the (synced) database file
    throw StoreError(fmt::format("{}: cannot open the write-ahead log to sync it: {}", wal, std::strerror(errno)));
  }
  int rc = ::fdatasync(fd);
  int saved = errno;
  ::close(fd);
  if (rc != 0) {
    throw StoreError(fmt::format("{}: cannot sync the write-ahead log to disk: {}", wal, std::strerror(saved)));
  }
}

void Store::on_commit_leave_checkpoints_to(std::function<void(int frames)> committed, int catch_up_frames) {
  committed_ = std::move(committed);
  catch_up_frames_ = catch_up_frames;
  // A WAL hook replaces the automatic checkpoint, which is itself SQLite's
  // default WAL hook (sqlite3_wal_autocheckpoint()).
  sqlite3_wal_hook(
      db_->getHandle(),
      [](void* self, sqlite3* db, const char*, int frames) {
        const auto& store = *static_cast<Store*>(self);
        if (store.committed_) store.committed_(frames);
        if (frames >= store.catch_up_frames_) catch_up(db);
        return SQLITE_OK;
      },
      this);
}

Store::CheckpointResult Store::checkpoint() {
  CheckpointResult result;
  int rc = sqlite3_wal_checkpoint_v2(db_->getHandle(), "main", SQLITE_CHECKPOINT_PASSIVE, &result.wal_frames,
                                     &result.copied_frames);
  // BUSY: another connection is checkpointing; it copies the same pages.
  if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
    throw StoreError(fmt::format("{}: cannot copy the write-ahead log into the database file: {}", path_,
                                 sqlite3_errmsg(db_->getHandle())));
  }
  return result;
}

bool Store::uid_processed(std::string_view mailbox, std::uint32_t uidvalidity, std::uint32_t uid) const {
  return guarded(path_, "reading processed mail", [&] {
    auto q = statements_->use("SELECT 1 FROM processed_uids WHERE mailbox=? AND uidvalidity=? AND uid=?");
    q.bind(1, std::string(mailbox));
    q.bind(2, static_cast<std::int64_t>(uidvalidity));
    q.bind(3, static_cast<std::int64_t>(uid));
    return q.executeStep();
  });
}

std::optional<std::int64_t> Store::mail_processed(std::string_view mailbox, std::string_view key) const {
  return guarded(path_, "reading processed mail", [&]() -> std::optional<std::int64_t> {
    auto q = statements_->use("SELECT ticket_id FROM processed_mails WHERE mailbox=? AND dedupe_key=?");
    q.bind(1, std::string(mailbox));
    q.bind(2, std::string(key));
    if (!q.executeStep() || q.getColumn(0).isNull()) return std::nullopt;
    return q.getColumn(0).getInt64();
  });
}

bool Store::mail_key_known(std::string_view mailbox, std::string_view key) const {
  return guarded(path_, "reading processed mail", [&] {
    auto q = statements_->use("SELECT 1 FROM processed_mails WHERE mailbox=? AND dedupe_key=?");
    q.bind(1, std::string(mailbox));
    q.bind(2, std::string(key));
    return q.executeStep();
  });
}

std::optional<std::uint32_t> Store::known_uidvalidity(std::string_view mailbox) const {
  return guarded(path_, "reading mailbox state", [&]() -> std::optional<std::uint32_t> {
    auto q = statements_->use("SELECT uidvalidity FROM mailbox_state WHERE mailbox=?");
    q.bind(1, std::string(mailbox));
    if (!q.executeStep()) return std::nullopt;
    return static_cast<std::uint32_t>(q.getColumn(0).getInt64());
  });
}

std::vector<std::uint32_t> Store::processed_among(std::string_view mailbox, std::uint32_t uidvalidity,
                                                  const std::vector<std::uint32_t>& uids) const {
  return guarded(path_, "reading processed mail", [&] {
    std::vector<std::uint32_t> found;
    auto q = statements_->use("SELECT 1 FROM processed_uids WHERE mailbox=? AND uidvalidity=? AND uid=?");
    for (auto uid : uids) {
      q.reset();
      q.bind(1, std::string(mailbox));
      q.bind(2, static_cast<std::int64_t>(uidvalidity));
      q.bind(3, static_cast<std::int64_t>(uid));
      if (q.executeStep()) found.push_back(uid);
    }
    return found;
  });
}

std::optional<Ticket> Store::ticket_by_id(std::int64_t id) const {
  return guarded(path_, "reading a ticket", [&]() -> std::optional<Ticket> {
    auto q = statements_->use(std::string(kTicketSelect) + " WHERE id=?");
    q.bind(1, id);
    if (!q.executeStep()) return std::nullopt;
    Ticket t = read_ticket(q);
    t.tags = read_tags(*statements_, t.id);
    return t;
  });
}

std::optional<Ticket> Store::ticket_by_number(std::int64_t number) const {
  return guarded(path_, "reading a ticket", [&]() -> std::optional<Ticket> {
    auto q = statements_->use(std::string(kTicketSelect) + " WHERE number=?");
    q.bind(1, number);
    if (!q.executeStep()) return std::nullopt;
    Ticket t = read_ticket(q);
    t.tags = read_tags(*statements_, t.id);
    return t;
  });
}

std::optional<std::int64_t> Store::ticket_for_message_id(std::string_view message_id) const {
  if (message_id.empty()) return std::nullopt;
  return guarded(path_, "looking up a Message-ID", [&]() -> std::optional<std::int64_t> {
    // "message_id<>''" repeats the partial index's condition, which SQLite
    // needs to see before it uses messages_message_id instead of scanning.
    auto q = statements_->use(
        "SELECT ticket_id FROM messages WHERE message_id=? AND message_id<>'' ORDER BY id LIMIT 1");
    q.bind(1, std::string(message_id));
    if (q.executeStep()) return q.getColumn(0).getInt64();
    auto out = statements_->use("SELECT ticket_id FROM outbox WHERE message_id=? AND ticket_id IS NOT NULL LIMIT 1");
    out.bind(1, std::string(message_id));
    if (out.executeStep()) return out.getColumn(0).getInt64();
    return std::nullopt;
  });
}

bool Store::is_participant(std::int64_t ticket_id, std::string_view address) const {
  return guarded(path_, "reading participants", [&] {
    auto q = statements_->use("SELECT 1 FROM participants WHERE ticket_id=? AND address=?");
    q.bind(1, ticket_id);
    q.bind(2, std::string(address));
    return q.executeStep();
  });
}

std::int64_t Store::tickets_of_requester(std::string_view address) const {
  return guarded(path_, "counting tickets", [&] {
    auto q = statements_->use("SELECT count(*) FROM tickets WHERE requester_address=? COLLATE NOCASE");
    q.bind(1, std::string(address));
    q.executeStep();
    return q.getColumn(0).getInt64();
  });
}

std::vector<Ticket> Store::list_tickets(const TicketFilter& filter) const {
  return guarded(path_, "listing tickets", [&] {
    std::string sql = std::string(kTicketSelect) + " WHERE 1=1";
    std::vector<std::string> args;
    auto add = [&](const std::optional<std::string>& value, const char* clause) {
      if (!value) return;
      sql += clause;
      args.push_back(*value);
    };
    add(filter.status, " AND status=?");
    add(filter.priority, " AND priority=?");
    add(filter.group, " AND group_name=?");
    add(filter.assignee, " AND assignee=?");
    add(filter.requester, " AND requester_address=? COLLATE NOCASE");
    add(filter.tag, " AND id IN (SELECT ticket_id FROM ticket_tags WHERE tag=?)");
    if (filter.overdue_at) {
      sql += " AND id IN (SELECT ticket_id FROM sla_clocks WHERE met_at IS NULL AND paused_at IS NULL AND due_at < ?)";
    }
    sql += " ORDER BY number DESC LIMIT ?";
    auto q = statements_->use(sql);
    int i = 1;
    for (const auto& arg : args) q.bind(i++, arg);
    if (filter.overdue_at) q.bind(i++, *filter.overdue_at);
    q.bind(i, static_cast<std::int64_t>(filter.limit));
    std::vector<Ticket> tickets;
    while (q.executeStep()) tickets.push_back(read_ticket(q));
    for (auto& t : tickets) t.tags = read_tags(*statements_, t.id);
    return tickets;
  });
}

std::vector<StoredMessage> Store::messages_of(std::int64_t ticket_id) const {
  return guarded(path_, "reading messages", [&] {
    auto q = statements_->use(std::string(kMessageSelect) + " WHERE ticket_id=? ORDER BY id");
    q.bind(1, ticket_id);
    std::vector<StoredMessage> messages;
    while (q.executeStep()) messages.push_back(read_message(q));
    return messages;
  });
}

std::vector<AttachmentRecord> Store::attachments_of(std::int64_t message_row_id) const {
  return guarded(path_, "reading attachments", [&] {
    auto q = statements_->use("SELECT filename, content_type, size, sha256, is_inline FROM attachments "
                              "WHERE message_row_id=? ORDER BY id");
    q.bind(1, message_row_id);
    std::vector<AttachmentRecord> list;
    while (q.executeStep()) {
      list.push_back({q.getColumn(0).getString(), q.getColumn(1).getString(),
                      static_cast<std::uint64_t>(q.getColumn(2).getInt64()), q.getColumn(3).getString(),
                      q.getColumn(4).getInt() != 0});
    }
    return list;
  });
}

std::vector<Event> Store::events_of(std::int64_t ticket_id) const {
  return guarded(path_, "reading events", [&] {
    auto q = statements_->use("SELECT id, ticket_id, at, actor_kind, actor_name, what, detail FROM events "
                              "WHERE ticket_id=? ORDER BY id");
    q.bind(1, ticket_id);
    std::vector<Event> events;
    while (q.executeStep()) {
      events.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getInt64(), q.getColumn(2).getInt64(),
                        {q.getColumn(3).getString(), q.getColumn(4).getString()}, q.getColumn(5).getString(),
                        q.getColumn(6).getString()});
    }
    return events;
  });
}

std::vector<std::string> Store::participants_of(std::int64_t ticket_id) const {
  return guarded(path_, "reading participants", [&] {
    auto q = statements_->use("SELECT address FROM participants WHERE ticket_id=? ORDER BY address");
    q.bind(1, ticket_id);
    std::vector<std::string> list;
    while (q.executeStep()) list.push_back(q.getColumn(0).getString());
    return list;
  });
}

std::string Store::raw_mail_of(std::int64_t message_row_id) const {
  return guarded(path_, "reading a raw mail", [&] {
    auto q = statements_->use("SELECT r.bytes, r.log_file, r.log_offset, r.size, r.sha256 FROM messages m "
                              "JOIN raw_mails r ON r.id = m.raw_mail_id WHERE m.id=?");
    q.bind(1, message_row_id);
    if (!q.executeStep()) return std::string();
    if (q.getColumn(1).isNull()) return q.getColumn(0).getString();
    if (!mail_log_) {
      throw StoreError(fmt::format("{}: message {}: its raw mail is in a mail log, which a store in memory "
                                   "does not have", path_, message_row_id));
    }
    std::string bytes, err;
    MailLogPlace place{q.getColumn(1).getInt64(), q.getColumn(2).getInt64(), 0};
    if (!mail_log_->read(place, q.getColumn(3).getInt64(), q.getColumn(4).getString(), &bytes, &err)) {
      throw StoreError(fmt::format("{}: message {}: {}", path_, message_row_id, err));
    }
    return bytes;
  });
}

std::optional<KeptRawMail> Store::keep_raw_mail_ahead(std::string_view raw, std::string_view sha256_hex,
                                                      std::string* err) {
  if (!mail_log_ || raw.empty()) return std::nullopt;
  KeptRawMail kept;
  if (!mail_log_->append(raw, sha256_hex, &kept.place, err)) {
    *err = fmt::format("{}: {}", path_, *err);
    return std::nullopt;
  }
  kept.size = static_cast<std::int64_t>(raw.size());
  kept.sha256 = std::string(sha256_hex);
  return kept;
}

std::string Store::kept_raw_mail_bytes(const KeptRawMail& kept) const {
  std::string bytes, err;
  if (!mail_log_ || !mail_log_->read(kept.place, kept.size, kept.sha256, &bytes, &err)) {
    throw StoreError(fmt::format("{}: reading a raw mail kept ahead: {}", path_,
                                 mail_log_ ? err : "the store is in memory"));
  }
  return bytes;
}

bool Store::raw_mail_intact(std::string_view sha256_hex) const {
  return guarded(path_, "reading a raw mail", [&] {
    auto q = statements_->use("SELECT log_file, log_offset, size FROM raw_mails WHERE sha256=?");
    q.bind(1, std::string(sha256_hex));
    if (!q.executeStep() || q.getColumn(0).isNull() || !mail_log_) return true;
    std::string bytes, err;
    MailLogPlace place{q.getColumn(0).getInt64(), q.getColumn(1).getInt64(), 0};
    return mail_log_->read(place, q.getColumn(2).getInt64(), sha256_hex, &bytes, &err);
  });
}

Store::AgentLoad Store::agent_load(std::string_view agent) const {
  return guarded(path_, "reading agent load", [&] {
    AgentLoad load;
    // Kept by migration 11's triggers: counting the agent's tickets here
    // grew with the store, for every new ticket assigned.
    auto open = statements_->use("SELECT open_tickets FROM agent_open_tickets WHERE agent=?");
    open.bind(1, std::string(agent));
    if (open.executeStep()) load.open_tickets = open.getColumn(0).getInt64();
    auto last = statements_->use("SELECT last_assigned_at FROM agent_assignments WHERE agent=?");
    last.bind(1, std::string(agent));
    if (last.executeStep()) load.last_assigned_at = last.getColumn(0).getInt64();
    return load;
  });
}

std::map<std::string, std::string> Store::group_cursors() const {
  return guarded(path_, "reading round-robin cursors", [&] {
    std::map<std::string, std::string> cursors;
    auto q = statements_->use("SELECT group_name, agent FROM group_cursors");
    while (q.executeStep()) cursors[q.getColumn(0).getString()] = q.getColumn(1).getString();
    return cursors;
  });
}

std::vector<OutboxMail> Store::due_outbox(std::int64_t now, std::size_t limit) const {
  return guarded(path_, "reading the outbox", [&] {
    auto q = statements_->use(std::string(kOutboxSelect) +
                              " WHERE state='queued' AND next_attempt_at<=? ORDER BY next_attempt_at, id LIMIT ?");
    q.bind(1, now);
    q.bind(2, static_cast<std::int64_t>(limit));
    std::vector<OutboxMail> mails;
    while (q.executeStep()) mails.push_back(read_outbox(q));
    return mails;
  });
}

std::vector<OutboxMail> Store::list_outbox(std::optional<std::string> state, std::size_t limit) const {
  return guarded(path_, "reading the outbox", [&] {
    std::string sql = std::string(kOutboxSelect) + (state ? " WHERE state=?" : "") + " ORDER BY id DESC LIMIT ?";
    auto q = statements_->use(sql);
    int i = 1;
    if (state) q.bind(i++, *state);
    q.bind(i, static_cast<std::int64_t>(limit));
    std::vector<OutboxMail> mails;
    while (q.executeStep()) mails.push_back(read_outbox(q));
    return mails;
  });
}

std::optional<OutboxMail> Store::outbox_mail(std::int64_t id) const {
  return guarded(path_, "reading the outbox", [&]() -> std::optional<OutboxMail> {
    auto q = statements_->use(std::string(kOutboxSelect) + " WHERE id=?");
    q.bind(1, id);
    if (!q.executeStep()) return std::nullopt;
    return read_outbox(q);
  });
}

OutboxCounts Store::outbox_counts() const {
  return guarded(path_, "reading the outbox", [&] {
    OutboxCounts counts;
    auto q = statements_->use("SELECT state, count(*), min(created_at) FROM outbox GROUP BY state");
    while (q.executeStep()) {
      std::string state = q.getColumn(0).getString();
      std::int64_t n = q.getColumn(1).getInt64();
      if (state == "queued") {
        counts.queued = n;
        counts.oldest_queued_at = q.getColumn(2).getInt64();
      } else if (state == "failed") {
        counts.failed = n;
      } else if (state == "sent") {
        counts.sent = n;
      }
    }
    return counts;
  });
}

std::int64_t Store::automatic_mails_to(std::string_view address, std::int64_t since) const {
  return guarded(path_, "reading the outbox", [&] {
    // Automatic mails go to one recipient each, stored as "address\n".
    auto q = statements_->use("SELECT count(*) FROM outbox WHERE kind IN ('ack','auto_reply') AND created_at>=? "
                              "AND lower(recipients)=lower(?)");
    q.bind(1, since);
    q.bind(2, std::string(address) + "\n");
    q.executeStep();
    return q.getColumn(0).getInt64();
  });
}

bool Store::permanently_failed_since(std::string_view address, std::int64_t since) const {
  return guarded(path_, "reading the outbox", [&] {
    // Rows failed by "gave up after N attempts" were temporary failures
    // (outbox_worker.cpp): only a server's refusal blocks the address.
    auto q = statements_->use(
        "SELECT 1 FROM outbox WHERE state='failed' AND created_at>=? AND lower(recipients)=lower(?) "
        "AND last_error NOT LIKE 'gave up after%' LIMIT 1");
    q.bind(1, since);
    q.bind(2, std::string(address) + "\n");
    return q.executeStep();
  });
}

void Store::outbox_sent(std::int64_t id, std::int64_t now) {
  guarded(path_, "recording a sent mail", [&] {
    // Only a queued row: a mail noted twice in the sent journal (a crash
    // between its fold's commit and emptying it) is marked once.
    auto q = statements_->use(
        "UPDATE outbox SET state='sent', sent_at=?, attempts=attempts+1, last_error='' "
        "WHERE id=? AND state='queued'");
    q.bind(1, now);
    q.bind(2, id);
    q.exec();
  });
}

void Store::note_sent(std::int64_t id, std::int64_t now) {
  std::string err;
  if (sent_journal_ && sent_journal_->note({id, now}, &err)) return;
  outbox_sent(id, now);  // as before the journal: the mail is still marked
}

int Store::fold_sent_journal() {
  if (!sent_journal_) return 0;
  int noted = 0;
  std::string err;
  bool emptied = sent_journal_->take_all(
      [&](const std::vector<SentNote>& notes) {
        auto transaction = begin();  // outbox_sent() then writes inside it: one commit
        for (const SentNote& sent : notes) outbox_sent(sent.outbox_id, sent.sent_at);
        transaction.commit();
        noted = static_cast<int>(notes.size());
      },
      &err);
  if (!emptied) throw StoreError(fmt::format("{}: {}", path_, err));
  return noted;
}

void Store::outbox_retry_later(std::int64_t id, std::int64_t next_attempt_at, std::string_view error) {
  guarded(path_, "recording a send failure", [&] {
    auto q = statements_->use("UPDATE outbox SET attempts=attempts+1, next_attempt_at=?, last_error=? WHERE id=?");
    q.bind(1, next_attempt_at);
    q.bind(2, std::string(error));
    q.bind(3, id);
    q.exec();
  });
}

void Store::outbox_failed(std::int64_t id, std::string_view error) {
  guarded(path_, "recording a send failure", [&] {
    auto q = statements_->use("UPDATE outbox SET state='failed', attempts=attempts+1, last_error=? WHERE id=?");
    q.bind(1, std::string(error));
    q.bind(2, id);
    q.exec();
  });
}

int Store::outbox_requeue(std::optional<std::int64_t> id, std::int64_t now) {
  return guarded(path_, "requeueing mail", [&] {
    auto q = statements_->use(id ? "UPDATE outbox SET state='queued', next_attempt_at=? WHERE id=? AND state<>'sent'"
                                 : "UPDATE outbox SET state='queued', next_attempt_at=? WHERE state<>'sent'");
    q.bind(1, now);
    if (id) q.bind(2, *id);
    return q.exec();
  });
}

}  // namespace ticketd
