// Store::index_pending_search: the search index written in batches
// (schema migration 10 says why).
#include <sqlite3.h>

#include "store/row_readers.h"
#include "store/statement_cache.h"
#include "store/store.h"

namespace ticketd {

void Store::index_pending_search() {
  // Inside a caller's transaction the rows it has not committed would be
  // indexed with it, and a BEGIN here would fail: that caller's next
  // search, or the daemon's next batch, indexes them.
  if (sqlite3_get_autocommit(db_->getHandle()) == 0) return;
  guarded(path_, "indexing new messages for search", [&] {
    if (!statements_->use("SELECT 1 FROM search_pending LIMIT 1").executeStep()) return;
    SQLite::Transaction transaction(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    // One statement per kind of row, so FTS5 writes one segment for the
    // whole batch. The text is what the triggers of migration 8 indexed.
    statements_->use(
        "INSERT INTO search_text(subject, body, ticket_id, message_row_id) "
        "SELECT t.subject, '', t.id, NULL FROM search_pending p JOIN tickets t ON t.id = p.ticket_id "
        "WHERE p.message_row_id IS NULL ORDER BY p.id")
        .exec();
    statements_->use(
        "INSERT INTO search_text(subject, body, ticket_id, message_row_id) "
        "SELECT m.subject, substr(CASE WHEN m.reply <> '' THEN m.reply ELSE m.body END, 1, 20000), m.ticket_id, "
        "m.id FROM search_pending p JOIN messages m ON m.id = p.message_row_id ORDER BY p.id")
        .exec();
    statements_->use("DELETE FROM search_pending").exec();
    transaction.commit();
  });
}

bool Store::tidy_search_index() {
  if (sqlite3_get_autocommit(db_->getHandle()) == 0) return false;
  bool merged = false;
  guarded(path_, "tidying the search index", [&] {
    // FTS5's 'merge' command (sqlite.org/fts5.html): with a positive page
    // count it merges a level once it holds `usermerge` (4) segments, or
    // goes on with a merge already begun, and changes at most two rows when
    // there was nothing to do.
    const auto before = sqlite3_total_changes64(db_->getHandle());
    auto merge = statements_->use("INSERT INTO search_text(search_text, rank) VALUES('merge', ?)");
    merge.bind(1, kSearchTidyPages);
    merge.exec();
    merged = sqlite3_total_changes64(db_->getHandle()) - before >= 2;
  });
  return merged;
}

}  // namespace ticketd
