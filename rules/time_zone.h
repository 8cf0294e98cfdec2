// TimeZone: the offset from UTC of a place at a given moment, for counting
// business hours across daylight saving changes (issue 6, SLA).
//
// A zone is either a fixed offset ("UTC", "+08:00") or an IANA name
// ("Europe/Berlin", "Asia/Taipei") read once from the system's compiled
// tz database (/usr/share/zoneinfo, the TZif format of RFC 8536). Nothing
// here touches the process-wide TZ variable or localtime(), so two zones can
// be used side by side and the tests need no environment.
//
// Known limit: after the last transition in the file the last offset is
// kept. Debian ships "fat" TZif files with transitions up to 2037, so this
// only matters beyond that year.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ticketd {

struct TimeZone {
  std::string name = "UTC";
  int base_offset_minutes = 0;               // before the first transition, or always for a fixed zone
  std::vector<std::int64_t> transitions;     // UTC seconds, ascending
  std::vector<int> offsets_after_minutes;    // offset in force from transitions[i] on

  // Local = UTC + offset_minutes_at(utc) * 60.
  int offset_minutes_at(std::int64_t utc) const;
  // The UTC moment of a local wall-clock time. In a spring-forward gap the
  // time is read with the offset before the change (02:30 -> 03:30 CEST);
  // in an autumn overlap the earlier of the two moments is taken.
  std::int64_t utc_of_local(std::int64_t local) const;
};

// Reads "UTC", "+08:00" / "-05:30", or an IANA zone name from `zoneinfo_dir`.
// On failure returns false and says why in `err` (the name, never a path
// outside zoneinfo_dir: names with ".." or a leading '/' are refused).
bool load_time_zone(std::string_view name, TimeZone* out, std::string* err,
                    const std::string& zoneinfo_dir = "/usr/share/zoneinfo");

}  // namespace ticketd
