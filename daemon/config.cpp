#include "daemon/config.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <toml++/toml.h>

namespace ticketd {

namespace {

namespace fs = std::filesystem;

std::string where(const std::string& file, const toml::source_region& region) {
  return fmt::format("{}:{}:{}", file, region.begin.line, region.begin.column);
}

// Reads one TOML table against the keys it may hold: every key read is
// remembered, and finish() reports the ones nobody asked for.
class TableReader {
 public:
  TableReader(const toml::table& table, const std::string& file, std::string context,
              std::vector<std::string>* errors)
      : table_(table), file_(file), context_(std::move(context)), errors_(errors) {}

  void string(const char* key, std::string* out, bool required = false) {
    known_.insert(key);
    const toml::node* node = table_.get(key);
    if (!node) {
      if (required) missing(key);
      return;
    }
    if (auto value = node->value<std::string>()) {
      *out = *value;
    } else {
      error(node->source(), fmt::format("{}{} must be a string", context_, key));
    }
  }

  void integer(const char* key, std::int64_t* out, std::int64_t min, std::int64_t max) {
    known_.insert(key);
    const toml::node* node = table_.get(key);
    if (!node) return;
    auto value = node->value<std::int64_t>();
    if (!value) {
      error(node->source(), fmt::format("{}{} must be an integer", context_, key));
    } else if (*value < min || *value > max) {
      error(node->source(), fmt::format("{}{} must be between {} and {}", context_, key, min, max));
    } else {
      *out = *value;
    }
  }

  void real(const char* key, double* out, double min, double max) {
    known_.insert(key);
    const toml::node* node = table_.get(key);
    if (!node) return;
    auto value = node->value<double>();
    if (!value) {
      error(node->source(), fmt::format("{}{} must be a number", context_, key));
    } else if (*value < min || *value > max) {
      error(node->source(), fmt::format("{}{} must be between {} and {}", context_, key, min, max));
    } else {
      *out = *value;
    }
  }

  template <typename T>
  void integer_as(const char* key, T* out, std::int64_t min, std::int64_t max) {
    std::int64_t value = static_cast<std::int64_t>(*out);
    integer(key, &value, min, max);
    *out = static_cast<T>(value);
  }

  void boolean(const char* key, bool* out) {
    known_.insert(key);
    const toml::node* node = table_.get(key);
    if (!node) return;
    if (auto value = node->value<bool>()) {
      *out = *value;
    } else {
      error(node->source(), fmt::format("{}{} must be true or false", context_, key));
    }
  }

  void strings(const char* key, std::vector<std::string>* out) {
    known_.insert(key);
    const toml::node* node = table_.get(key);
    if (!node) return;
    const toml::array* array = node->as_array();
    bool ok = array != nullptr;
    if (array) {
      for (const auto& item : *array) {
        if (auto value = item.value<std::string>()) out->push_back(*value);
        else ok = false;
      }
    }
    if (!ok) error(node->source(), fmt::format("{}{} must be a list of strings", context_, key));
  }

  const toml::table* table(const char* key) {
    known_.insert(key);
    const toml::node* node = table_.get(key);
    if (!node) return nullptr;
    if (!node->is_table()) {
      error(node->source(), fmt::format("{}{} must be a table", context_, key));
      return nullptr;
    }
    return node->as_table();
  }

  const toml::array* array_of_tables(const char* key) {
    known_.insert(key);
    const toml::node* node = table_.get(key);
    if (!node) return nullptr;
    if (!node->is_array_of_tables()) {
      error(node->source(), fmt::format("{}{} must be written as [[{}]] tables", context_, key, key));
      return nullptr;
    }
    return node->as_array();
  }

  void finish() {
    for (const auto& [key, node] : table_) {
      if (!known_.count(std::string(key.str()))) {
        error(key.source().begin.line ? key.source() : node.source(),
              fmt::format("unknown key \"{}{}\"", context_, key.str()));
      }
    }
  }

  void missing(const char* key) {
    error(table_.source(), fmt::format("missing required key \"{}{}\"", context_, key));
  }

  void error(const toml::source_region& region, const std::string& message) {
    errors_->push_back(fmt::format("{}: {}", where(file_, region), message));
  }

 private:
  const toml::table& table_;
  const std::string& file_;
  std::string context_;
  std::vector<std::string>* errors_;
  std::set<std::string> known_;
};

std::string resolve(const fs::path& base, const std::string& path) {
  if (path.empty()) return path;
  fs::path p(path);
  return p.is_absolute() ? path : (base / p).lexically_normal().string();
}

// Reads a secret from a file: the first line, without its line end. The
// message on failure names the file, never the content.
bool read_secret(const std::string& path, std::string* out, std::string* err) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *err = fmt::format("cannot read password file {}: {}", path, std::strerror(errno));
    return false;
  }
  std::getline(in, *out);
  while (!out->empty() && (out->back() == '\r' || out->back() == '\n')) out->pop_back();
  return true;
}

void read_mailbox(const toml::table& table, const std::string& file, const fs::path& base, std::size_t index,
                  Config* config, std::vector<std::string>* errors) {
  MailboxConfig m;
  TableReader r(table, file, "mailbox.", errors);
  r.string("name", &m.name, true);
  r.string("url", &m.url);
  r.string("user", &m.user);
  r.string("password_file", &m.password_file);
  r.string("folder", &m.folder);
  r.string("processed_keyword", &m.processed_keyword);
  r.string("processed_folder", &m.processed_folder);
  r.string("address", &m.address, true);
  r.string("display_name", &m.display_name);
  r.string("language", &m.language);
  r.boolean("verify_tls", &m.verify_tls);
  r.boolean("require_tls", &m.require_tls);
  r.integer_as("max_message_mb", &m.max_message_mb, 1, 1024);
  r.boolean("idle", &m.idle);
  r.finish();
  if (!m.url.empty() && m.url.rfind("imap://", 0) != 0 && m.url.rfind("imaps://", 0) != 0) {
    r.error(table.get("url")->source(), "mailbox.url must start with imap:// or imaps://");
  }
  if (!m.url.empty() && (m.user.empty() || m.password_file.empty())) {
    r.error(table.source(), fmt::format("mailbox \"{}\" has an url, so it needs user and password_file", m.name));
  }
  if (m.address.find('@') == std::string::npos && table.get("address")) {
    r.error(table.get("address")->source(), "mailbox.address must be an e-mail address");
  }
  if (m.processed_keyword.empty() || m.processed_keyword.find_first_of(" ()[]{\"\\%*") != std::string::npos) {
    r.error(table.source(), "mailbox.processed_keyword must be one IMAP atom, like $Ticketd");
  }
  for (const auto& other : config->mailboxes) {
    if (other.name == m.name) r.error(table.source(), fmt::format("mailbox name \"{}\" is used twice", m.name));
  }
  if (!m.password_file.empty()) {
    m.password_file = resolve(base, m.password_file);
    std::string err;
    if (!read_secret(m.password_file, &m.password, &err)) r.error(table.get("password_file")->source(), err);
  }
  (void)index;
  config->mailboxes.push_back(std::move(m));
}

void read_agent(const toml::table& table, const std::string& file, Config* config, std::vector<std::string>* errors) {
  AgentConfig agent;
  TableReader r(table, file, "agent.", errors);
  r.string("name", &agent.name, true);
  r.strings("addresses", &agent.addresses);
  r.strings("groups", &agent.groups);
  r.strings("skills", &agent.skills);
  r.boolean("away", &agent.away);
  r.string("language", &agent.language);
  r.finish();
  if (agent.addresses.empty()) r.error(table.source(), fmt::format("agent \"{}\" needs at least one address", agent.name));
  if (config->agent(agent.name)) r.error(table.source(), fmt::format("agent name \"{}\" is used twice", agent.name));
  config->agents.push_back(std::move(agent));
}

// The signing key: the whole file (it may be binary), a trailing line end
// dropped. Messages name the file, never its content.
bool read_key_file(const std::string& path, std::string* out, std::string* err) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *err = fmt::format("cannot read secret file {}: {}", path, std::strerror(errno));
    return false;
  }
  std::stringstream content;
  content << in.rdbuf();
  *out = content.str();
  while (!out->empty() && (out->back() == '\r' || out->back() == '\n')) out->pop_back();
  if (out->size() < 16) {
    *err = fmt::format("secret file {} must hold at least 16 bytes (e.g. head -c 32 /dev/urandom | base64)", path);
    return false;
  }
  return true;
}

void read_group(const toml::table& table, const std::string& file, Config* config, std::vector<std::string>* errors) {
  GroupConfig group;
  TableReader r(table, file, "group.", errors);
  r.string("name", &group.name, true);
  r.string("lead", &group.lead);
  r.string("escalation", &group.escalation);
  r.finish();
  config->groups.push_back(std::move(group));
}

// [lifecycle], [sla], [sla.<priority>], [business_hours], [csat] (issue 6
// points 6-8, issue 5 point 6).
void read_lifecycle_tables(TableReader& top, const std::string& file, Config* config,
                           std::vector<std::string>* errors) {
  if (const auto* t = top.table("lifecycle")) {
    TableReader r(*t, file, "lifecycle.", errors);
    auto& l = config->lifecycle;
    r.integer("reopen_window_days", &l.reopen_window_days, 0, 36500);
    r.integer("auto_close_resolved_days", &l.auto_close_resolved_days, 0, 36500);
    r.integer("pending_reminder_days", &l.pending_reminder_days, 0, 36500);
    r.integer("pending_resolve_days", &l.pending_resolve_days, 0, 36500);
    r.finish();
    if (l.pending_reminder_days && l.pending_resolve_days && l.pending_resolve_days <= l.pending_reminder_days) {
      r.error(t->source(), "lifecycle.pending_resolve_days must be more than pending_reminder_days "
                           "(the reminder comes first)");
    }
  }
  if (const auto* t = top.table("sla")) {
    TableReader r(*t, file, "sla.", errors);
    r.real("reminder_share", &config->sla.reminder_share, 0.01, 1.0);
    r.boolean("raise_priority_on_breach", &config->sla.raise_priority_on_breach);
    const std::pair<const char*, SlaTargets*> levels[] = {{"low", &config->sla.low},
                                                          {"normal", &config->sla.normal},
                                                          {"high", &config->sla.high},
                                                          {"urgent", &config->sla.urgent}};
    for (const auto& [name, targets] : levels) {
      if (const auto* level = r.table(name)) {
        TableReader lr(*level, file, fmt::format("sla.{}.", name), errors);
        lr.integer("first_response_minutes", &targets->first_response_minutes, 0, 525600);
        lr.integer("next_response_minutes", &targets->next_response_minutes, 0, 525600);
        lr.integer("resolution_minutes", &targets->resolution_minutes, 0, 5256000);
        lr.finish();
      }
    }
    r.finish();
  }
  if (const auto* t = top.table("business_hours")) {
    TableReader r(*t, file, "business_hours.", errors);
    BusinessHours hours;
    hours.open_days = {true, true, true, true, true, false, false};
    std::string zone_name = "UTC", open = "09:00", close = "18:00";
    std::vector<std::string> days, holidays;
    r.string("time_zone", &zone_name, true);
    r.string("open", &open);
    r.string("close", &close);
    r.strings("days", &days);
    r.strings("holidays", &holidays);
    r.finish();
    TimeZone zone;
    std::string err;
    if (t->get("time_zone")) {
      if (load_time_zone(zone_name, &zone, &err)) set_time_zone(&hours, zone);
      else r.error(t->get("time_zone")->source(), "business_hours." + err);
    }
    if (!parse_clock_time(open, &hours.open_minute)) {
      r.error(t->source(), "business_hours.open must be a time like \"09:00\", not \"" + open + "\"");
    }
    if (!parse_clock_time(close, &hours.close_minute) || hours.close_minute <= hours.open_minute) {
      r.error(t->source(), "business_hours.close must be a time like \"18:00\" after open, not \"" + close + "\"");
    }
    if (t->get("days")) {
      hours.open_days.fill(false);
      for (const auto& d : days) {
        int index = 0;
        if (parse_weekday(d, &index)) hours.open_days[static_cast<std::size_t>(index)] = true;
        else r.error(t->get("days")->source(), "business_hours.days: unknown day \"" + d + "\" (mon .. sun)");
      }
      if (days.empty()) r.error(t->get("days")->source(), "business_hours.days must name at least one day");
    }
    for (const auto& d : holidays) {
      if (is_iso_date(d)) hours.holidays.push_back(d);
      else r.error(t->get("holidays")->source(), "business_hours.holidays: \"" + d + "\" is not a date like \"2026-10-01\"");
    }
    config->business_hours = std::move(hours);
  }
  if (const auto* t = top.table("csat")) {
    TableReader r(*t, file, "csat.", errors);
    config->csat.enabled = true;
    r.boolean("enabled", &config->csat.enabled);
    r.integer("delay_minutes", &config->csat.delay_minutes, 0, 525600);
    r.integer("min_days_between", &config->csat.min_days_between, 0, 36500);
    r.finish();
  }
}

}  // namespace

const AgentConfig* Config::agent(std::string_view name) const {
  for (const auto& a : agents) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

const SlaTargets& SlaConfig::targets(std::string_view priority) const {
  if (priority == "urgent") return urgent;
  if (priority == "high") return high;
  if (priority == "low") return low;
  return normal;
}

const MailboxConfig* Config::mailbox(std::string_view name) const {
  for (const auto& m : mailboxes) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

bool load_config(const std::string& path, Config* out, std::vector<std::string>* errors) {
  Config config;
  config.source_path = path;
  std::size_t errors_before = errors->size();
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    if (!fs::exists(path)) {
      errors->push_back(fmt::format("{}: cannot read the config file: no such file", path));
    } else {
      errors->push_back(fmt::format("{}: {}", where(path, e.source()), e.description()));
    }
    return false;
  }
  fs::path base = fs::absolute(path).parent_path();

  TableReader top(root, path, "", errors);
  if (const auto* store = top.table("store")) {
    TableReader r(*store, path, "store.", errors);
    r.string("path", &config.store_path, true);
    r.finish();
  } else {
    top.missing("store");
  }
  if (const auto* daemon = top.table("daemon")) {
    TableReader r(*daemon, path, "daemon.", errors);
    r.string("hostname", &config.hostname);
    r.integer("poll_seconds", &config.poll_seconds, 1, 86400);
    r.integer_as("auto_replies_per_hour", &config.auto_replies_per_hour, 0, 1000);
    r.integer("bounce_block_hours", &config.bounce_block_hours, 0, 24 * 365);
    r.finish();
  }
  if (const auto* templates = top.table("templates")) {
    TableReader r(*templates, path, "templates.", errors);
    r.string("dir", &config.templates_dir);
    r.finish();
  }
  if (const auto* rules = top.table("rules")) {
    TableReader r(*rules, path, "rules.", errors);
    r.string("dir", &config.rules_dir);
    r.finish();
  }
  if (const auto* smtp = top.table("smtp")) {
    TableReader r(*smtp, path, "smtp.", errors);
    r.string("url", &config.smtp.url, true);
    r.string("user", &config.smtp.user);
    r.string("password_file", &config.smtp.password_file);
    r.boolean("verify_tls", &config.smtp.verify_tls);
    r.boolean("require_tls", &config.smtp.require_tls);
    r.finish();
    if (!config.smtp.url.empty() && config.smtp.url.rfind("smtp://", 0) != 0 &&
        config.smtp.url.rfind("smtps://", 0) != 0) {
      r.error(smtp->get("url")->source(), "smtp.url must start with smtp:// or smtps://");
    }
    if (!config.smtp.password_file.empty()) {
      config.smtp.password_file = resolve(base, config.smtp.password_file);
      std::string err;
      if (!read_secret(config.smtp.password_file, &config.smtp.password, &err)) {
        r.error(smtp->get("password_file")->source(), err);
      }
    }
  } else {
    top.missing("smtp");
  }
  if (const auto* metrics = top.table("metrics")) {
    TableReader r(*metrics, path, "metrics.", errors);
    r.string("file", &config.metrics_file);
    r.finish();
  }
  if (const auto* outbox = top.table("outbox")) {
    TableReader r(*outbox, path, "outbox.", errors);
    r.integer_as("max_attempts", &config.outbox.max_attempts, 1, 1000);
    r.integer("first_retry_seconds", &config.outbox.first_retry_seconds, 1, 86400);
    r.integer("max_retry_seconds", &config.outbox.max_retry_seconds, 1, 7 * 86400);
    r.integer_as("batch", &config.outbox.batch, 1, 100000);
    r.finish();
  }
  if (const auto* limits = top.table("limits")) {
    TableReader r(*limits, path, "limits.", errors);
    auto& l = config.limits;
    r.integer_as("max_mail_bytes", &l.max_mail_bytes, 1024, std::int64_t{1} << 40);
    r.integer_as("max_header_bytes", &l.max_header_bytes, 256, std::int64_t{1} << 30);
    r.integer_as("max_header_count", &l.max_header_count, 10, 1000000);
    r.integer_as("max_mime_depth", &l.max_mime_depth, 1, 1000);
    r.integer_as("max_mime_parts", &l.max_mime_parts, 1, 1000000);
    r.integer_as("max_attachment_bytes", &l.max_attachment_bytes, 0, std::int64_t{1} << 40);
    r.integer_as("max_body_bytes", &l.max_body_bytes, 1024, std::int64_t{1} << 34);
    r.finish();
  }
  const toml::table* security = top.table("security");
  if (security) {
    TableReader r(*security, path, "security.", errors);
    r.string("secret_file", &config.security.secret_file, true);
    r.finish();
    if (!config.security.secret_file.empty()) {
      config.security.secret_file = resolve(base, config.security.secret_file);
      std::string err;
      if (!read_key_file(config.security.secret_file, &config.security.secret, &err)) {
        r.error(security->get("secret_file")->source(), err);
      }
    }
  }
  read_lifecycle_tables(top, path, &config, errors);
  if (const auto* mailboxes = top.array_of_tables("mailbox")) {
    std::size_t index = 0;
    for (const auto& node : *mailboxes) read_mailbox(*node.as_table(), path, base, index++, &config, errors);
  }
  if (const auto* agents = top.array_of_tables("agent")) {
    for (const auto& node : *agents) read_agent(*node.as_table(), path, &config, errors);
  }
  if (const auto* groups = top.array_of_tables("group")) {
    for (const auto& node : *groups) read_group(*node.as_table(), path, &config, errors);
  }
  top.finish();
  if (!config.agents.empty() && !security) {
    // Agents' replies carry powers; without a key they cannot be told from forgeries.
    errors->push_back(fmt::format("{}:1:1: agents are configured, so [security] secret_file is needed "
                                  "(a file of at least 16 random bytes signing reply tokens)", path));
  }
  if (config.mailboxes.empty() && !root.get("mailbox")) {
    errors->push_back(fmt::format("{}:1:1: at least one [[mailbox]] is needed", path));
  }

  config.store_path = resolve(base, config.store_path);
  config.rules_dir = resolve(base, config.rules_dir);
  config.templates_dir = resolve(base, config.templates_dir);
  config.metrics_file = resolve(base, config.metrics_file);
  if (config.hostname.empty() && !config.mailboxes.empty()) {
    const auto& address = config.mailboxes.front().address;
    auto at = address.find('@');
    if (at != std::string::npos) config.hostname = address.substr(at + 1);
  }
  if (errors->size() != errors_before) return false;
  *out = std::move(config);
  return true;
}

}  // namespace ticketd
