// Log: one line per event on stderr, with the journald priority prefix
// ("<6>" info, "<4>" warning, "<3>" error; sd-daemon(3)) so systemd files
// each line at the right level. Callers never pass passwords or mail bodies:
// a line names the mail (mailbox, UID, Message-ID, ticket), not its text.
// Safe to share between threads (intake and the background sender): each
// line is written whole under a lock, never interleaved with another.
#pragma once

#include <fmt/format.h>

#include <mutex>
#include <string_view>

namespace ticketd {

class Log {
 public:
  enum class Level { error = 3, warning = 4, info = 6, debug = 7 };

  explicit Log(bool with_priority_prefix = true, Level threshold = Level::info)
      : prefix_(with_priority_prefix), threshold_(threshold) {}

  template <typename... Args>
  void info(fmt::format_string<Args...> format, Args&&... args) {
    write(Level::info, fmt::format(format, std::forward<Args>(args)...));
  }
  template <typename... Args>
  void warning(fmt::format_string<Args...> format, Args&&... args) {
    write(Level::warning, fmt::format(format, std::forward<Args>(args)...));
  }
  template <typename... Args>
  void error(fmt::format_string<Args...> format, Args&&... args) {
    write(Level::error, fmt::format(format, std::forward<Args>(args)...));
  }
  template <typename... Args>
  void debug(fmt::format_string<Args...> format, Args&&... args) {
    if (threshold_ >= Level::debug) write(Level::debug, fmt::format(format, std::forward<Args>(args)...));
  }

  void write(Level level, std::string_view line);

 private:
  bool prefix_;
  Level threshold_;
  std::mutex write_lock_;
};

}  // namespace ticketd
