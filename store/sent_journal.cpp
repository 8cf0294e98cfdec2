// SentJournal: see store/sent_journal.h.
#include "store/sent_journal.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fmt/format.h>

#include "store/file_lock.h"
#include "store/file_owner.h"

namespace ticketd {

SentJournal::SentJournal(std::string path, std::string owner_from)
    : path_(std::move(path)), owner_from_(std::move(owner_from)) {}

SentJournal::~SentJournal() {
  if (fd_ >= 0) ::close(fd_);
}

bool SentJournal::open_file(std::string* err) {
  if (fd_ >= 0) return true;
  fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (fd_ < 0) {
    *err = fmt::format("{}: cannot open the journal of sent mail: {}", path_, std::strerror(errno));
    return false;
  }
  give_to_owner_of(owner_from_, fd_, path_);
  return true;
}

bool SentJournal::note(const SentNote& sent, std::string* err) {
  if (!open_file(err)) return false;
  const std::string line = fmt::format("sent {} {}\n", sent.outbox_id, sent.sent_at);
  FileLock locked(fd_);
  if (!locked.held(path_, err)) return false;
  const off_t before = ::lseek(fd_, 0, SEEK_END);
  ssize_t written;
  do {
    written = ::write(fd_, line.data(), line.size());  // O_APPEND: at the end
  } while (written < 0 && errno == EINTR);
  const int error = errno;
  // A line written in part (a full disk) goes, so the next is not joined to it.
  if (written != static_cast<ssize_t>(line.size()) && before >= 0) (void)!::ftruncate(fd_, before);
  if (written != static_cast<ssize_t>(line.size())) {
    *err = fmt::format("{}: cannot note a sent mail: {}", path_,
                       written < 0 ? std::strerror(error) : "written only in part (the disk is full?)");
    return false;
  }
  return true;
}

bool SentJournal::take_all(const std::function<void(const std::vector<SentNote>&)>& mark, std::string* err) {
  if (!open_file(err)) return false;
  FileLock locked(fd_);  // other processes' notes wait until the file is emptied
  if (!locked.held(path_, err)) return false;
  std::vector<SentNote> notes;
  if (!read_all(&notes, err)) return false;
  if (notes.empty()) return true;
  mark(notes);
  if (::ftruncate(fd_, 0) != 0) {
    *err = fmt::format("{}: cannot empty the journal of sent mail: {}", path_, std::strerror(errno));
    return false;
  }
  return true;
}

bool SentJournal::read_all(std::vector<SentNote>* notes, std::string* err) {
  std::string text;
  char buffer[8192];
  for (off_t at = 0;;) {
    ssize_t got = ::pread(fd_, buffer, sizeof buffer, at);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      *err = fmt::format("{}: cannot read the journal of sent mail: {}", path_, std::strerror(errno));
      return false;
    }
    if (got == 0) break;
    text.append(buffer, static_cast<std::size_t>(got));
    at += got;
  }
  // Whole lines of the one form only: anything else (a piece of a line,
  // joined to the next) notes nothing, and its mail is sent again, as it
  // would have been before the journal. Never the other way round: a piece
  // must not read as another mail's id.
  std::size_t start = 0;
  for (std::size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1) {
    const std::string line = text.substr(start, end - start);
    long long id = 0, at = 0;
    int used = 0;
    if (std::sscanf(line.c_str(), "sent %lld %lld%n", &id, &at, &used) == 2 &&
        used == static_cast<int>(line.size()) && id > 0) {
      notes->push_back({id, at});
    }
  }
  return true;
}

}  // namespace ticketd
