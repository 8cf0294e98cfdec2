// Punycode (RFC 3492) and IDNA domain labels (RFC 5890/5891 "xn--" A-labels).
//
// Used both ways: received addresses show their domain in Unicode
// ("xn--fiqs8s.cn" -> "中国.cn"), outgoing headers carry it in ASCII.
// Only the Punycode step is done here: no Nameprep or UTS 46 mapping beyond
// lower-casing ASCII, which is all mail addresses in the wild need.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ticketd {

// Decodes one Punycode string (without the "xn--" prefix) to UTF-8; nothing
// when it is not valid Punycode.
std::optional<std::string> punycode_decode(std::string_view ascii);

// Encodes UTF-8 text to Punycode (without the "xn--" prefix); nothing when
// the input is not valid UTF-8.
std::optional<std::string> punycode_encode(std::string_view utf8);

// Each "xn--" label of a domain decoded to UTF-8; labels that do not decode
// are kept as written.
std::string domain_to_unicode(std::string_view domain);

// Each non-ASCII label of a domain encoded as "xn--" Punycode.
std::string domain_to_ascii(std::string_view domain);

}  // namespace ticketd
