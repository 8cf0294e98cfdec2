// Turning what an admin types (`ticketd search "退款 失败"`) or a new
// ticket's text into queries over the search_text FTS5 table (migration 5).
//
// The table uses SQLite's trigram tokenizer: it finds any substring of 3 or
// more characters, in any script, case-insensitively, and nothing shorter.
// So:
//  - a term of 3+ characters becomes an FTS5 phrase ("退款失败", "refund");
//  - a term of 1-2 characters (Chinese words are often 2: 退款, 失败) cannot
//    use the index and becomes a LIKE '%term%' condition on the same rows,
//    a scan, but exact;
//  - for similarity, a text becomes an OR of its English words (3+ letters,
//    without the commonest function words) and of every 3-character window
//    of its Chinese runs, capped, so bm25 ranks tickets sharing most of them.
// Pure functions: no SQL runs here.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ticketd {

struct SearchTerms {
  std::string fts_match;                // FTS5 MATCH expression (terms ANDed); empty: no long term
  std::vector<std::string> like_terms;  // short terms, each as a LIKE pattern: %term% with \ escapes
  bool empty() const { return fts_match.empty() && like_terms.empty(); }
};

// Every whitespace-separated term of `query` must occur in the same row.
SearchTerms all_terms_query(std::string_view query);

// An FTS5 MATCH expression that matches rows sharing any distinctive piece of
// `text` (at most `max_terms` pieces, the earliest first); empty when the text
// has none.
std::string any_terms_query(std::string_view text, std::size_t max_terms);

// Characters (code points) in a UTF-8 string.
std::size_t utf8_length(std::string_view text);

// About `width` characters of `text` around the first occurrence of `term`
// (ASCII case-insensitive), "…" marking cuts; the start of `text` when the
// term is not found. Never cuts a UTF-8 sequence.
std::string excerpt_around(std::string_view text, std::string_view term, std::size_t width);

}  // namespace ticketd
