#include "rules/text_scan.h"

#include <re2/re2.h>
#include <re2/set.h>

#include <map>
#include <tuple>

#include "rules/rule.h"

namespace ticketd {

struct RegexSet {
  explicit RegexSet(const re2::RE2::Options& options) : set(options, re2::RE2::UNANCHORED) {}
  re2::RE2::Set set;
};

namespace {

// The ticket-state fields change as rules run (rules/evaluate.h); a scan made
// before a change would be stale. They are short: test them directly.
bool scannable_field(Field f) {
  switch (f) {
    case Field::kStatus:
    case Field::kPriority:
    case Field::kGroup:
    case Field::kAssignee:
    case Field::kTags: return false;
    default: return field_type(f) == FieldType::kText;
  }
}

// (field, header, input, case-sensitive, literal)
using ScanKey = std::tuple<Field, std::string, TextScan::Input, bool, bool>;

struct Pending {
  std::vector<std::string> patterns;
  std::vector<Condition*> conditions;
};

void collect(Condition* c, std::map<ScanKey, Pending>* out) {
  if (c->kind != Condition::Kind::kTest) {
    for (auto& child : c->children) collect(&child, out);
    return;
  }
  if (!scannable_field(c->field)) return;
  const bool folded = !c->case_sensitive;
  std::vector<std::string> patterns;
  switch (c->op) {
    case Operator::kRegex:
      if (!c->regex) return;
      patterns.push_back(c->texts_shown.front());
      break;
    case Operator::kEquals:
    case Operator::kIn:
      for (const auto& t : c->texts) patterns.push_back("^" + re2::RE2::QuoteMeta(t) + "$");
      break;
    case Operator::kContains:
      for (const auto& t : c->texts) patterns.push_back(re2::RE2::QuoteMeta(t));
      break;
    case Operator::kStartsWith:
      for (const auto& t : c->texts) patterns.push_back("^" + re2::RE2::QuoteMeta(t));
      break;
    case Operator::kEndsWith:
      for (const auto& t : c->texts) patterns.push_back(re2::RE2::QuoteMeta(t) + "$");
      break;
    default:
      return;
  }
  const bool regex = c->op == Operator::kRegex;
  const ScanKey key{c->field, c->header_key,
                    (regex || !folded) ? TextScan::Input::kRaw : TextScan::Input::kFolded,
                    regex ? c->case_sensitive : true, !regex};
  Pending& p = (*out)[key];
  c->scan_patterns.clear();
  for (auto& pattern : patterns) {
    c->scan_patterns.push_back(static_cast<int>(p.patterns.size()));
    p.patterns.push_back(std::move(pattern));
  }
  p.conditions.push_back(c);
}

}  // namespace

void build_text_scans(std::vector<Rule>* rules, std::int64_t max_memory, std::vector<TextScan>* scans) {
  std::map<ScanKey, Pending> by_key;
  for (auto& rule : *rules) collect(&rule.when, &by_key);
  for (auto& [key, pending] : by_key) {
    TextScan scan;
    std::tie(scan.field, scan.header_key, scan.input, scan.case_sensitive, scan.literal) = key;
    scan.size = pending.patterns.size();
    re2::RE2::Options options;
    options.set_encoding(re2::RE2::Options::EncodingUTF8);
    options.set_case_sensitive(scan.case_sensitive);
    options.set_log_errors(false);
    options.set_max_mem(max_memory);
    auto set = std::make_shared<RegexSet>(options);
    bool ok = true;
    for (const auto& pattern : pending.patterns) {
      std::string error;
      ok = set->set.Add(pattern, &error) >= 0 && ok;  // each one compiled alone already
    }
    ok = ok && set->set.Compile();
    if (ok) scan.set = std::move(set);
    for (Condition* c : pending.conditions) c->scan = static_cast<int>(scans->size());
    scans->push_back(std::move(scan));
  }
}

bool run_text_scan(const TextScan& scan, std::string_view text, std::vector<char>* hits) {
  if (!scan.set) return false;
  std::vector<int> matched;
  re2::RE2::Set::ErrorInfo info{};
  if (!scan.set->set.Match(re2::StringPiece(text.data(), text.size()), &matched, &info) &&
      info.kind != re2::RE2::Set::kNoError)
    return false;
  for (int i : matched) (*hits)[static_cast<std::size_t>(i)] = 1;
  return true;
}

}  // namespace ticketd
