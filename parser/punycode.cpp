// Punycode, RFC 3492 section 6 (the reference algorithm, with its overflow
// checks), and the per-label IDNA wrapping; see punycode.h.
#include "parser/punycode.h"

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "parser/charset.h"

namespace ticketd {

namespace {

constexpr std::uint32_t kBase = 36, kTmin = 1, kTmax = 26, kSkew = 38, kDamp = 700;
constexpr std::uint32_t kInitialBias = 72, kInitialN = 128;
constexpr std::uint32_t kMaxInt = std::numeric_limits<std::uint32_t>::max();
constexpr std::size_t kMaxLabelChars = 256;  // a DNS label is 63 octets; bound hostile input

std::uint32_t adapt(std::uint32_t delta, std::uint32_t num_points, bool first_time) {
  delta = first_time ? delta / kDamp : delta / 2;
  delta += delta / num_points;
  std::uint32_t k = 0;
  while (delta > ((kBase - kTmin) * kTmax) / 2) {
    delta /= kBase - kTmin;
    k += kBase;
  }
  return k + (kBase - kTmin + 1) * delta / (delta + kSkew);
}

int digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0' + 26;
  if (c >= 'a' && c <= 'z') return c - 'a';
  if (c >= 'A' && c <= 'Z') return c - 'A';
  return -1;
}

char digit_char(std::uint32_t d) { return static_cast<char>(d < 26 ? 'a' + d : '0' + (d - 26)); }

std::uint32_t threshold(std::uint32_t k, std::uint32_t bias) {
  if (k <= bias) return kTmin;
  if (k >= bias + kTmax) return kTmax;
  return k - bias;
}

void append_utf8(std::string* out, std::uint32_t cp) {
  if (cp < 0x80) {
    *out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    *out += static_cast<char>(0xC0 | (cp >> 6));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    *out += static_cast<char>(0xE0 | (cp >> 12));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    *out += static_cast<char>(0xF0 | (cp >> 18));
    *out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::vector<std::uint32_t> utf8_code_points(std::string_view s) {
  std::vector<std::uint32_t> cps;
  for (std::size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    int n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    std::uint32_t cp = n == 1 ? c : n == 2 ? (c & 0x1Fu) : n == 3 ? (c & 0x0Fu) : (c & 0x07u);
    for (int k = 1; k < n && i + k < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3Fu);
    cps.push_back(cp);
    i += static_cast<std::size_t>(n);
  }
  return cps;
}

bool starts_with_ace(std::string_view label) {
  return label.size() > 4 && (label[0] == 'x' || label[0] == 'X') && (label[1] == 'n' || label[1] == 'N') &&
         label[2] == '-' && label[3] == '-';
}

bool is_ascii(std::string_view s) {
  for (unsigned char c : s) {
    if (c >= 0x80) return false;
  }
  return true;
}

}  // namespace

std::optional<std::string> punycode_decode(std::string_view input) {
  if (input.size() > kMaxLabelChars) return std::nullopt;
  std::vector<std::uint32_t> output;
  std::size_t basic_end = input.rfind('-');
  if (basic_end == std::string_view::npos) basic_end = 0;
  for (std::size_t j = 0; j < basic_end; ++j) {
    unsigned char c = static_cast<unsigned char>(input[j]);
    if (c >= 0x80) return std::nullopt;
    output.push_back(c);
  }
  std::uint32_t n = kInitialN, i = 0, bias = kInitialBias;
  for (std::size_t in = basic_end > 0 ? basic_end + 1 : 0; in < input.size();) {
    std::uint32_t old_i = i, w = 1;
    for (std::uint32_t k = kBase;; k += kBase) {
      if (in >= input.size()) return std::nullopt;
      int digit = digit_value(input[in++]);
      if (digit < 0) return std::nullopt;
      std::uint32_t d = static_cast<std::uint32_t>(digit);
      if (d > (kMaxInt - i) / w) return std::nullopt;
      i += d * w;
      std::uint32_t t = threshold(k, bias);
      if (d < t) break;
      if (w > kMaxInt / (kBase - t)) return std::nullopt;
      w *= kBase - t;
    }
    std::uint32_t len = static_cast<std::uint32_t>(output.size()) + 1;
    bias = adapt(i - old_i, len, old_i == 0);
    if (i / len > kMaxInt - n) return std::nullopt;
    n += i / len;
    i %= len;
    if (n > 0x10FFFF || (n >= 0xD800 && n <= 0xDFFF) || n < 0x80) return std::nullopt;
    output.insert(output.begin() + i, n);
    ++i;
  }
  std::string utf8;
  for (std::uint32_t cp : output) append_utf8(&utf8, cp);
  return utf8;
}

std::optional<std::string> punycode_encode(std::string_view utf8) {
  if (!is_valid_utf8(utf8) || utf8.size() > kMaxLabelChars * 4) return std::nullopt;
  std::vector<std::uint32_t> input = utf8_code_points(utf8);
  std::string output;
  for (std::uint32_t cp : input) {
    if (cp < 0x80) output += static_cast<char>(cp);
  }
  std::uint32_t b = static_cast<std::uint32_t>(output.size());
  std::uint32_t h = b;
  if (b > 0) output += '-';
  std::uint32_t n = kInitialN, delta = 0, bias = kInitialBias;
  while (h < input.size()) {
    std::uint32_t m = kMaxInt;
    for (std::uint32_t cp : input) {
      if (cp >= n && cp < m) m = cp;
    }
    if (m - n > (kMaxInt - delta) / (h + 1)) return std::nullopt;
    delta += (m - n) * (h + 1);
    n = m;
    for (std::uint32_t cp : input) {
      if (cp < n && ++delta == 0) return std::nullopt;
      if (cp == n) {
        std::uint32_t q = delta;
        for (std::uint32_t k = kBase;; k += kBase) {
          std::uint32_t t = threshold(k, bias);
          if (q < t) break;
          output += digit_char(t + (q - t) % (kBase - t));
          q = (q - t) / (kBase - t);
        }
        output += digit_char(q);
        bias = adapt(delta, h + 1, h == b);
        delta = 0;
        ++h;
      }
    }
    ++delta;
    ++n;
  }
  return output;
}

std::string domain_to_unicode(std::string_view domain) {
  std::string out;
  out.reserve(domain.size());
  std::size_t start = 0;
  while (start <= domain.size()) {
    std::size_t dot = domain.find('.', start);
    std::string_view label = domain.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    std::optional<std::string> decoded;
    if (starts_with_ace(label)) decoded = punycode_decode(label.substr(4));
    out += decoded ? *decoded : std::string(label);
    if (dot == std::string_view::npos) break;
    out += '.';
    start = dot + 1;
  }
  return out;
}

std::string domain_to_ascii(std::string_view domain) {
  if (is_ascii(domain)) return std::string(domain);
  std::string out;
  out.reserve(domain.size() * 2);
  std::size_t start = 0;
  while (start <= domain.size()) {
    std::size_t dot = domain.find('.', start);
    std::string_view label = domain.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    std::optional<std::string> encoded;
    if (!is_ascii(label)) {
      std::string lowered(label);  // IDNA maps ASCII capitals to small (UTS 46)
      for (char& c : lowered) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      }
      encoded = punycode_encode(lowered);
    }
    out += encoded ? "xn--" + *encoded : std::string(label);
    if (dot == std::string_view::npos) break;
    out += '.';
    start = dot + 1;
  }
  return out;
}

}  // namespace ticketd
