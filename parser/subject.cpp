// normalize_subject: a subject without its reply and forward prefixes.
//
// Prefixes are removed from the front, repeatedly ("RE: Fwd: 回复: x"), in
// the forms clients write them: any case, a counter ("RE[2]:", "Re^2:",
// "Re(3):"), a space before the colon (French clients: "Re :"), an ASCII or
// full-width colon ("回复：", Chinese input methods type that one).
// Ticket tags like "[#1234]" are kept: they are not prefixes, and threading
// reads them. White space runs become one space.
#include <array>
#include <string>
#include <string_view>

#include "parser/header_fields.h"

namespace ticketd {

namespace {

// Reply and forward prefixes without their colon. ASCII ones match in any
// case. Sources: Thunderbird's mail.reply_prefixes, Outlook's localised
// builds, Foxmail, QQ Mail and NetEase.
constexpr std::array<std::string_view, 28> kPrefixes = {
    "re",   "fwd",  "fw",   "aw",   "wg",   "sv",   "vs",   "vb",   "antw", "tr",
    "rv",   "enc",  "res",  "odp",  "pd",   "ynt",  "rif",  "i",    "r",    "回复",
    "回覆", "答复", "答覆", "转发", "轉寄", "转寄", "轉發", "회신",
};

constexpr std::string_view kFullWidthColon = "\xEF\xBC\x9A";  // U+FF1A

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view trim_front(std::string_view s) {
  while (true) {
    if (!s.empty() && is_space(s.front())) {
      s.remove_prefix(1);
    } else if (s.substr(0, 3) == "\xE3\x80\x80") {  // U+3000 ideographic space
      s.remove_prefix(3);
    } else {
      return s;
    }
  }
}

bool iequals_ascii(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (x != b[i]) return false;
  }
  return true;
}

// The length of a prefix (with counter and colon) at the start of `s`, or 0.
std::size_t prefix_length(std::string_view s) {
  for (std::string_view p : kPrefixes) {
    if (s.size() < p.size() || !iequals_ascii(s.substr(0, p.size()), p)) continue;
    std::size_t i = p.size();
    // One-letter Italian "R:" and "I:" only with a colon right after: "R2-D2" stays.
    bool short_prefix = p.size() == 1;
    // A counter: "[2]", "(2)", "^2".
    if (!short_prefix && i < s.size() && (s[i] == '[' || s[i] == '(' || s[i] == '^')) {
      char close = s[i] == '[' ? ']' : s[i] == '(' ? ')' : 0;
      std::size_t j = i + 1;
      while (j < s.size() && s[j] >= '0' && s[j] <= '9') ++j;
      if (j > i + 1) {
        if (close == 0) {
          i = j;
        } else if (j < s.size() && s[j] == close) {
          i = j + 1;
        }
      }
    }
    if (!short_prefix) {
      while (i < s.size() && s[i] == ' ') ++i;  // "Re :" (French typography)
    }
    if (i < s.size() && s[i] == ':') return i + 1;
    if (s.substr(i, kFullWidthColon.size()) == kFullWidthColon) return i + kFullWidthColon.size();
  }
  return 0;
}

}  // namespace

std::string normalize_subject(std::string_view subject) {
  std::string_view s = trim_front(subject);
  // Each pass removes one prefix of at least two bytes: linear in the length.
  while (std::size_t n = prefix_length(s)) s = trim_front(s.substr(n));
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (is_space(c)) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace ticketd
