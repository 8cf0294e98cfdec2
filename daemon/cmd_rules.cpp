// `ticketd rules test FILE.eml [--json]`: dry-runs the rules on a saved mail.
// (Filled in once the rule engine lands.)
#include <CLI/CLI.hpp>

#include "daemon/commands.h"

namespace ticketd {

void add_rules_command(CLI::App&, GlobalOptions&) {}

}  // namespace ticketd
