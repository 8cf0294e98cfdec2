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
//  - Reads outside a transaction see the last committed state.
//  - Every failure of the database (disk full, read-only file, corrupt file,
//    locked past the busy timeout) throws StoreError with a message that
//    names the database file; nothing is half-written.
// A Store is used from one thread at a time.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "parser/message.h"
#include "store/records.h"

namespace SQLite {
class Database;
class Transaction;
}  // namespace SQLite

namespace ticketd {

class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class StoreTransaction;

struct TicketFilter {
  std::optional<std::string> status;
  std::optional<std::string> priority;
  std::optional<std::string> group;
  std::optional<std::string> assignee;
  std::optional<std::string> tag;
  std::optional<std::string> requester;
  std::size_t limit = 100;
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
  StoreTransaction begin();

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
  // The raw bytes of an incoming message, empty when it has none.
  std::string raw_mail_of(std::int64_t message_row_id) const;

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
  // Each of these is its own small transaction.
  void outbox_sent(std::int64_t id, std::int64_t now);
  void outbox_retry_later(std::int64_t id, std::int64_t next_attempt_at, std::string_view error);
  void outbox_failed(std::int64_t id, std::string_view error);
  // Puts failed (or all queued, when `id` is empty) mails back to be sent now;
  // returns how many.
  int outbox_requeue(std::optional<std::int64_t> id, std::int64_t now);

 private:
  friend class StoreTransaction;
  std::string path_;
  std::unique_ptr<SQLite::Database> db_;
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
  // and its attachments (contents once per SHA-256, those with data only).
  // Returns the message's row id.
  std::int64_t add_message(const StoredMessage& message, std::string_view raw,
                           const std::vector<Attachment>& attachments);
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

  void commit();

 private:
  friend class Store;
  StoreTransaction(Store& store);
  Store* store_;
  std::unique_ptr<SQLite::Transaction> transaction_;
};

}  // namespace ticketd
