// Charset conversion to UTF-8 (glibc iconv) and detection (uchardet).
//
// Mail mislabels its charset routinely, so names are widened to the superset
// real clients actually write: GB2312 and GBK are read as GB18030, Big5 as
// Big5-HKSCS, ISO-8859-1 and US-ASCII as Windows-1252, KS_C_5601 as CP949.
// Nothing here fails: bytes that cannot be converted become U+FFFD.
#pragma once

#include <string>
#include <string_view>

namespace ticketd {

// `declared` may be empty, unknown or wrong: then the charset is detected.
// When `note` is given, a problem worth telling a person (a guess, a
// replacement) is written there; it is left untouched otherwise.
std::string to_utf8(std::string_view bytes, std::string_view declared, std::string* note = nullptr);

// The charset uchardet finds most likely for `bytes` ("UTF-8", "GB18030", ...);
// empty when it cannot tell.
std::string detect_charset(std::string_view bytes);

bool is_valid_utf8(std::string_view bytes);

// `bytes` with every invalid UTF-8 sequence replaced by U+FFFD.
std::string sanitize_utf8(std::string_view bytes);

}  // namespace ticketd
