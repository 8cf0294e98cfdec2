#include "daemon/rules_loader.h"

#include <sstream>

namespace ticketd {

LoadedRules load_rules_or_keep(const Config& config, LoadedRules previous, Log& log) {
  if (config.rules_dir.empty()) return nullptr;
  auto loaded = std::make_shared<RuleSet>();
  std::string err;
  if (!load_rule_dir(config.rules_dir, loaded.get(), &err)) {
    std::istringstream lines(err);
    for (std::string line; std::getline(lines, line);) log.error("{}", line);
    log.error("rules in {} refused; {}", config.rules_dir,
              previous ? "the previous rules stay in force" : "running without rules");
    return previous;
  }
  log.info("loaded {} rule(s) from {} file(s) in {}", loaded->rules.size(), loaded->files.size(), config.rules_dir);
  return loaded;
}

}  // namespace ticketd
