// FileLock: see store/file_lock.h.
#include "store/file_lock.h"

#include <sys/file.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace ticketd {

FileLock::FileLock(int fd) noexcept : fd_(fd) {
  while (::flock(fd_, LOCK_EX) != 0) {
    if (errno == EINTR) continue;
    error_ = errno;
    fd_ = -1;
    break;
  }
}

FileLock::~FileLock() {
  if (fd_ >= 0) ::flock(fd_, LOCK_UN);
}

bool FileLock::held(const std::string& what, std::string* err) const {
  if (fd_ >= 0) return true;
  *err = fmt::format("{}: cannot lock it: {}", what, std::strerror(error_));
  return false;
}

}  // namespace ticketd
