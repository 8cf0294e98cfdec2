// Content-Transfer-Encoding decoding (RFC 2045 §6), as lenient as the mail
// that arrives: base64 with bad padding, stray characters or several padded
// blocks glued together; quoted-printable with lower-case hex, broken "="
// escapes and soft line breaks before trailing white space.
// Nothing here fails: what cannot be decoded is kept or skipped, never thrown.
#pragma once

#include <string>
#include <string_view>

namespace ticketd {

// Every character outside the base64 alphabet is skipped; "=" ends a
// 4-character group early (so "QQ==QQ==" decodes to "AA"); a final partial
// group of 2 or 3 characters still yields its bytes.
std::string decode_base64_lenient(std::string_view encoded);

// "=XX" (either case) becomes its byte; "=" before a line end is a soft line
// break (trailing blanks after it are allowed); any other "=" stays as text.
std::string decode_quoted_printable_lenient(std::string_view encoded);

// Dispatches on a lower-case Content-Transfer-Encoding value; identity for
// 7bit, 8bit, binary, empty and unknown encodings. Also reads x-uuencode.
std::string decode_transfer_encoding(std::string_view body, std::string_view encoding);

}  // namespace ticketd
