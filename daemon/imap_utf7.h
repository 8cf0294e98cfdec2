// IMAP folder names: UTF-8 (as admins write them in the config, e.g.
// "已处理") <-> IMAP modified UTF-7 (RFC 3501 section 5.1.3), the only form
// an IMAP4rev1 server accepts on the wire ("&XfJZBHQG-").
//
// Modified UTF-7: printable US-ASCII (0x20..0x7e) stands for itself except
// "&", written "&-"; every other run of characters is UTF-16BE in base64
// with "," for "/" and no padding, between "&" and "-".
//
// Both functions are pure; they return false and fill *err (naming the byte
// offset) on input that is not valid UTF-8 / valid modified UTF-7, and leave
// *out unspecified then.
#pragma once

#include <string>
#include <string_view>

namespace ticketd {

bool encode_imap_utf7(std::string_view utf8, std::string* out, std::string* err);
bool decode_imap_utf7(std::string_view mutf7, std::string* out, std::string* err);

}  // namespace ticketd
