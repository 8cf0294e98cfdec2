// parse_address_list: RFC 5322 section 3.4 address lists, read leniently.
//
// The grammar is followed where mail follows it and bent where clients are
// known to bend it:
//  - groups ("Team: a@x, b@y;", "undisclosed-recipients:;") yield their
//    members; the group name is not an address;
//  - quoted names keep escaped quotes and commas; RFC 2047 words inside
//    quotes are decoded all the same (Outlook writes them there);
//  - comments are dropped from addresses, and a comment is the name when
//    there is no other ("jdoe@example.com (John Doe)", RFC 822 style);
//  - a missing angle bracket pair ("John Doe john@example.com") still splits
//    into a name and an address; "mailto:" and doubled brackets are dropped;
//  - an unquoted "Last, First <a@x>" (Outlook address book entries) is one
//    person, not a bogus address "Last" and a person "First";
//  - "xn--" domains are shown in Unicode.
#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parser/charset.h"
#include "parser/encoded_words.h"
#include "parser/header_fields.h"
#include "parser/punycode.h"

namespace ticketd {

namespace {

enum class Kind { kText, kQuoted, kComment, kAngle, kComma, kColon, kSemicolon };

struct Token {
  Kind kind;
  std::string text;           // unescaped for quoted strings and comments
  bool space_before = false;  // white space separated it from the previous token
};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Length of an RFC 2047 encoded word at `pos`, or 0: it is kept as one text
// token so a ':' or ',' a sloppy client left inside it splits nothing.
std::size_t encoded_word_length(std::string_view s, std::size_t pos) {
  if (s.substr(pos, 2) != "=?") return 0;
  std::size_t q1 = s.find('?', pos + 2);
  if (q1 == std::string_view::npos || q1 + 2 >= s.size() || s[q1 + 2] != '?') return 0;
  std::size_t limit = std::min(s.size(), pos + 1024);
  for (std::size_t i = q1 + 3; i + 1 < limit; ++i) {
    if (is_space(s[i])) return 0;
    if (s[i] == '?' && s[i + 1] == '=') return i + 2 - pos;
  }
  return 0;
}

// Reads a delimited run starting after `open`; backslash escapes the next
// character (RFC 5322 quoted-pair); comments nest. An unterminated run ends
// at the end of the input.
std::string read_delimited(std::string_view s, std::size_t* pos, char open, char close) {
  std::string out;
  int depth = 1;
  std::size_t i = *pos + 1;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c == '\\' && i + 1 < s.size() && open != '<') {
      out += s[++i];
      continue;
    }
    if (c == open && open == '(') ++depth;
    if (c == close && --depth == 0) break;
    out += c;
  }
  *pos = i < s.size() ? i + 1 : s.size();
  return out;
}

std::vector<Token> tokenize(std::string_view s) {
  std::vector<Token> tokens;
  bool space = false;
  std::size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (is_space(c)) {
      space = true;
      ++i;
      continue;
    }
    Token t{Kind::kText, {}, space};
    space = false;
    switch (c) {
      case '"':
        t.kind = Kind::kQuoted;
        t.text = read_delimited(s, &i, '"', '"');
        break;
      case '(':
        t.kind = Kind::kComment;
        t.text = read_delimited(s, &i, '(', ')');
        break;
      case '<':
        t.kind = Kind::kAngle;
        t.text = read_delimited(s, &i, '<', '>');
        break;
      case ',':
        t.kind = Kind::kComma;
        ++i;
        break;
      case ':':
        t.kind = Kind::kColon;
        ++i;
        break;
      case ';':
        t.kind = Kind::kSemicolon;
        ++i;
        break;
      case '>':  // a stray closing bracket: noise
        ++i;
        continue;
      default: {
        std::size_t start = i;
        while (i < s.size()) {
          if (std::size_t ew = encoded_word_length(s, i)) {
            i += ew;
            continue;
          }
          char d = s[i];
          if (is_space(d) || d == '"' || d == '(' || d == '<' || d == '>' || d == ',' || d == ':' || d == ';') break;
          ++i;
        }
        t.text = std::string(s.substr(start, i - start));
      }
    }
    tokens.push_back(std::move(t));
  }
  return tokens;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

bool iequals_prefix(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

// The bare address: no white space, comments, "mailto:", extra brackets,
// quotes around the whole, or obsolete source route ("@relay:user@host",
// RFC 5322 section 4.4); the domain shown in Unicode.
std::string clean_address(std::string_view raw) {
  std::string a;
  int depth = 0;
  for (char c : raw) {
    if (c == '(') ++depth;
    if (depth == 0 && !is_space(c) && c != '<' && c != '>' && c != '\0') a += c;
    if (c == ')' && depth > 0) --depth;
  }
  std::string_view v = a;
  if (iequals_prefix(v, "mailto:")) v.remove_prefix(7);
  if (!v.empty() && v.front() == '@') {
    std::size_t colon = v.find(':');
    if (colon != std::string_view::npos) v.remove_prefix(colon + 1);
  }
  if (v.size() >= 2 && (v.front() == '\'' || v.front() == '"') && v.back() == v.front() &&
      v.find('@') != std::string_view::npos && v.substr(1, v.size() - 2).find('"') == std::string_view::npos) {
    v = v.substr(1, v.size() - 2);
  }
  std::size_t at = v.rfind('@');
  std::string out;
  if (at == std::string_view::npos) {
    out = std::string(v);
  } else {
    out = std::string(v.substr(0, at + 1)) + domain_to_unicode(v.substr(at + 1));
  }
  return sanitize_utf8(out);
}

// Joins the words of a display name as written, then decodes it.
std::string make_name(const std::vector<Token>& tokens, std::size_t begin, std::size_t end) {
  std::string raw;
  for (std::size_t i = begin; i < end; ++i) {
    const Token& t = tokens[i];
    if (t.kind != Kind::kText && t.kind != Kind::kQuoted) continue;
    if (!raw.empty() && t.space_before) raw += ' ';
    raw += t.text;
  }
  std::string name = decode_header_text(raw);
  // Some clients quote the name twice ("'John Doe'" or "\"John\"").
  if (name.size() >= 2 && (name.front() == '\'' || name.front() == '"') && name.back() == name.front()) {
    name = std::string(trim(std::string_view(name).substr(1, name.size() - 2)));
  }
  return name;
}

std::string comments_as_name(const std::vector<Token>& tokens) {
  std::string raw;
  for (const Token& t : tokens) {
    if (t.kind != Kind::kComment) continue;
    if (!raw.empty()) raw += ' ';
    raw += t.text;
  }
  return decode_header_text(raw);
}

bool has_at(const Token& t) {
  return (t.kind == Kind::kText || t.kind == Kind::kQuoted) && t.text.find('@') != std::string::npos;
}

// One mailbox from the tokens between two commas. `lone_word` is set when
// the entry is a single word with no '@' and no brackets: possibly the
// "Last" of an unquoted "Last, First <a@x>".
std::optional<Address> make_mailbox(const std::vector<Token>& tokens, bool* lone_word) {
  *lone_word = false;
  std::size_t angle = tokens.size();
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (tokens[i].kind == Kind::kAngle) angle = i;
  }
  Address a;
  if (angle < tokens.size()) {
    a.address = clean_address(tokens[angle].text);
    a.name = make_name(tokens, 0, angle);
    if (a.name.empty()) a.name = comments_as_name(tokens);
    if (a.address.empty()) return std::nullopt;  // "<>": the null sender
    return a;
  }

  std::size_t at = tokens.size();
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (has_at(tokens[i]) && tokens[i].kind == Kind::kText) {
      at = i;
      break;
    }
  }
  if (at == tokens.size()) {
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      if (has_at(tokens[i])) at = i;
    }
  }
  if (at == tokens.size()) {
    std::size_t words = 0;
    for (const Token& t : tokens) words += t.kind == Kind::kText || t.kind == Kind::kQuoted;
    if (words == 1 && tokens.size() == 1 && tokens[0].kind == Kind::kText) {
      *lone_word = true;
      a.address = clean_address(tokens[0].text);
      return a.address.empty() ? std::nullopt : std::optional<Address>(a);
    }
    return std::nullopt;
  }

  // The address is the '@' token and the tokens glued to it without white
  // space (a quoted local part, a comment in the middle).
  std::size_t first = at, last = at;
  while (first > 0 && !tokens[first].space_before && tokens[first - 1].kind != Kind::kComma) --first;
  while (last + 1 < tokens.size() && !tokens[last + 1].space_before &&
         (tokens[last + 1].kind == Kind::kText || tokens[last + 1].kind == Kind::kComment)) {
    ++last;
  }
  std::string raw_address;
  for (std::size_t i = first; i <= last; ++i) {
    if (tokens[i].kind == Kind::kQuoted) {
      raw_address += '"' + tokens[i].text + '"';
    } else if (tokens[i].kind == Kind::kText) {
      raw_address += tokens[i].text;
    }
  }
  a.address = clean_address(raw_address);
  std::vector<Token> rest;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (i < first || i > last) rest.push_back(tokens[i]);
  }
  a.name = make_name(rest, 0, rest.size());
  if (a.name.empty()) a.name = comments_as_name(rest);
  if (a.address.empty()) return std::nullopt;
  return a;
}

}  // namespace

std::vector<Address> parse_address_list(std::string_view raw) {
  std::vector<Token> tokens = tokenize(raw);
  std::vector<Address> out;
  std::vector<Token> entry;
  std::string pending_last_name;  // a lone word that may be "Last" of "Last, First <a@x>"
  std::optional<Address> pending_lone;

  auto flush_pending = [&] {
    if (pending_lone) out.push_back(*pending_lone);
    pending_lone.reset();
    pending_last_name.clear();
  };
  auto flush = [&] {
    if (entry.empty()) return;
    bool lone = false;
    std::optional<Address> a = make_mailbox(entry, &lone);
    bool had_angle = false;
    for (const Token& t : entry) had_angle = had_angle || t.kind == Kind::kAngle;
    if (a && pending_lone && had_angle && !a->name.empty()) {
      a->name = decode_header_text(pending_last_name) + ", " + a->name;
      pending_lone.reset();
      pending_last_name.clear();
    }
    flush_pending();
    if (a && lone) {
      pending_lone = a;
      pending_last_name = entry.front().text;
    } else if (a) {
      out.push_back(std::move(*a));
    }
    entry.clear();
  };

  for (Token& t : tokens) {
    switch (t.kind) {
      case Kind::kComma:
      case Kind::kSemicolon:  // the end of a group
        flush();
        break;
      case Kind::kColon: {
        // "name:" before any '@' or '<' opens a group (RFC 5322 3.4): the
        // words so far are the group's name, not an address.
        bool mailbox_started = false;
        for (const Token& e : entry) mailbox_started = mailbox_started || e.kind == Kind::kAngle || has_at(e);
        if (mailbox_started) {
          Token colon{Kind::kText, ":", t.space_before};
          entry.push_back(colon);
        } else {
          entry.clear();
          flush_pending();
        }
        break;
      }
      default:
        entry.push_back(std::move(t));
    }
  }
  flush();
  flush_pending();
  return out;
}

}  // namespace ticketd
