#include "daemon/rules_loader.h"

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <vector>

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

std::string rules_fingerprint(const std::string& dir) {
  namespace fs = std::filesystem;
  std::vector<std::string> entries;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (!entry.is_regular_file(ec)) continue;
    auto size = entry.file_size(ec);
    auto mtime = entry.last_write_time(ec).time_since_epoch().count();
    entries.push_back(fmt::format("{}:{}:{}", entry.path().filename().string(), size, mtime));
  }
  std::sort(entries.begin(), entries.end());
  std::string fingerprint;
  for (const auto& e : entries) fingerprint += e + "\n";
  return fingerprint;
}

}  // namespace ticketd
