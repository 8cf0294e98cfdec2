// Files the store creates beside its database (the mail log, the sent
// journal) must belong to the database's owner: created by root (an admin's
// `ticketd deliver` or `ticketd run --once`), the daemon's user could not
// write them afterwards. SQLite does the same for its -wal and -shm files.
#pragma once

#include <string>

namespace ticketd {

// When this process runs as root and `model` (the database) belongs to
// another user, gives `fd` (or, when fd is -1, the file at `path`) to that
// user and group. Best effort: a failure leaves root's ownership, which the
// daemon's error ("Permission denied", naming the file) then tells the admin.
void give_to_owner_of(const std::string& model, int fd, const std::string& path) noexcept;

}  // namespace ticketd
