// The store's SQLite VFS: the platform's own ("unix"), except that a
// commit's write-ahead-log frames reach the kernel in one write() call
// instead of two for every page (issue 8, throughput).
//
// Why: SQLite writes each WAL frame as a 24-byte header and then its page,
// one pwrite() each. A mail's commit touches about 31 pages, so 62 system
// calls, and on this project's machines a system call costs more than
// copying the 4 KB it carries.
//
// What it promises:
//  - Writes to a "-wal" file that continue the previous one are gathered in
//    memory (at most kMaxGatheredBytes, then written out) and written out in
//    one call when the frame that ends a commit has been given, before
//    SQLite publishes the commit to any other connection. An error in that
//    write is the commit's error: the transaction fails, as if SQLite's own
//    write had failed, and nothing of it becomes visible.
//  - Everything else that could observe the file writes out first: any
//    other call on the WAL file (read, sync, size, truncate, lock, close)
//    and, on the database file, the shared-memory barrier and locks through
//    which SQLite publishes commits. So a commit is in the kernel before its
//    caller returns or anyone can read it: kill -9, crash recovery, readers
//    and checkpoints see what they would without this VFS.
//  - The database file, journals and temporary files are the default VFS's
//    own files, untouched.
//
// Memory: one buffer of kMaxGatheredBytes per WAL file written through it,
// reserved at its first write and kept until the file closes (a connection
// that only reads never makes one).
//
// Thread safety: as SQLite's. A connection's files are used by one thread
// at a time; the gathered bytes belong to one connection's WAL file.
#pragma once

#include <cstddef>

struct sqlite3_vfs;

namespace ticketd {

// The most bytes held before they are written out regardless (a batch's
// search index commit writes megabytes). It is also the most the default
// VFS writes in one call: its unixWrite() masks a write's length to 17 bits
// (seekAndWriteFd, `nBuf &= 0x1ffff`), so a longer one would be cut short.
// 31 frames of 4 KB pages fit, about one mail's commit.
inline constexpr std::size_t kMaxGatheredBytes = 0x1ffff;

// The VFS's name, to pass to sqlite3_open_v2(). It is registered with SQLite
// (not as the default) on the first call; SQLite keeps a pointer to it for
// the life of the process, which is why it lives in a function-local static.
const char* wal_batching_vfs_name();

}  // namespace ticketd
