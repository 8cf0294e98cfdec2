// MimeEntity: the MIME tree of a mail (RFC 2045/2046), read in one linear
// pass with every limit of ParseLimits enforced while reading.
//
// Why not mimetic's parser: mimetic grows a header value in small steps with
// a copy each time, so a single 2 MB header costs seconds (issue 3, point 7),
// and that holds for the headers of every nested part, not only the top-level
// block; bounding them means finding every part's header block, which is the
// MIME structure walk itself. So the walk is done here, linearly, and reads
// what real clients write: LF or CRLF line ends, missing closing boundaries,
// boundaries with transport padding, headers with no body, a body with no
// blank line before it, RFC 2231 parameter continuations.
//
// Promises:
//  - never throws on any input (std::bad_alloc aside);
//  - cost is linear in the input; every header field value is at most
//    `max_header_bytes`, at most `max_header_count` fields per entity, at most
//    `max_mime_depth` levels and `max_mime_parts` entities in the tree;
//  - what a limit cut is said once in `MimeReport::notes`, and
//    `MimeReport::over_limits` is set.
// Bodies are views into the input (or into a buffer owned by the entity for a
// message/rfc822 that was itself transfer-encoded): the input must outlive
// the tree.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "parser/mail_parser.h"

namespace ticketd {

// One header field as written: name as written, value unfolded (CR LF
// removed, the folding white space kept) but not decoded: raw bytes.
struct RawHeaderField {
  std::string name;
  std::string value;
};

// A parameter of Content-Type or Content-Disposition, name lower case,
// value decoded to UTF-8 (RFC 2231 continuations joined and charset
// converted; RFC 2047 words and raw 8-bit bytes, which clients write too,
// decoded).
struct MimeParam {
  std::string name;
  std::string value;
};

struct MimeEntity {
  std::vector<RawHeaderField> headers;

  std::string type = "text";     // lower case; "text/plain" when absent (RFC 2045 §5.2)
  std::string subtype = "plain";
  std::vector<MimeParam> type_params;
  std::string disposition;  // lower case "inline", "attachment", or empty
  std::vector<MimeParam> disposition_params;
  std::string transfer_encoding;  // lower case, e.g. "base64"; empty for 7bit/8bit/binary

  std::string_view body;             // raw (still transfer-encoded) body bytes
  std::vector<MimeEntity> children;  // parts of a multipart, or the one message of message/rfc822
  std::unique_ptr<std::string> owned_body;  // backing store for a decoded message/rfc822

  // The first raw value of a header, case-insensitive on the name.
  const std::string* header(std::string_view name) const;
  // The value of a Content-Type (or Content-Disposition) parameter; empty if absent.
  std::string type_param(std::string_view name) const;
  std::string disposition_param(std::string_view name) const;
  bool is_multipart() const { return type == "multipart"; }
  std::string mime_type() const { return type + "/" + subtype; }
};

struct MimeReport {
  std::vector<std::string> notes;
  bool over_limits = false;
};

MimeEntity parse_mime(std::string_view raw, const ParseLimits& limits, MimeReport* report);

// Reads one header block (up to the first empty line, or the first line that
// is neither a field nor a continuation) into `fields`; returns the offset
// where the body starts. Used for message/delivery-status and
// text/rfc822-headers bodies too.
std::size_t parse_header_block(std::string_view raw, const ParseLimits& limits,
                               std::vector<RawHeaderField>* fields, MimeReport* report);

// Splits "type/subtype; a=b; c*0*=..." into lower-case type/subtype and
// decoded parameters. Lenient: missing quotes, spaces around '=', stray ';'.
void parse_content_type(std::string_view raw, std::string* type, std::string* subtype,
                        std::vector<MimeParam>* params);
// Same for Content-Disposition: "attachment; filename=...".
void parse_disposition(std::string_view raw, std::string* disposition, std::vector<MimeParam>* params);

}  // namespace ticketd
