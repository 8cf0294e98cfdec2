// MailLog: the raw bytes of incoming mail, kept whole in append-only files
// beside the database (`tickets.db-mails/000001.mails`, `000002.mails`, ...),
// while the database row (raw_mails.log_file, log_offset; schema migration 9)
// says where.
//
// Why not in SQLite: a mail in a BLOB is written twice, to the WAL and then by
// the checkpoint into the database file, 4 KiB page by page, two pwrite calls
// per page. For 1,000 mails of 265 MB that was 40% of intake's thread and most
// of the checkpointer's (issue 8, perf). Here a mail is one pwritev call,
// written once; the database keeps tickets and stays small.
//
// File format, so a person or a script finds every mail without the database:
// each record is the line "ticketd-mail <size> <sha256 hex>\r\n", then the
// `size` bytes of the mail as received, then "\r\n". A file is closed (a new
// one started) once it passes kFileBytes.
//
// Contract:
//  - append() may be called from any thread, inside a transaction or ahead
//    of it (Store::keep_raw_mail_ahead(): the fetching thread keeps a mail
//    before intake's transaction names it). A lock on the folder (flock),
//    which every process opening the store takes to append, keeps two
//    writers (the daemon and `ticketd deliver`, say) from appending at once,
//    and a mutex the threads of one process; so appends look for files other
//    processes started, and take the end of the file as it is now.
//  - A record appended by a transaction that does not commit is cut off again
//    (truncate_to() from StoreTransaction's destructor) when nothing was
//    appended after it; otherwise it stays, unreferenced and harmless, as
//    does one left by a process killed mid-transaction or a mail kept ahead
//    whose transaction never came.
//  - sync() waits until every record appended before it was called is on
//    the disk (fdatasync of the files written since the last sync, and of
//    the folder when a file was created); appends may go on meanwhile.
//    Store::sync_to_disk() calls it before syncing the WAL, so a commit on
//    the disk never names bytes that are not.
//  - read() returns a record's bytes only when they match the SHA-256 the
//    database holds for them; a file cut short or overwritten is an error
//    naming the file and offset, never wrong bytes.
//  - Errors are returned as false with `*err` set to a sentence naming the
//    file and the system's reason ("the disk is full", "File too large").
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

namespace ticketd {

struct MailLogPlace {
  std::int64_t file = 0;          // the number in the file's name
  std::int64_t offset = 0;        // where the mail's first byte is
  std::int64_t record_start = 0;  // where its record's header line is
  std::int64_t record_end = 0;    // just past its record
};

// A raw mail the log holds already, kept ahead of the transaction that names
// it (Store::keep_raw_mail_ahead()).
struct KeptRawMail {
  MailLogPlace place;
  std::int64_t size = 0;
  std::string sha256;  // hex, as the store keys raw mails
};

class MailLog {
 public:
  // A file is closed for appends once it holds this much (or more, by the
  // last mail appended: a record is never split).
  static constexpr std::int64_t kFileBytes = std::int64_t{1} << 30;

  // `folder` is created on the first append; nothing is opened before.
  // `owner_from`: when not empty, a file (the database) whose owner and group
  // the folder and new files get when this process runs as root (an admin's
  // `ticketd deliver`, say): created as root, the daemon's user could not
  // append to them. SQLite does the same for its -wal and -shm files.
  // `file_bytes`: kFileBytes but in tests.
  explicit MailLog(std::string folder, std::string owner_from = {}, std::int64_t file_bytes = kFileBytes);
  ~MailLog();
  MailLog(const MailLog&) = delete;
  MailLog& operator=(const MailLog&) = delete;

  // Appends one mail; on success `*place` says where its bytes are.
  bool append(std::string_view raw, std::string_view sha256_hex, MailLogPlace* place, std::string* err);

  // Undoes the appends of a transaction that did not commit, `first` and
  // `last` being the places of its first and last: cuts the file back to
  // where the first record starts, provided both are in the newest file and
  // nothing was appended after the last (by another thread keeping a mail
  // ahead, or another process). Best effort: otherwise, or on a failure,
  // records stay that no row names.
  void truncate_to(const MailLogPlace& first, const MailLogPlace& last) noexcept;

  bool sync(std::string* err);

  // The `size` bytes at `place`, checked against `sha256_hex`.
  bool read(const MailLogPlace& place, std::int64_t size, std::string_view sha256_hex, std::string* bytes,
            std::string* err) const;

 private:
  std::string file_name(std::int64_t file) const;
  bool open_newest(std::string* err);
  bool start_file(std::int64_t number, std::string* err);
  void close_current() noexcept;
  bool open_folder(std::string* err);  // under lock_: creates and opens folder_fd_ on first use
  bool append_locked(std::string_view raw, std::string_view sha256_hex, MailLogPlace* place, std::string* err);
  bool sync_locked(std::string* err);


  std::string folder_;
  std::string owner_from_;
  std::int64_t file_bytes_;
  // Everything below is under lock_ (sync() releases it for the disk's wait).
  std::mutex lock_;
  int folder_fd_ = -1;          // the folder, for flock() and its fsync
  int fd_ = -1;                 // the newest file, open for writing
  std::int64_t current_ = 0;    // its number (0: none open)
  bool unsynced_ = false;         // fd_ written since the last sync()
  bool folder_unsynced_ = false;  // a file created since the last sync()
};

}  // namespace ticketd
