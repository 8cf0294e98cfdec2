// Store::report_tickets: the rows behind `ticketd report` (daemon/report_*).
// The SLA and CSAT parts read the lifecycle tables (migration 4: sla_clocks,
// csat_surveys, csat_ratings) only where they exist in this store; without
// them those fields stay empty and the report shows no figure rather than a
// made-up one.
#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include <map>
#include <set>

#include "store/row_readers.h"
#include "store/store.h"

namespace ticketd {

namespace {

std::set<std::string> columns_of(SQLite::Database& db, const std::string& table) {
  std::set<std::string> names;
  SQLite::Statement q(db, fmt::format("SELECT name FROM pragma_table_info('{}')", table));
  while (q.executeStep()) names.insert(q.getColumn(0).getString());
  return names;
}

}  // namespace

std::vector<ReportTicket> Store::report_tickets(std::int64_t until) const {
  return guarded(path_, "reading tickets for the report", [&] {
    std::vector<ReportTicket> tickets;
    std::map<std::int64_t, std::size_t> by_id;
    SQLite::Statement q(*db_,
                        "SELECT id, number, status, priority, group_name, assignee, mailbox, "
                        "created_at, first_response_at, resolved_at, closed_at "
                        "FROM tickets WHERE created_at < ? AND spam = 0 ORDER BY number");
    q.bind(1, until);
    while (q.executeStep()) {
      ReportTicket t;
      t.number = q.getColumn(1).getInt64();
      t.status = q.getColumn(2).getString();
      t.priority = q.getColumn(3).getString();
      t.group = q.getColumn(4).getString();
      t.assignee = q.getColumn(5).getString();
      t.mailbox = q.getColumn(6).getString();
      t.created_at = q.getColumn(7).getInt64();
      t.first_response_at = optional_int(q.getColumn(8));
      auto resolved = optional_int(q.getColumn(9));
      t.closed_at = optional_int(q.getColumn(10));
      if (resolved) t.resolved_at.push_back(*resolved);
      by_id[q.getColumn(0).getInt64()] = tickets.size();
      tickets.push_back(std::move(t));
    }

    SQLite::Statement tags(*db_, "SELECT ticket_id, tag FROM ticket_tags ORDER BY ticket_id, tag");
    while (tags.executeStep()) {
      auto it = by_id.find(tags.getColumn(0).getInt64());
      if (it != by_id.end()) tickets[it->second].tags.push_back(tags.getColumn(1).getString());
    }

    // Resolutions and reopenings from the event history (invariant 6): a
    // ticket resolved, reopened and resolved again counts both resolutions.
    // The tickets row only holds the last resolved_at, so events win when
    // there are any.
    std::map<std::size_t, std::vector<std::int64_t>> resolutions;
    // One kind per SELECT, so each reads the events_counted index (migration 12).
    SQLite::Statement events(*db_,
                             "SELECT ticket_id, at, what, detail, id FROM events WHERE what = 'reopened' "
                             "UNION ALL SELECT ticket_id, at, what, detail, id FROM events WHERE what = 'status' "
                             "AND (detail LIKE '%-> resolved%' OR detail LIKE '%-> closed%') ORDER BY 2, 5");
    std::set<std::size_t> already_resolved;  // "resolved -> closed" is not a second resolution
    while (events.executeStep()) {
      auto it = by_id.find(events.getColumn(0).getInt64());
      if (it == by_id.end()) continue;
      std::int64_t at = events.getColumn(1).getInt64();
      std::string what = events.getColumn(2).getString();
      std::string detail = events.getColumn(3).getString();
      if (what == "reopened") {
        tickets[it->second].reopened_at.push_back(at);
        already_resolved.erase(it->second);
      } else if (!already_resolved.count(it->second)) {
        resolutions[it->second].push_back(at);
        already_resolved.insert(it->second);
      }
    }
    for (auto& [index, times] : resolutions) tickets[index].resolved_at = times;

    SQLite::Statement replies(*db_,
                              "SELECT ticket_id, count(*) FROM messages WHERE direction = 'out' "
                              "AND author_kind = 'agent' GROUP BY ticket_id");
    while (replies.executeStep()) {
      auto it = by_id.find(replies.getColumn(0).getInt64());
      if (it != by_id.end()) tickets[it->second].agent_replies = replies.getColumn(1).getInt();
    }

    // SLA clocks (issue 6): one row per target running or done on a ticket.
    if (columns_of(*db_, "sla_clocks").count("due_at")) {
      SQLite::Statement c(*db_, "SELECT ticket_id, kind, due_at, met_at, paused_at FROM sla_clocks "
                                "WHERE kind IN ('first_response', 'resolution')");
      while (c.executeStep()) {
        auto it = by_id.find(c.getColumn(0).getInt64());
        if (it == by_id.end()) continue;
        ReportTicket::SlaTarget target{c.getColumn(2).getInt64(), optional_int(c.getColumn(3)),
                                       !c.getColumn(4).isNull()};
        auto& t = tickets[it->second];
        (c.getColumn(1).getString() == "first_response" ? t.first_response_sla : t.resolution_sla) = target;
      }
    }
    // CSAT (issue 6): a survey row once sent, a rating row once answered.
    if (columns_of(*db_, "csat_surveys").count("sent_at")) {
      SQLite::Statement c(*db_, "SELECT ticket_id FROM csat_surveys WHERE sent_at IS NOT NULL");
      while (c.executeStep()) {
        auto it = by_id.find(c.getColumn(0).getInt64());
        if (it != by_id.end()) tickets[it->second].survey_sent = true;
      }
    }
    if (columns_of(*db_, "csat_ratings").count("rating")) {
      SQLite::Statement c(*db_, "SELECT ticket_id, rating FROM csat_ratings");
      while (c.executeStep()) {
        auto it = by_id.find(c.getColumn(0).getInt64());
        if (it == by_id.end()) continue;
        tickets[it->second].csat_rating = c.getColumn(1).getInt();
        tickets[it->second].survey_sent = true;  // a rating implies the survey reached the customer
      }
    }
    return tickets;
  });
}

StoreTotals Store::totals() const {
  return guarded(path_, "counting for the metrics", [&] {
    StoreTotals t;
    auto count = [&](const char* sql) {
      SQLite::Statement q(*db_, sql);
      return q.executeStep() ? q.getColumn(0).getInt64() : 0;
    };
    t.mails_processed = count("SELECT count(*) FROM processed_mails");
    t.tickets_created = count("SELECT count(*) FROM tickets");
    t.parse_notes = count("SELECT count(*) FROM events WHERE what = 'parse-note'");
    // Kind by kind, each on the events_counted index (migration 12).
    t.loop_suppressions = count(
        "SELECT (SELECT count(*) FROM events WHERE what = 'ack-suppressed') + "
        "(SELECT count(*) FROM events WHERE what = 'auto-reply-suppressed') + "
        "(SELECT count(*) FROM events WHERE what = 'mail-suppressed')");
    t.sla_breaches = count("SELECT count(*) FROM events WHERE what = 'sla-breach'");
    OutboxCounts outbox = outbox_counts();
    t.mails_sent = outbox.sent;
    t.mails_failed = outbox.failed;
    t.mails_queued = outbox.queued;
    t.oldest_queued_at = outbox.oldest_queued_at;
    return t;
  });
}

}  // namespace ticketd
