#include "store/statement_cache.h"

#include <sqlite3.h>

#include <limits>

namespace ticketd {

namespace {

int checked_size(std::string_view bytes) {
  // SQLite's bind functions take an int; store/ never binds 2 GB (mails are
  // capped far below by [limits] and ImapAccount::max_message_bytes).
  if (bytes.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    throw SQLite::Exception("value too large to store", SQLITE_TOOBIG);
  }
  return static_cast<int>(bytes.size());
}

}  // namespace

CachedStatement::CachedStatement(SQLite::Statement* statement, bool* in_use,
                                 std::unique_ptr<SQLite::Statement> owned)
    : statement_(statement), in_use_(in_use), owned_(std::move(owned)) {}

CachedStatement::CachedStatement(CachedStatement&& other) noexcept
    : statement_(other.statement_), in_use_(other.in_use_), owned_(std::move(other.owned_)) {
  other.statement_ = nullptr;
  other.in_use_ = nullptr;
}

CachedStatement::~CachedStatement() {
  if (!statement_ || owned_) return;  // moved from, or an uncached statement finalized by owned_
  // tryReset: a destructor must not throw; the error it would report is the
  // last step's, which the caller has already seen as an exception.
  statement_->tryReset();
  try {
    statement_->clearBindings();
  } catch (const SQLite::Exception&) {
    // sqlite3_clear_bindings always returns SQLITE_OK; nothing to do.
  }
  if (in_use_) *in_use_ = false;
}

void CachedStatement::bind_blob_no_copy(int index, std::string_view bytes) {
  if (bytes.empty()) {
    statement_->bind(index, static_cast<const void*>(""), 0);
    return;
  }
  statement_->bindNoCopy(index, static_cast<const void*>(bytes.data()), checked_size(bytes));
}

CachedStatement StatementCache::use(std::string_view sql) {
  auto it = entries_.find(sql);
  if (it == entries_.end()) {
    auto statement = std::make_unique<SQLite::Statement>(db_, std::string(sql));
    it = entries_.emplace(std::string(sql), Entry{std::move(statement), false}).first;
  }
  Entry& entry = it->second;
  if (entry.in_use) {
    auto owned = std::make_unique<SQLite::Statement>(db_, std::string(sql));
    SQLite::Statement* raw = owned.get();
    return CachedStatement(raw, nullptr, std::move(owned));
  }
  entry.in_use = true;
  return CachedStatement(entry.statement.get(), &entry.in_use, nullptr);
}

}  // namespace ticketd
