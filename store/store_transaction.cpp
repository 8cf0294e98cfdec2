// StoreTransaction: the write half of the store (see store/store.h).
#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include "parser/sha256.h"
#include "store/row_readers.h"
#include "store/statement_cache.h"
#include "store/store.h"

namespace ticketd {

namespace {

// The first public ticket number; small numbers look like a toy to customers.
constexpr std::int64_t kFirstTicketNumber = 1001;

std::string join_lines(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    out += item;
    out += '\n';
  }
  return out;
}

void bind_optional(SQLite::Statement& q, int index, const std::optional<std::int64_t>& value) {
  if (value) {
    q.bind(index, *value);
  } else {
    q.bind(index);
  }
}

}  // namespace


StoreTransaction::StoreTransaction(Store& store) : store_(&store), statements_(store.statements_.get()) {
  guarded(store_->path(), "starting a transaction", [&] {
    transaction_ = std::make_unique<SQLite::Transaction>(*store.db_, SQLite::TransactionBehavior::IMMEDIATE);
  });
}

StoreTransaction::StoreTransaction(StoreTransaction&&) noexcept = default;

StoreTransaction::~StoreTransaction() {
  // Before the SQLite transaction (a member) rolls back: the write lock that
  // keeps other appenders out of the mail log is still held.
  if (transaction_ && !committed_ && first_appended_) store_->mail_log_->truncate_to(*first_appended_, last_appended_);
}

MailLogPlace StoreTransaction::append_raw_mail(std::string_view raw, std::string_view sha256_hex) {
  MailLogPlace place;
  if (std::string err; !store_->mail_log_->append(raw, sha256_hex, &place, &err)) {
    throw StoreError(fmt::format("{}: storing a message: {}", store_->path(), err));
  }
  if (!first_appended_) first_appended_ = place;
  last_appended_ = place;
  return place;
}

void StoreTransaction::rewrite_raw_mail(std::string_view raw, std::string_view sha256_hex) {
  if (!store_->mail_log_) return;  // in memory: raw mails are in the database
  point_raw_mail_at(append_raw_mail(raw, sha256_hex), sha256_hex);
}

void StoreTransaction::rewrite_raw_mail(const KeptRawMail& kept) { point_raw_mail_at(kept.place, kept.sha256); }

void StoreTransaction::point_raw_mail_at(const MailLogPlace& place, std::string_view sha256_hex) {
  guarded(store_->path(), "storing a raw mail again", [&] {
    auto q = statements_->use("UPDATE raw_mails SET log_file=?, log_offset=?, bytes=X'' WHERE sha256=?");
    q.bind(1, place.file);
    q.bind(2, place.offset);
    q.bind(3, std::string(sha256_hex));
    q.exec();
  });
}

Ticket StoreTransaction::create_ticket(Ticket ticket) {
  guarded(store_->path(), "creating a ticket", [&] {
    auto& db = *store_->db_;
    auto next = statements_->use("SELECT coalesce(max(number) + 1, ?) FROM tickets");
    next.bind(1, kFirstTicketNumber);
    next.executeStep();
    ticket.number = next.getColumn(0).getInt64();
    auto q = statements_->use("INSERT INTO tickets (number, subject, status, priority, group_name, assignee, "
                              "requester_address, requester_name, mailbox, language, created_at, updated_at, "
                              "first_response_at, resolved_at, closed_at, linked_ticket_id, spam) "
                              "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    q.bind(1, ticket.number);
    q.bind(2, ticket.subject);
    q.bind(3, ticket.status);
    q.bind(4, ticket.priority);
    q.bind(5, ticket.group);
    q.bind(6, ticket.assignee);
    q.bind(7, ticket.requester_address);
    q.bind(8, ticket.requester_name);
    q.bind(9, ticket.mailbox);
    q.bind(10, ticket.language);
    q.bind(11, ticket.created_at);
    q.bind(12, ticket.updated_at ? ticket.updated_at : ticket.created_at);
    bind_optional(q, 13, ticket.first_response_at);
    bind_optional(q, 14, ticket.resolved_at);
    bind_optional(q, 15, ticket.closed_at);
    bind_optional(q, 16, ticket.linked_ticket_id);
    q.bind(17, ticket.spam ? 1 : 0);
    q.exec();
    ticket.id = db.getLastInsertRowid();
    if (!ticket.updated_at) ticket.updated_at = ticket.created_at;
  });
  auto tags = ticket.tags;
  for (const auto& tag : tags) add_tag(ticket.id, tag);
  return ticket;
}

void StoreTransaction::update_ticket(const Ticket& ticket, std::int64_t now) {
  guarded(store_->path(), "updating a ticket", [&] {
    auto q = statements_->use("UPDATE tickets SET status=?, priority=?, group_name=?, assignee=?, language=?, "
                              "first_response_at=?, resolved_at=?, closed_at=?, spam=?, updated_at=? WHERE id=?");
    q.bind(1, ticket.status);
    q.bind(2, ticket.priority);
    q.bind(3, ticket.group);
    q.bind(4, ticket.assignee);
    q.bind(5, ticket.language);
    bind_optional(q, 6, ticket.first_response_at);
    bind_optional(q, 7, ticket.resolved_at);
    bind_optional(q, 8, ticket.closed_at);
    q.bind(9, ticket.spam ? 1 : 0);
    q.bind(10, now);
    q.bind(11, ticket.id);
    q.exec();
  });
}

void StoreTransaction::add_tag(std::int64_t ticket_id, std::string_view tag) {
  guarded(store_->path(), "tagging a ticket", [&] {
    auto q = statements_->use("INSERT OR IGNORE INTO ticket_tags (ticket_id, tag) VALUES (?, ?)");
    q.bind(1, ticket_id);
    q.bind(2, std::string(tag));
    q.exec();
  });
}

void StoreTransaction::remove_tag(std::int64_t ticket_id, std::string_view tag) {
  guarded(store_->path(), "untagging a ticket", [&] {
    auto q = statements_->use("DELETE FROM ticket_tags WHERE ticket_id=? AND tag=?");
    q.bind(1, ticket_id);
    q.bind(2, std::string(tag));
    q.exec();
  });
}

void StoreTransaction::add_participant(std::int64_t ticket_id, std::string_view address) {
  if (address.empty()) return;
  guarded(store_->path(), "adding a participant", [&] {
    auto q = statements_->use("INSERT OR IGNORE INTO participants (ticket_id, address) VALUES (?, ?)");
    q.bind(1, ticket_id);
    q.bind(2, std::string(address));
    q.exec();
  });
}

std::optional<std::int64_t> StoreTransaction::raw_mail_row(std::string_view raw, std::string_view raw_sha256,
                                                            const KeptRawMail* kept) {
  if (raw.empty() && !kept) return std::nullopt;
  auto& db = *store_->db_;
  const std::string digest = kept ? kept->sha256 : raw_sha256.empty() ? sha256_hex(raw) : std::string(raw_sha256);
  auto find = statements_->use("SELECT id FROM raw_mails WHERE sha256=?");
  find.bind(1, digest);
  if (find.executeStep()) return find.getColumn(0).getInt64();  // the same bytes are stored already
  if (kept || store_->mail_log_) {
    MailLogPlace place = kept ? kept->place : append_raw_mail(raw, digest);
    auto insert = statements_->use(
        "INSERT INTO raw_mails (sha256, size, bytes, log_file, log_offset) VALUES (?, ?, X'', ?, ?)");
    insert.bind(1, digest);
    insert.bind(2, kept ? kept->size : static_cast<std::int64_t>(raw.size()));
    insert.bind(3, place.file);
    insert.bind(4, place.offset);
    insert.exec();
  } else {
    auto insert = statements_->use("INSERT INTO raw_mails (sha256, size, bytes) VALUES (?, ?, ?)");
    insert.bind(1, digest);
    insert.bind(2, static_cast<std::int64_t>(raw.size()));
    // No copy: SQLite reads the mail straight from the caller's buffer.
    insert.bind_blob_no_copy(3, raw);
    insert.exec();
  }
  return db.getLastInsertRowid();
}

std::int64_t StoreTransaction::add_message_kept_ahead(const StoredMessage& m, const KeptRawMail& kept,
                                                      const std::vector<Attachment>& attachments) {
  return add_message_with_raw(m, {}, {}, &kept, attachments);
}

std::int64_t StoreTransaction::add_message(const StoredMessage& m, std::string_view raw,
                                           const std::vector<Attachment>& attachments, std::string_view raw_sha256) {
  return add_message_with_raw(m, raw, raw_sha256, nullptr, attachments);
}

std::int64_t StoreTransaction::add_message_with_raw(const StoredMessage& m, std::string_view raw,
                                                    std::string_view raw_sha256, const KeptRawMail* kept,
                                                    const std::vector<Attachment>& attachments) {
  return guarded(store_->path(), "storing a message", [&] {
    auto& db = *store_->db_;
    std::optional<std::int64_t> raw_id = raw_mail_row(raw, raw_sha256, kept);
    auto q = statements_->use("INSERT INTO messages (ticket_id, direction, author_kind, author_name, message_id, "
                              "in_reply_to, subject, body, reply, auto_generated, raw_mail_id, created_at) "
                              "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)");
    q.bind(1, m.ticket_id);
    q.bind(2, m.direction);
    q.bind(3, m.author.kind);
    q.bind(4, m.author.name);
    q.bind(5, m.message_id);
    q.bind(6, m.in_reply_to);
    q.bind_no_copy(7, m.subject);
    q.bind_no_copy(8, m.body);
    q.bind_no_copy(9, m.reply);
    q.bind(10, m.auto_generated);
    bind_optional(q, 11, raw_id);
    q.bind(12, m.created_at);
    q.exec();
    std::int64_t row = db.getLastInsertRowid();
    for (const auto& a : attachments) {
      // With the raw mail stored, the attachment's bytes are in it and
      // parse_mail() gets them back (attachments.sha256 checks them): a
      // decoded copy would nearly double what every mail writes (issue 8).
      if (!a.data.empty() && !raw_id) {
        auto blob = statements_->use("INSERT OR IGNORE INTO blobs (sha256, size, bytes) VALUES (?, ?, ?)");
        blob.bind(1, a.sha256);
        blob.bind(2, static_cast<std::int64_t>(a.data.size()));
        blob.bind_blob_no_copy(3, a.data);
        blob.exec();
      }
      auto att = statements_->use("INSERT INTO attachments (message_row_id, filename, content_type, size, sha256, "
                                  "is_inline) VALUES (?,?,?,?,?,?)");
      att.bind(1, row);
      att.bind(2, a.filename);
      att.bind(3, a.content_type);
      att.bind(4, static_cast<std::int64_t>(a.size));
      att.bind(5, a.sha256);
      att.bind(6, a.is_inline ? 1 : 0);
      att.exec();
    }
    return row;
  });
}

std::int64_t StoreTransaction::add_event(const Event& e) {
  return guarded(store_->path(), "recording an event", [&] {
    auto q = statements_->use("INSERT INTO events (ticket_id, at, actor_kind, actor_name, what, detail) "
                              "VALUES (?,?,?,?,?,?)");
    q.bind(1, e.ticket_id);
    q.bind(2, e.at);
    q.bind(3, e.actor.kind);
    q.bind(4, e.actor.name);
    q.bind(5, e.what);
    q.bind(6, e.detail);
    q.exec();
    return store_->db_->getLastInsertRowid();
  });
}

std::int64_t StoreTransaction::queue_mail(const OutboxMail& m) {
  return guarded(store_->path(), "queueing a mail", [&] {
    auto q = statements_->use(
        "INSERT INTO outbox (ticket_id, kind, message_id, envelope_from, recipients, data, state, "
        "attempts, next_attempt_at, last_error, created_at) VALUES (?,?,?,?,?,?,'queued',0,?,'',?)");
    bind_optional(q, 1, m.ticket_id ? std::optional<std::int64_t>(m.ticket_id) : std::nullopt);
    q.bind(2, m.kind);
    q.bind(3, m.message_id);
    q.bind(4, m.envelope_from);
    q.bind(5, join_lines(m.recipients));
    q.bind_blob_no_copy(6, m.data);
    q.bind(7, m.next_attempt_at);
    q.bind(8, m.created_at);
    q.exec();
    return store_->db_->getLastInsertRowid();
  });
}

void StoreTransaction::record_processed(const std::optional<MailSource>& source, std::string_view mailbox,
                                        std::string_view dedupe_key, std::optional<std::int64_t> ticket_id,
                                        std::int64_t now) {
  guarded(store_->path(), "recording a processed mail", [&] {
    if (source) {
      auto q = statements_->use("INSERT OR REPLACE INTO processed_uids (mailbox, uidvalidity, uid, ticket_id, "
                                "processed_at) VALUES (?,?,?,?,?)");
      q.bind(1, source->mailbox);
      q.bind(2, static_cast<std::int64_t>(source->uidvalidity));
      q.bind(3, static_cast<std::int64_t>(source->uid));
      bind_optional(q, 4, ticket_id);
      q.bind(5, now);
      q.exec();
    }
    if (!dedupe_key.empty()) {
      auto q = statements_->use("INSERT OR IGNORE INTO processed_mails (mailbox, dedupe_key, ticket_id, processed_at) "
                                "VALUES (?,?,?,?)");
      q.bind(1, std::string(mailbox));
      q.bind(2, std::string(dedupe_key));
      bind_optional(q, 3, ticket_id);
      q.bind(4, now);
      q.exec();
    }
  });
}

void StoreTransaction::set_uidvalidity(std::string_view mailbox, std::uint32_t uidvalidity) {
  guarded(store_->path(), "recording UIDVALIDITY", [&] {
    auto q = statements_->use("INSERT OR REPLACE INTO mailbox_state (mailbox, uidvalidity) VALUES (?, ?)");
    q.bind(1, std::string(mailbox));
    q.bind(2, static_cast<std::int64_t>(uidvalidity));
    q.exec();
  });
}

void StoreTransaction::record_assignment(std::string_view agent, std::string_view round_robin_group,
                                         std::int64_t now) {
  guarded(store_->path(), "recording an assignment", [&] {
    auto q = statements_->use("INSERT OR REPLACE INTO agent_assignments (agent, last_assigned_at) VALUES (?, ?)");
    q.bind(1, std::string(agent));
    q.bind(2, now);
    q.exec();
    if (!round_robin_group.empty()) {
      auto c = statements_->use("INSERT OR REPLACE INTO group_cursors (group_name, agent) VALUES (?, ?)");
      c.bind(1, std::string(round_robin_group));
      c.bind(2, std::string(agent));
      c.exec();
    }
  });
}

void StoreTransaction::commit() {
  guarded(store_->path(), "committing", [&] { transaction_->commit(); });
  committed_ = true;
}


}  // namespace ticketd
