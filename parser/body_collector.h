// The stage after parse_mime: the MIME tree -> the text a person reads and the
// attachments, as issue 3 points 3 and 4 describe.
//
//  - multipart/alternative: a real (not blank) text/plain wins, else the
//    richest part (HTML made readable); the other alternatives only give up
//    their attachments (inline images).
//  - multipart/mixed and unknown multiparts: every inline text part, in
//    order (Apple Mail splits a body around its images).
//  - multipart/related: the root part (the "start" Content-ID, else the
//    first); the others are attachments (embedded images, is_inline).
//  - multipart/signed: the signed content; the signature is an attachment.
//  - multipart/encrypted and application/pkcs7-mime: kept as attachments.
//  - multipart/report (RFC 6522): the human-readable part is the text; the
//    delivery status and the returned message are attachments, and the
//    returned message's Message-ID is `bounced_message_id`.
//  - message/rfc822 (a forwarded mail): its text follows a header line
//    ("---------- Forwarded message ----------", From, Date, Subject, To),
//    its attachments are collected; when it was itself attached
//    (disposition attachment) it is also kept whole as NAME.eml.
//  - a text part is converted to UTF-8 (charset widened or detected), line
//    ends made LF, format=flowed joined (RFC 3676, DelSp honoured).
// Never throws (std::bad_alloc aside).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "parser/message.h"
#include "parser/mime_entity.h"

namespace ticketd {

struct CollectedBody {
  std::string text;                     // UTF-8, LF line ends
  std::vector<Attachment> attachments;  // names safe, data decoded (dropped over the limit)
  std::string bounced_message_id;       // bare; from a multipart/report's returned message
  bool is_delivery_report = false;      // multipart/report; report-type=delivery-status
  std::string first_charset;            // declared charset of the first text part, for language hints
  std::vector<std::string> notes;
  bool over_limits = false;
};

void collect_body(const MimeEntity& root, const ParseLimits& limits, CollectedBody* out);

// The text of one text/* leaf: transfer decoding, charset, line ends, flowed,
// HTML made readable. Decoded bytes past `max_bytes` are not converted (the
// Message keeps at most max_body_bytes of text anyway; a note says so).
std::string text_of_part(const MimeEntity& part, std::vector<std::string>* notes,
                         std::uint64_t max_bytes = UINT64_MAX, bool* cut = nullptr);

}  // namespace ticketd
