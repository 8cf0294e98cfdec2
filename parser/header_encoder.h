// Writing header fields for outgoing mail: the inverse of encoded_words.h
// and header_fields.h.
//
// Promises: every line produced is ASCII, at most 78 characters where the
// content allows a fold (a single unbreakable token may be longer, never
// over RFC 5322's 998), ends in CRLF, and holds no CR, LF or NUL from the
// values: a value can never end its header early or start another one
// (header injection).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "parser/message.h"

namespace ticketd {

// `text` without CR, LF, NUL and other C0/DEL controls (TAB becomes a
// space; a line break becomes one space), valid UTF-8, trimmed.
std::string header_safe_value(std::string_view text);

// A header name reduced to RFC 5322 ftext (printable ASCII but ':');
// empty when nothing is left.
std::string header_safe_name(std::string_view name);

// RFC 2047 encoded words ("=?UTF-8?B?...?=") for UTF-8 text, split at
// character boundaries, each word at most 75 characters (RFC 2047 section 2).
std::vector<std::string> encode_words(std::string_view utf8);

// A complete unstructured field ("Subject: ...\r\n"): ASCII words stay
// readable, runs of words that need it become encoded words, folded.
std::string unstructured_field(std::string_view name, std::string_view value);

// A complete address-list field ("To: ...\r\n"); names quoted or encoded
// as needed, IDN domains in "xn--" form, folded between addresses. Entries
// without an address are left out.
std::string address_field(std::string_view name, const std::vector<Address>& addresses);

// A field whose value is a list of tokens that must not be broken
// ("References: <a@x> <b@y>\r\n"), folded between tokens.
std::string token_field(std::string_view name, const std::vector<std::string>& tokens);

// A MIME parameter (`; filename="a.pdf"` or, for text that is not a plain
// ASCII token, RFC 2231 `; filename*0*=utf-8''%E5...` continuations), as
// the tokens to pass to token_field after the field's first value.
std::vector<std::string> mime_parameter(std::string_view attribute, std::string_view value);

}  // namespace ticketd
