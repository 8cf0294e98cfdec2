// Internal to store/: the column lists and row readers shared by Store and
// StoreTransaction, so a table's columns are spelled in one place.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <string>
#include <vector>

#include <fmt/format.h>

#include "store/records.h"
#include "store/statement_cache.h"
#include "store/store.h"

namespace ticketd {

inline constexpr const char* kTicketSelect =
    "SELECT id, number, subject, status, priority, group_name, assignee, requester_address, requester_name, "
    "mailbox, language, created_at, updated_at, first_response_at, resolved_at, closed_at, linked_ticket_id, "
    "spam FROM tickets";

inline constexpr const char* kMessageSelect =
    "SELECT id, ticket_id, direction, author_kind, author_name, message_id, in_reply_to, subject, body, reply, "
    "created_at, auto_generated FROM messages";

inline constexpr const char* kOutboxSelect =
    "SELECT id, ticket_id, kind, message_id, envelope_from, recipients, data, state, attempts, next_attempt_at, "
    "last_error, created_at, sent_at FROM outbox";

// Runs `f`, turning a database failure into a StoreError that names the
// file and what was being done.
template <typename F>
auto guarded(const std::string& path, const char* what, F&& f) {
  try {
    return f();
  } catch (const SQLite::Exception& e) {
    throw StoreError(fmt::format("{}: {}: {}", path, what, e.what()));
  }
}

inline std::optional<std::int64_t> optional_int(const SQLite::Column& column) {
  if (column.isNull()) return std::nullopt;
  return column.getInt64();
}

inline Ticket read_ticket(SQLite::Statement& q) {
  Ticket t;
  t.id = q.getColumn(0).getInt64();
  t.number = q.getColumn(1).getInt64();
  t.subject = q.getColumn(2).getString();
  t.status = q.getColumn(3).getString();
  t.priority = q.getColumn(4).getString();
  t.group = q.getColumn(5).getString();
  t.assignee = q.getColumn(6).getString();
  t.requester_address = q.getColumn(7).getString();
  t.requester_name = q.getColumn(8).getString();
  t.mailbox = q.getColumn(9).getString();
  t.language = q.getColumn(10).getString();
  t.created_at = q.getColumn(11).getInt64();
  t.updated_at = q.getColumn(12).getInt64();
  t.first_response_at = optional_int(q.getColumn(13));
  t.resolved_at = optional_int(q.getColumn(14));
  t.closed_at = optional_int(q.getColumn(15));
  t.linked_ticket_id = optional_int(q.getColumn(16));
  t.spam = q.getColumn(17).getInt() != 0;
  return t;
}

inline std::vector<std::string> read_tags(StatementCache& statements, std::int64_t ticket_id) {
  auto q = statements.use("SELECT tag FROM ticket_tags WHERE ticket_id=? ORDER BY tag");
  q.bind(1, ticket_id);
  std::vector<std::string> tags;
  while (q.executeStep()) tags.push_back(q.getColumn(0).getString());
  return tags;
}

inline StoredMessage read_message(SQLite::Statement& q) {
  StoredMessage m;
  m.id = q.getColumn(0).getInt64();
  m.ticket_id = q.getColumn(1).getInt64();
  m.direction = q.getColumn(2).getString();
  m.author = {q.getColumn(3).getString(), q.getColumn(4).getString()};
  m.message_id = q.getColumn(5).getString();
  m.in_reply_to = q.getColumn(6).getString();
  m.subject = q.getColumn(7).getString();
  m.body = q.getColumn(8).getString();
  m.reply = q.getColumn(9).getString();
  m.created_at = q.getColumn(10).getInt64();
  m.auto_generated = q.getColumn(11).getString();
  return m;
}

inline std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

inline OutboxMail read_outbox(SQLite::Statement& q) {
  OutboxMail m;
  m.id = q.getColumn(0).getInt64();
  m.ticket_id = q.getColumn(1).isNull() ? 0 : q.getColumn(1).getInt64();
  m.kind = q.getColumn(2).getString();
  m.message_id = q.getColumn(3).getString();
  m.envelope_from = q.getColumn(4).getString();
  m.recipients = split_lines(q.getColumn(5).getString());
  m.data = q.getColumn(6).getString();
  m.state = q.getColumn(7).getString();
  m.attempts = q.getColumn(8).getInt();
  m.next_attempt_at = q.getColumn(9).getInt64();
  m.last_error = q.getColumn(10).getString();
  m.created_at = q.getColumn(11).getInt64();
  m.sent_at = optional_int(q.getColumn(12));
  return m;
}

}  // namespace ticketd
