// ticketd: parses the command line and hands over to the chosen subcommand.
#include <CLI/CLI.hpp>

#include "daemon/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"ticketd: an email-to-ticket gateway daemon"};
  app.require_subcommand(1);
  ticketd::GlobalOptions global;
  app.add_option("--config", global.config_path, "config file")->capture_default_str();
  ticketd::add_run_command(app, global);
  ticketd::add_deliver_command(app, global);
  ticketd::add_parse_command(app, global);
  ticketd::add_tickets_command(app, global);
  ticketd::add_check_command(app, global);
  ticketd::add_outbox_command(app, global);
  ticketd::add_rules_command(app, global);
  ticketd::add_report_command(app, global);
  ticketd::add_search_command(app, global);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : ticketd::kExitUsage;
  }
  return global.exit_code;
}
