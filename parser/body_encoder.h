// Content-Transfer-Encoding for outgoing parts (RFC 2045 section 6): the
// inverse of transfer_encoding.h. Output lines end in CRLF and are at most
// 76 characters, so any mail server and client passes them unchanged.
// The encoded text ends in CRLF only where the text ended in '\n'.
#pragma once

#include <string>
#include <string_view>

namespace ticketd {

// Base64 in lines of 76 characters.
std::string encode_base64_lines(std::string_view bytes);

// Quoted-printable of text whose line breaks are '\n': each '\n' becomes
// CRLF (a text without a final '\n' ends without one, so the boundary's CRLF
// of RFC 2046 section 5.1.1 adds nothing to it), soft breaks ("=" CRLF) keep lines under 76 characters,
// white space before a line end and a line-leading "From " are escaped
// (mbox tools would mangle them).
std::string encode_quoted_printable(std::string_view text);

// The encoding that fits a UTF-8 text: "7bit" for short-lined ASCII,
// "quoted-printable" when it is mostly ASCII, "base64" otherwise.
std::string choose_transfer_encoding(std::string_view text);

// `text` ('\n' line ends) encoded as `encoding` says, CRLF line ends.
std::string encode_body(std::string_view text, std::string_view encoding);

}  // namespace ticketd
