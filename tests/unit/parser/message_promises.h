// The promises of parser/message.h, checked on a parsed Message. Shared by
// the unit tests (corpus, regressions) and the libFuzzer target, so every
// input the fuzzer ever tries is held to the same contract.
#pragma once

#include <string>

#include "parser/charset.h"
#include "parser/message.h"

namespace ticketd::testing {

// Empty when every promise holds; otherwise the first broken one.
inline std::string broken_promise(const Message& m) {
  auto header_safe = [](const std::string& s) {
    return is_valid_utf8(s) && s.find_first_of(std::string("\r\n\0", 3)) == std::string::npos;
  };
  auto id_ok = [&](const std::string& id) {
    return header_safe(id) && id.find_first_of("<>") == std::string::npos;
  };
  if (!m.message_id.empty() && !id_ok(m.message_id)) return "message_id: " + m.message_id;
  if (!m.in_reply_to.empty() && !id_ok(m.in_reply_to)) return "in_reply_to";
  for (const std::string& r : m.references)
    if (r.empty() || !id_ok(r)) return "references";
  if (!m.bounced_message_id.empty() && !id_ok(m.bounced_message_id)) return "bounced_message_id";
  auto address_ok = [&](const Address& a) { return header_safe(a.name) && header_safe(a.address); };
  if (!address_ok(m.from)) return "from";
  for (const auto* list : {&m.to, &m.cc, &m.reply_to})
    for (const Address& a : *list)
      if (!address_ok(a)) return "address list";
  if (!header_safe(m.return_path)) return "return_path";
  if (!header_safe(m.subject) || !header_safe(m.normalized_subject)) return "subject";
  if (!is_valid_utf8(m.body)) return "body is not UTF-8";
  if (!is_valid_utf8(m.reply)) return "reply is not UTF-8";
  if (m.reply.size() > m.body.size()) return "reply longer than body";
  for (const HeaderField& h : m.headers)
    if (!header_safe(h.name) || !header_safe(h.value)) return "header " + h.name;
  for (const Attachment& a : m.attachments) {
    const std::string& f = a.filename;
    if (f.empty() || f == "." || f == ".." || !is_valid_utf8(f) || f.find_first_of("/\\") != std::string::npos)
      return "attachment name: " + f;
    for (char c : f)
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) return "attachment name has a control character";
    if (!header_safe(a.content_type) || !header_safe(a.content_id)) return "attachment type or id";
    if (a.sha256.size() != 64) return "attachment sha256";
    if (!a.truncated && a.data.size() != a.size) return "attachment size";
  }
  if (m.auto_generated && !header_safe(*m.auto_generated)) return "auto_generated";
  for (const std::string& n : m.notes)
    if (!is_valid_utf8(n)) return "note is not UTF-8";
  if (m.date_utc == 0 && m.date_from_header) return "date";
  return {};
}

}  // namespace ticketd::testing
