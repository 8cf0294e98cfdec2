// Case folding for rule matching: two texts that a support lead would call
// "the same word" fold to the same bytes.
//
// fold_case() applies Unicode *simple* case folding (CaseFolding.txt status
// C + S) for the scripts our customers write in: ASCII, Latin-1, Latin
// Extended-A, Greek, Cyrillic (incl. Cyrillic Supplement). Fullwidth ASCII
// forms (U+FF01..U+FF5E), which Chinese input methods produce, also fold to
// plain ASCII (ＶＩＰ -> vip, ，-> ,): a width folding, as NFKC would do.
// Every other code point, Chinese included, is copied unchanged: CJK has no
// case, so Chinese is compared as UTF-8 text, and a UTF-8 substring match is
// always a match on whole characters (UTF-8 is self-synchronising).
//
// Folding never changes the number of code points (byte lengths may change)
// and never fails: bytes that are not valid UTF-8 are copied as they are.
#pragma once

#include <string>
#include <string_view>

namespace ticketd {

std::string fold_case(std::string_view utf8);

// The longest prefix of `utf8` that is at most `max_bytes` long and does not
// cut a multi-byte character in half.
std::string_view utf8_prefix(std::string_view utf8, std::size_t max_bytes);

}  // namespace ticketd
