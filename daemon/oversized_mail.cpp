#include "daemon/oversized_mail.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace ticketd {

namespace {

// The fields that describe the body we are not taking (RFC 2045 3, RFC 2183).
bool describes_content(std::string_view field) {
  static constexpr std::array<std::string_view, 4> kNames = {"content-type", "content-transfer-encoding",
                                                             "content-disposition", "mime-version"};
  std::size_t colon = field.find(':');
  if (colon == std::string_view::npos) return false;
  std::string_view name = field.substr(0, colon);
  while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
  return std::any_of(kNames.begin(), kNames.end(), [&](std::string_view known) {
    return known.size() == name.size() &&
           std::equal(known.begin(), known.end(), name.begin(),
                      [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); });
  });
}

}  // namespace

std::string oversized_mail_stand_in(std::string_view header, std::uint64_t limit_bytes, std::string_view folder,
                                    std::uint32_t uid) {
  std::string out;
  out.reserve(header.size() + 512);
  bool dropping = false;  // inside a dropped field, its continuation lines too (RFC 5322 2.2.3)
  std::size_t at = 0;
  while (at < header.size()) {
    std::size_t end = header.find('\n', at);
    std::size_t next = end == std::string_view::npos ? header.size() : end + 1;
    std::string_view line = header.substr(at, next - at);
    at = next;
    std::string_view bare = line;
    while (!bare.empty() && (bare.back() == '\n' || bare.back() == '\r')) bare.remove_suffix(1);
    if (bare.empty()) break;  // the blank line that ends the header block
    if (bare.front() != ' ' && bare.front() != '\t') dropping = describes_content(bare);
    if (dropping) continue;
    out.append(bare);
    out.append("\r\n");
  }
  out += "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n";
  out += fmt::format(
      "[ticketd] This mail is too large to take in: it is over {} bytes, the limit for fetching a mail. "
      "Only its header was read. The whole mail stays in the mailbox folder \"{}\" (UID {}), marked processed.\r\n",
      limit_bytes, folder, uid);
  return out;
}

}  // namespace ticketd
