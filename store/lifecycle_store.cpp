// The store's lifecycle half (migration 4): status times, SLA clocks, timer
// notices, surveys and ratings. See store/store.h for the contract.
#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include "store/row_readers.h"
#include "store/statement_cache.h"
#include "store/store.h"

namespace ticketd {

namespace {

constexpr const char* kClockSelect =
    "SELECT ticket_id, kind, started_at, remind_at, due_at, paused_at, met_at FROM sla_clocks";
constexpr const char* kSurveySelect = "SELECT ticket_id, customer, due_at, sent_at, outcome FROM csat_surveys";

SlaClock read_clock(SQLite::Statement& q) {
  SlaClock c;
  c.ticket_id = q.getColumn(0).getInt64();
  c.kind = q.getColumn(1).getString();
  c.started_at = q.getColumn(2).getInt64();
  c.remind_at = q.getColumn(3).getInt64();
  c.due_at = q.getColumn(4).getInt64();
  c.paused_at = optional_int(q.getColumn(5));
  c.met_at = optional_int(q.getColumn(6));
  return c;
}

CsatSurvey read_survey(SQLite::Statement& q) {
  CsatSurvey s;
  s.ticket_id = q.getColumn(0).getInt64();
  s.customer = q.getColumn(1).getString();
  s.due_at = q.getColumn(2).getInt64();
  s.sent_at = optional_int(q.getColumn(3));
  s.outcome = q.getColumn(4).getString();
  return s;
}

void bind_maybe(SQLite::Statement& q, int index, const std::optional<std::int64_t>& value) {
  if (value) q.bind(index, *value);
  else q.bind(index);
}

}  // namespace

std::optional<std::int64_t> Store::status_since(std::int64_t ticket_id, std::string_view status) const {
  return guarded(path_, "reading a ticket's status time", [&]() -> std::optional<std::int64_t> {
    auto q = statements_->use("SELECT since FROM ticket_status_since WHERE ticket_id=? AND status=?");
    q.bind(1, ticket_id);
    q.bind(2, std::string(status));
    if (!q.executeStep()) return std::nullopt;
    return q.getColumn(0).getInt64();
  });
}

std::vector<Ticket> Store::tickets_in_status_since(std::string_view status, std::int64_t before,
                                                   std::size_t limit, std::string_view without_notice) const {
  return guarded(path_, "reading tickets by status time", [&] {
    const std::string since =
        "COALESCE((SELECT s.since FROM ticket_status_since s WHERE s.ticket_id=tickets.id "
        "AND s.status=tickets.status), updated_at)";
    auto q = statements_->use(std::string(kTicketSelect) + " WHERE status=?1 AND " + since +
                      " <= ?2 AND (?3 = '' OR NOT EXISTS (SELECT 1 FROM timer_notices n "
                      "WHERE n.ticket_id=tickets.id AND n.kind=?3 AND n.due_at>=" + since +
                      ")) ORDER BY id LIMIT ?4");
    q.bind(1, std::string(status));
    q.bind(2, before);
    q.bind(3, std::string(without_notice));
    q.bind(4, static_cast<std::int64_t>(limit));
    std::vector<Ticket> tickets;
    while (q.executeStep()) tickets.push_back(read_ticket(q));
    for (auto& t : tickets) t.tags = read_tags(*statements_, t.id);
    return tickets;
  });
}

std::vector<SlaClock> Store::sla_clocks_of(std::int64_t ticket_id) const {
  return guarded(path_, "reading SLA clocks", [&] {
    auto q = statements_->use(std::string(kClockSelect) + " WHERE ticket_id=? ORDER BY kind");
    q.bind(1, ticket_id);
    std::vector<SlaClock> clocks;
    while (q.executeStep()) clocks.push_back(read_clock(q));
    return clocks;
  });
}

std::vector<SlaClock> Store::running_sla_clocks(std::int64_t now, std::size_t limit) const {
  return guarded(path_, "reading due SLA clocks", [&] {
    auto q = statements_->use(std::string(kClockSelect) +
                      " c WHERE met_at IS NULL AND paused_at IS NULL AND remind_at<=?1 "
                      "AND NOT EXISTS (SELECT 1 FROM timer_notices n WHERE n.ticket_id=c.ticket_id "
                      "AND n.due_at=c.due_at AND (n.kind='sla_breach:'||c.kind "
                      "OR (n.kind='sla_reminder:'||c.kind AND c.due_at>?1))) "
                      "ORDER BY remind_at LIMIT ?2");
    q.bind(1, now);
    q.bind(2, static_cast<std::int64_t>(limit));
    std::vector<SlaClock> clocks;
    while (q.executeStep()) clocks.push_back(read_clock(q));
    return clocks;
  });
}

std::vector<SlaClock> Store::paused_sla_clocks(std::size_t limit) const {
  return guarded(path_, "reading paused SLA clocks", [&] {
    auto q = statements_->use(std::string(kClockSelect) +
                      " WHERE met_at IS NULL AND paused_at IS NOT NULL ORDER BY ticket_id LIMIT ?");
    q.bind(1, static_cast<std::int64_t>(limit));
    std::vector<SlaClock> clocks;
    while (q.executeStep()) clocks.push_back(read_clock(q));
    return clocks;
  });
}

bool Store::timer_notice_done(std::int64_t ticket_id, std::string_view kind, std::int64_t due_at) const {
  return guarded(path_, "reading timer notices", [&] {
    auto q = statements_->use("SELECT 1 FROM timer_notices WHERE ticket_id=? AND kind=? AND due_at=?");
    q.bind(1, ticket_id);
    q.bind(2, std::string(kind));
    q.bind(3, due_at);
    return q.executeStep();
  });
}

std::optional<StoredMessage> Store::last_message_of(std::int64_t ticket_id, std::string_view direction,
                                                    std::string_view author_kind) const {
  return guarded(path_, "reading messages", [&]() -> std::optional<StoredMessage> {
    auto q = statements_->use(std::string(kMessageSelect) +
                      " WHERE ticket_id=? AND direction=? AND author_kind=? ORDER BY id DESC LIMIT 1");
    q.bind(1, ticket_id);
    q.bind(2, std::string(direction));
    q.bind(3, std::string(author_kind));
    if (!q.executeStep()) return std::nullopt;
    return read_message(q);
  });
}

std::vector<CsatSurvey> Store::due_surveys(std::int64_t now, std::size_t limit) const {
  return guarded(path_, "reading due surveys", [&] {
    auto q = statements_->use(std::string(kSurveySelect) +
                      " WHERE sent_at IS NULL AND outcome='' AND due_at<=? ORDER BY due_at LIMIT ?");
    q.bind(1, now);
    q.bind(2, static_cast<std::int64_t>(limit));
    std::vector<CsatSurvey> surveys;
    while (q.executeStep()) surveys.push_back(read_survey(q));
    return surveys;
  });
}

std::optional<CsatSurvey> Store::survey_of(std::int64_t ticket_id) const {
  return guarded(path_, "reading a survey", [&]() -> std::optional<CsatSurvey> {
    auto q = statements_->use(std::string(kSurveySelect) + " WHERE ticket_id=?");
    q.bind(1, ticket_id);
    if (!q.executeStep()) return std::nullopt;
    return read_survey(q);
  });
}

std::optional<std::int64_t> Store::last_survey_sent_to(std::string_view customer) const {
  return guarded(path_, "reading surveys", [&]() -> std::optional<std::int64_t> {
    auto q = statements_->use("SELECT max(sent_at) FROM csat_surveys WHERE customer=? AND sent_at IS NOT NULL");
    q.bind(1, std::string(customer));
    if (!q.executeStep()) return std::nullopt;
    return optional_int(q.getColumn(0));
  });
}

std::optional<CsatRating> Store::rating_of(std::int64_t ticket_id) const {
  return guarded(path_, "reading a rating", [&]() -> std::optional<CsatRating> {
    auto q = statements_->use("SELECT ticket_id, agent, customer, rating, comment, rated_at FROM csat_ratings "
                      "WHERE ticket_id=?");
    q.bind(1, ticket_id);
    if (!q.executeStep()) return std::nullopt;
    return CsatRating{q.getColumn(0).getInt64(), q.getColumn(1).getString(), q.getColumn(2).getString(),
                      q.getColumn(3).getInt(),   q.getColumn(4).getString(), q.getColumn(5).getInt64()};
  });
}

void StoreTransaction::set_status_since(std::int64_t ticket_id, std::string_view status, std::int64_t since) {
  guarded(store_->path(), "recording a status time", [&] {
    auto q = statements_->use("INSERT OR REPLACE INTO ticket_status_since (ticket_id, status, since) VALUES (?, ?, ?)");
    q.bind(1, ticket_id);
    q.bind(2, std::string(status));
    q.bind(3, since);
    q.exec();
  });
}

void StoreTransaction::put_sla_clock(const SlaClock& c) {
  guarded(store_->path(), "writing an SLA clock", [&] {
    auto q = statements_->use("INSERT OR REPLACE INTO sla_clocks (ticket_id, kind, started_at, remind_at, due_at, "
                              "paused_at, met_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
    q.bind(1, c.ticket_id);
    q.bind(2, c.kind);
    q.bind(3, c.started_at);
    q.bind(4, c.remind_at);
    q.bind(5, c.due_at);
    bind_maybe(q, 6, c.paused_at);
    bind_maybe(q, 7, c.met_at);
    q.exec();
  });
}

bool StoreTransaction::record_timer_notice(std::int64_t ticket_id, std::string_view kind, std::int64_t due_at,
                                           std::int64_t now) {
  return guarded(store_->path(), "recording a timer notice", [&] {
    auto q = statements_->use(
        "INSERT OR IGNORE INTO timer_notices (ticket_id, kind, due_at, done_at) VALUES (?, ?, ?, ?)");
    q.bind(1, ticket_id);
    q.bind(2, std::string(kind));
    q.bind(3, due_at);
    q.bind(4, now);
    return q.exec() == 1;
  });
}

void StoreTransaction::plan_survey(const CsatSurvey& s) {
  guarded(store_->path(), "planning a survey", [&] {
    auto q = statements_->use(
        "INSERT INTO csat_surveys (ticket_id, customer, due_at) VALUES (?, ?, ?) "
        "ON CONFLICT(ticket_id) DO UPDATE SET customer=excluded.customer, due_at=excluded.due_at, "
        "outcome='' WHERE sent_at IS NULL");
    q.bind(1, s.ticket_id);
    q.bind(2, s.customer);
    q.bind(3, s.due_at);
    q.exec();
  });
}

void StoreTransaction::finish_survey(std::int64_t ticket_id, std::string_view outcome,
                                     std::optional<std::int64_t> sent_at) {
  guarded(store_->path(), "recording a survey", [&] {
    auto q = statements_->use("UPDATE csat_surveys SET outcome=?, sent_at=? WHERE ticket_id=?");
    q.bind(1, std::string(outcome));
    bind_maybe(q, 2, sent_at);
    q.bind(3, ticket_id);
    q.exec();
  });
}

void StoreTransaction::put_rating(const CsatRating& r) {
  guarded(store_->path(), "recording a rating", [&] {
    auto q = statements_->use(
        "INSERT OR REPLACE INTO csat_ratings (ticket_id, agent, customer, rating, comment, rated_at) "
        "VALUES (?, ?, ?, ?, ?, ?)");
    q.bind(1, r.ticket_id);
    q.bind(2, r.agent);
    q.bind(3, r.customer);
    q.bind(4, r.rating);
    q.bind(5, r.comment);
    q.bind(6, r.rated_at);
    q.exec();
  });
}

}  // namespace ticketd
