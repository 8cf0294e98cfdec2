#include "parser/transfer_encoding.h"

#include <array>

#include "parser/sha256.h"

namespace ticketd {
namespace {

constexpr std::array<signed char, 256> make_base64_table() {
  std::array<signed char, 256> t{};
  for (auto& v : t) v = -1;
  const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (int i = 0; i < 64; ++i) t[static_cast<unsigned char>(alphabet[i])] = static_cast<signed char>(i);
  // RFC 4648 §5 URL-safe letters, which a few webmail gateways emit.
  t[static_cast<unsigned char>('-')] = 62;
  t[static_cast<unsigned char>('_')] = 63;
  return t;
}
constexpr auto kBase64 = make_base64_table();

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// uuencode (Content-Transfer-Encoding: x-uuencode, old Outlook Express):
// "begin 644 name" ... "end"; each line starts with its length character.
std::string decode_uuencode(std::string_view body) {
  std::string out;
  std::size_t pos = 0;
  bool in_data = false;
  while (pos < body.size()) {
    std::size_t nl = body.find('\n', pos);
    std::string_view line = body.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? body.size() : nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!in_data) {
      if (line.starts_with("begin ")) in_data = true;
      continue;
    }
    if (line == "end" || line.empty()) break;
    std::size_t n = static_cast<std::size_t>((line[0] - 32) & 63);
    std::size_t i = 1;
    std::string bytes;
    while (bytes.size() < n && i < line.size()) {
      auto v = [&](std::size_t k) { return k < line.size() ? (line[k] - 32) & 63 : 0; };
      int a = v(i), b = v(i + 1), c = v(i + 2), d = v(i + 3);
      bytes += static_cast<char>((a << 2) | (b >> 4));
      bytes += static_cast<char>(((b & 15) << 4) | (c >> 2));
      bytes += static_cast<char>(((c & 3) << 6) | d);
      i += 4;
    }
    bytes.resize(std::min(bytes.size(), n));
    out += bytes;
  }
  return out;
}

}  // namespace

void Base64Decoder::feed(std::string_view encoded, std::string* out) {
  // Sized once for the most the input can carry and written through a
  // pointer: appending 3 bytes at a time cost a size check and a store of
  // the length per group (base64 of attachments was 5% of the daemon's
  // CPU). Trimmed to what was written at the end.
  const std::size_t start = out->size();
  out->resize(start + encoded.size() / 4 * 3 + 3);
  char* written = out->data() + start;
  const auto* p = reinterpret_cast<const unsigned char*>(encoded.data());
  const std::size_t n = encoded.size();
  std::size_t i = 0;
  while (i < n) {
    // Fast path, between groups only: whole groups of four alphabet
    // characters (the body of every well-formed line), and the line ends
    // between them.
    while (count_ == 0) {
      while (i + 4 <= n) {
        int a = kBase64[p[i]], b = kBase64[p[i + 1]], c = kBase64[p[i + 2]], d = kBase64[p[i + 3]];
        if ((a | b | c | d) < 0) break;
        unsigned v = (static_cast<unsigned>(a) << 18) | (static_cast<unsigned>(b) << 12) |
                     (static_cast<unsigned>(c) << 6) | static_cast<unsigned>(d);
        written[0] = static_cast<char>(v >> 16);
        written[1] = static_cast<char>((v >> 8) & 0xFF);
        written[2] = static_cast<char>(v & 0xFF);
        written += 3;
        i += 4;
      }
      while (i < n && (p[i] == '\n' || p[i] == '\r')) ++i;
      if (i + 4 > n || (kBase64[p[i]] | kBase64[p[i + 1]] | kBase64[p[i + 2]] | kBase64[p[i + 3]]) < 0) break;
    }
    if (i >= n) break;
    // Careful path, one character: "=" ends a group early, anything outside
    // the alphabet is skipped, and a group may span two calls.
    const unsigned char ch = p[i++];
    if (ch == '=') {
      written = flush_partial(written);
      continue;
    }
    int v = kBase64[ch];
    if (v < 0) continue;
    buffer_ = (buffer_ << 6) | static_cast<unsigned>(v);
    if (++count_ == 4) {
      written[0] = static_cast<char>((buffer_ >> 16) & 0xFF);
      written[1] = static_cast<char>((buffer_ >> 8) & 0xFF);
      written[2] = static_cast<char>(buffer_ & 0xFF);
      written += 3;
      buffer_ = 0;
      count_ = 0;
    }
  }
  out->resize(static_cast<std::size_t>(written - out->data()));
}

void Base64Decoder::finish(std::string* out) {
  char tail[2];
  out->append(tail, static_cast<std::size_t>(flush_partial(tail) - tail));
}

char* Base64Decoder::flush_partial(char* written) {
  // 2 characters carry one byte, 3 carry two; 1 carries nothing.
  if (count_ == 2) *written++ = static_cast<char>((buffer_ >> 4) & 0xFF);
  if (count_ == 3) {
    *written++ = static_cast<char>((buffer_ >> 10) & 0xFF);
    *written++ = static_cast<char>((buffer_ >> 2) & 0xFF);
  }
  buffer_ = 0;
  count_ = 0;
  return written;
}

std::string decode_base64_lenient(std::string_view encoded) {
  Base64Decoder decoder;
  std::string out;
  decoder.feed(encoded, &out);
  decoder.finish(&out);
  return out;
}

DecodedDigest digest_of_transfer_encoding(std::string_view body, std::string_view encoding) {
  Sha256 hash;
  std::uint64_t size = 0;
  auto add = [&](std::string_view bytes) {
    hash.update(bytes);
    size += bytes.size();
  };
  if (encoding == "base64") {
    // A piece at a time through one small buffer: a 10 MB attachment
    // decoded whole was a fresh 7.5 MB allocation, zero-filled and
    // faulted in page by page, for a hash.
    constexpr std::size_t kPiece = 64 << 10;
    Base64Decoder decoder;
    std::string decoded;
    decoded.reserve(kPiece / 4 * 3 + 3);
    for (std::size_t at = 0; at < body.size(); at += kPiece) {
      decoded.clear();
      decoder.feed(body.substr(at, kPiece), &decoded);
      add(decoded);
    }
    decoded.clear();
    decoder.finish(&decoded);
    add(decoded);
  } else {
    add(decode_transfer_encoding(body, encoding));  // rare for large attachments
  }
  DecodedDigest digest;
  digest.size = size;
  digest.sha256 = digest_hex(hash.finish());
  return digest;
}

std::string decode_quoted_printable_lenient(std::string_view encoded) {
  std::string out;
  out.reserve(encoded.size());
  std::size_t i = 0;
  while (i < encoded.size()) {
    char c = encoded[i];
    if (c != '=') {
      out += c;
      ++i;
      continue;
    }
    if (i + 2 < encoded.size() && hex_value(encoded[i + 1]) >= 0 && hex_value(encoded[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(encoded[i + 1]) * 16 + hex_value(encoded[i + 2]));
      i += 3;
      continue;
    }
    // A soft line break: "=" then optional blanks then CRLF or LF (or the end).
    std::size_t j = i + 1;
    while (j < encoded.size() && (encoded[j] == ' ' || encoded[j] == '\t')) ++j;
    if (j >= encoded.size()) {
      i = j;
      continue;
    }
    if (encoded[j] == '\n') {
      i = j + 1;
      continue;
    }
    if (encoded[j] == '\r' && j + 1 < encoded.size() && encoded[j + 1] == '\n') {
      i = j + 2;
      continue;
    }
    out += '=';  // a stray "=": kept as written (RFC 2045 §6.7 note 1)
    ++i;
  }
  return out;
}

std::string decode_transfer_encoding(std::string_view body, std::string_view encoding) {
  if (encoding == "base64") return decode_base64_lenient(body);
  if (encoding == "quoted-printable") return decode_quoted_printable_lenient(body);
  if (encoding == "x-uuencode" || encoding == "uuencode" || encoding == "x-uue") return decode_uuencode(body);
  return std::string(body);
}

}  // namespace ticketd
