// Content-Transfer-Encoding decoding (RFC 2045 §6), as lenient as the mail
// that arrives: base64 with bad padding, stray characters or several padded
// blocks glued together; quoted-printable with lower-case hex, broken "="
// escapes and soft line breaks before trailing white space.
// Nothing here fails: what cannot be decoded is kept or skipped, never thrown.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ticketd {

// Every character outside the base64 alphabet is skipped; "=" ends a
// 4-character group early (so "QQ==QQ==" decodes to "AA"); a final partial
// group of 2 or 3 characters still yields its bytes.
std::string decode_base64_lenient(std::string_view encoded);

// decode_base64_lenient() in pieces, for bytes that need not be held whole:
// feeding the encoded text in any number of pieces, then finish(), appends
// exactly what decode_base64_lenient() of the whole text returns.
class Base64Decoder {
 public:
  // Appends the bytes the groups completed so far carry to `*out`.
  void feed(std::string_view encoded, std::string* out);
  // Appends the bytes of a final partial group; the decoder is then fresh.
  void finish(std::string* out);

 private:
  char* flush_partial(char* written);  // the partial group's bytes at `written`; returns the new end

  unsigned buffer_ = 0;  // the characters of the group under way, 6 bits each
  int count_ = 0;        // how many (0 to 3)
};

// The size and SHA-256 (lower-case hex) of what decode_transfer_encoding()
// would return, without holding it whole when it is base64 (an attachment
// whose bytes are kept elsewhere, in the raw mail).
struct DecodedDigest {
  std::uint64_t size = 0;
  std::string sha256;
};
DecodedDigest digest_of_transfer_encoding(std::string_view body, std::string_view encoding);

// "=XX" (either case) becomes its byte; "=" before a line end is a soft line
// break (trailing blanks after it are allowed); any other "=" stays as text.
std::string decode_quoted_printable_lenient(std::string_view encoded);

// Dispatches on a lower-case Content-Transfer-Encoding value; identity for
// 7bit, 8bit, binary, empty and unknown encodings. Also reads x-uuencode.
std::string decode_transfer_encoding(std::string_view body, std::string_view encoding);

}  // namespace ticketd
