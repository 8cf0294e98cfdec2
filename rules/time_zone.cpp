#include "rules/time_zone.h"

#include <algorithm>
#include <fstream>
#include <iterator>

#include "rules/business_hours.h"

namespace ticketd {
namespace {

std::int64_t big_endian(const std::string& data, std::size_t at, int bytes) {
  std::uint64_t value = 0;
  for (int i = 0; i < bytes; ++i) value = (value << 8) | static_cast<unsigned char>(data[at + static_cast<std::size_t>(i)]);
  if (bytes == 4) return static_cast<std::int32_t>(static_cast<std::uint32_t>(value));
  return static_cast<std::int64_t>(value);
}

// RFC 8536 section 3: header, then the v1 (32-bit) block; version 2+ files
// repeat everything with 64-bit times after it, which is the block we read.
bool parse_tzif(const std::string& data, TimeZone* zone, std::string* err) {
  auto header_ok = [&](std::size_t at) { return data.size() >= at + 44 && data.compare(at, 4, "TZif") == 0; };
  if (!header_ok(0)) {
    *err = "not a TZif file";
    return false;
  }
  auto counts = [&](std::size_t at, std::int64_t c[6]) {
    for (int i = 0; i < 6; ++i) c[i] = big_endian(data, at + 20 + static_cast<std::size_t>(i) * 4, 4);
  };
  std::int64_t c[6];  // isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
  counts(0, c);
  std::size_t at = 44;
  int time_bytes = 4;
  if (data[4] >= '2') {
    at += static_cast<std::size_t>(c[3] * 4 + c[3] + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0]);
    if (!header_ok(at)) {
      *err = "truncated TZif file";
      return false;
    }
    counts(at, c);
    at += 44;
    time_bytes = 8;
  }
  const std::int64_t timecnt = c[3], typecnt = c[4];
  const std::size_t need = at + static_cast<std::size_t>(timecnt * time_bytes + timecnt + typecnt * 6);
  if (typecnt < 1 || timecnt < 0 || data.size() < need) {
    *err = "truncated TZif file";
    return false;
  }
  std::vector<int> type_offsets;
  const std::size_t types_at = at + static_cast<std::size_t>(timecnt * time_bytes + timecnt);
  for (std::int64_t i = 0; i < typecnt; ++i) {
    type_offsets.push_back(static_cast<int>(big_endian(data, types_at + static_cast<std::size_t>(i) * 6, 4) / 60));
  }
  zone->base_offset_minutes = type_offsets[0];
  for (std::int64_t i = 0; i < timecnt; ++i) {
    const std::int64_t when = big_endian(data, at + static_cast<std::size_t>(i * time_bytes), time_bytes);
    const auto type = static_cast<unsigned char>(data[at + static_cast<std::size_t>(timecnt * time_bytes + i)]);
    if (type >= type_offsets.size()) {
      *err = "TZif file names an unknown local time type";
      return false;
    }
    zone->transitions.push_back(when);
    zone->offsets_after_minutes.push_back(type_offsets[type]);
  }
  return true;
}

}  // namespace

int TimeZone::offset_minutes_at(std::int64_t utc) const {
  auto it = std::upper_bound(transitions.begin(), transitions.end(), utc);
  if (it == transitions.begin()) return base_offset_minutes;
  return offsets_after_minutes[static_cast<std::size_t>(std::distance(transitions.begin(), it) - 1)];
}

std::int64_t TimeZone::utc_of_local(std::int64_t local) const {
  // Try the offsets in force just before and just after the moment: the
  // earlier candidate that maps back to `local` wins (autumn overlap); when
  // none does (spring gap) use the offset from before the change.
  const std::int64_t guess = local - std::int64_t{offset_minutes_at(local)} * 60;
  const std::int64_t before = local - std::int64_t{offset_minutes_at(guess - 86400)} * 60;
  const std::int64_t after = local - std::int64_t{offset_minutes_at(guess + 86400)} * 60;
  std::int64_t best = 0;
  bool found = false;
  for (std::int64_t candidate : {before, after, guess}) {
    if (candidate + std::int64_t{offset_minutes_at(candidate)} * 60 == local && (!found || candidate < best)) {
      best = candidate;
      found = true;
    }
  }
  return found ? best : before;
}

bool load_time_zone(std::string_view name, TimeZone* out, std::string* err, const std::string& zoneinfo_dir) {
  TimeZone zone;
  zone.name = std::string(name);
  if (parse_utc_offset(name, &zone.base_offset_minutes)) {
    *out = std::move(zone);
    return true;
  }
  if (name.empty() || name.front() == '/' || name.find("..") != std::string_view::npos ||
      name.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/_+-") !=
          std::string_view::npos) {
    *err = "time zone \"" + std::string(name) + "\" is neither an offset like \"+08:00\" nor a zone name like \"Asia/Shanghai\"";
    return false;
  }
  std::ifstream in(zoneinfo_dir + "/" + std::string(name), std::ios::binary);
  if (!in) {
    *err = "unknown time zone \"" + std::string(name) + "\" (not in " + zoneinfo_dir + ")";
    return false;
  }
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string why;
  if (!parse_tzif(data, &zone, &why)) {
    *err = "time zone \"" + std::string(name) + "\": " + why;
    return false;
  }
  *out = std::move(zone);
  return true;
}

}  // namespace ticketd
