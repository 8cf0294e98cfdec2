// SLA targets set by rules for one ticket (migration 6). See store/store.h
// for the contract.
#include <SQLiteCpp/SQLiteCpp.h>

#include "store/row_readers.h"
#include "store/statement_cache.h"
#include "store/store.h"

namespace ticketd {

std::vector<SlaOverride> Store::sla_overrides_of(std::int64_t ticket_id) const {
  return guarded(path_, "reading SLA overrides", [&] {
    auto q = statements_->use("SELECT kind, minutes, rule FROM sla_overrides WHERE ticket_id=? ORDER BY kind");
    q.bind(1, ticket_id);
    std::vector<SlaOverride> out;
    while (q.executeStep()) {
      out.push_back({ticket_id, q.getColumn(0).getString(), q.getColumn(1).getInt64(), q.getColumn(2).getString()});
    }
    return out;
  });
}

void StoreTransaction::put_sla_override(const SlaOverride& o) {
  guarded(store_->path(), "writing an SLA override", [&] {
    auto q = statements_->use(
        "INSERT OR REPLACE INTO sla_overrides (ticket_id, kind, minutes, rule) VALUES (?, ?, ?, ?)");
    q.bind(1, o.ticket_id);
    q.bind(2, o.kind);
    q.bind(3, o.minutes);
    q.bind(4, o.rule);
    q.exec();
  });
}

}  // namespace ticketd
