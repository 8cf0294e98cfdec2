// SentJournal: the outbox mails the SMTP server accepted, noted in a small
// file beside the database (`<database>-sent`) the moment each is accepted,
// and folded into the outbox rows in one transaction per batch
// (Store::note_sent(), Store::fold_sent_journal()).
//
// Why not mark each sent mail in its own transaction: that transaction waits
// for the database's write lock, which intake holds while it stores a mail.
// At 5,000 mails the background sender spent 5.5 s of its 10 s waiting so,
// and finished 1.5 s after intake (issue 8, bench/run with clocks).
//
// File format: one line "sent <outbox id> <unix time>\n" per mail, so a person
// can read it. Anything else in the file (a line written in part) notes
// nothing: its mail is sent again rather than another mail taken as sent.
//
// Contract:
//  - note() appends one line with one write(): once it returns, the note
//    survives the process being killed (kill -9), as a commit with
//    synchronous=NORMAL does; neither survives a power loss unsynced.
//  - take_all() returns every complete line noted so far, by any process, and
//    empties the file; callers mark them sent before calling it again.
//  - A lock on the file (flock) keeps processes' notes and takes apart.
//  - Errors: false, with `*err` naming the file and the system's reason.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace ticketd {

struct SentNote {
  std::int64_t outbox_id = 0;
  std::int64_t sent_at = 0;
};

class SentJournal {
 public:
  // Nothing is opened before the first note or take. `owner_from`: the
  // database, whose owner a journal this process creates as root gets
  // (store/file_owner.h).
  explicit SentJournal(std::string path, std::string owner_from = {});
  ~SentJournal();
  SentJournal(const SentJournal&) = delete;
  SentJournal& operator=(const SentJournal&) = delete;

  bool note(const SentNote& sent, std::string* err);
  // Every note in the file, oldest first, handed to `mark`; then the file
  // is emptied. `mark` runs under the lock: when it throws, the notes stay
  // for the next take_all().
  bool take_all(const std::function<void(const std::vector<SentNote>&)>& mark, std::string* err);

  const std::string& path() const { return path_; }

 private:
  bool open_file(std::string* err);
  bool read_all(std::vector<SentNote>* notes, std::string* err);  // under the FileLock

  std::string path_;
  std::string owner_from_;
  int fd_ = -1;
};

}  // namespace ticketd
