// Message: what one mail says, once parser/ has read it.
//
// Promises, whatever the input bytes were:
//  - every std::string here is valid UTF-8 (undecodable bytes became U+FFFD);
//  - header-derived strings hold no CR, LF or NUL (safe to echo into headers);
//  - `reply` is the new text of `body` with quoted history and signature
//    removed; it is never longer than `body`, and equals `body` when nothing
//    was quoted;
//  - attachment file names are safe leaf names: no '/', '\\', "..", control
//    characters, never empty;
//  - message ids are bare (no angle brackets) and never empty strings;
//  - `date_utc` is always set: the Date header in UTC, or the time of receipt
//    when the header is missing or unreadable (`date_from_header` says which).
// A Message is a plain value: copy it, compare it, print it. It knows nothing
// of tickets.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "parser/delivery_status.h"

namespace ticketd {

struct Address {
  std::string name;     // display name, decoded, may be empty
  std::string address;  // local@domain as written (domain IDN decoded to UTF-8)

  bool operator==(const Address&) const = default;
};

struct Attachment {
  std::string filename;      // safe leaf name (see above)
  std::string content_type;  // lower case "type/subtype"
  std::uint64_t size = 0;    // decoded bytes
  std::string sha256;        // lower-case hex of the decoded bytes
  bool is_inline = false;    // Content-Disposition inline with a Content-ID (e.g. an embedded image)
  std::string content_id;    // bare, may be empty
  std::string data;          // decoded bytes; empty when over the size limit (see `truncated`)
  bool truncated = false;    // true when the content was over the limit and not kept

  bool operator==(const Attachment&) const = default;
};

struct HeaderField {
  std::string name;   // as written, e.g. "X-Mailer"
  std::string value;  // unfolded and RFC 2047 decoded, UTF-8

  bool operator==(const HeaderField&) const = default;
};

struct Message {
  std::string message_id;               // bare id; empty when the mail has none
  std::string in_reply_to;              // first id of In-Reply-To, bare; may be empty
  std::vector<std::string> references;  // bare ids, oldest first

  Address from;
  std::vector<Address> to;
  std::vector<Address> cc;
  std::vector<Address> reply_to;
  std::string return_path;  // bare address of Return-Path; "<>" when the header says <>

  std::string subject;             // decoded
  std::string normalized_subject;  // subject without Re:/Fwd:/回复: prefixes and ticket tags' brackets kept

  std::int64_t date_utc = 0;      // seconds since the epoch, UTC
  bool date_from_header = false;  // false: date_utc is the time of receipt

  std::string body;   // the full text, UTF-8 (text/plain, or HTML made readable)
  std::string reply;  // the new text alone (see the promises above)
  std::vector<Attachment> attachments;

  // Why this mail was written by a machine (RFC 3834 Auto-Submitted, bulk
  // Precedence, mailing list, bounce, out-of-office...), or nothing for a
  // human's mail. Automatic answers are never sent to such mail.
  std::optional<std::string> auto_generated;
  // For a delivery status notification: the Message-ID of the mail that
  // bounced (from the returned headers), so the bounce finds its ticket.
  std::string bounced_message_id;
  // For a delivery status notification: what happened to each recipient
  // (RFC 3464), so a permanent failure can block further automatic mail.
  std::vector<DeliveryResult> delivery_results;
  // The customer's language for choosing the template set: "zh-CN", "zh-TW",
  // "ja", "en", or "" when unclear (parser/language.h, from the reply text
  // and the declared charset of the first text part).
  std::string language;

  std::vector<HeaderField> headers;  // every top-level header, in order
  // What the parser had to work around, for people (e.g. "header over
  // 64 KiB truncated", "charset x-unknown guessed as GB18030").
  std::vector<std::string> notes;
  bool over_limits = false;  // a configured limit cut the mail short; raw must be kept

  // The first value of a header, case-insensitive on the name; nullptr if absent.
  const std::string* header(std::string_view name) const;
};

}  // namespace ticketd
