#include "daemon/imap_utf7.h"

#include <cstdint>
#include <vector>

namespace ticketd {
namespace {

constexpr char kBase64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == ',') return 63;
  return -1;
}

// Reads one UTF-8 code point at s[*i], advancing *i; false on malformed input
// (overlong forms, surrogates and values above U+10FFFF included).
bool next_code_point(std::string_view s, std::size_t* i, char32_t* cp) {
  const auto b0 = static_cast<unsigned char>(s[*i]);
  int len = b0 < 0x80 ? 1 : (b0 >> 5) == 0x6 ? 2 : (b0 >> 4) == 0xe ? 3 : (b0 >> 3) == 0x1e ? 4 : 0;
  if (len == 0 || *i + len > s.size()) return false;
  char32_t v = len == 1 ? b0 : len == 2 ? (b0 & 0x1f) : len == 3 ? (b0 & 0x0f) : (b0 & 0x07);
  for (int k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[*i + k]);
    if ((b >> 6) != 0x2) return false;
    v = (v << 6) | (b & 0x3f);
  }
  static constexpr char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (v < kMin[len] || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) return false;
  *i += len;
  *cp = v;
  return true;
}

void append_utf8(char32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xc0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xe0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else {
    out->push_back(static_cast<char>(0xf0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  }
}

void flush_run(std::vector<std::uint8_t>* utf16, std::string* out) {
  if (utf16->empty()) return;
  out->push_back('&');
  std::uint32_t bits = 0;
  int nbits = 0;
  for (std::uint8_t byte : *utf16) {
    bits = (bits << 8) | byte;
    nbits += 8;
    while (nbits >= 6) {
      nbits -= 6;
      out->push_back(kBase64[(bits >> nbits) & 0x3f]);
    }
  }
  if (nbits > 0) out->push_back(kBase64[(bits << (6 - nbits)) & 0x3f]);
  out->push_back('-');
  utf16->clear();
}

}  // namespace

bool encode_imap_utf7(std::string_view utf8, std::string* out, std::string* err) {
  out->clear();
  std::vector<std::uint8_t> run;  // UTF-16BE bytes of the pending non-ASCII run
  for (std::size_t i = 0; i < utf8.size();) {
    const std::size_t at = i;
    char32_t cp;
    if (!next_code_point(utf8, &i, &cp)) {
      *err = "folder name is not valid UTF-8 at byte " + std::to_string(at);
      return false;
    }
    if (cp >= 0x20 && cp <= 0x7e) {
      flush_run(&run, out);
      out->append(cp == '&' ? "&-" : std::string(1, static_cast<char>(cp)));
      continue;
    }
    auto push16 = [&run](char32_t unit) {
      run.push_back(static_cast<std::uint8_t>(unit >> 8));
      run.push_back(static_cast<std::uint8_t>(unit & 0xff));
    };
    if (cp >= 0x10000) {  // RFC 2781 surrogate pair
      push16(0xd800 + ((cp - 0x10000) >> 10));
      push16(0xdc00 + ((cp - 0x10000) & 0x3ff));
    } else {
      push16(cp);
    }
  }
  flush_run(&run, out);
  return true;
}

bool decode_imap_utf7(std::string_view in, std::string* out, std::string* err) {
  out->clear();
  for (std::size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e) {
      *err = "folder name from the server is not 7-bit at byte " + std::to_string(i);
      return false;
    }
    if (c != '&') {
      out->push_back(c);
      continue;
    }
    const std::size_t start = i;
    const std::size_t end = in.find('-', i + 1);
    if (end == std::string_view::npos) {
      *err = "unterminated &...- run in folder name at byte " + std::to_string(start);
      return false;
    }
    if (end == i + 1) {  // "&-" is "&"
      out->push_back('&');
      i = end;
      continue;
    }
    std::uint32_t bits = 0;
    int nbits = 0;
    char16_t high = 0;  // pending high surrogate
    bool bad = false;
    for (std::size_t k = i + 1; k < end && !bad; ++k) {
      const int v = base64_value(in[k]);
      if (v < 0) {
        *err = "bad character in folder name at byte " + std::to_string(k);
        return false;
      }
      bits = (bits << 6) | static_cast<std::uint32_t>(v);
      nbits += 6;
      if (nbits < 16) continue;
      nbits -= 16;
      const auto unit = static_cast<char16_t>((bits >> nbits) & 0xffff);
      if (unit >= 0xd800 && unit <= 0xdbff) {
        bad = high != 0;
        high = unit;
      } else if (unit >= 0xdc00 && unit <= 0xdfff) {
        bad = high == 0;
        if (!bad) append_utf8(0x10000 + ((char32_t(high) - 0xd800) << 10) + (unit - 0xdc00), out);
        high = 0;
      } else {
        bad = high != 0 || (unit >= 0x20 && unit <= 0x7e);
        append_utf8(unit, out);
      }
    }
    // Leftover bits must be zero padding of less than one unit (RFC 3501
    // forbids encoding printable ASCII and requires shortest form).
    if (bad || high || nbits >= 6 || (bits & ((1u << nbits) - 1)) != 0) {
      *err = "malformed &...- run in folder name at byte " + std::to_string(start);
      return false;
    }
    i = end;
  }
  return true;
}

}  // namespace ticketd
