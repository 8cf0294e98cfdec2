// Showing a Decision to people and programs: `ticketd rules test FILE.eml`
// prints the text form, `--json` the JSON form; the daemon may log either.
//
// Both list every rule in evaluation order (matched or not, and why), then
// the resulting changes with the rule that asked for each. `assignment` is
// the result of run_assignment() when the caller had a roster, else null.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "rules/assignment.h"
#include "rules/decision.h"

namespace ticketd {

// Human text, one line per rule then one per change; ends with a newline.
std::string render_decision_text(const Decision& decision, const AssignmentResult* assignment = nullptr);

// {"rules": [{"rule", "file", "line", "evaluated", "matched", "why", "actions"}],
//  "stopped_by", "tags_added": [{"value", "rule"}], "tags_removed", "priority",
//  "group", "status", "assignee", "assignment": {"strategy", "group", "seniors",
//  "rule", "agent"?, "reason"?}, "auto_replies", "notes", "suppress_ack",
//  "spam", "vip", "withheld"}; absent single values are null.
nlohmann::json decision_to_json(const Decision& decision, const AssignmentResult* assignment = nullptr);

}  // namespace ticketd
