// parse_mail wires the parser's stages, each in its own file:
//   bound the input -> parse_mime (MIME tree, limits) -> top-level headers
//   -> collect_body (text, attachments) -> extract_reply -> auto_generated
//   -> enforce the Message promises (UTF-8, no CR/LF in header strings).
#include "parser/mail_parser.h"

#include <algorithm>
#include <exception>

#include "parser/auto_generated.h"
#include "parser/body_collector.h"
#include "parser/charset.h"
#include "parser/delivery_status.h"
#include "parser/encoded_words.h"
#include "parser/header_fields.h"
#include "parser/language.h"
#include "parser/mime_entity.h"
#include "parser/reply_extractor.h"

namespace ticketd {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// Header-derived strings promise no CR, LF or NUL (they may be echoed into
// outgoing headers) and valid UTF-8.
std::string header_safe(std::string_view s) {
  std::string out = sanitize_utf8(s);
  for (char& c : out)
    if (c == '\r' || c == '\n' || c == '\t') c = ' ';
  out.erase(std::remove(out.begin(), out.end(), '\0'), out.end());
  return out;
}

// Cuts `s` to at most `max` bytes without splitting a UTF-8 sequence.
void truncate_utf8(std::string* s, std::size_t max) {
  if (s->size() <= max) return;
  std::size_t end = max;
  while (end > 0 && (static_cast<unsigned char>((*s)[end]) & 0xC0) == 0x80) --end;
  s->resize(end);
}

std::string bare_return_path(std::string_view raw) {
  std::string_view v = raw;
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  std::string compact;
  for (char c : v)
    if (c != ' ' && c != '\t') compact += c;
  if (compact == "<>" || compact.empty()) return "<>";  // RFC 5321 §4.5.5: the null reverse-path of a bounce
  std::vector<Address> list = parse_address_list(raw);
  if (!list.empty() && !list.front().address.empty()) return list.front().address;
  return compact;
}

std::vector<Address> addresses(const MimeEntity& root, std::string_view name) {
  std::vector<Address> out;
  for (const RawHeaderField& f : root.headers)
    if (iequals(f.name, name)) {
      // Several To: or Cc: fields are against RFC 5322 §3.6 but seen; take all.
      std::vector<Address> more = parse_address_list(f.value);
      out.insert(out.end(), more.begin(), more.end());
    }
  for (Address& a : out) {
    a.name = header_safe(a.name);
    a.address = header_safe(a.address);
  }
  return out;
}

// Stage: the top-level header block -> Message's header fields.
void read_top_headers(const MimeEntity& root, std::int64_t received_at, Message* m) {
  for (const RawHeaderField& f : root.headers) m->headers.push_back({header_safe(f.name), header_safe(decode_header_text(f.value))});
  if (const std::string* v = root.header("message-id")) {
    std::vector<std::string> ids = parse_message_ids(*v);
    if (!ids.empty()) m->message_id = header_safe(ids.front());
  }
  if (const std::string* v = root.header("in-reply-to")) {
    std::vector<std::string> ids = parse_message_ids(*v);
    if (!ids.empty()) m->in_reply_to = header_safe(ids.front());
  }
  if (const std::string* v = root.header("references"))
    for (const std::string& id : parse_message_ids(*v)) m->references.push_back(header_safe(id));
  std::vector<Address> from = addresses(root, "from");
  if (from.empty()) from = addresses(root, "sender");
  if (!from.empty()) m->from = from.front();
  m->to = addresses(root, "to");
  m->cc = addresses(root, "cc");
  m->reply_to = addresses(root, "reply-to");
  if (const std::string* v = root.header("return-path")) m->return_path = header_safe(bare_return_path(*v));
  if (const std::string* v = root.header("subject")) m->subject = header_safe(decode_header_text(*v));
  m->normalized_subject = header_safe(normalize_subject(m->subject));
  m->date_utc = received_at;
  if (const std::string* v = root.header("date")) {
    if (std::optional<std::int64_t> t = parse_mail_date(*v)) {
      m->date_utc = *t;
      m->date_from_header = true;
    } else {
      m->notes.push_back("unreadable Date header: time of receipt used");
    }
  }
}

void add_notes(std::vector<std::string>* to, const std::vector<std::string>& from) {
  for (const std::string& n : from)
    if (std::find(to->begin(), to->end(), n) == to->end()) to->push_back(sanitize_utf8(n));
}

Message parse_or_throw(std::string_view raw, std::int64_t received_at, const ParseLimits& limits) {
  Message m;
  // Stage 1: bound the input. The store keeps the raw mail whole.
  if (raw.size() > limits.max_mail_bytes) {
    raw = raw.substr(0, limits.max_mail_bytes);
    m.notes.push_back("mail over " + std::to_string(limits.max_mail_bytes) + " bytes: the rest not read");
    m.over_limits = true;
  }
  // Stage 2: the MIME tree, every header bounded.
  MimeReport report;
  MimeEntity root = parse_mime(raw, limits, &report);
  add_notes(&m.notes, report.notes);
  m.over_limits |= report.over_limits;

  // Stage 3: top-level headers.
  read_top_headers(root, received_at, &m);

  // Stage 4: text and attachments.
  CollectedBody body;
  collect_body(root, limits, &body);
  add_notes(&m.notes, body.notes);
  m.over_limits |= body.over_limits;
  m.body = sanitize_utf8(body.text);
  if (m.body.size() > limits.max_body_bytes) {
    truncate_utf8(&m.body, limits.max_body_bytes);
    m.notes.push_back("text over " + std::to_string(limits.max_body_bytes) + " bytes cut");
    m.over_limits = true;
  }
  m.attachments = std::move(body.attachments);
  for (Attachment& a : m.attachments) {
    a.content_type = header_safe(a.content_type);
    a.content_id = header_safe(a.content_id);
  }
  m.bounced_message_id = header_safe(body.bounced_message_id);
  if (body.is_delivery_report) {
    for (const Attachment& a : m.attachments) {
      if (!is_delivery_status_type(a.content_type)) continue;
      for (DeliveryResult& r : parse_delivery_status(a.data)) {
        for (std::string* field : {&r.recipient, &r.action, &r.status, &r.diagnostic})
          *field = header_safe(*field);
        m.delivery_results.push_back(std::move(r));
      }
    }
  }

  // Stage 5: the reply without quoted history.
  m.reply = extract_reply(m.body);
  // The first few KB tell the language as well as the whole text does (a
  // sequence cut at the end becomes one U+FFFD, which says nothing).
  std::string sample = m.subject + "\n" + m.reply.substr(0, 4096);
  m.language = detect_language(sanitize_utf8(sample), body.first_charset);

  // Stage 6: written by a machine?
  m.auto_generated = auto_generated_reason(m, body.is_delivery_report);
  if (m.auto_generated) *m.auto_generated = header_safe(*m.auto_generated);
  if (m.bounced_message_id.empty() && m.auto_generated) m.bounced_message_id = header_safe(find_bounced_message_id(m.body));
  return m;
}

}  // namespace

const std::string* Message::header(std::string_view name) const {
  for (const HeaderField& f : headers)
    if (iequals(f.name, name)) return &f.value;
  return nullptr;
}

Message parse_mail(std::string_view raw, std::int64_t received_at, const ParseLimits& limits) {
  try {
    return parse_or_throw(raw, received_at, limits);
  } catch (const std::exception& e) {
    // No mail is dropped for being unreadable (DESIGN.md invariant 1): the
    // raw text becomes the body and a person is told why.
    Message m;
    try {
      m.date_utc = received_at;
      m.body = sanitize_utf8(raw.substr(0, limits.max_body_bytes));
      m.reply = m.body;
      m.notes.push_back(std::string("mail could not be parsed (") + header_safe(e.what()) + "): raw text shown");
      m.over_limits = raw.size() > limits.max_body_bytes;
    } catch (...) {
      m.body.clear();
      m.reply.clear();
      m.notes.assign(1, "mail could not be parsed: raw text kept by the store");
    }
    return m;
  } catch (...) {
    Message m;
    m.date_utc = received_at;
    m.notes.push_back("mail could not be parsed: raw text kept by the store");
    return m;
  }
}

}  // namespace ticketd
