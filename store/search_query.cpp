#include "store/search_query.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace ticketd {

namespace {

bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// Decodes the code point at `i` (advancing i); invalid bytes decode as
// U+FFFD one byte at a time (the store's text is UTF-8 already; this is only
// defence).
char32_t next_code_point(std::string_view s, std::size_t& i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  int extra = c < 0x80 ? 0 : (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xE ? 2 : (c >> 3) == 0x1E ? 3 : -1;
  if (extra < 0 || i + extra >= s.size() + (extra == 0 ? 1 : 0)) {
    ++i;
    return 0xFFFD;
  }
  char32_t cp = extra == 0 ? c : c & (0x3F >> extra);
  for (int k = 1; k <= extra; ++k) {
    unsigned char cc = static_cast<unsigned char>(s[i + k]);
    if (!is_continuation(cc)) {
      ++i;
      return 0xFFFD;
    }
    cp = (cp << 6) | (cc & 0x3F);
  }
  i += extra + 1;
  return cp;
}

// CJK ideographs (Unified, Extension A, Compatibility), kana and Hangul:
// scripts written without spaces, so indexed by 3-character windows.
bool is_cjk(char32_t cp) {
  return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
         (cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0xAC00 && cp <= 0xD7AF);
}

// Letters of space-separated words: ASCII alphanumerics and the Latin,
// Greek and Cyrillic letters above them (é, ß, д).
bool is_word_char(char32_t cp) {
  if (cp < 0x80) return std::isalnum(static_cast<int>(cp)) != 0;
  return (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7) || (cp >= 0x370 && cp <= 0x52F);
}

std::string fts_phrase(std::string_view term) {
  std::string out = "\"";
  for (char c : term) {
    if (c == '"') out += '"';  // FTS5 strings double their quotes
    out += c;
  }
  return out + "\"";
}

std::string like_pattern(std::string_view term) {
  std::string out = "%";
  for (char c : term) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out + "%";
}

const std::set<std::string, std::less<>>& common_words() {
  static const std::set<std::string, std::less<>> words = {
      "the",  "and",  "for",  "you",  "your", "are",  "was",   "with",   "this",  "that",   "have", "has",
      "not",  "but",  "can",  "our",  "from", "they", "will",  "would",  "there", "what",   "when", "which",
      "who",  "how",  "all",  "any",  "been", "were", "just",  "also",   "please", "thanks", "thank", "hello",
      "dear", "regards", "best", "hi", "get", "got", "its", "it's", "i'm", "let", "know", "could", "should"};
  return words;
}

}  // namespace

std::size_t utf8_length(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return !is_continuation(static_cast<unsigned char>(c)); }));
}

SearchTerms all_terms_query(std::string_view typed) {
  // U+3000 IDEOGRAPHIC SPACE separates terms typed with a Chinese IME.
  std::string query(typed);
  for (std::size_t at; (at = query.find("\xE3\x80\x80")) != std::string::npos;) query.replace(at, 3, " ");
  SearchTerms terms;
  std::size_t i = 0;
  while (i < query.size()) {
    while (i < query.size() && std::isspace(static_cast<unsigned char>(query[i]))) ++i;
    std::size_t start = i;
    while (i < query.size() && !std::isspace(static_cast<unsigned char>(query[i]))) ++i;
    std::string_view term = std::string_view(query).substr(start, i - start);
    if (term.empty()) continue;
    if (utf8_length(term) >= 3) {
      terms.fts_match += (terms.fts_match.empty() ? "" : " AND ") + fts_phrase(term);
    } else {
      terms.like_terms.push_back(like_pattern(term));
    }
  }
  return terms;
}

std::string any_terms_query(std::string_view text, std::size_t max_terms) {
  std::vector<std::string> pieces;
  std::set<std::string> seen;
  auto add = [&](std::string piece) {
    if (pieces.size() < max_terms && seen.insert(piece).second) pieces.push_back(std::move(piece));
  };
  std::size_t i = 0;
  while (i < text.size() && pieces.size() < max_terms) {
    std::size_t start = i;
    char32_t cp = next_code_point(text, i);
    if (is_cjk(cp)) {
      // A run of CJK characters: every 3-character window.
      std::vector<std::size_t> offsets = {start};
      std::size_t j = i;
      while (j < text.size()) {
        std::size_t before = j;
        if (!is_cjk(next_code_point(text, j))) {
          j = before;
          break;
        }
        offsets.push_back(before);
      }
      offsets.push_back(j);
      for (std::size_t k = 0; k + 3 < offsets.size(); ++k) {
        add(std::string(text.substr(offsets[k], offsets[k + 3] - offsets[k])));
      }
      i = j;
    } else if (is_word_char(cp)) {
      std::size_t j = i;
      while (j < text.size()) {
        std::size_t before = j;
        if (!is_word_char(next_code_point(text, j))) {
          j = before;
          break;
        }
      }
      std::string word(text.substr(start, j - start));
      for (auto& c : word) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      bool digits = std::all_of(word.begin(), word.end(), [](char c) { return c >= '0' && c <= '9'; });
      if (utf8_length(word) >= 3 && !digits && !common_words().count(word)) add(std::move(word));
      i = j;
    }
  }
  std::string match;
  for (const auto& p : pieces) match += (match.empty() ? "" : " OR ") + fts_phrase(p);
  return match;
}

std::string excerpt_around(std::string_view text, std::string_view term, std::size_t width) {
  auto lower = [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); };
  auto it = std::search(text.begin(), text.end(), term.begin(), term.end(),
                        [&](char a, char b) { return lower(a) == lower(b); });
  std::size_t hit = term.empty() || it == text.end() ? 0 : static_cast<std::size_t>(it - text.begin());
  // Walk back width/2 characters, then forward width characters.
  std::size_t begin = hit;
  for (std::size_t n = 0; n < width / 2 && begin > 0;) {
    --begin;
    if (!is_continuation(static_cast<unsigned char>(text[begin]))) ++n;
  }
  std::size_t end = begin;
  for (std::size_t n = 0; n < width && end < text.size();) {
    ++end;
    while (end < text.size() && is_continuation(static_cast<unsigned char>(text[end]))) ++end;
    ++n;
  }
  std::string out;
  if (begin > 0) out += "…";
  for (char c : text.substr(begin, end - begin)) out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  if (end < text.size()) out += "…";
  return out;
}

}  // namespace ticketd
