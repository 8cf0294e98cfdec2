// Signing: HMAC-SHA256 (RFC 2104) over parser/sha256.h, and a Signer that
// makes short, purpose-bound signatures for the tokens ticketd hands out in
// mail (agent reply addresses, our Message-IDs, CSAT links; see
// daemon/reply_tokens.h for the formats).
//
// Contract:
//  - hmac_sha256 is RFC 2104 with SHA-256 (B = 64): keys longer than a block
//    are hashed first; any key length works. It matches RFC 4231's vectors.
//  - Signer::sign(purpose, payload) is the HMAC of purpose + '\0' + payload,
//    as lower-case RFC 4648 base32 without padding, cut to `length`
//    characters (16 characters = 80 bits). A signature made for one purpose
//    never verifies for another, even over the same payload.
//  - Signer::verify compares in constant time for signatures of the expected
//    length (only the length is public), accepts upper case (mail systems
//    may fold a local part's case), and refuses everything when the key is
//    empty: a Signer without a key signs nothing and trusts nothing.
// The key is the content of the [security] secret_file named in the config;
// a Signer never prints it. A Signer is an immutable value: share it freely
// between threads.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ticketd {

using Sha256Digest = std::array<std::uint8_t, 32>;

Sha256Digest hmac_sha256(std::string_view key, std::string_view message);

// Lower-case hex of a digest, for tests and logs of non-secret values.
std::string to_hex(const Sha256Digest& digest);

// RFC 4648 section 6 base32, lower case, no padding.
std::string base32_lower(const std::uint8_t* bytes, std::size_t size);

// True when a and b are equal; the time taken depends on their length only,
// never on where they differ.
bool constant_time_equal(std::string_view a, std::string_view b);

class Signer {
 public:
  static constexpr std::size_t kDefaultLength = 16;  // base32 characters: 80 bits

  Signer() = default;  // no key: usable() is false, verify() refuses
  explicit Signer(std::string key) : key_(std::move(key)) {}

  bool usable() const { return !key_.empty(); }

  // The signature of `payload` for `purpose` ("agent-reply", "message-id",
  // "csat", ...). Empty when the Signer has no key.
  std::string sign(std::string_view purpose, std::string_view payload,
                   std::size_t length = kDefaultLength) const;

  // Whether `signature` is sign(purpose, payload, signature's length) for a
  // length between 8 and 52 characters (case-insensitive).
  bool verify(std::string_view purpose, std::string_view payload, std::string_view signature) const;

 private:
  std::string key_;
};

}  // namespace ticketd
