// The SQLite schema as an ordered list of migrations. Migration N takes a
// store at version N-1 to version N; a store is never downgraded. Add a new
// migration at the end; never edit one that has shipped.
#pragma once

#include <string_view>
#include <vector>

namespace ticketd {

struct Migration {
  int version;
  std::string_view sql;
};

const std::vector<Migration>& schema_migrations();

}  // namespace ticketd
