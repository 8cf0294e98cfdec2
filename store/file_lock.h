// FileLock: an exclusive flock() held for a scope. The store's files beside
// the database (the mail log's folder, the sent journal) are written by
// every process that opens the store (the daemon, `ticketd deliver`,
// `ticketd run --once`); this lock keeps them apart, as SQLite's own lock
// does for the database.
#pragma once

#include <string>

namespace ticketd {

class FileLock {
 public:
  // Waits for the lock on `fd` (an open file or folder).
  explicit FileLock(int fd) noexcept;
  ~FileLock();  // releases it
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

  // False when the system refused the lock; `*err` then says so, naming
  // `what` (the file or folder).
  bool held(const std::string& what, std::string* err) const;

 private:
  int fd_;
  int error_ = 0;  // flock()'s errno when not held
};

}  // namespace ticketd
