#include "parser/safe_filename.h"

namespace ticketd {
namespace {

constexpr std::size_t kMaxBytes = 200;

// Length of the UTF-8 sequence starting with `lead`, 1 for anything else
// (the input is valid UTF-8 by contract; this only keeps us in bounds).
std::size_t sequence_length(unsigned char lead) {
  if (lead >= 0xF0) return 4;
  if (lead >= 0xE0) return 3;
  if (lead >= 0xC0) return 2;
  return 1;
}

bool is_trimmed(char c) { return c == ' ' || c == '.' || c == '\t'; }

// Truncates to at most `max` bytes without splitting a UTF-8 sequence.
std::string utf8_prefix(std::string_view s, std::size_t max) {
  std::size_t end = 0;
  while (end < s.size()) {
    std::size_t n = sequence_length(static_cast<unsigned char>(s[end]));
    if (end + n > max) break;
    end += n;
  }
  return std::string(s.substr(0, std::min(end, s.size())));
}

}  // namespace

std::string safe_filename(std::string_view name, std::string_view fallback) {
  std::size_t cut = name.find_last_of("/\\");
  if (cut != std::string_view::npos) name = name.substr(cut + 1);
  std::string out;
  out.reserve(name.size());
  for (std::size_t i = 0; i < name.size();) {
    unsigned char c = static_cast<unsigned char>(name[i]);
    std::size_t n = std::min(sequence_length(c), name.size() - i);
    std::string_view seq = name.substr(i, n);
    i += n;
    if (c < 0x20 || c == 0x7F) continue;
    // C1 controls U+0080..U+009F.
    if (n == 2 && c == 0xC2 && static_cast<unsigned char>(seq[1]) < 0xA0) continue;
    // Bidi embeddings/overrides U+202A..U+202E and isolates U+2066..U+2069,
    // used to make "gpj.exe" read as "exe.jpg"; and U+FEFF, U+200B..U+200F.
    if (n == 3 && c == 0xE2 && static_cast<unsigned char>(seq[1]) == 0x80) {
      unsigned char t = static_cast<unsigned char>(seq[2]);
      if ((t >= 0xAA && t <= 0xAE) || (t >= 0x8B && t <= 0x8F)) continue;
    }
    if (n == 3 && c == 0xE2 && static_cast<unsigned char>(seq[1]) == 0x81) {
      unsigned char t = static_cast<unsigned char>(seq[2]);
      if (t >= 0xA6 && t <= 0xA9) continue;
    }
    if (n == 3 && c == 0xEF && static_cast<unsigned char>(seq[1]) == 0xBB && static_cast<unsigned char>(seq[2]) == 0xBF)
      continue;
    if (n == 1 && (c == ':' || c == '*' || c == '?' || c == '"' || c == '<' || c == '>' || c == '|')) {
      out += '_';
      continue;
    }
    out.append(seq);
  }
  std::size_t start = 0;
  while (start < out.size() && is_trimmed(out[start])) ++start;
  std::size_t end = out.size();
  while (end > start && is_trimmed(out[end - 1])) --end;
  out = out.substr(start, end - start);
  if (out.size() > kMaxBytes) {
    std::size_t dot = out.rfind('.');
    std::string ext = (dot != std::string::npos && out.size() - dot <= 16) ? out.substr(dot) : std::string();
    out = utf8_prefix(out, kMaxBytes - ext.size()) + ext;
  }
  if (out.empty()) return std::string(fallback);
  return out;
}

}  // namespace ticketd
