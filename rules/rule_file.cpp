// Compiling one rule file: TOML -> Rules, checking every key and value so
// that an admin's typo is an error with its line and column, never a rule
// that silently does nothing.
#include "rules/rule_file.h"

#include <re2/re2.h>

#include <algorithm>
#include <toml++/toml.h>

#include "rules/text_scan.h"
#include "rules/text_fold.h"

namespace ticketd {
namespace {

constexpr std::string_view kPriorities[] = {"low", "normal", "high", "urgent"};
constexpr std::string_view kRuleStatuses[] = {"open", "pending", "on-hold", "resolved", "closed"};
constexpr std::string_view kAllStatuses[] = {"new", "open", "pending", "on-hold", "resolved", "closed"};

template <std::size_t N>
bool one_of(std::string_view value, const std::string_view (&names)[N]) {
  return std::find(std::begin(names), std::end(names), value) != std::end(names);
}

template <std::size_t N>
std::string list_names(const std::string_view (&names)[N]) {
  std::string out;
  for (std::size_t i = 0; i < N; ++i) out += (i ? (i + 1 == N ? " or \"" : ", \"") : "\"") + std::string(names[i]) + "\"";
  return out;
}

// Template names become file names in templates/: no paths, nothing odd.
bool is_template_name(std::string_view name) {
  if (name.empty() || name.front() == '.') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
           c == '_';
  });
}

class FileCompiler {
 public:
  FileCompiler(const std::string& path, RuleLoad* load) : path_(path), load_(load) {}

  // Compiles the file, then hands its errors to the load in line order
  // (toml++ tables iterate in key order, not in the order written).
  void compile(std::string_view text) {
    compile_root(text);
    std::stable_sort(errors_.begin(), errors_.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& e : errors_)
      if (!load_->full()) load_->errors.push_back(std::move(e.second));
  }

 private:
  void compile_root(std::string_view text) {
    toml::table root;
    try {
      root = toml::parse(text, path_);
    } catch (const toml::parse_error& e) {
      error(e.source(), std::string(e.description()));
      return;
    }
    for (const auto& [key, node] : root) {
      if (full()) return;
      if (key.str() == "rule") {
        const auto* rules = node.as_array();
        if (!rules || !rules->is_array_of_tables()) {
          error(node.source(), "\"rule\" must be written as [[rule]] tables");
          continue;
        }
        for (const auto& r : *rules) compile_rule(*r.as_table());
      } else if (key.str() == "business_hours") {
        if (const auto* t = node.as_table()) compile_business_hours(*t);
        else error(node.source(), "\"business_hours\" must be a table: [business_hours]");
      } else {
        error(key.source(), "unknown table \"" + std::string(key.str()) + "\" (a rule file holds [[rule]] and [business_hours])");
      }
    }
  }

  std::string where(const toml::source_region& at) const {
    return path_ + ":" + std::to_string(at.begin.line) + ":" + std::to_string(at.begin.column);
  }
  void error(const toml::source_region& at, const std::string& message) {
    if (!full()) errors_.push_back({{at.begin.line, at.begin.column}, where(at) + ": " + message});
  }
  bool full() const { return load_->errors.size() + errors_.size() >= load_->limits.max_errors; }

  // A string, or an array of strings, into *out. `allow_empty`: whether ""
  // is a meaningful value (equals "") or a mistake (contains "").
  bool strings(const toml::node& node, std::string_view what, bool allow_empty, std::vector<std::string>* out) {
    auto take = [&](const toml::node& n) {
      const auto* s = n.as_string();
      if (!s) {
        error(n.source(), std::string(what) + " must be a string or an array of strings");
        return false;
      }
      if (s->get().empty() && !allow_empty) {
        error(n.source(), std::string(what) + " must not be empty");
        return false;
      }
      out->push_back(s->get());
      return true;
    };
    if (const auto* array = node.as_array()) {
      if (array->empty()) {
        error(node.source(), std::string(what) + " must not be an empty array");
        return false;
      }
      bool ok = true;
      for (const auto& n : *array) ok = take(n) && ok;
      return ok;
    }
    return take(node);
  }

  bool boolean(const toml::node& node, std::string_view what, bool* out) {
    const auto* b = node.as_boolean();
    if (!b) {
      error(node.source(), std::string(what) + " must be true or false");
      return false;
    }
    *out = b->get();
    return true;
  }

  bool single_string(const toml::node& node, std::string_view what, std::string* out) {
    const auto* s = node.as_string();
    if (!s || s->get().empty()) {
      error(node.source(), std::string(what) + " must be a non-empty string");
      return false;
    }
    *out = s->get();
    return true;
  }

  void compile_rule(const toml::table& t) {
    Rule rule;
    rule.file = path_;
    rule.line = static_cast<int>(t.source().begin.line);
    rule.column = static_cast<int>(t.source().begin.column);
    const std::size_t errors_before = errors_.size();
    const toml::node* name_node = t.get("name");
    for (const auto& [key, node] : t) {
      const std::string k(key.str());
      if (k == "name") {
        if (single_string(node, "name", &rule.name)) {
          rule.line = static_cast<int>(node.source().begin.line);
          rule.column = static_cast<int>(node.source().begin.column);
        }
      } else if (k == "description") {
        if (const auto* s = node.as_string()) rule.description = s->get();
        else error(node.source(), "description must be a string");
      } else if (k == "applies_to") {
        const auto* s = node.as_string();
        const std::string v = s ? s->get() : "";
        if (v == "new") rule.applies_to = AppliesTo::kNew;
        else if (v == "follow-up") rule.applies_to = AppliesTo::kFollowUp;
        else if (v == "any") rule.applies_to = AppliesTo::kAny;
        else error(node.source(), "applies_to must be \"new\", \"follow-up\" or \"any\"");
      } else if (k == "enabled") {
        boolean(node, "enabled", &rule.enabled);
      } else if (k == "stop") {
        boolean(node, "stop", &rule.stop);
      } else if (k == "when") {
        if (const auto* array = node.as_array()) {  // when = [ {...}, {...} ]: all of them
          rule.when.kind = Condition::Kind::kAll;
          rule.when.line = static_cast<int>(node.source().begin.line);
          rule.when.column = static_cast<int>(node.source().begin.column);
          for (const auto& child : *array) {
            Condition c;
            if (compile_condition(child, 1, &c)) rule.when.children.push_back(std::move(c));
          }
        } else {
          compile_condition(node, 0, &rule.when);
        }
      } else if (k == "then") {
        if (const auto* actions = node.as_table()) compile_actions(*actions, &rule.then);
        else error(node.source(), "then must be a table of actions, e.g. [rule.then]");
      } else {
        error(key.source(), "unknown key \"" + k +
                                "\" in rule (expected name, description, applies_to, enabled, stop, when, then)");
      }
    }
    if (rule.name.empty()) {
      if (!t.contains("name")) error(t.source(), "rule has no name");
      return;
    }
    const auto [it, inserted] = load_->rule_names.emplace(rule.name, where(name_node->source()));
    if (!inserted) {
      error(name_node->source(), "a rule named \"" + rule.name + "\" is already defined at " + it->second);
      return;
    }
    if (errors_.size() != errors_before) return;
    if (load_->set.rules.size() >= load_->limits.max_rules) {
      error(name_node->source(), "more than " + std::to_string(load_->limits.max_rules) + " rules");
      return;
    }
    load_->set.rules.push_back(std::move(rule));
  }

  bool compile_condition(const toml::node& node, std::size_t depth, Condition* out) {
    out->line = static_cast<int>(node.source().begin.line);
    out->column = static_cast<int>(node.source().begin.column);
    if (depth > load_->limits.max_condition_depth) {
      error(node.source(), "conditions nested deeper than " + std::to_string(load_->limits.max_condition_depth));
      return false;
    }
    const auto* t = node.as_table();
    if (!t) {
      error(node.source(), "a condition must be a table, e.g. { field = \"subject\", contains = \"refund\" }");
      return false;
    }
    // TOML's classic trap: keys written after a [rule.when] header belong to
    // it, so a following `then = {...}` lands inside the condition.
    for (std::string_view rule_key : {"then", "name", "stop", "applies_to", "enabled", "description"}) {
      if (const toml::node* stray = t->get(rule_key); stray && depth == 0) {
        error(stray->source(), "\"" + std::string(rule_key) +
                                   "\" is inside [rule.when]; write it before [rule.when], or start a [rule.then] table");
        return false;
      }
    }
    for (std::string_view group : {"all", "any", "not"}) {
      const toml::node* inner = t->get(group);
      if (!inner) continue;
      if (t->size() != 1) {
        error(node.source(), "\"" + std::string(group) + "\" must be the only key of its condition");
        return false;
      }
      if (group == "not") {
        out->kind = Condition::Kind::kNot;
        out->children.emplace_back();
        return compile_condition(*inner, depth + 1, &out->children.back());
      }
      out->kind = group == "all" ? Condition::Kind::kAll : Condition::Kind::kAny;
      const auto* array = inner->as_array();
      if (!array || array->empty()) {
        error(inner->source(), "\"" + std::string(group) + "\" needs an array of at least one condition");
        return false;
      }
      bool ok = true;
      for (const auto& child : *array) {
        out->children.emplace_back();
        ok = compile_condition(child, depth + 1, &out->children.back()) && ok;
      }
      return ok;
    }
    return compile_test(*t, out);
  }

  bool compile_test(const toml::table& t, Condition* c) {
    c->kind = Condition::Kind::kTest;
    const toml::node* field_node = t.get("field");
    if (!field_node) {
      error(t.source(), "a condition needs \"field\" and an operator, or one of \"all\", \"any\", \"not\"");
      return false;
    }
    const auto* field_name = field_node->as_string();
    if (!field_name || !field_from_name(field_name->get(), &c->field, &c->header_name)) {
      error(field_node->source(), field_name ? "unknown field \"" + field_name->get() + "\"" : "field must be a string");
      return false;
    }
    for (char ch : c->header_name)
      c->header_key.push_back(static_cast<char>((ch >= 'A' && ch <= 'Z') ? ch + 32 : ch));
    const FieldType type = field_type(c->field);
    const toml::node* operand = nullptr;
    const toml::key* op_key = nullptr;
    bool ok = true;
    for (const auto& [key, value] : t) {
      const std::string k(key.str());
      if (k == "field") continue;
      if (k == "case_sensitive") {
        ok = boolean(value, "case_sensitive", &c->case_sensitive) && ok;
        continue;
      }
      Operator op;
      if (!operator_from_name(k, &op)) {
        error(key.source(), "unknown operator \"" + k + "\"");
        ok = false;
        continue;
      }
      if (op_key) {
        error(key.source(), "a condition takes one operator, found \"" + std::string(op_key->str()) + "\" and \"" + k +
                                "\" (use \"all\" to combine)");
        ok = false;
        continue;
      }
      if (!operator_accepts(op, type)) {
        const char* kind = type == FieldType::kNumber ? "number" : type == FieldType::kBool ? "true/false" : "text";
        error(key.source(), "operator \"" + k + "\" does not apply to " + kind + " field \"" + field_name->get() + "\"");
        ok = false;
        continue;
      }
      c->op = op;
      op_key = &key;
      operand = &value;
    }
    if (!ok) return false;
    if (!operand) {
      error(t.source(), "condition on \"" + field_name->get() + "\" has no operator");
      return false;
    }
    if (!compile_operand(*operand, type, c)) return false;
    c->description = describe_test(*c);
    if (c->field == Field::kBusinessHours)
      load_->business_hours_uses.push_back(where(field_node->source()));
    return true;
  }

  bool compile_operand(const toml::node& v, FieldType type, Condition* c) {
    const std::string op(operator_name(c->op));
    if (type == FieldType::kNumber) {
      const auto* n = v.as_integer();
      if (!n) {
        error(v.source(), "\"" + op + "\" needs a whole number");
        return false;
      }
      c->number = n->get();
      return true;
    }
    if (type == FieldType::kBool || c->op == Operator::kExists) return boolean(v, op, &c->flag);
    if (c->op == Operator::kInList) return compile_list(v, c);
    if (c->op == Operator::kRegex) {
      if (!single_string(v, "regex", &c->texts_shown.emplace_back())) return false;
      re2::RE2::Options options;
      options.set_encoding(re2::RE2::Options::EncodingUTF8);  // Chinese matched as characters
      options.set_case_sensitive(c->case_sensitive);
      options.set_log_errors(false);
      options.set_max_mem(load_->limits.max_regex_memory);
      auto re = std::make_shared<re2::RE2>(c->texts_shown.front(), options);
      if (!re->ok()) {
        error(v.source(), "invalid regex \"" + c->texts_shown.front() + "\": " + re->error());
        return false;
      }
      c->regex = std::move(re);
      return true;
    }
    const bool allow_empty = c->op == Operator::kEquals || c->op == Operator::kIn;
    if (!strings(v, op, allow_empty, &c->texts_shown)) return false;
    // Values with a fixed vocabulary: catch "urgnet" at load, not never.
    for (const auto& s : c->texts_shown) {
      if (c->field == Field::kTicket && s != "new" && s != "follow-up") {
        error(v.source(), "field \"ticket\" is \"new\" or \"follow-up\", not \"" + s + "\"");
        return false;
      }
      if (c->op == Operator::kEquals || c->op == Operator::kIn) {
        if (c->field == Field::kPriority && !one_of(s, kPriorities)) {
          error(v.source(), "unknown priority \"" + s + "\" (expected " + list_names(kPriorities) + ")");
          return false;
        }
        if (c->field == Field::kStatus && !one_of(s, kAllStatuses)) {
          error(v.source(), "unknown status \"" + s + "\" (expected " + list_names(kAllStatuses) + ")");
          return false;
        }
      }
    }
    for (const auto& s : c->texts_shown) c->texts.push_back(c->case_sensitive ? s : fold_case(s));
    return true;
  }

  bool compile_list(const toml::node& v, Condition* c) {
    if (!single_string(v, "in_list", &c->list_path)) return false;
    const std::string& p = c->list_path;
    // Lists live beside the rules: a rule file cannot make the daemon read
    // an arbitrary file.
    if (p.front() == '/' || p == ".." || p.rfind("../", 0) == 0 || p.find("/../") != std::string::npos ||
        (p.size() >= 3 && p.compare(p.size() - 3, 3, "/..") == 0)) {
      error(v.source(), "list path \"" + p + "\" must be relative to the rules directory, without \"..\"");
      return false;
    }
    auto& cached = load_->lists[p];
    if (!cached) {
      CustomerList list;
      std::string list_err;
      const std::string full = load_->lists_dir.empty() ? p : load_->lists_dir + "/" + p;
      if (!CustomerList::load(full, load_->limits.max_list_entries, &list, &list_err)) {
        load_->lists.erase(p);
        error(v.source(), list_err);
        return false;
      }
      cached = std::make_shared<const CustomerList>(std::move(list));
    }
    c->list = cached;
    return true;
  }

  void compile_actions(const toml::table& t, RuleActions* a) {
    if (t.empty()) error(t.source(), "then has no action");
    for (const auto& [key, node] : t) {
      const std::string k(key.str());
      if (k == "add_tags") {
        strings(node, k, false, &a->add_tags);
      } else if (k == "remove_tags") {
        strings(node, k, false, &a->remove_tags);
      } else if (k == "priority") {
        std::string v;
        if (single_string(node, k, &v) && !one_of(v, kPriorities))
          error(node.source(), "unknown priority \"" + v + "\" (expected " + list_names(kPriorities) + ")");
        else if (!v.empty()) a->priority = v;
      } else if (k == "group") {
        if (single_string(node, k, &a->group.emplace()) == false) a->group.reset();
      } else if (k == "status") {
        std::string v;
        if (single_string(node, k, &v)) {
          if (v == "new") error(node.source(), "a rule cannot set status \"new\"");
          else if (!one_of(v, kRuleStatuses))
            error(node.source(), "unknown status \"" + v + "\" (expected " + list_names(kRuleStatuses) + ")");
          else a->status = v;
        }
      } else if (k == "assign") {
        compile_assign(node, a);
      } else if (k == "vip" || k == "suppress_ack" || k == "spam") {
        bool v = false;
        boolean(node, k, &v);
        (k == "vip" ? a->vip : k == "spam" ? a->spam : a->suppress_ack) = v;
      } else if (k == "auto_reply") {
        std::vector<std::string> names;
        if (strings(node, k, false, &names)) {
          for (const auto& n : names) {
            if (!is_template_name(n))
              error(node.source(), "template name \"" + n + "\" may hold only letters, digits, '.', '-' and '_'");
            else a->auto_replies.push_back(n);
          }
        }
      } else if (k == "note") {
        strings(node, k, false, &a->notes);
      } else if (k == "sla") {
        compile_sla(node, &a->sla);
      } else {
        error(key.source(), "unknown action \"" + k + "\"");
      }
    }
    for (const auto& tag : a->add_tags) {
      if (std::find(a->remove_tags.begin(), a->remove_tags.end(), tag) != a->remove_tags.end())
        error(t.source(), "tag \"" + tag + "\" is both added and removed");
    }
  }

  // sla = { first_response_minutes = 30, next_response_minutes = 60,
  // resolution_minutes = 480 }: the keys of the config's [sla.<priority>].
  void compile_sla(const toml::node& node, RuleSlaTargets* sla) {
    const auto* t = node.as_table();
    if (!t || t->empty()) {
      error(node.source(), "sla must be a table such as { first_response_minutes = 30, resolution_minutes = 480 }");
      return;
    }
    for (const auto& [key, value] : *t) {
      const std::string k(key.str());
      std::optional<std::int64_t>* slot = k == "first_response_minutes"  ? &sla->first_response_minutes
                                          : k == "next_response_minutes" ? &sla->next_response_minutes
                                          : k == "resolution_minutes"    ? &sla->resolution_minutes
                                                                         : nullptr;
      if (!slot) {
        error(key.source(), "unknown key \"" + k +
                                "\" in sla (expected first_response_minutes, next_response_minutes, resolution_minutes)");
        continue;
      }
      const auto* minutes = value.as_integer();
      if (!minutes || minutes->get() < 1 || minutes->get() > 525600) {
        error(value.source(), k + " must be a whole number of business minutes from 1 to 525600 (a year)");
        continue;
      }
      *slot = minutes->get();
    }
  }

  void compile_assign(const toml::node& node, RuleActions* a) {
    if (node.is_string()) {
      std::string agent;
      if (single_string(node, "assign", &agent)) a->assign_agent = agent;
      return;
    }
    const auto* t = node.as_table();
    if (!t) {
      error(node.source(), "assign must be an agent name or a table { strategy = \"round-robin\", group = \"support\" }");
      return;
    }
    AssignmentRequest request;
    bool have_strategy = false;
    for (const auto& [key, value] : *t) {
      const std::string k(key.str());
      if (k == "strategy") {
        std::string name;
        if (single_string(value, k, &name)) {
          if (strategy_from_name(name, &request.strategy)) have_strategy = true;
          else error(value.source(), "unknown strategy \"" + name + "\" (expected \"round-robin\", \"least-loaded\" or \"skill-match\")");
        }
        if (!have_strategy) return;
      } else if (k == "group") {
        single_string(value, k, &request.group);
      } else if (k == "seniors") {
        strings(value, k, false, &request.seniors);
      } else {
        error(key.source(), "unknown key \"" + k + "\" in assign (expected strategy, group, seniors)");
      }
    }
    if (!have_strategy) {
      error(node.source(), "assign needs a strategy: \"round-robin\", \"least-loaded\" or \"skill-match\"");
      return;
    }
    a->assign_strategy = std::move(request);
  }

  void compile_business_hours(const toml::table& t) {
    if (!load_->business_hours_at.empty()) {
      error(t.source(), "[business_hours] is already defined at " + load_->business_hours_at);
      return;
    }
    load_->business_hours_at = where(t.source());
    BusinessHours hours;
    hours.open_days = {true, true, true, true, true, false, false};
    bool have_zone = false;
    for (const auto& [key, node] : t) {
      const std::string k(key.str());
      std::string v;
      if (k == "time_zone") {
        // A fixed offset, or an IANA zone whose daylight saving changes are
        // then followed (rules/time_zone.h reads /usr/share/zoneinfo).
        TimeZone zone;
        std::string zone_err;
        if (single_string(node, k, &v)) {
          if (load_time_zone(v, &zone, &zone_err)) {
            set_time_zone(&hours, std::move(zone));
            have_zone = true;
          } else {
            error(node.source(), zone_err);
          }
        }
      } else if (k == "open" || k == "close") {
        if (single_string(node, k, &v) && !parse_clock_time(v, k == "open" ? &hours.open_minute : &hours.close_minute))
          error(node.source(), k + " must be a time like \"09:00\", not \"" + v + "\"");
      } else if (k == "days") {
        std::vector<std::string> days;
        hours.open_days.fill(false);
        if (strings(node, k, false, &days)) {
          for (const auto& d : days) {
            int index = 0;
            if (parse_weekday(d, &index)) hours.open_days[static_cast<std::size_t>(index)] = true;
            else error(node.source(), "unknown day \"" + d + "\" (expected mon, tue, wed, thu, fri, sat, sun)");
          }
        }
      } else if (k == "holidays") {
        if (node.is_array() && node.as_array()->empty()) continue;
        std::vector<std::string> dates;
        if (strings(node, k, false, &dates)) {
          for (const auto& d : dates) {
            if (is_iso_date(d)) hours.holidays.push_back(d);
            else error(node.source(), "holiday \"" + d + "\" is not a date like \"2026-10-01\"");
          }
        }
      } else {
        error(key.source(), "unknown key \"" + k + "\" in [business_hours] (expected time_zone, days, open, close, holidays)");
      }
    }
    if (!have_zone && !t.contains("time_zone"))
      error(t.source(), "[business_hours] needs a time_zone, e.g. time_zone = \"+08:00\"");
    load_->set.business_hours = hours;
  }

  const std::string& path_;
  RuleLoad* load_;
  std::vector<std::pair<std::pair<toml::source_index, toml::source_index>, std::string>> errors_;  // (line, column)
};

}  // namespace

void compile_rule_file(std::string_view text, const std::string& path, RuleLoad* load) {
  FileCompiler(path, load).compile(text);
}

bool finish_rule_load(RuleLoad* load, RuleSet* out, std::string* err) {
  if (!load->set.business_hours) {
    for (const auto& at : load->business_hours_uses)
      if (!load->full())
        load->errors.push_back(at + ": condition on business_hours, but no rule file defines [business_hours]");
  }
  if (load->errors.empty())
    build_text_scans(&load->set.rules, load->limits.max_regex_memory * 8, &load->set.text_scans);
  if (!load->errors.empty()) {
    err->clear();
    for (const auto& e : load->errors) *err += (err->empty() ? "" : "\n") + e;
    if (load->full()) *err += "\n(stopped after " + std::to_string(load->errors.size()) + " errors)";
    return false;
  }
  *out = std::move(load->set);
  return true;
}

}  // namespace ticketd
