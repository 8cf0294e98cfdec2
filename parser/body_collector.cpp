#include "parser/body_collector.h"

#include <algorithm>

#include "parser/charset.h"
#include "parser/delivery_status.h"
#include "parser/encoded_words.h"
#include "parser/format_flowed.h"
#include "parser/header_fields.h"
#include "parser/html_to_text.h"
#include "parser/safe_filename.h"
#include "parser/sha256.h"
#include "parser/transfer_encoding.h"

namespace ticketd {
namespace {

enum class Mode {
  kFull,             // text parts go to the text, the rest to attachments
  kAttachmentsOnly,  // an alternative not chosen: only its attachments count
};

std::string to_lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

std::string normalize_line_ends(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r') {
      out += '\n';
      if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
    } else {
      out += s[i];
    }
  }
  return out;
}

bool is_blank_text(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

// An HTML part with no MIME charset often says it in a <meta> tag.
std::string meta_charset(std::string_view html) {
  std::string head = to_lower(std::string(html.substr(0, 4096)));
  std::size_t at = head.find("charset=");
  if (at == std::string::npos) return {};
  at += 8;
  while (at < head.size() && (head[at] == '"' || head[at] == '\'' || head[at] == ' ')) ++at;
  std::size_t end = at;
  while (end < head.size() && (std::isalnum(static_cast<unsigned char>(head[end])) || head[end] == '-' ||
                               head[end] == '_' || head[end] == ':' || head[end] == '.'))
    ++end;
  return head.substr(at, end - at);
}

bool has_name(const MimeEntity& part) {
  return !part.disposition_param("filename").empty() || !part.type_param("name").empty();
}

// A text/plain or text/html part meant to be read, not saved: explicitly
// inline (RFC 2183 §2.1: shown when the mail is opened, even with a file
// name, as old mailers attach .txt files), or with neither a disposition nor
// a name.
bool is_body_text(const MimeEntity& part) {
  if (part.type != "text" || (part.subtype != "plain" && part.subtype != "html")) return false;
  if (part.disposition == "inline") return true;
  if (part.disposition == "attachment") return false;
  return !has_name(part);
}

std::string bare_content_id(const MimeEntity& part) {
  const std::string* cid = part.header("content-id");
  if (!cid) return {};
  std::vector<std::string> ids = parse_message_ids(*cid);
  if (!ids.empty()) return ids.front();
  std::string v = *cid;
  v.erase(std::remove_if(v.begin(), v.end(), [](char c) { return c == '<' || c == '>' || c == ' ' || c == '\t'; }),
          v.end());
  return sanitize_utf8(v);
}

std::string extension_for(const std::string& mime_type) {
  static const std::pair<const char*, const char*> kKnown[] = {
      {"image/png", ".png"},        {"image/jpeg", ".jpg"},         {"image/gif", ".gif"},
      {"image/bmp", ".bmp"},        {"image/webp", ".webp"},        {"application/pdf", ".pdf"},
      {"text/plain", ".txt"},       {"text/html", ".html"},         {"text/calendar", ".ics"},
      {"message/rfc822", ".eml"},   {"text/rfc822-headers", ".txt"}, {"message/delivery-status", ".txt"},
      {"application/ms-tnef", ".dat"}, {"application/pgp-signature", ".asc"},
      {"application/pkcs7-signature", ".p7s"}, {"application/x-pkcs7-signature", ".p7s"},
      {"application/pkcs7-mime", ".p7m"}, {"application/x-pkcs7-mime", ".p7m"},
      {"application/pgp-encrypted", ".pgp"}, {"application/zip", ".zip"}, {"text/x-vcard", ".vcf"},
      {"text/vcard", ".vcf"}};
  for (const auto& [type, ext] : kKnown)
    if (mime_type == type) return ext;
  return ".bin";
}

class Collector {
 public:
  Collector(const ParseLimits& limits, CollectedBody* out) : limits_(limits), out_(out) {}

  void walk(const MimeEntity& e, Mode mode, bool in_related) {
    if (e.is_multipart()) {
      walk_multipart(e, mode);
      return;
    }
    if (e.type == "message" && !e.children.empty() && (e.subtype == "rfc822" || e.subtype == "global")) {
      walk_forwarded(e, mode);
      return;
    }
    if (e.type == "message" && e.subtype == "external-body") {
      // RFC 2046 §5.2.3: a reference to data elsewhere, never fetched.
      out_->notes.push_back("message/external-body reference not fetched");
      return;
    }
    if (mode == Mode::kFull && is_body_text(e)) {
      add_text(text_of_part(e, &out_->notes, limits_.max_body_bytes, &out_->over_limits));
      if (out_->first_charset.empty()) out_->first_charset = to_lower(e.type_param("charset"));
      return;
    }
    if (mode == Mode::kAttachmentsOnly && is_body_text(e)) return;
    add_attachment(e, in_related);
  }

  // A mail whose only text is a named text part (Content-Type: text/plain;
  // name=... with no disposition) would otherwise show nothing: that part is
  // then also the text (Python's get_body() reads it the same way).
  void fall_back_to_named_text() {
    if (!is_blank_text(out_->text) || !first_named_text_) return;
    add_text(text_of_part(*first_named_text_, &out_->notes, limits_.max_body_bytes, &out_->over_limits));
  }

 private:
  void walk_multipart(const MimeEntity& e, Mode mode) {
    const auto& kids = e.children;
    if (kids.empty()) return;
    if (e.subtype == "alternative") {
      const MimeEntity* chosen = nullptr;
      for (const MimeEntity& k : kids) {
        if (k.type == "text" && k.subtype == "plain" && is_body_text(k)) {
          // Some clients send an empty text/plain beside the HTML; the
          // decoded bytes tell (blank in any charset we meet is ASCII blank).
          if (!is_blank_text(decode_transfer_encoding(k.body, k.transfer_encoding))) chosen = &k;
          break;
        }
      }
      // RFC 2046 §5.1.4: the last alternative is the richest; take the last
      // one we can show (HTML or a multipart holding it).
      for (auto it = kids.rbegin(); !chosen && it != kids.rend(); ++it)
        if ((it->type == "text" && it->subtype == "html" && is_body_text(*it)) || it->is_multipart()) chosen = &*it;
      if (!chosen) chosen = &kids.front();
      for (const MimeEntity& k : kids) walk(k, &k == chosen ? mode : Mode::kAttachmentsOnly, false);
      return;
    }
    if (e.subtype == "related") {
      std::string start = e.type_param("start");
      const MimeEntity* root = &kids.front();
      if (!start.empty()) {
        std::vector<std::string> ids = parse_message_ids(start);
        std::string want = ids.empty() ? start : ids.front();
        for (const MimeEntity& k : kids)
          if (bare_content_id(k) == want) root = &k;
      }
      walk(*root, mode, false);
      for (const MimeEntity& k : kids)
        if (&k != root) walk(k, mode, true);
      return;
    }
    if (e.subtype == "encrypted") {
      out_->notes.push_back("encrypted content kept as attachments");
      for (const MimeEntity& k : kids) add_attachment(k, false);
      return;
    }
    if (e.subtype == "report") {
      std::string report_type = to_lower(e.type_param("report-type"));
      if (report_type == "delivery-status") out_->is_delivery_report = true;
      walk(kids.front(), mode, false);
      for (std::size_t i = 1; i < kids.size(); ++i) {
        const MimeEntity& k = kids[i];
        note_bounced_id(k);
        add_attachment(k, false);
      }
      return;
    }
    // mixed, signed (the signature is not body text, so it becomes an
    // attachment by itself), digest, parallel and unknown subtypes.
    for (const MimeEntity& k : kids) walk(k, mode, false);
  }

  // The returned message of a delivery report names the mail that bounced.
  void note_bounced_id(const MimeEntity& k) {
    if (!out_->bounced_message_id.empty()) return;
    const std::string* id = nullptr;
    std::vector<RawHeaderField> fields;
    if (k.type == "message" && !k.children.empty()) {
      id = k.children.front().header("message-id");
    } else if (k.type == "text" && k.subtype == "rfc822-headers") {
      std::string headers = decode_transfer_encoding(k.body, k.transfer_encoding);
      MimeReport report;
      parse_header_block(headers, limits_, &fields, &report);
      for (const RawHeaderField& f : fields)
        if (to_lower(f.name) == "message-id") id = &f.value;
    }
    if (!id) return;
    std::vector<std::string> ids = parse_message_ids(*id);
    if (!ids.empty()) out_->bounced_message_id = ids.front();
  }

  void walk_forwarded(const MimeEntity& e, Mode mode) {
    const MimeEntity& inner = e.children.front();
    if (e.disposition == "attachment") add_attachment(e, false);
    if (mode != Mode::kFull) {
      walk(inner, Mode::kAttachmentsOnly, false);
      return;
    }
    std::string header_line = "---------- Forwarded message ----------\n";
    for (const char* name : {"From", "Date", "Subject", "To", "Cc"}) {
      if (const std::string* v = inner.header(name)) header_line += std::string(name) + ": " + decode_header_text(*v) + "\n";
    }
    add_text(header_line);
    walk(inner, mode, false);
  }

  // Pieces are joined by one blank line; leading blank lines and trailing
  // white space of each piece go (the line end before a boundary is the
  // boundary's, RFC 2046 §5.1.1, and single-part mails differ only in that).
  void add_text(std::string_view text) {
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\n')) text.remove_suffix(1);
    std::size_t first_line = 0;
    for (std::size_t i = 0; i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n'); ++i)
      if (text[i] == '\n') first_line = i + 1;
    text.remove_prefix(first_line);
    if (is_blank_text(text)) return;
    if (!out_->text.empty()) out_->text += "\n\n";
    out_->text += text;
  }

  void add_attachment(const MimeEntity& e, bool in_related) {
    if (!first_named_text_ && e.type == "text" && (e.subtype == "plain" || e.subtype == "html") &&
        e.disposition.empty())
      first_named_text_ = &e;
    Attachment a;
    a.content_type = e.mime_type();
    a.content_id = bare_content_id(e);
    std::string name = e.disposition_param("filename");
    if (name.empty()) name = e.type_param("name");
    if (name.empty() && e.type == "message" && !e.children.empty()) {
      if (const std::string* subject = e.children.front().header("subject")) {
        std::string s = decode_header_text(*subject);
        if (!s.empty()) name = s.substr(0, 120) + ".eml";
      }
    }
    ++counter_;
    std::string fallback = "attachment-" + std::to_string(counter_) + extension_for(a.content_type);
    a.filename = safe_filename(sanitize_utf8(name), fallback);
    // RFC 2183 inline plus a Content-ID (or a part of multipart/related,
    // which is referenced by cid: from the HTML).
    a.is_inline = !a.content_id.empty() && e.disposition != "attachment" && (e.disposition == "inline" || in_related);
    // message/* and multipart attachments are their MIME text, undecoded.
    const bool whole_entity = e.type == "message" || e.is_multipart();
    const std::string_view entity_bytes = e.owned_body ? std::string_view(*e.owned_body) : e.body;
    // Without keep_attachment_bytes, only size and hash, never a decoded
    // copy; but a delivery report's status part is read by parse_mail().
    const bool keep_bytes = limits_.keep_attachment_bytes || is_delivery_status_type(a.content_type);
    std::string data;
    if (keep_bytes) {
      data = whole_entity ? std::string(entity_bytes) : decode_transfer_encoding(e.body, e.transfer_encoding);
      a.size = data.size();
      a.sha256 = sha256_hex(data);
    } else if (whole_entity) {
      a.size = entity_bytes.size();
      a.sha256 = sha256_hex(entity_bytes);
    } else {
      DecodedDigest digest = digest_of_transfer_encoding(e.body, e.transfer_encoding);
      a.size = digest.size;
      a.sha256 = std::move(digest.sha256);
    }
    a.truncated = a.size > limits_.max_attachment_bytes;
    if (a.truncated) {
      out_->over_limits = true;
      out_->notes.push_back("attachment " + a.filename + " (" + std::to_string(a.size) + " bytes) over the limit of " +
                            std::to_string(limits_.max_attachment_bytes) + ": listed, content not kept");
    } else {
      a.data = std::move(data);
    }
    out_->attachments.push_back(std::move(a));
  }

  const ParseLimits& limits_;
  CollectedBody* out_;
  int counter_ = 0;
  const MimeEntity* first_named_text_ = nullptr;
};

}  // namespace

std::string text_of_part(const MimeEntity& part, std::vector<std::string>* notes, std::uint64_t max_bytes,
                         bool* cut) {
  std::string bytes = decode_transfer_encoding(part.body, part.transfer_encoding);
  if (bytes.size() > max_bytes) {
    bytes.resize(max_bytes);
    if (cut) *cut = true;
    if (notes) notes->push_back("text part over " + std::to_string(max_bytes) + " bytes cut");
  }
  std::string charset = part.type_param("charset");
  bool html = part.subtype == "html";
  if (charset.empty() && html) charset = meta_charset(bytes);
  std::string note;
  std::string text = normalize_line_ends(to_utf8(bytes, charset, &note));
  if (notes && !note.empty() && std::find(notes->begin(), notes->end(), note) == notes->end()) notes->push_back(note);
  if (html) return html_to_text(text);
  if (to_lower(part.type_param("format")) == "flowed")
    text = unflow_text(text, to_lower(part.type_param("delsp")) == "yes");
  return text;
}

void collect_body(const MimeEntity& root, const ParseLimits& limits, CollectedBody* out) {
  Collector collector(limits, out);
  collector.walk(root, Mode::kFull, false);
  collector.fall_back_to_named_text();
}

}  // namespace ticketd
