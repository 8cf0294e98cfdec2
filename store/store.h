// Store: the one SQLite database of a ticketd installation, and every SQL
// statement ticketd runs (DESIGN.md: no SQL outside store/).
//
// Contract:
//  - Opening applies the schema migrations in order and switches the database
//    to WAL; a database newer than this binary is refused.
//  - A change to tickets is made inside one StoreTransaction: the ticket rows,
//    the message, its raw mail, its events, the outbox rows it causes and the
//    dedupe record of the mail that caused it become visible together at
//    commit(), or not at all (a transaction destroyed uncommitted rolls back).
//    Only after commit() returns may the caller mark the mail processed on
//    the IMAP server (DESIGN.md invariant 1).
//  - Durability: a committed transaction survives the process dying at any
//    moment (kill -9) as soon as commit() returns: WAL with
//    synchronous=NORMAL has written it to the WAL file, though not waited
//    for the disk. An OS crash or power loss may still lose the newest
//    commits until sync_to_disk() returns; so before the outside world is
//    told a mail is done (marked processed on the IMAP server) the caller
//    calls sync_to_disk(), once for a whole batch of commits. That is one
//    fdatasync per batch where synchronous=FULL would cost one per mail
//    (issue 8), with the same guarantee at the point that matters.
//  - Raw mails: a store in a file keeps each raw mail once (by SHA-256) in
//    its mail log, append-only files in the folder `<database>-mails`
//    (store/mail_log.h), written inside the transaction that names them and
//    cut off again when it does not commit, or just before it by
//    keep_raw_mail_ahead() (then left unnamed in the log if it never
//    commits). Back up the database and that folder together. A store in
//    memory keeps them in the database.
//  - Reads outside a transaction see the last committed state.
//  - Every failure of the database (disk full, read-only file, corrupt file,
//    locked past the busy timeout) throws StoreError with a message that
//    names the database file; nothing is half-written.
// A Store is used from one thread at a time, but for the two calls that
// say otherwise (sync_to_disk() and keep_raw_mail_ahead()).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "parser/message.h"
#include "store/lifecycle_records.h"
#include "store/mail_log.h"
#include "store/records.h"
#include "store/sent_journal.h"

namespace SQLite {
class Database;
class Transaction;
}  // namespace SQLite

namespace ticketd {

class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class StatementCache;
class StoreTransaction;

struct TicketFilter {
  std::optional<std::string> status;
  std::optional<std::string> priority;
  std::optional<std::string> group;
  std::optional<std::string> assignee;
  std::optional<std::string> tag;
  std::optional<std::string> requester;
  // Overdue: an SLA target (sla_clocks, migration 4) not met, not paused,
  // whose due time is before this moment.
  std::optional<std::int64_t> overdue_at;
  std::size_t limit = 100;
};

// Totals for the Prometheus metrics file (daemon/metrics.h), read from the
// store so they survive restarts (store/report_queries.cpp).
struct StoreTotals {
  std::int64_t mails_processed = 0;    // every mail taken in (dedupe records), duplicates included
  std::int64_t tickets_created = 0;
  std::int64_t mails_sent = 0;
  std::int64_t mails_failed = 0;       // outbox rows given up (5xx or too many attempts)
  std::int64_t mails_queued = 0;       // outbox depth
  std::optional<std::int64_t> oldest_queued_at;
  std::int64_t parse_notes = 0;        // mails the parser had to repair or could not fully read
  std::int64_t loop_suppressions = 0;  // automatic mail not sent (auto-generated sender, flood limit, ...)
  std::int64_t sla_breaches = 0;       // 0 until the SLA timer records any
};

// One ticket found by search_tickets() or similar_resolved_tickets()
// (store/search.cpp), best first.
struct SearchHit {
  std::int64_t number = 0;
  std::string subject;
  std::string status;
  double score = 0;     // bm25 (lower is better); 0 when only short terms matched (LIKE)
  std::string excerpt;  // a line around the match, "[" "]" around matched text where FTS found it
};

// What the support report (daemon/report_*.h) needs of one ticket; read by
// Store::report_tickets() (store/report_queries.cpp). Times UTC seconds.
struct ReportTicket {
  std::int64_t number = 0;
  std::string status, priority, group, assignee, mailbox;
  std::vector<std::string> tags;
  std::int64_t created_at = 0;
  std::optional<std::int64_t> first_response_at;
  std::optional<std::int64_t> closed_at;
  std::vector<std::int64_t> resolved_at;  // every time it was resolved (status -> resolved/closed), ascending
  std::vector<std::int64_t> reopened_at;  // every time a customer reopened it, ascending
  int agent_replies = 0;                  // mails an agent sent on it
  // SLA targets and CSAT (issue 6 lifecycle tables sla_clocks, csat_*);
  // empty when the store has none.
  struct SlaTarget {
    std::int64_t due_at = 0;
    std::optional<std::int64_t> met_at;
    bool paused = false;  // waiting on the customer: the due time is not running
  };
  std::optional<SlaTarget> first_response_sla;
  std::optional<SlaTarget> resolution_sla;
  bool survey_sent = false;
  std::optional<int> csat_rating;  // 1 (bad) .. 5 (good)
};

struct OutboxCounts {
  std::int64_t queued = 0;
  std::int64_t failed = 0;
  std::int64_t sent = 0;
  std::optional<std::int64_t> oldest_queued_at;
};

class Store {
 public:
  // Opens or creates the database at `path` and migrates it. Throws StoreError.
  explicit Store(const std::string& path);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  const std::string& path() const { return path_; }
  int schema_version() const;

  // Starts a write transaction (BEGIN IMMEDIATE: the write lock is taken now,
  // so a commit never fails for a lock taken by another writer meanwhile).
  // Ends an open read snapshot first, so the transaction starts from the
  // latest state.
  StoreTransaction begin();

  // While the returned object lives, this Store's reads share one snapshot
  // (one read transaction, taken at the first read) instead of one each:
  // a mail's lookups (threading, rules) cost one pair of shared-memory lock
  // calls instead of two per query. Only reads and begin() may be used
  // while it lives: begin() ends it, and so does its destruction. Inside
  // another transaction or snapshot it does nothing. Move-only.
  class ReadSnapshot {
   public:
    explicit ReadSnapshot(Store& store);
    ~ReadSnapshot();
    ReadSnapshot(ReadSnapshot&& other) noexcept
        : store_(std::exchange(other.store_, nullptr)), id_(other.id_) {}
    ReadSnapshot(const ReadSnapshot&) = delete;
    ReadSnapshot& operator=(const ReadSnapshot&) = delete;
    ReadSnapshot& operator=(ReadSnapshot&&) = delete;

   private:
    Store* store_;         // null when this object opened nothing
    std::uint64_t id_ = 0;  // which snapshot it opened (begin() may have ended it)
  };
  ReadSnapshot read_snapshot() { return ReadSnapshot(*this); }

  // Waits until every transaction committed so far is on the disk (one
  // fdatasync of the mail log's file, then of the WAL file; see "Durability"
  // above). Throws StoreError. May run on another thread while this Store
  // is in use, but then only beside index_pending_search() (which touches
  // neither file's descriptor nor the mail log) and keep_raw_mail_ahead():
  // the daemon indexes a batch while the disk catches up.
  void sync_to_disk();

  // Appends a raw mail to the mail log now, ahead of the transaction that
  // will name it (StoreTransaction::add_message() with the KeptRawMail): the
  // fetching thread writes the bytes it has just downloaded, and intake's
  // thread only records where they are (daemon/mail_prefetcher.h). May be
  // called from any thread, at any time: it touches only the mail log, which
  // locks itself. nullopt for a store in memory, or when the log refuses the
  // mail (`*err` says why); the caller then keeps the bytes, and the
  // transaction appends them and fails where failures are handled. A mail
  // kept ahead that turns out to be stored already (a duplicate, a mailbox
  // recreated) or whose transaction never commits stays in the log, unnamed.
  std::optional<KeptRawMail> keep_raw_mail_ahead(std::string_view raw, std::string_view sha256_hex,
                                                 std::string* err);
  // The bytes of a mail kept ahead, read back from the log, for the rare
  // stage that needs them once the fetching thread let them go (an agent's
  // reply whose files go on to the customer). Throws StoreError when they
  // cannot be read back whole.
  std::string kept_raw_mail_bytes(const KeptRawMail& kept) const;

  // Checkpoints in another thread (daemon/wal_checkpointer.h): after each
  // commit on this connection, calls `committed(frames)` with the number of
  // frames now in the WAL, in the committing thread, and this connection no
  // longer copies the WAL into the database file (checkpoints) by itself.
  // SQLite's own automatic checkpoint did, every 1,000 pages, inside the
  // commit that crossed the mark: on intake's thread, 15% of its time
  // (issue 8). One exception bounds the WAL: past `catch_up_frames` frames
  // the commit copies what is left itself. A WAL is written from its start
  // again only once wholly copied, which a checkpoint on another thread,
  // chasing a writer that commits without pause, may never achieve.
  // `committed` must not use this Store; it is called until the Store is
  // destroyed or this is called again.
  void on_commit_leave_checkpoints_to(std::function<void(int frames)> committed, int catch_up_frames);

  struct CheckpointResult {
    // -1 both when another connection was checkpointing (nothing done).
    int wal_frames = 0;     // frames in the WAL when the checkpoint ended
    int copied_frames = 0;  // of which copied into the database file
  };
  // Copies committed pages from the WAL into the database file, without
  // waiting for other connections (SQLite's PASSIVE mode: a commit in
  // progress is neither waited for nor copied). Throws StoreError.
  CheckpointResult checkpoint();

  // --- dedupe --------------------------------------------------------------
  bool uid_processed(std::string_view mailbox, std::uint32_t uidvalidity, std::uint32_t uid) const;
  // The ticket a mail with this dedupe key (Message-ID, or sha256:<hex> of
  // the raw mail) already went to, if it was processed in this mailbox.
  std::optional<std::int64_t> mail_processed(std::string_view mailbox, std::string_view dedupe_key) const;
  bool mail_key_known(std::string_view mailbox, std::string_view dedupe_key) const;
  std::optional<std::uint32_t> known_uidvalidity(std::string_view mailbox) const;
  // The UIDs of this mailbox + UIDVALIDITY recorded as processed, among `uids`.
  std::vector<std::uint32_t> processed_among(std::string_view mailbox, std::uint32_t uidvalidity,
                                             const std::vector<std::uint32_t>& uids) const;

  // --- tickets ---------------------------------------------------------------
  std::optional<Ticket> ticket_by_id(std::int64_t id) const;
  std::optional<Ticket> ticket_by_number(std::int64_t number) const;
  // The ticket holding a message (in or out) with this Message-ID.
  std::optional<std::int64_t> ticket_for_message_id(std::string_view message_id) const;
  bool is_participant(std::int64_t ticket_id, std::string_view address) const;
  std::int64_t tickets_of_requester(std::string_view address) const;
  std::vector<Ticket> list_tickets(const TicketFilter& filter) const;
  std::vector<StoredMessage> messages_of(std::int64_t ticket_id) const;
  std::vector<AttachmentRecord> attachments_of(std::int64_t message_row_id) const;
  std::vector<Event> events_of(std::int64_t ticket_id) const;
  std::vector<std::string> participants_of(std::int64_t ticket_id) const;
  // The raw bytes of an incoming message, empty when it has none. Throws
  // StoreError when they are in the mail log and cannot be read back whole.
  std::string raw_mail_of(std::int64_t message_row_id) const;
  // False only when the store holds a raw mail with this SHA-256 in its mail
  // log and cannot read it back whole: an OS crash or power loss wrote the
  // commit naming it to the disk but not the bytes (a commit's WAL pages and
  // the log's may reach the disk in either order until sync_to_disk()).
  // Intake asks when a mail turns out to be taken already, and if so writes
  // it again (StoreTransaction::rewrite_raw_mail()): the server still has it.
  bool raw_mail_intact(std::string_view sha256_hex) const;

  // --- assignment ------------------------------------------------------------
  struct AgentLoad {
    std::int64_t open_tickets = 0;      // tickets assigned and not resolved or closed
    std::int64_t last_assigned_at = 0;  // 0: never
  };
  AgentLoad agent_load(std::string_view agent) const;
  std::map<std::string, std::string> group_cursors() const;

  // --- outbox ----------------------------------------------------------------
  // Queued mails whose next attempt is due at `now`, oldest first.
  std::vector<OutboxMail> due_outbox(std::int64_t now, std::size_t limit) const;
  std::vector<OutboxMail> list_outbox(std::optional<std::string> state, std::size_t limit) const;
  std::optional<OutboxMail> outbox_mail(std::int64_t id) const;
  OutboxCounts outbox_counts() const;
  // Automatic mails (acknowledgements, auto-replies) queued to `address`
  // since `since`, for the per-sender flood limit (DESIGN.md invariant 4).
  std::int64_t automatic_mails_to(std::string_view address, std::int64_t since) const;
  // Whether a mail to `address` queued since `since` failed permanently
  // (the server refused it with 5xx), so automatic mail stops going there.
  bool permanently_failed_since(std::string_view address, std::int64_t since) const;
  // Whether a delivery status notification since `since` said our mail to
  // `address` failed for good (migration 6, store/bounce_store.cpp).
  bool bounced_since(std::string_view address, std::int64_t since) const;
  // The recipients of the mail we sent with this Message-ID (bare), empty
  // when it is not ours; for bounces that do not name the recipient.
  std::vector<std::string> outbox_recipients_of(std::string_view message_id) const;
  // The SLA targets rules set for a ticket (migration 6,
  // store/sla_override_store.cpp).
  std::vector<SlaOverride> sla_overrides_of(std::int64_t ticket_id) const;
  // Each of these is its own small transaction (or part of the caller's).
  // outbox_sent() marks a queued mail only.
  void outbox_sent(std::int64_t id, std::int64_t now);
  // That the server accepted outbox mail `id` at `now`, recorded at once
  // without the write lock: a line in the sent journal beside the database
  // (store/sent_journal.h), which survives kill -9 as a commit does. The
  // mail's row says "sent" once fold_sent_journal() ran; until then the
  // sender must not read what is due (send_due_mail() folds first). A store
  // in memory, or a journal that cannot be written, marks the row at once.
  void note_sent(std::int64_t id, std::int64_t now);
  // Marks every mail the sent journal holds (noted by any process, a killed
  // one's included) sent, in one transaction, and empties the journal.
  // Returns how many were noted. Throws StoreError; the notes then stay.
  int fold_sent_journal();
  void outbox_retry_later(std::int64_t id, std::int64_t next_attempt_at, std::string_view error);
  void outbox_failed(std::int64_t id, std::string_view error);
  // Puts failed (or all queued, when `id` is empty) mails back to be sent now;
  // returns how many.
  int outbox_requeue(std::optional<std::int64_t> id, std::int64_t now);

  // --- lifecycle, SLA, surveys (migration 4; store/lifecycle_store.cpp) -----
  // When the ticket entered `status`, if that is its recorded status.
  std::optional<std::int64_t> status_since(std::int64_t ticket_id, std::string_view status) const;
  // Tickets in `status` that entered it (or, unrecorded, were last updated)
  // at or before `before`, oldest first; when `without_notice` is given,
  // not those with a timer notice of that kind since they entered it.
  std::vector<Ticket> tickets_in_status_since(std::string_view status, std::int64_t before, std::size_t limit,
                                              std::string_view without_notice) const;
  std::vector<SlaClock> sla_clocks_of(std::int64_t ticket_id) const;
  // Clocks not met and not paused whose reminder time is at or before `now`
  // and whose due notice (reminder before the due time, breach after) is
  // not yet recorded in timer_notices.
  std::vector<SlaClock> running_sla_clocks(std::int64_t now, std::size_t limit) const;
  // Paused clocks (their ticket may have left pending/on-hold meanwhile).
  std::vector<SlaClock> paused_sla_clocks(std::size_t limit) const;
  bool timer_notice_done(std::int64_t ticket_id, std::string_view kind, std::int64_t due_at) const;
  // The newest message of a ticket in `direction` by an author of `author_kind`.
  std::optional<StoredMessage> last_message_of(std::int64_t ticket_id, std::string_view direction,
                                               std::string_view author_kind) const;
  // Surveys planned, not sent, due at `now`.
  std::vector<CsatSurvey> due_surveys(std::int64_t now, std::size_t limit) const;
  std::optional<CsatSurvey> survey_of(std::int64_t ticket_id) const;
  // When `customer` was last sent a survey (any ticket).
  std::optional<std::int64_t> last_survey_sent_to(std::string_view customer) const;
  std::optional<CsatRating> rating_of(std::int64_t ticket_id) const;

  // --- search and reports (issue 7) -----------------------------------------
  // Tickets whose subject or messages (customer mail, agent replies, notes)
  // contain every whitespace-separated term of `query`, in any case; ranked by
  // bm25 (store/search_query.h says how short and Chinese terms are found).
  std::vector<SearchHit> search_tickets(std::string_view query, std::size_t limit);
  // Resolved or closed tickets sharing the most distinctive words of `text`
  // (a new ticket's subject and text), best first, at most `limit`; for the
  // agent notification ("similar resolved tickets").
  std::vector<SearchHit> similar_resolved_tickets(std::string_view text, std::size_t limit);
  // Indexes for search what was stored since the last call (new tickets'
  // subjects, customer mail, agent replies, notes), in one transaction:
  // indexing each mail in its own transaction cost a fifth of intake's time
  // (schema migration 10). Both searches above call it first, so they see
  // every committed message; the daemon calls it before it marks mails
  // processed. Does nothing inside an open transaction of this Store.
  void index_pending_search();
  // One bounded step (about kSearchTidyPages pages written) of merging the
  // search index's segments, which intake leaves to idle time (schema
  // migration 13). True when it merged something, so there may be more;
  // false when the index is tidy. Does nothing inside an open transaction.
  static constexpr int kSearchTidyPages = 200;
  bool tidy_search_index();
  // Every ticket created before `until`, with what the report counts.
  std::vector<ReportTicket> report_tickets(std::int64_t until) const;
  StoreTotals totals() const;

 private:
  friend class StoreTransaction;
  std::string path_;
  std::unique_ptr<SQLite::Database> db_;
  // Prepared once per statement and reused (store/statement_cache.h);
  // declared after db_ so it is destroyed first.
  std::unique_ptr<StatementCache> statements_;
  std::function<void(int)> committed_;  // on_commit_leave_checkpoints_to()'s
  int catch_up_frames_ = 0;             // on_commit_leave_checkpoints_to()'s
  std::unique_ptr<MailLog> mail_log_;   // null for a store in memory
  std::unique_ptr<SentJournal> sent_journal_;  // null for a store in memory
  std::uint64_t open_snapshot_ = 0;  // the open ReadSnapshot's id; 0: none
  std::uint64_t snapshots_ = 0;      // ids given so far
  void end_read_snapshot();
};

// One write transaction; see Store's contract. Move-only. Throws StoreError.
class StoreTransaction {
 public:
  StoreTransaction(StoreTransaction&&) noexcept;
  ~StoreTransaction();  // rolls back unless committed

  // Inserts the ticket, giving it its id and next public number, and adds
  // its tags. Returns the stored ticket.
  Ticket create_ticket(Ticket ticket);
  // Writes status, priority, group, assignee, language, the timestamps and
  // spam flag of `ticket` (by id) and sets updated_at to `now`.
  void update_ticket(const Ticket& ticket, std::int64_t now);
  void add_tag(std::int64_t ticket_id, std::string_view tag);
  void remove_tag(std::int64_t ticket_id, std::string_view tag);
  void add_participant(std::int64_t ticket_id, std::string_view address);
  // Stores the message, its raw mail (once per content; empty raw stores none)
  // and its attachments: always their name, type, size and SHA-256; their
  // contents (once per SHA-256, those with data only) only when there is no
  // raw mail, since with one they are in it and parse_mail() recovers them.
  // Binds `raw` and the attachment data without copying them.
  // `raw_sha256`: the raw mail's SHA-256 in hex when the caller has it
  // already (intake computes it ahead, daemon/prepared_mail.h); empty, it is
  // computed here. Returns the message's row id.
  std::int64_t add_message(const StoredMessage& message, std::string_view raw,
                           const std::vector<Attachment>& attachments, std::string_view raw_sha256 = {});
  // The same for a raw mail the log holds already (Store::keep_raw_mail_ahead()):
  // the row names that record, nothing is appended; when the same bytes are
  // stored already, the row names those and the record stays unnamed.
  std::int64_t add_message_kept_ahead(const StoredMessage& message, const KeptRawMail& kept,
                                      const std::vector<Attachment>& attachments);
  // Appends `raw` to the mail log again and points its row (by SHA-256) at
  // the new copy; see Store::raw_mail_intact().
  void rewrite_raw_mail(std::string_view raw, std::string_view sha256_hex);
  // Points the row of a raw mail (by SHA-256) at a copy kept ahead instead.
  void rewrite_raw_mail(const KeptRawMail& kept);
  std::int64_t add_event(const Event& event);
  std::int64_t queue_mail(const OutboxMail& mail);
  // Records that a mail went to `ticket_id` (nullopt: recorded as rejected),
  // by its IMAP position (when it came from IMAP) and by its dedupe key.
  void record_processed(const std::optional<MailSource>& source, std::string_view mailbox,
                        std::string_view dedupe_key, std::optional<std::int64_t> ticket_id,
                        std::int64_t now);
  void set_uidvalidity(std::string_view mailbox, std::uint32_t uidvalidity);
  // Records an assignment: the agent's last-assigned time, and for
  // round-robin the group's cursor.
  void record_assignment(std::string_view agent, std::string_view round_robin_group, std::int64_t now);

  // --- lifecycle, SLA, surveys (migration 4) ---------------------------------
  void set_status_since(std::int64_t ticket_id, std::string_view status, std::int64_t since);
  // Inserts or replaces the clock of (ticket, kind).
  void put_sla_clock(const SlaClock& clock);
  // Records a timer action as done; false when it already was (nothing written).
  bool record_timer_notice(std::int64_t ticket_id, std::string_view kind, std::int64_t due_at, std::int64_t now);
  // Plans (or re-plans, when not yet sent) the survey of a ticket.
  void plan_survey(const CsatSurvey& survey);
  void finish_survey(std::int64_t ticket_id, std::string_view outcome, std::optional<std::int64_t> sent_at);
  // Inserts or replaces the rating of a ticket.
  void put_rating(const CsatRating& rating);

  // --- bounces (migration 6, store/bounce_store.cpp) --------------------------
  // Records that `address` refused the mail `bounced_message_id` for good.
  void record_bounce(std::string_view address, std::int64_t at, std::int64_t ticket_id,
                     std::string_view bounced_message_id, std::string_view status);
  // Inserts or replaces the rule-set SLA target of (ticket, kind).
  void put_sla_override(const SlaOverride& override_);

  void commit();

 private:
  friend class Store;
  StoreTransaction(Store& store);
  // Appends the raw mail to the store's mail log, remembering the first
  // place appended to, to cut it off again if this does not commit.
  MailLogPlace append_raw_mail(std::string_view raw, std::string_view sha256_hex);
  // The raw mail's row: found by SHA-256, or inserted naming `kept` or else
  // a record appended now. nullopt when there is no raw mail.
  std::optional<std::int64_t> raw_mail_row(std::string_view raw, std::string_view raw_sha256,
                                           const KeptRawMail* kept);
  void point_raw_mail_at(const MailLogPlace& place, std::string_view sha256_hex);
  std::int64_t add_message_with_raw(const StoredMessage& message, std::string_view raw, std::string_view raw_sha256,
                                    const KeptRawMail* kept, const std::vector<Attachment>& attachments);
  Store* store_;
  StatementCache* statements_;  // the store's
  std::unique_ptr<SQLite::Transaction> transaction_;  // null once moved from
  std::optional<MailLogPlace> first_appended_;
  MailLogPlace last_appended_;
  bool committed_ = false;
};

}  // namespace ticketd
