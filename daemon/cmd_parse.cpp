// `ticketd parse FILE [--json]`: shows how a mail is understood.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "daemon/commands.h"
#include "daemon/message_json.h"
#include "daemon/setup.h"
#include "parser/mail_parser.h"

namespace ticketd {

void add_parse_command(CLI::App& app, GlobalOptions& global) {
  auto* cmd = app.add_subcommand("parse", "show how a mail is understood: headers, text, reply, attachments");
  auto file = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  cmd->add_option("FILE", *file, "the mail (RFC 5322 file; - for standard input)")->required();
  cmd->add_flag("--json", *json, "print JSON");
  cmd->callback([&global, file, json] {
    std::string raw;
    if (*file == "-") {
      std::stringstream buffer;
      buffer << std::cin.rdbuf();
      raw = buffer.str();
    } else {
      std::ifstream in(*file, std::ios::binary);
      if (!in) {
        fmt::print(stderr, "{}: cannot read the mail: {}\n", *file, std::strerror(errno));
        global.exit_code = kExitBadInput;
        return;
      }
      std::stringstream buffer;
      buffer << in.rdbuf();
      raw = buffer.str();
    }
    // The limits are the defaults unless a readable config says otherwise;
    // parse works without a config, on any machine.
    ParseLimits limits;
    Config config;
    std::vector<std::string> ignored;
    if (load_config(global.config_path, &config, &ignored)) limits = config.limits;
    Message message = parse_mail(raw, now_seconds(), limits);
    if (*json) {
      fmt::print("{}\n", message_to_json(message).dump(2));
    } else {
      fmt::print("{}", message_to_text(message));
    }
  });
}

}  // namespace ticketd
