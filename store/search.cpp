// Store::search_tickets and Store::similar_resolved_tickets over the
// search_text FTS5 table (migration 5; new rows indexed in batches, migration
// 10).
#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "store/row_readers.h"
#include "store/search_query.h"
#include "store/store.h"

namespace ticketd {

namespace {

// Rows looked at before grouping by ticket: plenty for an admin's screen,
// bounded for a word that is in every mail.
constexpr int kMaxRows = 2000;

struct Row {
  std::int64_t ticket_id;
  double score;
  std::string excerpt;
};

// Keeps each ticket's best row, best tickets first (lower bm25 is better;
// among LIKE-only hits, the ticket with more matching rows first, then the
// newest).
std::vector<std::pair<std::int64_t, Row>> best_per_ticket(const std::vector<Row>& rows, std::size_t limit) {
  std::map<std::int64_t, std::pair<Row, int>> best;
  for (const auto& r : rows) {
    auto [it, fresh] = best.try_emplace(r.ticket_id, r, 0);
    if (!fresh && r.score < it->second.first.score) it->second.first = r;
    ++it->second.second;
  }
  std::vector<std::tuple<double, int, std::int64_t, Row>> order;
  for (auto& [id, v] : best) order.emplace_back(v.first.score, -v.second, -id, v.first);
  std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
    return std::tie(std::get<0>(a), std::get<1>(a), std::get<2>(a)) <
           std::tie(std::get<0>(b), std::get<1>(b), std::get<2>(b));
  });
  std::vector<std::pair<std::int64_t, Row>> out;
  for (auto& o : order) {
    if (out.size() >= limit) break;
    out.emplace_back(-std::get<2>(o), std::get<3>(o));
  }
  return out;
}

std::vector<SearchHit> to_hits(SQLite::Database& db, const std::vector<std::pair<std::int64_t, Row>>& best) {
  std::vector<SearchHit> hits;
  SQLite::Statement q(db, "SELECT number, subject, status FROM tickets WHERE id=?");
  for (const auto& [id, row] : best) {
    q.reset();
    q.bind(1, id);
    if (!q.executeStep()) continue;
    hits.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getString(), q.getColumn(2).getString(), row.score,
                    row.excerpt});
  }
  return hits;
}

std::string unescaped_like(const std::string& pattern) {
  std::string term;
  for (std::size_t i = 1; i + 1 < pattern.size(); ++i) {
    if (pattern[i] == '\\' && i + 2 < pattern.size()) ++i;
    term += pattern[i];
  }
  return term;
}

}  // namespace

std::vector<SearchHit> Store::search_tickets(std::string_view query, std::size_t limit) {
  SearchTerms terms = all_terms_query(query);
  if (terms.empty() || limit == 0) return {};
  index_pending_search();
  return guarded(path_, "searching tickets", [&] {
    // Chinese words are often 2 characters (退款, 失败), which a trigram
    // index cannot find: those terms are LIKE conditions on the same rows
    // (a scan of the table, exact). 3+ character terms use the index.
    std::string sql;
    if (!terms.fts_match.empty()) {
      sql = "SELECT ticket_id, bm25(search_text), snippet(search_text, -1, '[', ']', '…', 16), subject, body "
            "FROM search_text WHERE search_text MATCH ?";
    } else {
      sql = "SELECT ticket_id, 0.0, '', subject, body FROM search_text WHERE 1=1";
    }
    for (std::size_t i = 0; i < terms.like_terms.size(); ++i) {
      sql += " AND (subject LIKE ? ESCAPE '\\' OR body LIKE ? ESCAPE '\\')";
    }
    sql += fmt::format(" LIMIT {}", kMaxRows);
    SQLite::Statement q(*db_, sql);
    int at = 1;
    if (!terms.fts_match.empty()) q.bind(at++, terms.fts_match);
    for (const auto& like : terms.like_terms) {
      q.bind(at++, like);
      q.bind(at++, like);
    }
    std::vector<Row> rows;
    while (q.executeStep()) {
      Row r{q.getColumn(0).getInt64(), q.getColumn(1).getDouble(), q.getColumn(2).getString()};
      if (terms.fts_match.empty()) {
        // No FTS snippet without MATCH: cut one around the first short term.
        std::string term = unescaped_like(terms.like_terms.front());
        std::string subject = q.getColumn(3).getString();
        std::string body = q.getColumn(4).getString();
        bool in_body = body.find(term) != std::string::npos;
        r.excerpt = excerpt_around(in_body ? body : subject, term, 40);
      }
      rows.push_back(std::move(r));
    }
    return to_hits(*db_, best_per_ticket(rows, limit));
  });
}

std::vector<SearchHit> Store::similar_resolved_tickets(std::string_view text, std::size_t limit) {
  std::string match = any_terms_query(text, 48);
  if (match.empty() || limit == 0) return {};
  index_pending_search();
  return guarded(path_, "finding similar tickets", [&] {
    SQLite::Statement q(*db_, fmt::format(
                                  "SELECT search_text.ticket_id, bm25(search_text), "
                                  "snippet(search_text, -1, '[', ']', '…', 16) "
                                  "FROM search_text JOIN tickets t ON t.id = search_text.ticket_id "
                                  "WHERE search_text MATCH ? AND t.status IN ('resolved', 'closed') AND t.spam = 0 "
                                  "ORDER BY bm25(search_text) LIMIT {}",
                                  kMaxRows));
    q.bind(1, match);
    std::vector<Row> rows;
    while (q.executeStep()) rows.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getDouble(),
                                             q.getColumn(2).getString()});
    return to_hits(*db_, best_per_ticket(rows, limit));
  });
}

}  // namespace ticketd
