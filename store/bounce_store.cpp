// Addresses that bounced our mail for good (migration 6). See store/store.h
// for the contract.
#include <SQLiteCpp/SQLiteCpp.h>

#include "store/row_readers.h"
#include "store/statement_cache.h"
#include "store/store.h"

namespace ticketd {

bool Store::bounced_since(std::string_view address, std::int64_t since) const {
  return guarded(path_, "reading bounced addresses", [&] {
    auto q = statements_->use("SELECT 1 FROM bounced_addresses WHERE address=? AND at>=? LIMIT 1");
    q.bind(1, std::string(address));
    q.bind(2, since);
    return q.executeStep();
  });
}

std::vector<std::string> Store::outbox_recipients_of(std::string_view message_id) const {
  return guarded(path_, "reading the outbox", [&] {
    auto q = statements_->use("SELECT recipients FROM outbox WHERE message_id=? LIMIT 1");
    q.bind(1, std::string(message_id));
    std::vector<std::string> recipients;
    if (!q.executeStep()) return recipients;
    std::string lines = q.getColumn(0).getString();
    std::size_t pos = 0;
    while (pos < lines.size()) {
      std::size_t nl = lines.find('\n', pos);
      if (nl == std::string::npos) nl = lines.size();
      if (nl > pos) recipients.push_back(lines.substr(pos, nl - pos));
      pos = nl + 1;
    }
    return recipients;
  });
}

void StoreTransaction::record_bounce(std::string_view address, std::int64_t at, std::int64_t ticket_id,
                                     std::string_view bounced_message_id, std::string_view status) {
  guarded(store_->path(), "recording a bounce", [&] {
    auto q = statements_->use("INSERT INTO bounced_addresses (address, at, ticket_id, bounced_message_id, status) "
                              "VALUES (?, ?, ?, ?, ?)");
    q.bind(1, std::string(address));
    q.bind(2, at);
    q.bind(3, ticket_id);
    q.bind(4, std::string(bounced_message_id));
    q.bind(5, std::string(status));
    q.exec();
  });
}

}  // namespace ticketd
