#include "rules/text_fold.h"

#include <cstdint>

namespace ticketd {
namespace {

// Simple case folding of one code point, for the blocks named in the header.
// Ranges follow Unicode's CaseFolding.txt; irregular points are spelled out.
char32_t fold_code_point(char32_t c) {
  if (c < 0x80) return (c >= 'A' && c <= 'Z') ? c + 0x20 : c;
  if (c < 0x100) {
    if (c == 0xB5) return 0x3BC;  // MICRO SIGN folds to Greek mu
    if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 0x20;
    return c;
  }
  if (c <= 0x17F) {  // Latin Extended-A: mostly upper/lower pairs
    if (c == 0x130 || c == 0x131 || c == 0x138 || c == 0x149) return c;  // dotted I, dotless i, kra, 'n: no simple fold
    if (c == 0x178) return 0xFF;   // Ÿ -> ÿ
    if (c == 0x17F) return 's';    // long s
    if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)) return (c % 2 == 1) ? c + 1 : c;
    return (c % 2 == 0) ? c + 1 : c;
  }
  if (c >= 0x370 && c <= 0x3FF) {  // Greek
    if (c >= 0x391 && c <= 0x3AB && c != 0x3A2) return c + 0x20;
    if (c == 0x386) return 0x3AC;
    if (c >= 0x388 && c <= 0x38A) return c + 0x25;
    if (c == 0x38C) return 0x3CC;
    if (c == 0x38E || c == 0x38F) return c + 0x3F;
    if (c == 0x3C2) return 0x3C3;  // final sigma folds to sigma
    return c;
  }
  if (c >= 0x400 && c <= 0x52F) {  // Cyrillic + Cyrillic Supplement
    if (c <= 0x40F) return c + 0x50;
    if (c <= 0x42F) return c + 0x20;
    if (c < 0x460) return c;
    if ((c <= 0x481) || (c >= 0x48A && c <= 0x4BF) || (c >= 0x4D0)) return (c % 2 == 0) ? c + 1 : c;
    if (c == 0x4C0) return 0x4CF;
    if (c >= 0x4C1 && c <= 0x4CE) return (c % 2 == 1) ? c + 1 : c;
    return c;
  }
  // Fullwidth ASCII (Chinese input methods type ＶＩＰ, ＯＫ, ＃１２３):
  // width-folded to ASCII, then case-folded, so "vip" finds "ＶＩＰ".
  if (c >= 0xFF01 && c <= 0xFF5E) return fold_code_point(c - 0xFEE0);
  return c;
}

void append_utf8(char32_t c, std::string* out) {
  if (c < 0x80) {
    out->push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (c >> 6)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (c >> 12)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (c >> 18)));
    out->push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

}  // namespace

std::string fold_case(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    if (b0 < 0x80) {  // fast path: ASCII
      out.push_back(static_cast<char>((b0 >= 'A' && b0 <= 'Z') ? b0 + 0x20 : b0));
      ++i;
      continue;
    }
    // Only 2- and 3-byte sequences hold letters we fold; decode those and
    // copy everything else (4-byte sequences, stray bytes) unchanged.
    if ((b0 & 0xE0) == 0xC0 && i + 1 < s.size() && (static_cast<unsigned char>(s[i + 1]) & 0xC0) == 0x80) {
      const char32_t c = (char32_t(b0 & 0x1F) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3F);
      if (c >= 0x80) {
        append_utf8(fold_code_point(c), &out);
        i += 2;
        continue;
      }
    } else if ((b0 & 0xF0) == 0xE0 && i + 2 < s.size() &&
               (static_cast<unsigned char>(s[i + 1]) & 0xC0) == 0x80 &&
               (static_cast<unsigned char>(s[i + 2]) & 0xC0) == 0x80) {
      const char32_t c = (char32_t(b0 & 0x0F) << 12) | (char32_t(static_cast<unsigned char>(s[i + 1]) & 0x3F) << 6) |
                         (static_cast<unsigned char>(s[i + 2]) & 0x3F);
      if (c >= 0x800) {
        append_utf8(c >= 0xFF01 ? fold_code_point(c) : c, &out);  // CJK and the rest: unchanged
        i += 3;
        continue;
      }
    }
    out.push_back(static_cast<char>(b0));
    ++i;
  }
  return out;
}

std::string_view utf8_prefix(std::string_view s, std::size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  std::size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  return s.substr(0, end);
}

}  // namespace ticketd
