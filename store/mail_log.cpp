// MailLog: see store/mail_log.h.
#include "store/mail_log.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include <fmt/format.h>

#include "parser/sha256.h"
#include "store/file_lock.h"
#include "store/file_owner.h"

namespace ticketd {

namespace {

// What the system said, in words an admin acts on.
std::string reason(int error) {
  if (error == ENOSPC || error == EDQUOT) return fmt::format("the disk is full ({})", std::strerror(error));
  return std::strerror(error);
}

// The number in a file name of this log ("000042.mails" -> 42), 0 otherwise.
std::int64_t file_number(const char* name) {
  std::int64_t number = 0;
  int digits = 0;
  for (; name[digits] >= '0' && name[digits] <= '9'; ++digits) number = number * 10 + (name[digits] - '0');
  return digits == 6 && std::strcmp(name + digits, ".mails") == 0 ? number : 0;
}

// pwritev until every byte of `parts` is written at `offset` (a write may be
// cut short by a signal or a nearly full disk; the rest is tried again and
// then fails with the reason).
bool write_all_at(int fd, iovec* parts, int count, off_t offset, int* error) {
  while (count > 0) {
    ssize_t written = ::pwritev(fd, parts, count, offset);
    if (written < 0) {
      if (errno == EINTR) continue;
      *error = errno;
      return false;
    }
    if (written == 0) {
      *error = ENOSPC;
      return false;
    }
    offset += written;
    auto left = static_cast<std::size_t>(written);
    while (count > 0 && left >= parts->iov_len) {
      left -= parts->iov_len;
      ++parts;
      --count;
    }
    if (count > 0) {
      parts->iov_base = static_cast<char*>(parts->iov_base) + left;
      parts->iov_len -= left;
    }
  }
  return true;
}

// fdatasync of `file` and fsync of `folder_fd` (each skipped when -1).
bool sync_files(int file, const std::string& file_name, int folder_fd, const std::string& folder,
                std::string* err) {
  struct stat synced {};
  if (file >= 0 && ::fstat(file, &synced) != 0) synced.st_size = 0;
  if (file >= 0 && ::fdatasync(file) != 0) {
    *err = fmt::format("{}: cannot sync the raw mail to disk: {}", file_name, reason(errno));
    return false;
  }
  // On the disk, the records leave the page cache. The log is written once
  // and read rarely (an agent's reply passing a customer's file on, a
  // repair), so its pages were only crowding out the database's and the
  // mailbox's; dropped, they serve the next appends, which otherwise took
  // new pages from the system one by one (issue 8: 0.8 s less CPU at 5,000
  // mails, bench/README.md). Best effort: what is appended meanwhile is not
  // yet clean and stays, and a file system that ignores the advice (tmpfs)
  // only keeps its pages.
  if (file >= 0 && synced.st_size > 0) (void)::posix_fadvise(file, 0, synced.st_size, POSIX_FADV_DONTNEED);
  if (folder_fd >= 0 && ::fsync(folder_fd) != 0) {
    *err = fmt::format("{}: cannot sync the folder of raw mail to disk: {}", folder, reason(errno));
    return false;
  }
  return true;
}

}  // namespace

MailLog::MailLog(std::string folder, std::string owner_from, std::int64_t file_bytes)
    : folder_(std::move(folder)), owner_from_(std::move(owner_from)), file_bytes_(file_bytes) {}

MailLog::~MailLog() {
  close_current();
  if (folder_fd_ >= 0) ::close(folder_fd_);
}

std::string MailLog::file_name(std::int64_t file) const { return fmt::format("{}/{:06}.mails", folder_, file); }

void MailLog::close_current() noexcept {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  current_ = 0;
}

// Opens (creating it when it does not exist) file `number` for appends.
bool MailLog::start_file(std::int64_t number, std::string* err) {
  const std::string name = file_name(number);
  int fd = ::open(name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
  if (fd >= 0) {
    folder_unsynced_ = true;  // the new name must reach the disk too
    give_to_owner_of(owner_from_, fd, name);
  } else if (errno == EEXIST) {
    fd = ::open(name.c_str(), O_WRONLY | O_CLOEXEC);
  }
  if (fd < 0) {
    *err = fmt::format("{}: cannot open to keep raw mail: {}", name, reason(errno));
    return false;
  }
  fd_ = fd;
  current_ = number;
  return true;
}

// The folder exists: open_folder() made it.
bool MailLog::open_newest(std::string* err) {
  DIR* dir = ::opendir(folder_.c_str());
  if (!dir) {
    *err = fmt::format("{}: cannot read the folder of raw mail: {}", folder_, reason(errno));
    return false;
  }
  std::int64_t newest = 1;
  while (const dirent* entry = ::readdir(dir)) newest = std::max(newest, file_number(entry->d_name));
  ::closedir(dir);
  return start_file(newest, err);
}

bool MailLog::open_folder(std::string* err) {
  if (folder_fd_ >= 0) return true;
  if (::mkdir(folder_.c_str(), 0750) == 0) {
    give_to_owner_of(owner_from_, -1, folder_);
  } else if (errno != EEXIST) {
    *err = fmt::format("{}: cannot create the folder for raw mail: {}", folder_, reason(errno));
    return false;
  }
  folder_fd_ = ::open(folder_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (folder_fd_ < 0) {
    *err = fmt::format("{}: cannot open the folder of raw mail: {}", folder_, reason(errno));
    return false;
  }
  return true;
}

bool MailLog::append(std::string_view raw, std::string_view sha256_hex, MailLogPlace* place, std::string* err) {
  std::lock_guard<std::mutex> hold(lock_);
  if (!open_folder(err)) return false;
  FileLock locked(folder_fd_);  // other processes' appends wait
  if (!locked.held(folder_, err)) return false;
  return append_locked(raw, sha256_hex, place, err);
}

bool MailLog::append_locked(std::string_view raw, std::string_view sha256_hex, MailLogPlace* place,
                            std::string* err) {
  // Another process (appending before us) may have started a newer file:
  // appends always go to the newest.
  if (fd_ >= 0) {
    struct stat next {};
    if (::stat(file_name(current_ + 1).c_str(), &next) == 0) {
      if (!sync_locked(err)) return false;
      close_current();
    }
  }
  if (fd_ < 0 && !open_newest(err)) return false;

  struct stat now {};
  if (::fstat(fd_, &now) != 0) {
    *err = fmt::format("{}: cannot read its size: {}", file_name(current_), reason(errno));
    return false;
  }
  if (now.st_size >= file_bytes_) {
    // Full: later mails go to a new file, and this one's last records reach
    // the disk now, since sync() only knows the open file.
    if (!sync_locked(err)) return false;
    const std::int64_t next = current_ + 1;
    close_current();
    if (!start_file(next, err)) return false;
    return append_locked(raw, sha256_hex, place, err);
  }

  std::string header = fmt::format("ticketd-mail {} {}\r\n", raw.size(), sha256_hex);
  char end[] = "\r\n";
  iovec parts[3] = {{header.data(), header.size()},
                    {const_cast<char*>(raw.data()), raw.size()},
                    {end, 2}};
  int error = 0;
  if (!write_all_at(fd_, parts, 3, now.st_size, &error)) {
    // Nothing half-written stays behind for the next record to follow.
    (void)!::ftruncate(fd_, now.st_size);
    *err = fmt::format("{}: cannot write the raw mail: {}", file_name(current_), reason(error));
    return false;
  }
  unsynced_ = true;
  place->file = current_;
  place->record_start = now.st_size;
  place->offset = now.st_size + static_cast<std::int64_t>(header.size());
  place->record_end = place->offset + static_cast<std::int64_t>(raw.size()) + 2;
  return true;
}

void MailLog::truncate_to(const MailLogPlace& first, const MailLogPlace& last) noexcept {
  std::lock_guard<std::mutex> hold(lock_);
  if (fd_ < 0 || first.file != current_ || last.file != current_) return;
  std::string ignored;
  if (!open_folder(&ignored)) return;
  FileLock locked(folder_fd_);
  if (!locked.held(folder_, &ignored)) return;
  struct stat now {};
  if (::fstat(fd_, &now) == 0 && now.st_size == last.record_end) (void)!::ftruncate(fd_, first.record_start);
}

bool MailLog::sync(std::string* err) {
  // The disk's wait without the mutex, so the fetching thread keeps
  // appending meanwhile: a copy of the descriptor stays valid even if an
  // append closes fd_ for a new file. What is appended during the wait is
  // left for the next sync() (that append sets unsynced_ again).
  int file = -1;
  int folder = -1;
  std::string name;
  {
    std::lock_guard<std::mutex> hold(lock_);
    if (unsynced_ && fd_ >= 0) {
      file = ::dup(fd_);
      name = file_name(current_);
      if (file < 0) {
        *err = fmt::format("{}: cannot sync the raw mail to disk: {}", name, reason(errno));
        return false;
      }
    }
    if (folder_unsynced_) folder = folder_fd_;
    unsynced_ = false;
    folder_unsynced_ = false;
  }
  bool synced = sync_files(file, name, folder, folder_, err);
  if (file >= 0) ::close(file);
  if (synced) return true;
  std::lock_guard<std::mutex> hold(lock_);  // not on the disk: the next sync() tries again
  unsynced_ = unsynced_ || file >= 0;
  folder_unsynced_ = folder_unsynced_ || folder >= 0;
  return false;
}

bool MailLog::sync_locked(std::string* err) {
  if (!sync_files(unsynced_ ? fd_ : -1, file_name(current_), folder_unsynced_ ? folder_fd_ : -1, folder_, err)) {
    return false;
  }
  unsynced_ = false;
  folder_unsynced_ = false;
  return true;
}

bool MailLog::read(const MailLogPlace& place, std::int64_t size, std::string_view sha256_hex, std::string* bytes,
                   std::string* err) const {
  const std::string name = file_name(place.file);
  int fd = ::open(name.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *err = fmt::format("{}: cannot open to read a raw mail: {}", name, reason(errno));
    return false;
  }
  bytes->resize(static_cast<std::size_t>(size));
  std::size_t done = 0;
  int error = 0;
  while (done < bytes->size()) {
    ssize_t got = ::pread(fd, bytes->data() + done, bytes->size() - done, place.offset + static_cast<off_t>(done));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) error = errno;
    if (got <= 0) break;  // an error, or the end of the file
    done += static_cast<std::size_t>(got);
  }
  ::close(fd);
  if (done < bytes->size()) {
    *err = error != 0
               ? fmt::format("{}: cannot read the raw mail at offset {}: {}", name, place.offset, reason(error))
               : fmt::format("{}: the raw mail at offset {} ({} bytes) is cut short after {} bytes: the file "
                             "lost its end (a crash of the system before it reached the disk?)",
                             name, place.offset, size, done);
    bytes->clear();
    return false;
  }
  if (ticketd::sha256_hex(*bytes) != sha256_hex) {
    *err = fmt::format("{}: the raw mail at offset {} ({} bytes) does not match its SHA-256 {}: the file was "
                       "damaged or changed",
                       name, place.offset, size, sha256_hex);
    bytes->clear();
    return false;
  }
  return true;
}

}  // namespace ticketd
