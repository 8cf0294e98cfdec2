#include "rules/rule_set.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "rules/rule_file.h"

namespace ticketd {

bool load_rule_dir(const std::string& dir, RuleSet* out, std::string* err, const RuleLoadLimits& limits) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::vector<std::string> names;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const auto& path = it->path();
    if (path.extension() == ".toml" && it->is_regular_file(ec)) names.push_back(path.filename().string());
  }
  if (ec) {
    *err = dir + ": cannot read the rules directory: " + ec.message();
    return false;
  }
  std::sort(names.begin(), names.end());  // byte order: "10-spam" before "20-vip"

  RuleLoad load(limits);
  load.lists_dir = dir;
  const std::string prefix = (!dir.empty() && dir.back() == '/') ? dir : dir + "/";
  for (const auto& name : names) {
    if (load.full()) break;
    const std::string path = prefix + name;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      load.errors.push_back(path + ": cannot read the file");
      continue;
    }
    std::string text(limits.max_file_bytes + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (text.size() > limits.max_file_bytes) {
      load.errors.push_back(path + ": larger than " + std::to_string(limits.max_file_bytes) + " bytes");
      continue;
    }
    load.set.files.push_back(path);
    compile_rule_file(text, path, &load);
  }
  return finish_rule_load(&load, out, err);
}

bool load_rule_text(std::string_view toml_text, const std::string& path, const std::string& lists_dir, RuleSet* out,
                    std::string* err, const RuleLoadLimits& limits) {
  RuleLoad load(limits);
  load.lists_dir = lists_dir;
  if (toml_text.size() > limits.max_file_bytes) {
    *err = path + ": larger than " + std::to_string(limits.max_file_bytes) + " bytes";
    return false;
  }
  load.set.files.push_back(path);
  compile_rule_file(toml_text, path, &load);
  return finish_rule_load(&load, out, err);
}

}  // namespace ticketd
