// `ticketd search "退款 失败" [--limit N] [--json]`: tickets whose subject or
// messages contain every term, best match first (Store::search_tickets).
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "daemon/commands.h"
#include "daemon/setup.h"

namespace ticketd {

namespace {

struct SearchArgs {
  std::string query;
  std::size_t limit = 20;
  bool json = false;
};

}  // namespace

void add_search_command(CLI::App& app, GlobalOptions& global) {
  auto* cmd = app.add_subcommand("search", "full-text search over tickets and their messages (any language)");
  auto args = std::make_shared<SearchArgs>();
  cmd->add_option("QUERY", args->query, "words that must all appear, e.g. \"退款 失败\" or \"refund failed\"")
      ->required();
  cmd->add_option("--limit", args->limit, "tickets shown at most")->capture_default_str();
  cmd->add_flag("--json", args->json, "print JSON");
  cmd->callback([&global, args] {
    auto config = load_config_or_report(global.config_path, &global.exit_code);
    if (!config) return;
    auto store = open_store_or_report(*config, &global.exit_code);
    if (!store) return;
    std::vector<SearchHit> hits;
    try {
      hits = store->search_tickets(args->query, args->limit);
    } catch (const StoreError& e) {
      fmt::print(stderr, "{}\n", e.what());
      global.exit_code = kExitUnreachable;
      return;
    }
    if (args->json) {
      auto out = nlohmann::json::array();
      for (const auto& h : hits) {
        out.push_back({{"number", h.number}, {"subject", h.subject}, {"status", h.status}, {"score", h.score},
                       {"excerpt", h.excerpt}});
      }
      fmt::print("{}\n", out.dump(2));
      return;
    }
    if (hits.empty()) {
      fmt::print("no ticket matches \"{}\"\n", args->query);
      return;
    }
    for (const auto& h : hits) {
      fmt::print("#{:<6} {:<9} {}\n        {}\n", h.number, h.status, h.subject, h.excerpt);
    }
  });
}

}  // namespace ticketd
