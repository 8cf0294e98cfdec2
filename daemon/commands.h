// The `ticketd` subcommands. Each lives in its own cmd_<name>.cpp, which
// registers its flags on the CLI11 app and runs when chosen; main.cpp only
// wires them. Exit codes (DESIGN.md): 0 ok, 1 the input or config is wrong,
// 2 usage, 3 a server or the store is unreachable.
#pragma once

#include <string>

namespace CLI {
class App;
}

namespace ticketd {

enum ExitCode { kExitOk = 0, kExitBadInput = 1, kExitUsage = 2, kExitUnreachable = 3 };

struct GlobalOptions {
  std::string config_path = "/etc/ticketd/ticketd.toml";
  int exit_code = kExitOk;
};

void add_run_command(CLI::App& app, GlobalOptions& global);
void add_deliver_command(CLI::App& app, GlobalOptions& global);
void add_parse_command(CLI::App& app, GlobalOptions& global);
void add_tickets_command(CLI::App& app, GlobalOptions& global);
void add_check_command(CLI::App& app, GlobalOptions& global);
void add_outbox_command(CLI::App& app, GlobalOptions& global);
void add_rules_command(CLI::App& app, GlobalOptions& global);
void add_report_command(CLI::App& app, GlobalOptions& global);
void add_search_command(CLI::App& app, GlobalOptions& global);

}  // namespace ticketd
