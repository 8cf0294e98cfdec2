// Assignment: choosing the agent for a ticket, as a pure function of the
// request a rule made, the ticket, and a roster the caller fills from config
// and the store. Deterministic: the same inputs give the same agent.
//
// Strategies (issue 4, point 4):
//  - round-robin: the next available agent of the group after the one the
//    group's cursor names, in roster order (wrapping around);
//  - least-loaded: the available agent of the group with the fewest open
//    tickets; ties go to the one idle longest (oldest last_assigned_at, 0 =
//    never assigned), then to roster order;
//  - skill-match: the available agents of the group sharing the most skills
//    with the ticket's tags (at least one), least-loaded among them; when no
//    agent shares a skill, least-loaded in the group.
// Away agents are never chosen. For a VIP or urgent ticket, a request naming
// seniors tries them first (least-loaded among the available ones, whatever
// their group) and falls back to the strategy when all are away.
//
// The caller records the result as an event (actor: the rule) and, for
// round-robin, stores `agent` as the group's new cursor.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace ticketd {

enum class AssignmentStrategy { kRoundRobin, kLeastLoaded, kSkillMatch };

bool strategy_from_name(std::string_view name, AssignmentStrategy* strategy);  // "round-robin", ...
std::string_view strategy_name(AssignmentStrategy strategy);

// What a rule asks for: `assign = { strategy = "...", group = "...", seniors = [...] }`.
struct AssignmentRequest {
  AssignmentStrategy strategy = AssignmentStrategy::kRoundRobin;
  std::string group;                 // "" in the rule: the decision's group (resolved by evaluate_rules)
  std::vector<std::string> seniors;  // agent names tried first for VIP/urgent tickets

  bool operator==(const AssignmentRequest&) const = default;
};

struct Agent {
  std::string name;
  std::vector<std::string> groups;
  std::vector<std::string> skills;  // compared with ticket tags, case-folded
  bool away = false;
  std::int64_t open_tickets = 0;
  std::int64_t last_assigned_at = 0;  // seconds since the epoch; 0 = never
};

struct Roster {
  std::vector<Agent> agents;  // roster order: the order of the config file
  // Round-robin cursor: group -> name of the agent last assigned by
  // round-robin in that group. Absent or unknown: start at the first agent.
  std::map<std::string, std::string> last_assigned_in_group;
};

// The ticket as assignment sees it (see assignment_ticket() in
// rules/evaluate.h to build it from a Decision and TicketFacts).
struct AssignmentTicket {
  std::vector<std::string> tags;
  std::string priority;
  bool vip = false;
};

struct AssignmentResult {
  bool assigned = false;
  std::string agent;   // when assigned
  std::string reason;  // always set, for the event and the trace, e.g.
                       // "least-loaded in billing: li.na has 2 open tickets (fewest)"
};

AssignmentResult choose_agent(const AssignmentRequest& request, const AssignmentTicket& ticket, const Roster& roster);

}  // namespace ticketd
