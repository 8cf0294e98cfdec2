// Header text decoding: RFC 2047 encoded words and RFC 2231 parameters.
#pragma once

#include <string>
#include <string_view>

namespace ticketd {

// Decodes an unstructured header value (Subject, a display name) to UTF-8:
// RFC 2047 encoded words (B and Q), adjacent words joined even when a
// multibyte character is split between them, unknown charsets detected,
// raw 8-bit bytes (UTF-8 or GBK written unencoded) detected. Folding is
// removed; CR, LF and NUL never survive.
std::string decode_header_text(std::string_view raw);

// Decodes an RFC 2231 extended parameter value (`charset'lang'%XX..`), with
// its continuations already joined by the caller, to UTF-8.
std::string decode_rfc2231_value(std::string_view raw);

}  // namespace ticketd
