// compose_mail: an OutgoingMail -> RFC 5322 / MIME bytes; see mail_composer.h.
//
// The shape, chosen to look right in every client (Outlook, Gmail, Apple
// Mail, Thunderbird, Foxmail, QQ Mail):
//
//   multipart/mixed                      only when there are attachments
//   ├─ multipart/alternative
//   │  ├─ text/plain; charset=utf-8      the text as written
//   │  └─ text/html; charset=utf-8       built from it (text_to_html.h)
//   └─ attachments, base64, file names in RFC 2231 and RFC 2047 forms
//
// Every header goes through header_encoder.h, which strips CR, LF and NUL
// from names and values: no field of an OutgoingMail can add a header.
#include "parser/mail_composer.h"

#include <array>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "parser/body_encoder.h"
#include "parser/charset.h"
#include "parser/header_encoder.h"
#include "parser/safe_filename.h"
#include "parser/text_to_html.h"

namespace ticketd {

namespace {

// Mail clients keep References short by dropping the middle: RFC 5322
// section 3.6.4 allows it, and Thunderbird and Outlook keep the first id
// (the thread root) and the most recent ones.
constexpr std::size_t kMaxReferences = 10;

// Headers compose_mail writes itself; an extra header of the same name
// would contradict them (two Subjects) or break the MIME structure.
constexpr std::array<std::string_view, 14> kReservedHeaders = {
    "from",        "to",         "cc",          "bcc",           "reply-to",       "subject",
    "date",        "message-id", "in-reply-to", "references",    "mime-version",   "content-type",
    "auto-submitted", "content-transfer-encoding"};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool is_reserved(std::string_view name) {
  std::string l = lower(name);
  if (l.rfind("content-", 0) == 0) return true;
  for (std::string_view r : kReservedHeaders) {
    if (l == r) return true;
  }
  return false;
}

// An id made safe to write between angle brackets: printable ASCII only,
// no brackets or white space.
std::string clean_id(std::string_view id) {
  std::string out;
  for (char c : id) {
    if (c > 32 && c < 127 && c != '<' && c != '>') out += c;
  }
  return out;
}

// RFC 5322 section 3.3 date-time, in UTC.
std::string format_date(std::int64_t utc) {
  static constexpr std::array<std::string_view, 7> kDays = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::time_t t = static_cast<std::time_t>(utc);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %d %s %d %02d:%02d:%02d +0000", kDays[static_cast<std::size_t>(tm.tm_wday)].data(),
                tm.tm_mday, kMonths[static_cast<std::size_t>(tm.tm_mon)].data(), tm.tm_year + 1900, tm.tm_hour,
                tm.tm_min, tm.tm_sec);
  return buf;
}

// The text as it will be sent: valid UTF-8, '\n' line ends, no NUL.
std::string normalize_text(std::string_view raw) {
  std::string clean = sanitize_utf8(raw);
  std::string out;
  out.reserve(clean.size());
  for (std::size_t i = 0; i < clean.size(); ++i) {
    char c = clean[i];
    if (c == '\0') continue;
    if (c == '\r') {
      if (i + 1 < clean.size() && clean[i + 1] == '\n') continue;
      c = '\n';
    }
    out += c;
  }
  return out;
}

struct Part {
  std::string headers;  // complete header lines, CRLF-ended
  std::string body;     // encoded, CRLF-ended lines
};

Part text_part(std::string_view subtype, std::string_view text) {
  std::string encoding = choose_transfer_encoding(text);
  Part p;
  p.headers = "Content-Type: text/" + std::string(subtype) + "; charset=utf-8\r\n";
  p.headers += "Content-Transfer-Encoding: " + encoding + "\r\n";
  p.body = encode_body(text, encoding);
  return p;
}

// "type/subtype" in lower case when well-formed, else the safe default.
std::string clean_content_type(std::string_view raw) {
  std::string t = lower(header_safe_value(raw));
  std::size_t slash = t.find('/');
  bool ok = slash != std::string::npos && slash > 0 && slash + 1 < t.size() && t.find('/', slash + 1) == std::string::npos;
  for (char c : t) {
    bool token = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || std::string_view("!#$&-^_.+/").find(c) != std::string_view::npos;
    ok = ok && token;
  }
  return ok ? t : "application/octet-stream";
}

Part attachment_part(const Attachment& a) {
  std::string filename = safe_filename(a.filename, "attachment");
  Part p;
  // Content-Type's name: RFC 2047 words in quotes, the form Outlook and
  // Gmail write and read; Content-Disposition's filename: RFC 2231 (the
  // standard, read by every modern client and Python's email).
  std::vector<std::string> type_tokens = {clean_content_type(a.content_type) + ";"};
  std::vector<std::string> name_words = encode_words(filename);
  bool plain_name = true;
  for (unsigned char c : filename) plain_name = plain_name && c >= 0x20 && c < 0x7F;
  if (plain_name) {
    std::vector<std::string> param = mime_parameter("name", filename);
    type_tokens.insert(type_tokens.end(), param.begin(), param.end());
  } else {
    for (std::size_t i = 0; i < name_words.size(); ++i) {
      std::string w = name_words[i];
      if (i == 0) w = "name=\"" + w;
      if (i + 1 == name_words.size()) w += "\"";
      type_tokens.push_back(w);
    }
  }
  for (std::size_t i = 1; i + 1 < type_tokens.size(); ++i) {
    if (plain_name) type_tokens[i] += ";";
  }
  p.headers = token_field("Content-Type", type_tokens);

  bool is_inline = a.is_inline && !a.content_id.empty();
  std::vector<std::string> disposition = {is_inline ? "inline" : "attachment"};
  for (std::string& t : mime_parameter("filename", filename)) {
    disposition.back() += ";";
    disposition.push_back(std::move(t));
  }
  p.headers += token_field("Content-Disposition", disposition);
  if (!clean_id(a.content_id).empty()) p.headers += token_field("Content-ID", {"<" + clean_id(a.content_id) + ">"});
  p.headers += "Content-Transfer-Encoding: base64\r\n";
  p.body = encode_base64_lines(a.data);
  return p;
}

// A boundary that occurs in none of the parts (RFC 2046 section 5.1.1).
// "=_" cannot appear in base64 or quoted-printable output, so the first try
// fits unless a 7bit text holds it on purpose.
std::string make_boundary(std::string_view seed, std::string_view kind, const std::vector<Part>& parts) {
  std::size_t h = std::hash<std::string_view>{}(seed);
  for (unsigned attempt = 0;; ++attempt) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "=_ticketd_%s_%016zx_%u", std::string(kind).c_str(), h, attempt);
    std::string boundary = buf;
    bool clash = false;
    for (const Part& p : parts) clash = clash || p.body.find(boundary) != std::string::npos;
    if (!clash) return boundary;
  }
}

Part multipart(std::string_view subtype, const std::vector<Part>& parts, std::string_view seed) {
  std::string boundary = make_boundary(seed, subtype, parts);
  Part m;
  m.headers = "Content-Type: multipart/" + std::string(subtype) + ";\r\n boundary=\"" + boundary + "\"\r\n";
  std::size_t total = boundary.size() + 8;
  for (const Part& p : parts) total += p.headers.size() + p.body.size() + boundary.size() + 8;
  m.body.reserve(total);
  for (const Part& p : parts) {
    // The CRLF before a delimiter belongs to the delimiter (RFC 2046
    // section 5.1.1), so a text ending in a line break keeps it.
    m.body.append("--").append(boundary).append("\r\n").append(p.headers).append("\r\n");
    m.body.append(p.body).append("\r\n");
  }
  m.body += "--" + boundary + "--\r\n";
  return m;
}

std::vector<std::string> short_references(const std::vector<std::string>& references) {
  std::vector<std::string> ids;
  for (const std::string& r : references) {
    std::string id = clean_id(r);
    if (!id.empty()) ids.push_back("<" + id + ">");
  }
  if (ids.size() <= kMaxReferences) return ids;
  std::vector<std::string> kept = {ids.front()};
  kept.insert(kept.end(), ids.end() - static_cast<std::ptrdiff_t>(kMaxReferences - 1), ids.end());
  return kept;
}

}  // namespace

std::string compose_mail(const OutgoingMail& mail) {
  std::string text = normalize_text(mail.text);
  std::string message_id = clean_id(mail.message_id);
  if (message_id.empty()) {
    // Never without a Message-ID: threading and dedupe depend on it.
    std::size_t h = std::hash<std::string>{}(mail.subject + '\n' + text + '\n' + std::to_string(mail.date_utc));
    char buf[64];
    std::snprintf(buf, sizeof buf, "ticketd.%016zx@localhost", h);
    message_id = buf;
  }

  std::string out;
  out += "Date: " + format_date(mail.date_utc) + "\r\n";
  out += address_field("From", {mail.from});
  if (!mail.to.empty()) out += address_field("To", mail.to);
  if (!mail.cc.empty()) out += address_field("Cc", mail.cc);
  if (mail.reply_to) out += address_field("Reply-To", {*mail.reply_to});
  out += unstructured_field("Subject", mail.subject);
  out += token_field("Message-ID", {"<" + message_id + ">"});
  if (std::string parent = clean_id(mail.in_reply_to); !parent.empty()) {
    out += token_field("In-Reply-To", {"<" + parent + ">"});
  }
  if (std::vector<std::string> refs = short_references(mail.references); !refs.empty()) {
    out += token_field("References", refs);
  }
  if (std::string auto_submitted = lower(clean_id(mail.auto_submitted)); !auto_submitted.empty()) {
    // RFC 3834 section 5; Exchange does not answer mail marked this way with
    // out-of-office replies either, which keeps two robots from talking.
    out += "Auto-Submitted: " + auto_submitted + "\r\n";
    out += "X-Auto-Response-Suppress: All\r\n";
  }
  for (const HeaderField& h : mail.extra_headers) {
    std::string name = header_safe_name(h.name);
    if (name.empty() || is_reserved(name)) continue;
    out += unstructured_field(name, h.value);
  }
  out += "MIME-Version: 1.0\r\n";

  std::vector<Part> alternatives;
  alternatives.push_back(text_part("plain", text));
  alternatives.push_back(text_part("html", text_to_html(text)));
  std::vector<Part> mixed;
  mixed.push_back(multipart("alternative", alternatives, message_id));
  for (const Attachment& a : mail.attachments) {
    if (a.truncated) continue;  // its data was not kept: sending an empty file would mislead
    mixed.push_back(attachment_part(a));
  }
  Part body = mixed.size() > 1 ? multipart("mixed", mixed, message_id) : std::move(mixed.front());

  out.reserve(out.size() + body.headers.size() + body.body.size() + 2);
  out.append(body.headers).append("\r\n").append(body.body);
  return out;
}

}  // namespace ticketd
