// Content-Transfer-Encoding for outgoing parts; see body_encoder.h.
#include "parser/body_encoder.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace ticketd {

namespace {

constexpr std::size_t kMaxLine = 76;  // RFC 2045 sections 6.7 and 6.8
constexpr std::string_view kBase64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kHex[] = "0123456789ABCDEF";

}  // namespace

std::string encode_base64_lines(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4 * 78 / 76 + 4);
  std::size_t line = 0;
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    std::uint32_t n = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16;
    if (i + 1 < bytes.size()) n |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8;
    if (i + 2 < bytes.size()) n |= static_cast<unsigned char>(bytes[i + 2]);
    out += kBase64[(n >> 18) & 63];
    out += kBase64[(n >> 12) & 63];
    out += i + 1 < bytes.size() ? kBase64[(n >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? kBase64[n & 63] : '=';
    line += 4;
    if (line >= kMaxLine) {
      out += "\r\n";
      line = 0;
    }
  }
  if (line > 0) out += "\r\n";
  return out;
}

std::string encode_quoted_printable(std::string_view text) {
  std::string out;
  out.reserve(text.size() * 3 / 2);
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t nl = text.find('\n', start);
    bool last = nl == std::string_view::npos;
    std::string_view line = text.substr(start, last ? std::string_view::npos : nl - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (last && line.empty()) break;  // the text ended with its line break

    std::size_t column = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
      unsigned char c = static_cast<unsigned char>(line[i]);
      bool at_end = i + 1 == line.size();
      bool literal = (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !at_end);
      // "From " at the start of a line becomes ">From " in mbox files.
      if (i == 0 && c == 'F' && line.substr(0, 5) == "From ") literal = false;
      // The character or its "=XX", in place: a std::string per character
      // was most of this function's time (agent notices quote whole mails).
      const char piece[3] = {literal ? static_cast<char>(c) : '=', kHex[c >> 4], kHex[c & 15]};
      const std::size_t length = literal ? 1 : 3;
      // A soft break keeps every line within 76 characters, the "=" included;
      // the last piece of a line may use the column the "=" would take.
      std::size_t room = at_end ? kMaxLine : kMaxLine - 1;
      if (column + length > room) {
        out += "=\r\n";
        column = 0;
      }
      out.append(piece, length);
      column += length;
    }
    if (last) break;  // a text without a final line break gets none
    out += "\r\n";
    start = nl + 1;
  }
  return out;
}

std::string choose_transfer_encoding(std::string_view text) {
  std::size_t non_ascii = 0, line = 0, longest = 0;
  for (char ch : text) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (c >= 0x80) ++non_ascii;
    line = ch == '\n' ? 0 : line + 1;
    if (line > longest) longest = line;
  }
  if (non_ascii == 0 && longest <= kMaxLine) return "7bit";
  // Quoted-printable costs three characters per non-ASCII byte; past about
  // one byte in six, base64's fixed third is smaller and no less readable.
  if (non_ascii * 6 <= text.size()) return "quoted-printable";
  return "base64";
}

std::string encode_body(std::string_view text, std::string_view encoding) {
  if (encoding == "base64") {
    std::string crlf;
    crlf.reserve(text.size() + text.size() / 32);
    for (char c : text) {
      if (c == '\n') crlf += '\r';
      crlf += c;
    }
    return encode_base64_lines(crlf);
  }
  if (encoding == "quoted-printable") return encode_quoted_printable(text);
  std::string out;
  out.reserve(text.size() + text.size() / 32 + 2);
  for (char c : text) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

}  // namespace ticketd
