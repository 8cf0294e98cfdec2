// Charset conversion to UTF-8 and detection; see charset.h for the contract.
//
// The order of trust, from what mail in the wild taught other parsers
// (Python's email, Zammad, OTRS, the WHATWG Encoding Standard):
//  1. the declared charset, widened to the superset clients really write;
//  2. when it is missing, unknown, or does not convert cleanly: UTF-8 if the
//     bytes are valid UTF-8, else what uchardet says (only trusted for a
//     multi-byte answer or a long enough text), else GB18030 if it reads as
//     CJK text, else Windows-1252;
//  3. whatever still cannot be read becomes U+FFFD, one per bad byte, and the
//     conversion goes on with the next byte: the rest of the text is kept.
#include "parser/charset.h"

#include <iconv.h>
#include <uchardet/uchardet.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ticketd {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

// RAII owner of an iconv_t conversion descriptor.
class IconvHandle {
 public:
  IconvHandle(const char* to, const char* from) : cd_(iconv_open(to, from)) {}
  ~IconvHandle() {
    if (valid()) iconv_close(cd_);
  }
  IconvHandle(const IconvHandle&) = delete;
  IconvHandle& operator=(const IconvHandle&) = delete;

  bool valid() const { return cd_ != reinterpret_cast<iconv_t>(-1); }
  iconv_t get() const { return cd_; }

 private:
  iconv_t cd_;
};

// glibc unloads a charset's gconv module (dlclose) soon after its last
// descriptor is closed and loads it again (dlopen) on the next iconv_open;
// with mail in mixed charsets that turns every conversion into a dlopen and
// a TLB flush on every core (measured with perf on a fuzzer run: most of the
// time went there). So each thread keeps its descriptors to UTF-8 open,
// one per charset, handed out exclusively and reset before reuse.
class IconvPool {
 public:
  // A descriptor from `from` to UTF-8, in its initial shift state; invalid
  // when iconv does not know the charset. Give it back with release().
  std::unique_ptr<IconvHandle> acquire(const std::string& from) {
    for (std::size_t i = 0; i < idle_.size(); ++i) {
      if (idle_[i].first == from) {
        std::unique_ptr<IconvHandle> h = std::move(idle_[i].second);
        idle_.erase(idle_.begin() + static_cast<std::ptrdiff_t>(i));
        iconv(h->get(), nullptr, nullptr, nullptr, nullptr);  // back to the initial state
        return h;
      }
    }
    return std::make_unique<IconvHandle>("UTF-8", from.c_str());
  }

  void release(const std::string& from, std::unique_ptr<IconvHandle> h) {
    if (!h->valid()) return;
    if (idle_.size() >= kMaxIdle) idle_.erase(idle_.begin());  // the oldest goes
    idle_.emplace_back(from, std::move(h));
  }

 private:
  static constexpr std::size_t kMaxIdle = 16;
  std::vector<std::pair<std::string, std::unique_ptr<IconvHandle>>> idle_;
};

IconvPool& thread_iconv_pool() {
  thread_local IconvPool pool;
  return pool;
}

struct UchardetDeleter {
  void operator()(uchardet* ud) const { uchardet_delete(ud); }
};

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string ascii_upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

// Trims white space and quotes a sloppy Content-Type may leave around a name.
std::string_view trim_name(std::string_view s) {
  auto junk = [](char c) { return c == ' ' || c == '\t' || c == '"' || c == '\'' || c == '\r' || c == '\n'; };
  while (!s.empty() && junk(s.front())) s.remove_prefix(1);
  while (!s.empty() && junk(s.back())) s.remove_suffix(1);
  return s;
}

struct Widening {
  std::string_view label;  // lower case, as clients write it
  std::string_view iconv_name;
};

// Labels are read as the superset the sending clients actually use: a mail
// labelled GB2312 routinely holds GBK characters, "ISO-8859-1" mail from
// Windows holds Windows-1252 quotes and euro signs (WHATWG Encoding does the
// same), Shift_JIS mail holds CP932's NEC and IBM extensions, and glibc's
// SHIFT_JIS maps 0x5C to YEN SIGN where every mail client means backslash.
constexpr std::array kWidenings = {
    Widening{"gb2312", "GB18030"},        Widening{"gbk", "GB18030"},
    Widening{"x-gbk", "GB18030"},         Widening{"cp936", "GB18030"},
    Widening{"ms936", "GB18030"},         Widening{"windows-936", "GB18030"},
    Widening{"gb_2312-80", "GB18030"},    Widening{"gb_2312", "GB18030"},
    Widening{"csgb2312", "GB18030"},      Widening{"euc-cn", "GB18030"},
    Widening{"euccn", "GB18030"},         Widening{"x-euc-cn", "GB18030"},
    Widening{"chinese", "GB18030"},       Widening{"iso-ir-58", "GB18030"},
    Widening{"gb18030", "GB18030"},       Widening{"gb18030-2000", "GB18030"},
    Widening{"big5", "BIG5-HKSCS"},       Widening{"big-5", "BIG5-HKSCS"},
    Widening{"x-big5", "BIG5-HKSCS"},     Widening{"cn-big5", "BIG5-HKSCS"},
    Widening{"csbig5", "BIG5-HKSCS"},     Widening{"big5-hkscs", "BIG5-HKSCS"},
    Widening{"big5hkscs", "BIG5-HKSCS"},  Widening{"cp950", "BIG5-HKSCS"},
    Widening{"windows-950", "BIG5-HKSCS"}, Widening{"x-x-big5", "BIG5-HKSCS"},
    Widening{"iso-8859-1", "WINDOWS-1252"}, Widening{"iso8859-1", "WINDOWS-1252"},
    Widening{"iso_8859-1", "WINDOWS-1252"}, Widening{"iso_8859-1:1987", "WINDOWS-1252"},
    Widening{"latin1", "WINDOWS-1252"},   Widening{"latin-1", "WINDOWS-1252"},
    Widening{"l1", "WINDOWS-1252"},       Widening{"cp819", "WINDOWS-1252"},
    Widening{"ibm819", "WINDOWS-1252"},   Widening{"iso-ir-100", "WINDOWS-1252"},
    Widening{"csisolatin1", "WINDOWS-1252"}, Widening{"us-ascii", "WINDOWS-1252"},
    Widening{"ascii", "WINDOWS-1252"},    Widening{"ansi_x3.4-1968", "WINDOWS-1252"},
    Widening{"us", "WINDOWS-1252"},       Widening{"windows-1252", "WINDOWS-1252"},
    Widening{"cp1252", "WINDOWS-1252"},   Widening{"x-cp1252", "WINDOWS-1252"},
    Widening{"iso-8859-9", "WINDOWS-1254"}, Widening{"latin5", "WINDOWS-1254"},
    Widening{"iso-8859-11", "WINDOWS-874"}, Widening{"tis-620", "WINDOWS-874"},
    Widening{"ks_c_5601-1987", "CP949"},  Widening{"ks_c_5601", "CP949"},
    Widening{"ks_c_5601-1989", "CP949"},  Widening{"ksc5601", "CP949"},
    Widening{"ksc_5601", "CP949"},        Widening{"euc-kr", "CP949"},
    Widening{"euckr", "CP949"},           Widening{"cp949", "CP949"},
    Widening{"uhc", "CP949"},             Widening{"windows-949", "CP949"},
    Widening{"korean", "CP949"},          Widening{"csksc56011987", "CP949"},
    Widening{"shift_jis", "CP932"},       Widening{"shift-jis", "CP932"},
    Widening{"sjis", "CP932"},            Widening{"x-sjis", "CP932"},
    Widening{"ms_kanji", "CP932"},        Widening{"csshiftjis", "CP932"},
    Widening{"windows-31j", "CP932"},     Widening{"cp932", "CP932"},
    Widening{"ms932", "CP932"},           Widening{"x-ms-cp932", "CP932"},
    Widening{"euc-jp", "EUC-JP-MS"},      Widening{"eucjp", "EUC-JP-MS"},
    Widening{"x-euc-jp", "EUC-JP-MS"},
    // ISO-2022-JP-2 reads every ISO-2022-JP text and the JIS X 0212 and
    // Korean/Chinese escapes some clients add; CP932's extensions written in
    // ISO-2022-JP (circled digits from Outlook) are handled below.
    Widening{"iso-2022-jp", "ISO-2022-JP-2"}, Widening{"csiso2022jp", "ISO-2022-JP-2"},
    Widening{"iso-2022-jp-2", "ISO-2022-JP-2"},
    Widening{"utf-8", "UTF-8"},           Widening{"utf8", "UTF-8"},
    Widening{"unicode-1-1-utf-8", "UTF-8"}, Widening{"x-unicode20utf8", "UTF-8"},
    Widening{"unicode-1-1-utf-7", "UTF-7"},
};

// Labels that say nothing: treat as no label at all.
constexpr std::array<std::string_view, 8> kNonLabels = {
    "unknown-8bit", "x-unknown", "unknown", "default", "8bit", "binary", "x-user-defined", "none"};

// The iconv name to read a declared label with, or "" when the label is
// empty, meaningless or unknown to iconv.
std::string widen(std::string_view declared) {
  std::string label = ascii_lower(trim_name(declared));
  if (label.empty()) return {};
  for (std::string_view non : kNonLabels) {
    if (label == non) return {};
  }
  for (const Widening& w : kWidenings) {
    if (label == w.label) return std::string(w.iconv_name);
  }
  std::string name = ascii_upper(label);
  std::unique_ptr<IconvHandle> probe = thread_iconv_pool().acquire(name);
  bool known = probe->valid();
  thread_iconv_pool().release(name, std::move(probe));
  return known ? name : std::string();
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// Charsets in which plain ASCII bytes do not mean ASCII text.
bool ascii_transparent(std::string_view iconv_name) {
  for (std::string_view p : {"UTF-16", "UTF-32", "UCS", "UTF-7", "ISO-2022", "HZ", "UNICODE"}) {
    if (starts_with(iconv_name, p)) return false;
  }
  return true;
}

bool is_single_byte_western(std::string_view iconv_name) {
  return starts_with(iconv_name, "WINDOWS-125") || starts_with(iconv_name, "ISO-8859") ||
         starts_with(iconv_name, "CP125") || starts_with(iconv_name, "KOI8") || starts_with(iconv_name, "MAC");
}

bool all_ascii(std::string_view bytes) {
  for (unsigned char c : bytes) {
    if (c >= 0x80 || c == 0x1B) return false;  // ESC starts ISO-2022 shifts
  }
  return true;
}

// Length of the valid UTF-8 sequence at the start of `s` (1..4), or 0 with
// `*bad` set to the length of the maximal ill-formed subpart to replace by
// one U+FFFD (Unicode 15, section 3.9, "U+FFFD Substitution of Maximal
// Subparts"), at least 1.
std::size_t utf8_sequence(std::string_view s, std::size_t* bad) {
  auto b = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  unsigned char c = b(0);
  if (c < 0x80) return 1;
  std::size_t need;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    need = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    need = 3;
    if (c == 0xE0) lo = 0xA0;  // overlong
    if (c == 0xED) hi = 0x9F;  // surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    need = 4;
    if (c == 0xF0) lo = 0x90;  // overlong
    if (c == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    *bad = 1;
    return 0;
  }
  for (std::size_t i = 1; i < need; ++i) {
    if (i >= s.size()) {
      *bad = i;
      return 0;
    }
    unsigned char x = b(i);
    unsigned char l = i == 1 ? lo : 0x80, h = i == 1 ? hi : 0xBF;
    if (x < l || x > h) {
      *bad = i;
      return 0;
    }
  }
  return need;
}

struct Utf8Stats {
  std::size_t multibyte = 0;  // valid sequences of 2 to 4 bytes
  std::size_t invalid = 0;    // ill-formed subparts
};

Utf8Stats utf8_stats(std::string_view bytes) {
  Utf8Stats st;
  for (std::size_t i = 0; i < bytes.size();) {
    std::size_t bad = 0;
    std::size_t n = utf8_sequence(bytes.substr(i), &bad);
    if (n == 0) {
      ++st.invalid;
      i += bad;
    } else {
      if (n > 1) ++st.multibyte;
      i += n;
    }
  }
  return st;
}

struct Converted {
  std::string text;
  std::size_t replaced = 0;  // U+FFFD written for unreadable bytes
  bool opened = true;        // false: iconv does not know the charset
};

Converted sanitize(std::string_view bytes) {
  Converted r;
  r.text.reserve(bytes.size());
  for (std::size_t i = 0; i < bytes.size();) {
    std::size_t bad = 0;
    std::size_t n = utf8_sequence(bytes.substr(i), &bad);
    if (n == 0) {
      r.text += kReplacement;
      ++r.replaced;
      i += bad;
    } else {
      r.text.append(bytes.substr(i, n));
      i += n;
    }
  }
  return r;
}

// Converts with iconv; each byte iconv rejects becomes one U+FFFD and the
// conversion resumes after it, so one bad byte never costs the rest.
Converted convert(std::string_view bytes, const std::string& iconv_name) {
  if (iconv_name == "UTF-8") return sanitize(bytes);
  Converted r;
  std::unique_ptr<IconvHandle> handle = thread_iconv_pool().acquire(iconv_name);
  if (!handle->valid()) {
    r.opened = false;
    return r;
  }
  const IconvHandle& cd = *handle;
  r.text.reserve(bytes.size() * 2 + 16);
  std::array<char, 4096> chunk;
  // iconv's prototype takes char**; the input is never written through it.
  char* in = const_cast<char*>(bytes.data());
  std::size_t in_left = bytes.size();
  while (in_left > 0) {
    char* out = chunk.data();
    std::size_t out_left = chunk.size();
    std::size_t rc = iconv(cd.get(), &in, &in_left, &out, &out_left);
    int err = rc == static_cast<std::size_t>(-1) ? errno : 0;
    r.text.append(chunk.data(), static_cast<std::size_t>(out - chunk.data()));
    if (err == 0 || err == E2BIG) continue;
    ++r.replaced;
    r.text += kReplacement;
    if (err == EILSEQ) {  // skip the one byte and read on
      ++in;
      --in_left;
    } else {  // EINVAL: a sequence cut short by the end of the input
      in_left = 0;
    }
  }
  // Flush the shift state of stateful charsets (ISO-2022-JP back to ASCII).
  char* out = chunk.data();
  std::size_t out_left = chunk.size();
  iconv(cd.get(), nullptr, nullptr, &out, &out_left);
  r.text.append(chunk.data(), static_cast<std::size_t>(out - chunk.data()));
  thread_iconv_pool().release(iconv_name, std::move(handle));
  return r;
}

// ISO-2022-JP as Outlook and Windows write it carries CP932's extensions
// (circled digits, Roman numerals, NEC-selected IBM kanji) in the JIS X 0208
// shift, which glibc's ISO-2022-JP converters reject. This reads the JIS
// shifts by hand and maps each two-byte JIS code to its Shift_JIS form, then
// lets CP932 decode that: the same mapping Microsoft's CP50221 uses.
std::string iso2022jp_as_cp932_bytes(std::string_view bytes) {
  enum class Mode { kAscii, kJis, kKana };
  Mode mode = Mode::kAscii;
  std::string sjis;
  sjis.reserve(bytes.size());
  for (std::size_t i = 0; i < bytes.size();) {
    unsigned char c = static_cast<unsigned char>(bytes[i]);
    if (c == 0x1B && i + 2 < bytes.size()) {
      std::string_view esc = bytes.substr(i + 1, 2);
      if (esc == "(B" || esc == "(J") {
        mode = Mode::kAscii;
        i += 3;
        continue;
      }
      if (esc == "$B" || esc == "$@") {
        mode = Mode::kJis;
        i += 3;
        continue;
      }
      if (esc == "(I") {
        mode = Mode::kKana;
        i += 3;
        continue;
      }
    }
    if (c == '\r' || c == '\n') mode = Mode::kAscii;  // a shift never spans lines (RFC 1468)
    if (mode == Mode::kJis && c >= 0x21 && c <= 0x7E && i + 1 < bytes.size()) {
      unsigned char c2 = static_cast<unsigned char>(bytes[i + 1]);
      if (c2 >= 0x21 && c2 <= 0x7E) {
        // JIS X 0208 row/cell to Shift_JIS (the arithmetic of JIS X 0208 Annex 1).
        unsigned lead = (c + 1) / 2 + (c <= 0x5E ? 0x70 : 0xB0);
        unsigned trail = (c % 2 == 1) ? c2 + (c2 <= 0x5F ? 0x1F : 0x20) : c2 + 0x7E;
        sjis += static_cast<char>(lead);
        sjis += static_cast<char>(trail);
        i += 2;
        continue;
      }
    }
    if (mode == Mode::kKana && c >= 0x21 && c <= 0x5F) {
      sjis += static_cast<char>(c + 0x80);  // half-width katakana
      ++i;
      continue;
    }
    sjis += static_cast<char>(c);
    ++i;
  }
  return sjis;
}

Converted convert_widened(std::string_view bytes, const std::string& iconv_name) {
  Converted r = convert(bytes, iconv_name);
  if (r.replaced > 0 && starts_with(iconv_name, "ISO-2022-JP")) {
    Converted ms = convert(iso2022jp_as_cp932_bytes(bytes), "CP932");
    if (ms.replaced < r.replaced) return ms;
  }
  return r;
}

bool is_multibyte_charset(std::string_view name) {
  for (std::string_view p : {"GB", "BIG5", "CP9", "EUC", "ISO-2022", "UTF", "HZ"}) {
    if (starts_with(name, p)) return true;
  }
  return false;
}

// True when most non-ASCII characters of a UTF-8 text are CJK ideographs,
// kana, Hangul, CJK punctuation or full-width forms: a sign that a GB18030 reading
// of unlabelled bytes is the right one and not an accident.
bool mostly_cjk(std::string_view utf8) {
  std::size_t cjk = 0, other = 0;
  for (std::size_t i = 0; i < utf8.size();) {
    unsigned char c = static_cast<unsigned char>(utf8[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t bad = 0;
    std::size_t n = utf8_sequence(utf8.substr(i), &bad);
    if (n == 0) {
      ++other;
      i += bad;
      continue;
    }
    std::uint32_t cp = 0;
    if (n == 2) cp = (c & 0x1Fu) << 6 | (utf8[i + 1] & 0x3Fu);
    if (n == 3) cp = (c & 0x0Fu) << 12 | (utf8[i + 1] & 0x3Fu) << 6 | (utf8[i + 2] & 0x3Fu);
    if (n == 4) cp = 0x10000;  // supplementary planes: CJK extensions mostly
    bool is_cjk = (cp >= 0x3000 && cp <= 0x30FF) || (cp >= 0xAC00 && cp <= 0xD7AF) || (cp >= 0x3130 && cp <= 0x318F) || (cp >= 0x3400 && cp <= 0x4DBF) ||
                  (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xFF00 && cp <= 0xFFEF) || cp >= 0x10000 ||
                  cp == 0x2014 || cp == 0x2026 || cp == 0x201C || cp == 0x201D || cp == 0x2018 || cp == 0x2019;
    (is_cjk ? cjk : other) += 1;
    i += n;
  }
  return cjk > 0 && cjk >= 4 * other;
}

// uchardet is reliable on paragraphs, not on a four-byte name: below this
// many non-ASCII bytes its single-byte answers are not trusted.
constexpr std::size_t kDetectorMinBytes = 48;

std::size_t non_ascii_count(std::string_view bytes) {
  std::size_t n = 0;
  for (unsigned char c : bytes) n += c >= 0x80;
  return n;
}

struct Guess {
  std::string charset;
  Converted converted;
};

// uchardet and the trial conversions need a few paragraphs, not a 4 MB
// body: they see this much, from just before the first byte that is not
// ASCII (a long English quote must not hide the Chinese text after it).
constexpr std::size_t kSampleBytes = 64 << 10;

std::string_view sample_of(std::string_view bytes) {
  std::size_t first = 0;
  while (first < bytes.size() && static_cast<unsigned char>(bytes[first]) < 0x80 && bytes[first] != 0x1B) ++first;
  first = first > 64 ? first - 64 : 0;
  return bytes.substr(first, kSampleBytes);
}

// The charset to read unlabelled (or mislabelled) bytes with, judged on a
// sample by trial conversions.
std::string choose_charset(std::string_view sample) {
  // ISO-2022-JP is 7-bit: it would pass for UTF-8 but for its escapes.
  if (sample.find("\x1B$") != std::string_view::npos && convert_widened(sample, "ISO-2022-JP-2").replaced == 0) {
    return "ISO-2022-JP-2";
  }
  if (is_valid_utf8(sample)) return "UTF-8";
  std::string detected = detect_charset(sample);
  std::string best;
  std::size_t best_replaced = 0;
  if (!detected.empty()) {
    Converted c = convert_widened(sample, detected);
    bool trusted = is_multibyte_charset(detected) || non_ascii_count(sample) >= kDetectorMinBytes;
    if (c.opened && c.replaced == 0 && trusted) return detected;
    if (c.opened) {
      best = detected;
      best_replaced = c.replaced;
    }
  }
  Converted gb = convert(sample, "GB18030");
  if (gb.replaced == 0 && mostly_cjk(gb.text)) return "GB18030";
  if (!best.empty() && best_replaced == 0) return best;
  Converted western = convert(sample, "WINDOWS-1252");
  if (best.empty() || western.replaced < best_replaced) {
    best = "WINDOWS-1252";
    best_replaced = western.replaced;
  }
  if (gb.replaced < best_replaced) best = "GB18030";
  return best;
}

// Reads bytes whose label is missing, meaningless or wrong.
Guess guess(std::string_view bytes) {
  if (bytes.find("\x1B$") == std::string_view::npos && is_valid_utf8(bytes)) return {"UTF-8", sanitize(bytes)};
  std::string charset = choose_charset(sample_of(bytes));
  return {charset, convert_widened(bytes, charset)};
}

void set_note(std::string* note, std::string text) {
  if (note != nullptr) *note = std::move(text);
}

}  // namespace

bool is_valid_utf8(std::string_view bytes) {
  for (std::size_t i = 0; i < bytes.size();) {
    if (static_cast<unsigned char>(bytes[i]) < 0x80) {
      ++i;
      continue;
    }
    std::size_t bad = 0;
    std::size_t n = utf8_sequence(bytes.substr(i), &bad);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string sanitize_utf8(std::string_view bytes) { return sanitize(bytes).text; }

std::string detect_charset(std::string_view bytes) {
  std::unique_ptr<uchardet, UchardetDeleter> ud(uchardet_new());
  if (!ud) return {};
  std::string_view sample = sample_of(bytes);
  if (uchardet_handle_data(ud.get(), sample.data(), sample.size()) != 0) return {};
  uchardet_data_end(ud.get());
  const char* found = uchardet_get_charset(ud.get());
  if (found == nullptr || *found == '\0') return {};
  std::string name = ascii_lower(found);
  if (name == "ascii") return "UTF-8";  // plain ASCII is valid UTF-8
  return widen(name);
}

std::string to_utf8(std::string_view bytes, std::string_view declared, std::string* note) {
  std::string charset = widen(declared);
  if (all_ascii(bytes) && (charset.empty() || ascii_transparent(charset))) return std::string(bytes);

  std::string label(trim_name(declared));
  if (charset.empty()) {
    Guess g = guess(bytes);
    std::string why = label.empty() ? "no charset declared" : "unknown charset \"" + sanitize(label).text + "\"";
    std::string text = why + ", read as " + g.charset;
    if (g.converted.replaced > 0) {
      text += " (" + std::to_string(g.converted.replaced) + " unreadable bytes replaced by U+FFFD)";
    }
    // Unlabelled UTF-8 is what every modern client writes: not worth a note.
    if (!(label.empty() && g.charset == "UTF-8")) set_note(note, std::move(text));
    return std::move(g.converted.text);
  }

  // Western single-byte labels never fail to convert, so a wrong one would
  // silently give mojibake: text that is valid UTF-8 with multi-byte
  // sequences is UTF-8 mislabelled (Outlook and webmail forms do this).
  if (is_single_byte_western(charset)) {
    Utf8Stats st = utf8_stats(bytes);
    if (st.invalid == 0 && st.multibyte > 0) {
      set_note(note, "charset \"" + label + "\" declared but the text is UTF-8");
      return std::string(bytes);
    }
  }

  Converted r = convert_widened(bytes, charset);
  if (r.replaced == 0) return std::move(r.text);

  // Mostly-valid UTF-8 with a few broken bytes stays UTF-8: a detector would
  // trade a few U+FFFD for a whole text of mojibake.
  if (charset == "UTF-8") {
    Utf8Stats st = utf8_stats(bytes);
    if (st.multibyte >= 4 * st.invalid) {
      set_note(note, std::to_string(r.replaced) + " bytes not valid UTF-8 replaced by U+FFFD");
      return std::move(r.text);
    }
  }
  // Another reading replaces the declared one only when it is clean and
  // either multi-byte (UTF-8, a CJK charset) or the declared reading is
  // mostly garbage: a single-byte reading is clean for any bytes at all, so
  // a few bad bytes in GBK text must not turn the whole text to Latin-1.
  Guess g = guess(bytes);
  bool declared_is_garbage = r.replaced >= 3 && r.replaced * 4 > non_ascii_count(bytes);
  if (g.charset != charset && g.converted.replaced == 0 &&
      (is_multibyte_charset(g.charset) || declared_is_garbage)) {
    std::string text = "charset \"" + label + "\" declared but the text reads as " + g.charset;
    if (g.converted.replaced > 0) {
      text += " (" + std::to_string(g.converted.replaced) + " unreadable bytes replaced by U+FFFD)";
    }
    set_note(note, std::move(text));
    return std::move(g.converted.text);
  }
  set_note(note, std::to_string(r.replaced) + " bytes not valid " + charset + " replaced by U+FFFD");
  return std::move(r.text);
}

}  // namespace ticketd
