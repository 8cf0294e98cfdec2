// parse_mail: raw RFC 5322 / MIME bytes -> Message.
//
// Never throws and never fails: whatever the bytes, a Message comes back
// (a mail that cannot be read at all still yields one with the raw text as
// body and a note saying why), so no mail is ever dropped for being broken.
// Cost is linear in the input: every header is bounded before mimetic sees
// it (mimetic's header parser is quadratic in a header's length).
#pragma once

#include <cstdint>
#include <string_view>

#include "parser/message.h"

namespace ticketd {

struct ParseLimits {
  std::uint64_t max_mail_bytes = 64ull << 20;        // the rest is not parsed (raw is kept whole by the store)
  std::uint64_t max_header_bytes = 64 << 10;         // one header field, after unfolding
  std::uint32_t max_header_count = 1000;             // per entity
  std::uint32_t max_mime_depth = 20;                 // nesting of multiparts and message/rfc822
  std::uint32_t max_mime_parts = 1000;               // in the whole mail
  std::uint64_t max_attachment_bytes = 25ull << 20;  // larger ones are listed but their data dropped
  std::uint64_t max_body_bytes = 4ull << 20;         // of text kept in Message::body
  // false: attachments get their size and hash but no `data`, and are never
  // held decoded whole (intake: their bytes are kept in the raw mail); a
  // delivery report's status part keeps its bytes (delivery_results are
  // read from them). Not a limit, but read where the limits are.
  bool keep_attachment_bytes = true;
};

// `received_at`: seconds since the epoch, used when the Date header is
// missing or broken.
Message parse_mail(std::string_view raw, std::int64_t received_at, const ParseLimits& limits = {});

}  // namespace ticketd
