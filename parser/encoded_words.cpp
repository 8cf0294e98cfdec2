// RFC 2047 encoded words and RFC 2231 parameter values; see encoded_words.h.
//
// Leniency, and where it comes from:
//  - an encoded word is recognised even when glued to text
//    ("Re:=?utf-8?B?...?=") or holding spaces (some mobile clients), as
//    Python's email and Thunderbird do;
//  - adjacent encoded words lose the white space between them (RFC 2047
//    section 6.2) and, when they share a charset, their decoded bytes are
//    joined before conversion, so a character Outlook or Foxmail split across
//    two words (a GBK or UTF-8 sequence cut in half) comes back whole;
//  - base64 with stray characters or missing padding still decodes;
//  - an unknown or wrong charset on a word is detected (parser/charset.h);
//  - 8-bit bytes written raw in a header (no encoding at all: old Chinese
//    clients send GBK, new ones UTF-8) are detected the same way.
#include "parser/encoded_words.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parser/charset.h"

namespace ticketd {

namespace {

bool is_wsp(char c) { return c == ' ' || c == '\t'; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;  // '-' and '_': the URL-safe alphabet some webmails use
  if (c == '/' || c == '_') return 63;
  return -1;
}

// Decodes base64, skipping anything outside the alphabet and stopping at
// the first '='; a missing pad is not an error (RFC 2045 section 6.8 asks
// decoders to be forgiving).
std::string decode_b(std::string_view text) {
  std::string out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    if (c == '=') break;
    int v = base64_value(c);
    if (v < 0) continue;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  return out;
}

// RFC 2047 section 4.2: "_" is a space, "=XX" a byte; a broken "=" stays.
std::string decode_q(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '_') {
      out += ' ';
    } else if (c == '=' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

bool is_charset_char(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  return u > 0x20 && u < 0x7F && c != '?' && c != '=' && c != '"' && c != '(' && c != ')' && c != '<' &&
         c != '>' && c != ',' && c != ';' && c != ':';
}

struct EncodedWord {
  std::size_t end = 0;  // index just past "?="
  std::string charset;  // without an RFC 2231 "*lang" suffix
  std::string bytes;    // decoded, still in `charset`
};

// Reads an encoded word starting at `pos` (which points at "=?").
// `*no_close_from` remembers where a search for "?=" already failed, so a
// hostile header full of "=?x?q?" openers costs linear time, not quadratic.
std::optional<EncodedWord> read_encoded_word(std::string_view s, std::size_t pos, std::size_t* no_close_from) {
  std::size_t i = pos + 2;
  std::size_t cs_begin = i;
  while (i < s.size() && is_charset_char(s[i])) ++i;
  if (i == cs_begin || i >= s.size() || s[i] != '?' || i - cs_begin > 64) return std::nullopt;
  std::string_view charset = s.substr(cs_begin, i - cs_begin);
  ++i;
  if (i + 1 >= s.size() || s[i + 1] != '?') return std::nullopt;
  char enc = s[i];
  if (enc != 'B' && enc != 'b' && enc != 'Q' && enc != 'q') return std::nullopt;
  i += 2;
  if (i >= *no_close_from) return std::nullopt;
  std::size_t close = s.find("?=", i);
  if (close == std::string_view::npos) {
    *no_close_from = i;
    return std::nullopt;
  }
  std::string_view text = s.substr(i, close - i);
  EncodedWord w;
  w.end = close + 2;
  w.charset = std::string(charset.substr(0, charset.find('*')));  // RFC 2231 section 5: charset*lang
  w.bytes = (enc == 'B' || enc == 'b') ? decode_b(text) : decode_q(text);
  return w;
}

// A run of header text: raw bytes as written, or the joined bytes of
// adjacent encoded words in one charset.
struct Run {
  bool encoded = false;
  std::string charset;
  std::string bytes;
};

bool same_charset(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// Unfolds (RFC 5322 section 2.2.3: a CRLF before white space is removed)
// and turns any other CR or LF into a space, so no line break survives.
std::string unfold(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '\r' || c == '\n') {
      std::size_t j = i;
      while (j < raw.size() && (raw[j] == '\r' || raw[j] == '\n')) ++j;
      bool folded = (j < raw.size() && is_wsp(raw[j])) || (!out.empty() && is_wsp(out.back()));
      if (!folded && !out.empty() && j < raw.size()) out += ' ';
      i = j - 1;
      continue;
    }
    out += c;
  }
  return out;
}

// Drops NUL and the other C0 controls but TAB, and DEL: they have no place
// in a subject or a name, and an encoded word can smuggle a CR or LF in.
std::string strip_controls(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u == '\r' || u == '\n') {
      if (!out.empty() && out.back() != ' ') out += ' ';
      continue;
    }
    if ((u < 0x20 && u != '\t') || u == 0x7F) continue;
    out += c;
  }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_wsp(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_wsp(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string decode_header_text(std::string_view raw) {
  std::string text = unfold(raw);
  std::string_view s = text;

  std::vector<Run> runs;
  std::size_t no_close_from = std::string_view::npos;
  std::size_t i = 0;
  while (i < s.size()) {
    if (s[i] == '=' && i + 1 < s.size() && s[i + 1] == '?') {
      if (std::optional<EncodedWord> w = read_encoded_word(s, i, &no_close_from)) {
        // The previous run is an encoded word only when nothing but white
        // space came between (skipped below): join bytes of one charset.
        if (!runs.empty() && runs.back().encoded && same_charset(runs.back().charset, w->charset)) {
          runs.back().bytes += w->bytes;
        } else {
          runs.push_back(Run{true, w->charset, std::move(w->bytes)});
        }
        i = w->end;
        // White space between two encoded words is dropped (RFC 2047 6.2).
        std::size_t j = i;
        while (j < s.size() && is_wsp(s[j])) ++j;
        if (j > i && j + 1 < s.size() && s[j] == '=' && s[j + 1] == '?' && read_encoded_word(s, j, &no_close_from)) i = j;
        continue;
      }
    }
    if (runs.empty() || runs.back().encoded) runs.push_back(Run{});
    runs.back().bytes += s[i];
    ++i;
  }

  std::string out;
  out.reserve(text.size());
  for (const Run& run : runs) {
    out += run.encoded ? to_utf8(run.bytes, run.charset) : to_utf8(run.bytes, "");
  }
  return std::string(trim(strip_controls(out)));
}

std::string decode_rfc2231_value(std::string_view raw) {
  std::string_view v = trim(raw);
  // Some clients quote the extended value although RFC 2231 forbids it.
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);

  std::string charset;
  std::size_t first = v.find('\'');
  std::size_t second = first == std::string_view::npos ? first : v.find('\'', first + 1);
  bool has_charset = second != std::string_view::npos;
  if (has_charset) {
    charset = std::string(v.substr(0, first));
    v = v.substr(second + 1);
  }
  std::string bytes;
  bytes.reserve(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '%' && i + 2 < v.size() && hex_value(v[i + 1]) >= 0 && hex_value(v[i + 2]) >= 0) {
      bytes += static_cast<char>(hex_value(v[i + 1]) * 16 + hex_value(v[i + 2]));
      i += 2;
    } else {
      bytes += v[i];
    }
  }
  // Without a charset prefix an RFC 2047 word inside is what the client meant.
  if (!has_charset && bytes.find("=?") != std::string::npos) return decode_header_text(bytes);
  return std::string(trim(strip_controls(to_utf8(bytes, charset))));
}

}  // namespace ticketd
