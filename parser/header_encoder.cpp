// Writing header fields for outgoing mail; see header_encoder.h.
#include "parser/header_encoder.h"

#include <string>
#include <string_view>
#include <vector>

#include "parser/charset.h"
#include "parser/punycode.h"

namespace ticketd {

namespace {

// RFC 5322 section 2.1.1: 78 characters a line, CRLF excluded.
constexpr std::size_t kLineLimit = 78;
// Bytes of UTF-8 per encoded word: 36 bytes are 48 base64 characters, and
// "=?UTF-8?B?" + 48 + "?=" is 60, which leaves room for "Subject: " on the
// first line and stays under RFC 2047's 75.
constexpr std::size_t kWordBytes = 36;
// Percent-encoded characters per RFC 2231 section 3 continuation.
constexpr std::size_t kParameterChunk = 48;

constexpr std::string_view kBase64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    std::uint32_t n = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) n |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    if (i + 2 < bytes.size()) n |= static_cast<unsigned char>(bytes[i + 2]);
    out += kBase64[(n >> 18) & 63];
    out += kBase64[(n >> 12) & 63];
    out += i + 1 < bytes.size() ? kBase64[(n >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? kBase64[n & 63] : '=';
  }
  return out;
}

std::size_t utf8_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead >> 5) == 0x6) return 2;
  if ((lead >> 4) == 0xE) return 3;
  return 4;
}

bool is_ascii(std::string_view s) {
  for (unsigned char c : s) {
    if (c >= 0x80) return false;
  }
  return true;
}

// RFC 5322 atext: what a display name may hold unquoted.
bool is_atext(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}

// RFC 2231 attribute-char: sent unescaped in an extended value.
bool is_attribute_char(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$&+-.^_`|~").find(c) != std::string_view::npos;
}

std::vector<std::string> split_spaces(std::string_view s) {
  std::vector<std::string> words;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == ' ') {
      words.emplace_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return words;
}

// "Name: tok tok tok\r\n", folded before a token that would pass the limit.
std::string fold(std::string_view name, const std::vector<std::string>& tokens) {
  std::string out(name);
  out += ':';
  std::size_t line = out.size();
  bool first = true;
  for (const std::string& t : tokens) {
    if (!first && line + 1 + t.size() > kLineLimit) {
      out += "\r\n";
      line = 0;
    }
    out += ' ';
    out += t;
    line += 1 + t.size();
    first = false;
  }
  out += "\r\n";
  return out;
}

bool needs_encoding(std::string_view word) {
  return !is_ascii(word) || word.find("=?") != std::string_view::npos || word.size() > kLineLimit - 10;
}

// The bare address made safe to write between angle brackets: nothing that
// could close the bracket or start another address, the domain in ASCII.
std::string safe_address(std::string_view raw) {
  std::string a;
  for (char c : header_safe_value(raw)) {
    if (c == ' ' || c == '<' || c == '>' || c == ',' || c == ';' || c == '"' || c == '(' || c == ')' || c == '\\') {
      continue;
    }
    a += c;
  }
  std::size_t at = a.rfind('@');
  if (at == std::string::npos) return a;
  return a.substr(0, at + 1) + domain_to_ascii(a.substr(at + 1));
}

std::vector<std::string> name_tokens(std::string_view raw_name) {
  std::string name;
  for (char c : header_safe_value(raw_name)) {
    if (c == ' ' && !name.empty() && name.back() == ' ') continue;  // one space between words
    name += c;
  }
  if (name.empty()) return {};
  if (needs_encoding(name)) return encode_words(name);
  bool plain = true;
  for (char c : name) plain = plain && (is_atext(c) || c == ' ');
  if (plain) return split_spaces(name);
  // A quoted string (RFC 5322 3.2.4) for names with specials: "Doe, Jane".
  std::string quoted = "\"";
  for (char c : name) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  quoted += '"';
  return split_spaces(quoted);
}

}  // namespace

std::string header_safe_value(std::string_view text) {
  std::string clean = sanitize_utf8(text);
  std::string out;
  out.reserve(clean.size());
  for (char c : clean) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '\r' || c == '\n' || c == '\t') {
      if (!out.empty() && out.back() != ' ') out += ' ';
      continue;
    }
    if (u < 0x20 || u == 0x7F) continue;
    out += c;
  }
  std::size_t begin = out.find_first_not_of(' ');
  if (begin == std::string::npos) return {};
  std::size_t end = out.find_last_not_of(' ');
  return out.substr(begin, end - begin + 1);
}

std::string header_safe_name(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c > 32 && c < 127 && c != ':') out += c;
  }
  return out;
}

std::vector<std::string> encode_words(std::string_view utf8) {
  std::string text = sanitize_utf8(utf8);
  std::vector<std::string> words;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = start;
    // Whole characters only: a word never ends inside a UTF-8 sequence, so
    // clients that decode word by word still show every character.
    while (end < text.size()) {
      std::size_t n = utf8_length(static_cast<unsigned char>(text[end]));
      if (end + n - start > kWordBytes && end > start) break;
      end += n;
    }
    if (end > text.size()) end = text.size();
    words.push_back("=?UTF-8?B?" + base64(std::string_view(text).substr(start, end - start)) + "?=");
    start = end;
  }
  return words;
}

std::string unstructured_field(std::string_view name, std::string_view value) {
  std::vector<std::string> words = split_spaces(header_safe_value(value));
  const std::size_t n = words.size();
  std::vector<bool> need(n);
  for (std::size_t i = 0; i < n; ++i) need[i] = needs_encoding(words[i]);
  // An empty word (two spaces in a row) between two encoded words must be
  // encoded with them: white space between encoded words is dropped.
  for (std::size_t i = 0; i < n; ++i) {
    if (!words[i].empty()) continue;
    std::size_t l = i, r = i;
    while (l > 0 && words[l].empty()) --l;
    while (r + 1 < n && words[r].empty()) ++r;
    need[i] = need[l] && need[r] && !words[l].empty() && !words[r].empty();
  }
  std::vector<std::string> tokens;
  for (std::size_t i = 0; i < n;) {
    if (!need[i]) {
      tokens.push_back(words[i]);
      ++i;
      continue;
    }
    std::string run = words[i];
    std::size_t j = i + 1;
    for (; j < n && need[j]; ++j) run += " " + words[j];
    for (std::string& w : encode_words(run)) tokens.push_back(std::move(w));
    i = j;
  }
  if (tokens.empty()) tokens.emplace_back();
  return fold(header_safe_name(name), tokens);
}

std::string address_field(std::string_view name, const std::vector<Address>& addresses) {
  std::vector<std::string> tokens;
  for (const Address& a : addresses) {
    std::string address = safe_address(a.address);
    if (address.empty()) continue;
    if (!tokens.empty()) tokens.back() += ',';
    std::vector<std::string> words = name_tokens(a.name);
    if (words.empty()) {
      tokens.push_back(address);
    } else {
      for (std::string& w : words) tokens.push_back(std::move(w));
      tokens.push_back("<" + address + ">");
    }
  }
  return fold(header_safe_name(name), tokens);
}

std::string token_field(std::string_view name, const std::vector<std::string>& tokens) {
  std::vector<std::string> clean;
  for (const std::string& t : tokens) {
    std::string c;
    for (char ch : header_safe_value(t)) {
      if (ch != ' ') c += ch;
    }
    if (!c.empty()) clean.push_back(std::move(c));
  }
  return fold(header_safe_name(name), clean);
}

std::vector<std::string> mime_parameter(std::string_view attribute, std::string_view value) {
  std::string attr = header_safe_name(attribute);
  std::string v = header_safe_value(value);
  if (is_ascii(v) && v.size() <= kParameterChunk && v.find("=?") == std::string::npos) {
    std::string quoted = attr + "=\"";
    for (char c : v) {
      if (c == '"' || c == '\\') quoted += '\\';
      quoted += c;
    }
    return {quoted + "\""};
  }
  // RFC 2231: charset'language'percent-encoded, in continuations cut at
  // character boundaries so each section is readable on its own.
  std::vector<std::string> chunks(1);
  for (std::size_t i = 0; i < v.size();) {
    std::size_t n = utf8_length(static_cast<unsigned char>(v[i]));
    std::string piece;
    for (std::size_t k = 0; k < n && i + k < v.size(); ++k) {
      char c = v[i + k];
      if (is_attribute_char(c)) {
        piece += c;
      } else {
        static constexpr char kHex[] = "0123456789ABCDEF";
        unsigned char u = static_cast<unsigned char>(c);
        piece += '%';
        piece += kHex[u >> 4];
        piece += kHex[u & 15];
      }
    }
    if (chunks.back().size() + piece.size() > kParameterChunk && !chunks.back().empty()) chunks.emplace_back();
    chunks.back() += piece;
    i += n;
  }
  if (chunks.size() == 1) return {attr + "*=utf-8''" + chunks[0]};
  std::vector<std::string> out;
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    out.push_back(attr + "*" + std::to_string(i) + "*=" + (i == 0 ? "utf-8''" : "") + chunks[i]);
  }
  return out;
}

}  // namespace ticketd
