// parse_message_ids: the ids in Message-ID, In-Reply-To and References.
//
// RFC 5322 section 3.6.4 wants "<left@right>" separated by white space; in
// the wild there are ids folded in the middle, missing brackets, commas
// between them, and old In-Reply-To values with prose and a comment holding
// a person's address ("<id@x> (John's message of Tue, <john@x.com>)",
// RFC 1036 style). So: comments are skipped, every bracketed id is taken
// with white space inside it removed, and when there are no brackets at all
// each bare word with an '@' is an id.
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "parser/charset.h"
#include "parser/header_fields.h"

namespace ticketd {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// An id as stored: no white space or control characters, no brackets,
// valid UTF-8, bounded (RFC 5322 lines are 998 characters at most).
std::string clean_id(std::string_view raw) {
  std::string id;
  for (char c : raw) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7F || c == '<' || c == '>') continue;
    id += c;
  }
  if (id.size() > 998) id.resize(998);
  return sanitize_utf8(id);
}

}  // namespace

std::vector<std::string> parse_message_ids(std::string_view raw) {
  std::vector<std::string> ids;
  std::unordered_set<std::string> seen;
  auto add = [&](std::string_view candidate) {
    std::string id = clean_id(candidate);
    if (!id.empty() && seen.insert(id).second) ids.push_back(std::move(id));
  };

  bool any_bracket = false;
  std::string bare;  // text outside brackets and comments
  int depth = 0;
  std::size_t close = 0;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '(') {
      ++depth;
    } else if (c == ')' && depth > 0) {
      --depth;
    } else if (depth > 0) {
      if (c == '\\') ++i;  // quoted-pair inside a comment
    } else if (c == '<') {
      // The next '>' is searched again only once passed, so a hostile run of
      // '<' without '>' costs linear time.
      if (close != std::string_view::npos && close <= i) close = raw.find('>', i + 1);
      std::size_t next_open = raw.find('<', i + 1);
      // An unclosed bracket runs to the next '<' or the end ("<a@b <c@d>").
      std::size_t end = close == std::string_view::npos ? next_open : close;
      if (next_open != std::string_view::npos && next_open < end) end = next_open;
      if (end == std::string_view::npos) end = raw.size();
      add(raw.substr(i + 1, end - i - 1));
      any_bracket = true;
      i = (end < raw.size() && raw[end] == '>') ? end : end - 1;
    } else {
      bare += c;
    }
  }
  if (!any_bracket) {
    std::size_t i = 0;
    while (i < bare.size()) {
      while (i < bare.size() && (is_space(bare[i]) || bare[i] == ',')) ++i;
      std::size_t start = i;
      while (i < bare.size() && !is_space(bare[i]) && bare[i] != ',') ++i;
      std::string_view word = std::string_view(bare).substr(start, i - start);
      if (word.find('@') != std::string_view::npos) add(word);
    }
    // A lone word without '@' is still the id some systems write.
    if (ids.empty()) {
      std::string_view whole = bare;
      while (!whole.empty() && is_space(whole.front())) whole.remove_prefix(1);
      while (!whole.empty() && is_space(whole.back())) whole.remove_suffix(1);
      if (!whole.empty() && whole.find_first_of(" \t,") == std::string_view::npos) add(whole);
    }
  }
  return ids;
}

}  // namespace ticketd
