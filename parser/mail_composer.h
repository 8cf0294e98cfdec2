// compose_mail: an OutgoingMail -> RFC 5322 / MIME bytes ready for SMTP.
//
// Promises: every header is ASCII, RFC 2047 encoded where the text is not,
// folded under 78 columns; CR, LF and NUL in any field never break a header
// (no header injection); the body is UTF-8 text/plain plus an HTML
// alternative built from it, quoted-printable or base64 as fits; lines end
// in CRLF.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "parser/message.h"

namespace ticketd {

struct OutgoingMail {
  Address from;
  std::vector<Address> to;
  std::vector<Address> cc;
  std::optional<Address> reply_to;
  std::string subject;
  std::string text;                     // UTF-8 plain text, '\n' line ends
  std::string message_id;               // bare, ours
  std::string in_reply_to;              // bare, may be empty
  std::vector<std::string> references;  // bare; kept short (first + last few) by compose_mail
  std::string auto_submitted;           // "", "auto-replied" or "auto-generated" (RFC 3834)
  std::int64_t date_utc = 0;
  std::vector<HeaderField> extra_headers;  // values are sanitised too
  std::vector<Attachment> attachments;     // data is sent base64
};

std::string compose_mail(const OutgoingMail& mail);

}  // namespace ticketd
