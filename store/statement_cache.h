// StatementCache: the prepared statements of one SQLite connection, each
// prepared once and reused (issue 8: preparing every statement anew on every
// call was 8% of the intake's instructions, sqlite3_prepare_v2 under
// callgrind). Internal to store/.
//
// Contract:
//  - use(sql) hands out a CachedStatement for `sql`, prepared on its first
//    use, reset and with no bindings. Statements are keyed by their SQL text,
//    so a statement built at run time (list_tickets' filters) is cached per
//    distinct text.
//  - When the CachedStatement goes out of scope its statement is reset and
//    its bindings cleared: a finished read does not hold the WAL read snapshot
//    open (which would keep checkpoints from completing), and no pointer bound
//    without a copy (bind_no_copy, SQLITE_STATIC) outlives the caller's data.
//  - The same SQL in use twice at once (a nested call) gets a fresh statement
//    for the inner use, finalized when it ends; nothing is shared unsafely.
//  - The cache must be destroyed before its Database (declare it after the
//    Database in the owner), and is used from one thread at a time, like the
//    Store that owns it.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace ticketd {

class StatementCache;

// A statement on loan from a StatementCache (see above). Move-only.
class CachedStatement {
 public:
  CachedStatement(CachedStatement&& other) noexcept;
  CachedStatement& operator=(CachedStatement&&) = delete;
  CachedStatement(const CachedStatement&) = delete;
  ~CachedStatement();

  SQLite::Statement& operator*() { return *statement_; }
  SQLite::Statement* operator->() { return statement_; }
  operator SQLite::Statement&() { return *statement_; }

  // SQLite::Statement's own calls, so call sites read as before.
  template <typename... Args>
  void bind(Args&&... args) {
    statement_->bind(std::forward<Args>(args)...);
  }
  // Text and blobs bound without SQLite's private copy (SQLITE_STATIC): the
  // bytes must stay unchanged until this CachedStatement ends.
  void bind_no_copy(int index, const std::string& text) { statement_->bindNoCopy(index, text); }
  void bind_blob_no_copy(int index, std::string_view bytes);
  bool executeStep() { return statement_->executeStep(); }
  void reset() { statement_->reset(); }
  int exec() { return statement_->exec(); }
  SQLite::Column getColumn(int index) { return statement_->getColumn(index); }

 private:
  friend class StatementCache;
  CachedStatement(SQLite::Statement* statement, bool* in_use, std::unique_ptr<SQLite::Statement> owned);

  SQLite::Statement* statement_;
  bool* in_use_;                                // the cache entry's flag; null for an uncached statement
  std::unique_ptr<SQLite::Statement> owned_;    // an uncached statement (nested use of the same SQL)
};

class StatementCache {
 public:
  explicit StatementCache(SQLite::Database& db) : db_(db) {}
  StatementCache(const StatementCache&) = delete;
  StatementCache& operator=(const StatementCache&) = delete;

  // Throws SQLite::Exception when `sql` does not prepare.
  CachedStatement use(std::string_view sql);

  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::unique_ptr<SQLite::Statement> statement;
    bool in_use = false;
  };
  // Heterogeneous lookup: find by string_view without building a string.
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };

  SQLite::Database& db_;
  std::unordered_map<std::string, Entry, Hash, std::equal_to<>> entries_;
};

}  // namespace ticketd
