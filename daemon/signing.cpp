#include "daemon/signing.h"

#include <algorithm>

#include "parser/sha256.h"

namespace ticketd {

namespace {

constexpr std::size_t kBlock = 64;  // SHA-256's block size, B in RFC 2104

}  // namespace

Sha256Digest hmac_sha256(std::string_view key, std::string_view message) {
  // RFC 2104 section 2: keys longer than B are first hashed; shorter ones are
  // padded with zeros to B bytes.
  std::array<std::uint8_t, kBlock> padded{};
  if (key.size() > kBlock) {
    Sha256 hash;
    hash.update(key);
    auto digest = hash.finish();
    std::copy(digest.begin(), digest.end(), padded.begin());
  } else {
    std::copy(key.begin(), key.end(), padded.begin());
  }
  std::string inner_pad(kBlock, '\0');
  std::string outer_pad(kBlock, '\0');
  for (std::size_t i = 0; i < kBlock; ++i) {
    inner_pad[i] = static_cast<char>(padded[i] ^ 0x36);
    outer_pad[i] = static_cast<char>(padded[i] ^ 0x5c);
  }
  Sha256 inner;
  inner.update(inner_pad);
  inner.update(message);
  auto inner_digest = inner.finish();
  Sha256 outer;
  outer.update(outer_pad);
  outer.update(std::string_view(reinterpret_cast<const char*>(inner_digest.data()), inner_digest.size()));
  return outer.finish();
}

std::string to_hex(const Sha256Digest& digest) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(digest.size() * 2);
  for (auto byte : digest) {
    out += kHex[byte >> 4];
    out += kHex[byte & 0x0f];
  }
  return out;
}

std::string base32_lower(const std::uint8_t* bytes, std::size_t size) {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
  std::string out;
  out.reserve((size * 8 + 4) / 5);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (std::size_t i = 0; i < size; ++i) {
    buffer = (buffer << 8) | bytes[i];
    bits += 8;
    while (bits >= 5) {
      out += kAlphabet[(buffer >> (bits - 5)) & 0x1f];
      bits -= 5;
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (5 - bits)) & 0x1f];
  return out;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  // Accumulate every difference; no early exit (the position of the first
  // wrong character must not show in the time taken).
  volatile unsigned char difference = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    difference = difference | static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return difference == 0;
}

std::string Signer::sign(std::string_view purpose, std::string_view payload, std::size_t length) const {
  if (key_.empty()) return {};
  std::string message;
  message.reserve(purpose.size() + 1 + payload.size());
  message.append(purpose);
  message += '\0';  // "ab"+"c" and "a"+"bc" must not sign alike
  message.append(payload);
  auto digest = hmac_sha256(key_, message);
  std::string encoded = base32_lower(digest.data(), digest.size());
  if (length < encoded.size()) encoded.resize(length);
  return encoded;
}

bool Signer::verify(std::string_view purpose, std::string_view payload, std::string_view signature) const {
  if (key_.empty() || signature.size() < 8 || signature.size() > 52) return false;
  std::string folded(signature);
  for (auto& c : folded) c = static_cast<char>((c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c);
  return constant_time_equal(sign(purpose, payload, folded.size()), folded);
}

}  // namespace ticketd
