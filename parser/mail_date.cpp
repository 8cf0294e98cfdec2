// parse_mail_date: RFC 5322 section 3.3 dates and the forms seen in the wild.
//
// Rather than one grammar, the value is read token by token and each token
// says what it is by its shape: a name of a month or weekday, a time with
// colons, a signed zone, a number that is a day or a year. That one reader
// covers, without a case for each:
//   RFC 5322            Tue, 25 Aug 2020 10:22:33 +0800
//   no weekday/seconds  25 Aug 2020 10:22 +0800
//   obsolete zones      Tue, 25 Aug 2020 10:22:33 PDT   (RFC 5322 4.3)
//   2-digit years       Tue, 25 Aug 20 10:22:33 GMT     (RFC 5322 4.3)
//   asctime / ctime     Tue Aug 25 10:22:33 2020
//   dashed (RFC 850)    Tuesday, 25-Aug-20 10:22:33 GMT
//   ISO 8601            2020-08-25T10:22:33Z, 2020-08-25 10:22:33+08:00
//   slashed             2020/08/25 10:22:33 +0800
//   Chinese clients     2020年8月25日 10:22
//   offset after a name Tue, 25 Aug 2020 10:22:33 GMT+0800
//   junk after          Tue, 25 Aug 2020 10:22:33 +0800 (CST) via webmail
// A time without a zone is taken as UTC ("-0000": zone unknown).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parser/header_fields.h"

namespace ticketd {

namespace {

struct DateParts {
  int year = -1, month = -1, day = -1;
  int hour = -1, minute = -1, second = 0;
  std::optional<int> zone_minutes;  // east of UTC
  int meridiem = 0;                 // 0 none, 1 am, 2 pm
};

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z'); }

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!is_digit(c)) return false;
  }
  return true;
}

bool all_alpha(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!is_alpha(c)) return false;
  }
  return true;
}

int to_int(std::string_view s) {
  int v = 0;
  for (char c : s) {
    if (v > 100000) return v;  // long digit runs are junk anyway
    v = v * 10 + (c - '0');
  }
  return v;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
// days_from_civil).
std::int64_t days_from_civil(std::int64_t y, int m, int d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

int days_in_month(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

// English month names, and the German, French and Dutch abbreviations that
// differ from them (localised Outlook and Lotus Notes write those).
int month_from_name(std::string_view w) {
  static constexpr std::string_view kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                                 "jul", "aug", "sep", "oct", "nov", "dec"};
  if (w.size() < 3) return 0;
  std::string_view head = w.substr(0, 3);
  for (int i = 0; i < 12; ++i) {
    if (head == kMonths[i]) return i + 1;
  }
  if (head == "mrz" || head == "maa") return 3;
  if (head == "mai" || head == "mei") return 5;
  if (head == "okt") return 10;
  if (head == "dez") return 12;
  if (w == "janv") return 1;
  if (w == "févr" || w == "fevr") return 2;
  if (w == "avr") return 4;
  if (w == "juil") return 7;
  return 0;
}

bool is_weekday(std::string_view w) {
  static constexpr std::string_view kDays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  if (w.size() < 3 || w.size() > 9) return false;
  for (std::string_view d : kDays) {
    if (w.substr(0, 3) == d) return true;
  }
  return false;
}

// RFC 5322 section 4.3 obsolete zones, and the abbreviations mail clients
// and servers still print. Military letters other than Z are unreliable
// (RFC 822 had their signs reversed), so RFC 5322 says to read them as
// -0000, which is what an unknown name gets too.
std::optional<int> zone_from_name(std::string_view w) {
  struct Zone {
    std::string_view name;
    int minutes;
  };
  static constexpr Zone kZones[] = {
      {"ut", 0},        {"utc", 0},      {"gmt", 0},     {"z", 0},        {"wet", 0},     {"est", -300},
      {"edt", -240},    {"cst", -360},   {"cdt", -300},  {"mst", -420},   {"mdt", -360},  {"pst", -480},
      {"pdt", -420},    {"akst", -540},  {"akdt", -480}, {"hst", -600},   {"ast", -240},  {"adt", -180},
      {"nst", -210},    {"ndt", -150},   {"bst", 60},    {"ist", 330},    {"west", 60},   {"cet", 60},
      {"met", 60},      {"cest", 120},   {"mest", 120},  {"eet", 120},    {"eest", 180},  {"msk", 180},
      {"hkt", 480},     {"sgt", 480},    {"awst", 480},  {"jst", 540},    {"kst", 540},   {"acst", 570},
      {"aest", 600},    {"aedt", 660},   {"nzst", 720},  {"nzdt", 780},
  };
  for (const Zone& z : kZones) {
    if (w == z.name) return z.minutes;
  }
  return std::nullopt;
}

// "+0800", "-07:00", "+08", "+8": minutes east of UTC, or nothing.
std::optional<int> numeric_zone(std::string_view s) {
  if (s.size() < 2 || (s[0] != '+' && s[0] != '-')) return std::nullopt;
  int sign = s[0] == '-' ? -1 : 1;
  std::string digits;
  for (char c : s.substr(1)) {
    if (c == ':') continue;
    if (!is_digit(c)) return std::nullopt;
    digits += c;
  }
  int hours = 0, minutes = 0;
  if (digits.size() == 4 || digits.size() == 3) {
    int v = to_int(digits);
    hours = v / 100;
    minutes = v % 100;
  } else if (digits.size() == 1 || digits.size() == 2) {
    hours = to_int(digits);
  } else {
    return std::nullopt;
  }
  if (hours > 14 || minutes > 59) return std::nullopt;
  return sign * (hours * 60 + minutes);
}

// "10:22", "10:22:33", "10:22:33.123", optionally followed directly by a
// zone ("10:22:33Z", "10:22:33+08:00") or am/pm.
bool read_time(std::string_view s, DateParts* p) {
  std::size_t i = 0;
  int fields[3] = {-1, -1, 0};
  for (int f = 0; f < 3; ++f) {
    std::size_t start = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    if (i == start || i - start > 2) return false;
    fields[f] = to_int(s.substr(start, i - start));
    if (i < s.size() && s[i] == ':' && f < 2) {
      ++i;
      continue;
    }
    if (f == 0) return false;  // a time has at least hours and minutes
    break;
  }
  if (i < s.size() && s[i] == '.') {  // fractions of a second
    ++i;
    while (i < s.size() && is_digit(s[i])) ++i;
  }
  p->hour = fields[0];
  p->minute = fields[1];
  p->second = fields[2];
  std::string_view rest = s.substr(i);
  if (rest.empty()) return true;
  if (rest == "am" || rest == "a.m.") {
    p->meridiem = 1;
  } else if (rest == "pm" || rest == "p.m.") {
    p->meridiem = 2;
  } else if (std::optional<int> z = numeric_zone(rest)) {
    p->zone_minutes = z;
  } else if (std::optional<int> named = zone_from_name(rest)) {
    p->zone_minutes = named;
  }
  return true;
}

// "2020-08-25", "25-Aug-2020", "08/25/2020", "25.08.2020".
bool read_dashed_date(std::string_view s, DateParts* p) {
  std::vector<std::string_view> parts;
  char sep = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == '-' || s[i] == '/' || s[i] == '.') {
      if (i < s.size()) sep = s[i];
      parts.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  if (parts.size() == 4 && parts[3].empty()) parts.pop_back();  // "25.08.2020."
  if (parts.size() != 3) return false;
  auto num = [](std::string_view v) { return all_digits(v) ? to_int(v) : -1; };
  if (parts[0].size() == 4 && all_digits(parts[0])) {  // ISO 8601 / Chinese Y-M-D
    int m = num(parts[1]) > 0 ? num(parts[1]) : month_from_name(parts[1]);
    p->year = to_int(parts[0]);
    p->month = m;
    p->day = num(parts[2]);
    return true;
  }
  if (int m = month_from_name(parts[1]); m > 0) {  // RFC 850: 25-Aug-20
    p->day = num(parts[0]);
    p->month = m;
    p->year = num(parts[2]);
    return true;
  }
  int a = num(parts[0]), b = num(parts[1]), c = num(parts[2]);
  if (a < 0 || b < 0 || c < 0) return false;
  // Day first unless that cannot be (US "08/25/2020"), or the separator is a
  // slash and the first number can be a month (US order is the common one
  // with slashes in English mail).
  bool month_first = b > 12 || (sep == '/' && a <= 12);
  p->day = month_first ? b : a;
  p->month = month_first ? a : b;
  p->year = c;
  return true;
}

// Lower-cases ASCII, drops comments, and turns the Chinese date characters
// into separators so "2020年8月25日" reads as "2020-8-25 ".
std::string prepare(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  int depth = 0;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '(') {
      ++depth;
      continue;
    }
    if (c == ')' && depth > 0) {
      --depth;
      continue;
    }
    if (depth > 0) continue;
    std::string_view rest = raw.substr(i);
    if (rest.substr(0, 3) == "年" || rest.substr(0, 3) == "月") {
      out += '-';
      i += 2;
      continue;
    }
    if (rest.substr(0, 3) == "日") {
      out += ' ';
      i += 2;
      continue;
    }
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c == ',' || c == '\t' || c == '\r' || c == '\n') c = ' ';
    out += c;
  }
  return out;
}

}  // namespace

std::optional<std::int64_t> parse_mail_date(std::string_view raw) {
  if (raw.size() > 1024) raw = raw.substr(0, 1024);  // a date is short; the rest is junk
  std::string text = prepare(raw);
  std::vector<std::string_view> tokens;
  std::string_view s = text;
  for (std::size_t i = 0; i < s.size();) {
    while (i < s.size() && s[i] == ' ') ++i;
    std::size_t start = i;
    while (i < s.size() && s[i] != ' ') ++i;
    if (i > start) tokens.push_back(s.substr(start, i - start));
  }

  DateParts p;
  for (std::string_view t : tokens) {
    // "25. Aug. 2020" (German): a day number with a full stop.
    if (t.size() > 1 && t.back() == '.' && all_digits(t.substr(0, t.size() - 1))) t.remove_suffix(1);
    // ISO 8601 "2020-08-25t10:22:33z": a date and a time in one token.
    if (std::size_t tpos = t.find('t'); tpos != std::string_view::npos && tpos >= 8 && tpos + 1 < t.size() &&
                                        is_digit(t[tpos - 1]) && is_digit(t[tpos + 1])) {
      if (p.year < 0) read_dashed_date(t.substr(0, tpos), &p);
      if (p.hour < 0) read_time(t.substr(tpos + 1), &p);
      continue;
    }
    if ((t[0] == '+' || t[0] == '-') && t.size() > 1 && is_digit(t[1])) {
      if (!p.zone_minutes) p.zone_minutes = numeric_zone(t);
      continue;
    }
    if (t.find(':') != std::string_view::npos && is_digit(t[0])) {
      if (p.hour < 0) read_time(t, &p);
      continue;
    }
    if (is_digit(t[0]) && t.find_first_of("-/.") != std::string_view::npos) {
      if (p.year < 0 && p.day < 0) read_dashed_date(t, &p);
      continue;
    }
    if (all_digits(t)) {
      if (t.size() <= 2 && p.day < 0 && !(p.year >= 0 && p.month < 0)) {
        p.day = to_int(t);
      } else if (t.size() <= 4 && p.year < 0) {
        p.year = to_int(t);
      } else if (t.size() <= 2 && p.month < 0 && p.year >= 0) {
        p.month = to_int(t);  // "2020 8 25"
      } else if (t.size() <= 2 && p.day < 0) {
        p.day = to_int(t);
      }
      continue;
    }
    std::string_view word = t;
    while (!word.empty() && word.back() == '.') word.remove_suffix(1);
    if (word == "am" || word == "a.m") {
      p.meridiem = 1;
    } else if (word == "pm" || word == "p.m") {
      p.meridiem = 2;
    } else if (p.month < 0 && all_alpha(word.substr(0, 3)) && month_from_name(word) > 0 && !is_weekday(word)) {
      p.month = month_from_name(word);
    } else if (!p.zone_minutes && p.hour >= 0) {
      std::size_t sign = word.find_first_of("+-");
      if (sign == 3 && (word.substr(0, 3) == "gmt" || word.substr(0, 3) == "utc")) {
        p.zone_minutes = numeric_zone(word.substr(3));  // "GMT+0800", "UTC+8" (webmail, Windows)
      } else if (std::optional<int> z = zone_from_name(word)) {
        p.zone_minutes = z;
      }
    }
    // Anything else (a weekday, a comment left unbracketed, junk) is ignored.
  }

  if (p.year < 0 || p.month < 1 || p.month > 12 || p.day < 1) return std::nullopt;
  // RFC 5322 section 4.3: 2-digit years 00-49 are 2000-2049, 50-99 are
  // 1950-1999; 3-digit years are offsets from 1900.
  if (p.year < 50) {
    p.year += 2000;
  } else if (p.year < 1000) {
    p.year += 1900;
  }
  if (p.year > 9999 || p.day > days_in_month(p.year, p.month)) return std::nullopt;
  if (p.hour < 0) {  // a date without a time: midnight
    p.hour = 0;
    p.minute = 0;
    p.second = 0;
  }
  if (p.meridiem == 2 && p.hour < 12) p.hour += 12;
  if (p.meridiem == 1 && p.hour == 12) p.hour = 0;
  if (p.second == 60) p.second = 59;  // a leap second
  if (p.hour > 23 || p.minute > 59 || p.second > 59) return std::nullopt;

  std::int64_t seconds = days_from_civil(p.year, p.month, p.day) * 86400 + p.hour * 3600 + p.minute * 60 + p.second;
  return seconds - static_cast<std::int64_t>(p.zone_minutes.value_or(0)) * 60;
}

}  // namespace ticketd
