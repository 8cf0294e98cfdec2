#include "rules/decision_render.h"

namespace ticketd {
namespace {

std::string from_rule(const RuleValue& v) { return v.value + "  (rule " + v.rule + ")"; }

nlohmann::json value_json(const std::optional<RuleValue>& v) {
  if (!v) return nullptr;
  return {{"value", v->value}, {"rule", v->rule}};
}

nlohmann::json values_json(const std::vector<RuleValue>& list) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& v : list) out.push_back({{"value", v.value}, {"rule", v.rule}});
  return out;
}

}  // namespace

std::string render_decision_text(const Decision& d, const AssignmentResult* assignment) {
  std::string out = "Rules, in order:\n";
  for (const auto& t : d.trace) {
    const char* mark = !t.evaluated ? "skip " : t.matched ? "MATCH" : "no   ";
    out += "  " + std::string(mark) + " " + t.rule + "  (" + t.file + ":" + std::to_string(t.line) + ")\n";
    out += "        " + t.why + "\n";
    for (const auto& a : t.actions) out += "        -> " + a + "\n";
  }
  if (d.trace.empty()) out += "  (no rules loaded)\n";
  if (!d.stopped_by.empty()) out += "Stopped by rule " + d.stopped_by + ".\n";

  out += "Decision:\n";
  const std::size_t before = out.size();
  for (const auto& t : d.tags_to_add) out += "  add tag     " + from_rule(t) + "\n";
  for (const auto& t : d.tags_to_remove) out += "  remove tag  " + from_rule(t) + "\n";
  if (d.priority) out += "  priority    " + from_rule(*d.priority) + "\n";
  if (d.group) out += "  group       " + from_rule(*d.group) + "\n";
  if (d.status) out += "  status      " + from_rule(*d.status) + "\n";
  if (d.assignee) out += "  assignee    " + from_rule(*d.assignee) + "\n";
  if (d.assignment) {
    out += "  assignment  " + std::string(strategy_name(d.assignment->request.strategy)) + " in " +
           (d.assignment->request.group.empty() ? "(no group)" : d.assignment->request.group) + "  (rule " +
           d.assignment->rule + ")\n";
    if (assignment) {
      out += "              -> " + (assignment->assigned ? assignment->agent : std::string("unassigned")) + ": " +
             assignment->reason + "\n";
    }
  }
  if (d.vip) out += "  vip         " + from_rule(*d.vip) + "\n";
  for (const auto& r : d.auto_replies) out += "  auto reply  " + from_rule(r) + "\n";
  for (const auto& n : d.notes) out += "  note        " + from_rule(n) + "\n";
  if (d.suppress_ack) out += "  no acknowledgement  (rule " + d.suppress_ack->rule + ")\n";
  if (d.spam) out += "  spam        (rule " + d.spam->rule + ")\n";
  for (const auto& t : d.sla_targets)
    out += "  sla         " + t.kind + " " + std::to_string(t.minutes) + " business minutes  (rule " + t.rule + ")\n";
  if (out.size() == before) out += "  (no change)\n";
  for (const auto& w : d.withheld) out += "Withheld: " + w + "\n";
  return out;
}

nlohmann::json decision_to_json(const Decision& d, const AssignmentResult* assignment) {
  nlohmann::json rules = nlohmann::json::array();
  for (const auto& t : d.trace) {
    rules.push_back({{"rule", t.rule},
                     {"file", t.file},
                     {"line", t.line},
                     {"evaluated", t.evaluated},
                     {"matched", t.matched},
                     {"why", t.why},
                     {"actions", t.actions}});
  }
  nlohmann::json out = {
      {"rules", rules},
      {"stopped_by", d.stopped_by.empty() ? nlohmann::json(nullptr) : nlohmann::json(d.stopped_by)},
      {"tags_added", values_json(d.tags_to_add)},
      {"tags_removed", values_json(d.tags_to_remove)},
      {"priority", value_json(d.priority)},
      {"group", value_json(d.group)},
      {"status", value_json(d.status)},
      {"assignee", value_json(d.assignee)},
      {"assignment", nullptr},
      {"auto_replies", values_json(d.auto_replies)},
      {"notes", values_json(d.notes)},
      {"suppress_ack", value_json(d.suppress_ack)},
      {"spam", value_json(d.spam)},
      {"vip", value_json(d.vip)},
      {"withheld", d.withheld},
      {"sla", nlohmann::json::array()},
  };
  for (const auto& t : d.sla_targets)
    out["sla"].push_back({{"kind", t.kind}, {"minutes", t.minutes}, {"rule", t.rule}});
  if (d.assignment) {
    nlohmann::json a = {{"strategy", strategy_name(d.assignment->request.strategy)},
                        {"group", d.assignment->request.group},
                        {"seniors", d.assignment->request.seniors},
                        {"rule", d.assignment->rule}};
    if (assignment) {
      a["agent"] = assignment->assigned ? nlohmann::json(assignment->agent) : nlohmann::json(nullptr);
      a["reason"] = assignment->reason;
    }
    out["assignment"] = a;
  }
  return out;
}

}  // namespace ticketd
