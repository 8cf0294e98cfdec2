// The ticket store's files: the database, and what SQLite and the store
// keep beside it (-wal, -shm, the mail log folder `-mails` and its files,
// the sent journal `-sent`); and what `ticketd check` says of them.
//
// Why: a file the daemon's user cannot write stops the daemon at its first
// write, long after `check` said the config was fine. The usual cause is
// an admin's command run as root before the store fixed its files' owner,
// or a file copied in by hand; `check` runs as root as often as not, where
// every file is writable, so files are also compared with the database's
// owner, whom the daemon runs as.
//
// `check` prints them as warnings and keeps its exit code: `ticketd run`
// waits, saying why, for a store it cannot open or write, and the unit
// file's ExecStartPre check must not keep it from starting to.
//
// Contract: store_file_problems(path) returns one sentence per problem,
// naming the file and what to do, and nothing when the daemon's user can
// write everything there is. Files not yet there are no problem (the
// daemon creates them), but the folder must exist, and be writable while
// the database does not exist. Nothing is created or changed.
#pragma once

#include <string>
#include <vector>

namespace ticketd {

// Beside the database `tickets.db`: `tickets.db-mails/` (store/mail_log.h)
// and `tickets.db-sent` (store/sent_journal.h).
inline std::string mail_log_folder_of(const std::string& database) { return database + "-mails"; }
inline std::string sent_journal_of(const std::string& database) { return database + "-sent"; }

std::vector<std::string> store_file_problems(const std::string& store_path);

}  // namespace ticketd
