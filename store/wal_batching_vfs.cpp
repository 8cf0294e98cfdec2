// The WAL-batching VFS: see wal_batching_vfs.h for what it promises.
#include "store/wal_batching_vfs.h"

#include <sqlite3.h>

#include <cstdint>
#include <new>
#include <vector>

namespace ticketd {

namespace {

// The WAL file format (sqlite.org/fileformat.html, "WAL File Format"): a
// 32-byte file header, then frames of a 24-byte header and one page. Bytes
// 4-7 of a frame header hold, big-endian, the database's size in pages
// after the commit for the frame that ends a commit, and 0 for any other.
constexpr sqlite3_int64 kWalHeaderBytes = 32;
constexpr int kFrameHeaderBytes = 24;

bool is_commit_frame_header(const void* data, int amount, sqlite3_int64 offset) {
  if (amount != kFrameHeaderBytes || offset < kWalHeaderBytes) return false;
  const auto* bytes = static_cast<const unsigned char*>(data);
  return (bytes[4] | bytes[5] | bytes[6] | bytes[7]) != 0;
}

enum class FileKind { kWal, kMainDb, kOther };

// What SQLite allocates for every file it opens through this VFS (szOsFile
// bytes): this struct, then the default VFS's own file.
struct BatchingFile {
  sqlite3_file base;  // first, so SQLite's sqlite3_file* is this struct
  FileKind kind = FileKind::kOther;
  sqlite3_file* real = nullptr;
  BatchingFile* wal = nullptr;      // kMainDb: its WAL file, while open
  BatchingFile* main_db = nullptr;  // kWal: its database file, while open
  std::vector<unsigned char> gathered;
  sqlite3_int64 gathered_at = 0;  // the file offset of gathered[0]
  bool commit_page_next = false;  // the last write was a commit frame's header
};

constexpr std::size_t kRealFileOffset = (sizeof(BatchingFile) + 15) / 16 * 16;

BatchingFile& of(sqlite3_file* file) { return *reinterpret_cast<BatchingFile*>(file); }

// Hands what is gathered to the kernel. On failure the bytes are dropped:
// SQLite fails the transaction they belong to and writes them again if it
// tries again.
int write_out(BatchingFile& file) {
  if (file.gathered.empty()) return SQLITE_OK;
  int rc = file.real->pMethods->xWrite(file.real, file.gathered.data(), static_cast<int>(file.gathered.size()),
                                       file.gathered_at);
  file.gathered.clear();  // keeps the capacity for the next commit
  return rc;
}

// Before any call that could observe the WAL: on the WAL itself, or on the
// database file through which SQLite publishes commits (shared memory).
int write_out_wal_of(BatchingFile& file) {
  if (file.kind == FileKind::kWal) return write_out(file);
  if (file.kind == FileKind::kMainDb && file.wal) return write_out(*file.wal);
  return SQLITE_OK;
}

int gather_write(BatchingFile& file, const void* data, int amount, sqlite3_int64 offset) {
  const bool continues = !file.gathered.empty() && offset == file.gathered_at + static_cast<sqlite3_int64>(
                                                                                    file.gathered.size());
  if ((!continues && !file.gathered.empty()) || file.gathered.size() + amount > kMaxGatheredBytes) {
    if (int rc = write_out(file); rc != SQLITE_OK) return rc;
  }
  const bool ends_commit = file.commit_page_next;
  file.commit_page_next = is_commit_frame_header(data, amount, offset);
  if (static_cast<std::size_t>(amount) > kMaxGatheredBytes) {
    return file.real->pMethods->xWrite(file.real, data, amount, offset);
  }
  // One buffer for the life of the file, as large as a write may be, so a
  // commit never waits on it growing.
  if (file.gathered.capacity() == 0) file.gathered.reserve(kMaxGatheredBytes);
  if (file.gathered.empty()) file.gathered_at = offset;
  const auto* bytes = static_cast<const unsigned char*>(data);
  file.gathered.insert(file.gathered.end(), bytes, bytes + amount);
  // The commit's last page: out now, so that an error is the commit's, and
  // before SQLite makes the commit visible in shared memory.
  return ends_commit ? write_out(file) : SQLITE_OK;
}

// sqlite3_io_methods: each call that could observe the WAL first writes out
// what is gathered, then hands the call to the default VFS's file. Those
// that cannot (a continuing WAL write, the sector size and device queries,
// the reserved-lock check, mapping shared memory, unfetching) only hand on.
int file_close(sqlite3_file* f) {
  BatchingFile& file = of(f);
  int rc = write_out_wal_of(file);
  if (file.kind == FileKind::kWal && file.main_db) file.main_db->wal = nullptr;
  if (file.kind == FileKind::kMainDb && file.wal) file.wal->main_db = nullptr;
  int closed = file.real->pMethods ? file.real->pMethods->xClose(file.real) : SQLITE_OK;
  file.~BatchingFile();
  return rc != SQLITE_OK ? rc : closed;
}

// The default file's method `Method`, after what is gathered was written
// out (an error there is the call's), or, as `handed_on`, at once.
template <auto Method, typename... Args>
int written_out_then(sqlite3_file* f, Args... args) {
  BatchingFile& file = of(f);
  if (int rc = write_out_wal_of(file); rc != SQLITE_OK) return rc;
  return (file.real->pMethods->*Method)(file.real, args...);
}

template <auto Method, typename... Args>
int handed_on(sqlite3_file* f, Args... args) {
  return (of(f).real->pMethods->*Method)(of(f).real, args...);
}

int file_write(sqlite3_file* f, const void* data, int amount, sqlite3_int64 offset) {
  BatchingFile& file = of(f);
  if (file.kind == FileKind::kWal) return gather_write(file, data, amount, offset);
  return file.real->pMethods->xWrite(file.real, data, amount, offset);
}

int file_unlock(sqlite3_file* f, int level) {
  BatchingFile& file = of(f);
  write_out_wal_of(file);  // an unlock cannot fail; a write it needed failed before (see the header)
  return file.real->pMethods->xUnlock(file.real, level);
}

// Shared memory (version 2 methods), used on the database file. SQLite
// publishes a commit by writing the WAL index header around a barrier; the
// commit's frames were written out with its last page, so these find
// nothing to write in practice and are the safety net, not the mechanism.
int file_shm_map(sqlite3_file* f, int region, int size, int extend, void volatile** mapped) {
  BatchingFile& file = of(f);
  if (file.real->pMethods->iVersion < 2) return SQLITE_IOERR_SHMMAP;
  return file.real->pMethods->xShmMap(file.real, region, size, extend, mapped);
}

int file_shm_lock(sqlite3_file* f, int offset, int count, int flags) {
  BatchingFile& file = of(f);
  if (file.real->pMethods->iVersion < 2) return SQLITE_IOERR_SHMLOCK;
  write_out_wal_of(file);
  return file.real->pMethods->xShmLock(file.real, offset, count, flags);
}

void file_shm_barrier(sqlite3_file* f) {
  BatchingFile& file = of(f);
  if (file.real->pMethods->iVersion < 2) return;
  write_out_wal_of(file);
  file.real->pMethods->xShmBarrier(file.real);
}

int file_shm_unmap(sqlite3_file* f, int delete_flag) {
  BatchingFile& file = of(f);
  if (file.real->pMethods->iVersion < 2) return SQLITE_OK;
  write_out_wal_of(file);
  return file.real->pMethods->xShmUnmap(file.real, delete_flag);
}

// Memory-mapped reads (version 3 methods); the store leaves mmap_size at 0,
// so SQLite only asks and gets nothing.
int file_fetch(sqlite3_file* f, sqlite3_int64 offset, int amount, void** page) {
  BatchingFile& file = of(f);
  *page = nullptr;
  if (file.real->pMethods->iVersion < 3) return SQLITE_OK;
  if (int rc = write_out_wal_of(file); rc != SQLITE_OK) return rc;
  return file.real->pMethods->xFetch(file.real, offset, amount, page);
}

int file_unfetch(sqlite3_file* f, sqlite3_int64 offset, void* page) {
  BatchingFile& file = of(f);
  if (file.real->pMethods->iVersion < 3) return SQLITE_OK;
  return file.real->pMethods->xUnfetch(file.real, offset, page);
}

constexpr sqlite3_io_methods kMethods = {
    3,
    file_close,
    written_out_then<&sqlite3_io_methods::xRead, void*, int, sqlite3_int64>,
    file_write,
    written_out_then<&sqlite3_io_methods::xTruncate, sqlite3_int64>,
    written_out_then<&sqlite3_io_methods::xSync, int>,
    written_out_then<&sqlite3_io_methods::xFileSize, sqlite3_int64*>,
    written_out_then<&sqlite3_io_methods::xLock, int>,
    file_unlock,
    handed_on<&sqlite3_io_methods::xCheckReservedLock, int*>,
    written_out_then<&sqlite3_io_methods::xFileControl, int, void*>,
    handed_on<&sqlite3_io_methods::xSectorSize>,
    handed_on<&sqlite3_io_methods::xDeviceCharacteristics>,
    file_shm_map,
    file_shm_lock,
    file_shm_barrier,
    file_shm_unmap,
    file_fetch,
    file_unfetch,
};

sqlite3_vfs* under(sqlite3_vfs* vfs) { return static_cast<sqlite3_vfs*>(vfs->pAppData); }

int vfs_open(sqlite3_vfs* vfs, const char* name, sqlite3_file* f, int flags, int* out_flags) {
  auto* file = new (f) BatchingFile{};  // base.pMethods stays null until the file is open
  file->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(f) + kRealFileOffset);
  file->real->pMethods = nullptr;
  int rc = under(vfs)->xOpen(under(vfs), name, file->real, flags, out_flags);
  if (rc != SQLITE_OK) {
    // As SQLite does for us: a file whose methods are set is closed even
    // when opening it failed.
    if (file->real->pMethods) file->real->pMethods->xClose(file->real);
    file->~BatchingFile();
    f->pMethods = nullptr;
    return rc;
  }
  if (flags & SQLITE_OPEN_WAL) {
    file->kind = FileKind::kWal;
    // The database file this WAL belongs to (opened before it, closed
    // after it), through which its commits are published.
    sqlite3_file* db = name ? sqlite3_database_file_object(name) : nullptr;
    if (db && db->pMethods == &kMethods && of(db).kind == FileKind::kMainDb) {
      file->main_db = &of(db);
      of(db).wal = file;
    }
  } else if (flags & SQLITE_OPEN_MAIN_DB) {
    file->kind = FileKind::kMainDb;
  }
  file->base.pMethods = &kMethods;
  return SQLITE_OK;
}

// The rest of the VFS is the default one's, called with its own object
// (its functions may read their own pAppData).
int vfs_delete(sqlite3_vfs* vfs, const char* name, int sync_dir) {
  return under(vfs)->xDelete(under(vfs), name, sync_dir);
}
int vfs_access(sqlite3_vfs* vfs, const char* name, int flags, int* result) {
  return under(vfs)->xAccess(under(vfs), name, flags, result);
}
int vfs_full_pathname(sqlite3_vfs* vfs, const char* name, int size, char* out) {
  return under(vfs)->xFullPathname(under(vfs), name, size, out);
}
void* vfs_dl_open(sqlite3_vfs* vfs, const char* name) { return under(vfs)->xDlOpen(under(vfs), name); }
void vfs_dl_error(sqlite3_vfs* vfs, int size, char* out) { under(vfs)->xDlError(under(vfs), size, out); }
void (*vfs_dl_sym(sqlite3_vfs* vfs, void* handle, const char* symbol))(void) {
  return under(vfs)->xDlSym(under(vfs), handle, symbol);
}
void vfs_dl_close(sqlite3_vfs* vfs, void* handle) { under(vfs)->xDlClose(under(vfs), handle); }
int vfs_randomness(sqlite3_vfs* vfs, int size, char* out) { return under(vfs)->xRandomness(under(vfs), size, out); }
int vfs_sleep(sqlite3_vfs* vfs, int microseconds) { return under(vfs)->xSleep(under(vfs), microseconds); }
int vfs_current_time(sqlite3_vfs* vfs, double* now) { return under(vfs)->xCurrentTime(under(vfs), now); }
int vfs_get_last_error(sqlite3_vfs* vfs, int size, char* out) {
  return under(vfs)->xGetLastError ? under(vfs)->xGetLastError(under(vfs), size, out) : 0;
}
int vfs_current_time_int64(sqlite3_vfs* vfs, sqlite3_int64* now) {
  if (under(vfs)->iVersion >= 2 && under(vfs)->xCurrentTimeInt64) {
    return under(vfs)->xCurrentTimeInt64(under(vfs), now);
  }
  double days = 0;
  int rc = under(vfs)->xCurrentTime(under(vfs), &days);
  *now = static_cast<sqlite3_int64>(days * 86400000.0);
  return rc;
}

sqlite3_vfs make_vfs(sqlite3_vfs* default_vfs) {
  sqlite3_vfs vfs{};
  vfs.iVersion = 2;  // the system-call overrides (version 3) are for SQLite's own tests
  vfs.szOsFile = static_cast<int>(kRealFileOffset) + default_vfs->szOsFile;
  vfs.mxPathname = default_vfs->mxPathname;
  vfs.zName = "ticketd-wal-batching";
  vfs.pAppData = default_vfs;
  vfs.xOpen = vfs_open;
  vfs.xDelete = vfs_delete;
  vfs.xAccess = vfs_access;
  vfs.xFullPathname = vfs_full_pathname;
  vfs.xDlOpen = vfs_dl_open;
  vfs.xDlError = vfs_dl_error;
  vfs.xDlSym = vfs_dl_sym;
  vfs.xDlClose = vfs_dl_close;
  vfs.xRandomness = vfs_randomness;
  vfs.xSleep = vfs_sleep;
  vfs.xCurrentTime = vfs_current_time;
  vfs.xGetLastError = vfs_get_last_error;
  vfs.xCurrentTimeInt64 = vfs_current_time_int64;
  return vfs;
}

}  // namespace

const char* wal_batching_vfs_name() {
  static const char* const name = [] () -> const char* {
    sqlite3_vfs* default_vfs = sqlite3_vfs_find(nullptr);
    if (!default_vfs) return nullptr;  // SQLite could not initialise: it will say so when opening
    static sqlite3_vfs vfs = make_vfs(default_vfs);
    return sqlite3_vfs_register(&vfs, 0) == SQLITE_OK ? vfs.zName : nullptr;
  }();
  return name;
}

}  // namespace ticketd
