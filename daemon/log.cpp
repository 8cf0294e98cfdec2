#include "daemon/log.h"

#include <cstdio>
#include <string>

namespace ticketd {

void Log::write(Level level, std::string_view line) {
  std::string out;
  if (prefix_) out = fmt::format("<{}>", static_cast<int>(level));
  // One event, one line: a stray line break from a server's answer must not
  // forge a second log line.
  for (char c : line) out += (c == '\n' || c == '\r') ? ' ' : c;
  out += '\n';
  std::lock_guard<std::mutex> hold(write_lock_);
  std::fwrite(out.data(), 1, out.size(), stderr);
  std::fflush(stderr);
}

}  // namespace ticketd
