// Rule: one compiled `[[rule]]` of a rule file: a name, when it applies, a
// condition, the actions it takes, and whether evaluation stops after it.
// Built only by the loader (rules/rule_set.h), which has checked every value
// (priorities, statuses, strategies are valid names; tags are non-empty).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "rules/assignment.h"
#include "rules/condition.h"

namespace ticketd {

enum class AppliesTo { kNew, kFollowUp, kAny };  // `applies_to = "new" | "follow-up" | "any"`

// The `then` table of a rule. Applied by evaluate_rules() in this order:
// tags, priority, group, status, assignment, vip, auto replies, notes,
// suppress_ack, spam, sla (the order inside one rule never changes the outcome).
// `sla = { first_response_minutes = 30, ... }`: SLA targets for this
// ticket in business minutes, instead of its priority's targets from the
// config (issue 6 point 7, "overridable by rules").
struct RuleSlaTargets {
  std::optional<std::int64_t> first_response_minutes;
  std::optional<std::int64_t> next_response_minutes;
  std::optional<std::int64_t> resolution_minutes;

  // (kind, minutes) for each target set; kinds as in daemon/sla.h.
  std::vector<std::pair<std::string, std::int64_t>> targets() const;
};

struct RuleActions {
  std::vector<std::string> add_tags;     // add_tags = ["billing"]
  std::vector<std::string> remove_tags;  // remove_tags = ["unsorted"]
  std::optional<std::string> priority;   // priority = "high"
  std::optional<std::string> group;      // group = "billing"
  std::optional<std::string> status;     // status = "pending"
  std::optional<std::string> assign_agent;             // assign = "li.na"
  std::optional<AssignmentRequest> assign_strategy;    // assign = { strategy = ..., group = ..., seniors = [...] }
  bool vip = false;                      // vip = true
  std::vector<std::string> auto_replies;  // auto_reply = "billing-faq" or [...]
  std::vector<std::string> notes;         // note = "..." or [...]
  bool suppress_ack = false;             // suppress_ack = true
  bool spam = false;                     // spam = true
  RuleSlaTargets sla;                    // sla = { first_response_minutes = 30 }

  // How many actions this rule takes (each tag, reply and note counts), for
  // the per-mail action cap.
  std::size_t count() const;
};

struct Rule {
  std::string name;         // unique in the rule set
  std::string description;  // optional, for people
  std::string file;         // path as loaded, e.g. "/etc/ticketd/rules/30-billing.toml"
  int line = 0, column = 0;  // of the rule's `name`
  AppliesTo applies_to = AppliesTo::kNew;
  bool enabled = true;      // enabled = false keeps a rule in the file without running it
  bool stop = false;        // stop = true: no later rule is evaluated when this one matches
  Condition when;           // an empty "all" when the rule has no `when`: always matches
  RuleActions then;
};

}  // namespace ticketd
