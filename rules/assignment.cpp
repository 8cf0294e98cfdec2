#include "rules/assignment.h"

#include <algorithm>

#include "rules/text_fold.h"

namespace ticketd {
namespace {

bool in_group(const Agent& agent, const std::string& group) {
  return std::find(agent.groups.begin(), agent.groups.end(), group) != agent.groups.end();
}

std::string plural(std::int64_t n, std::string_view word) {
  return std::to_string(n) + " " + std::string(word) + (n == 1 ? "" : "s");
}

// Fewest open tickets, then idle longest, then roster order (candidates are
// in roster order, and min_element keeps the first of equals).
const Agent* least_loaded(const std::vector<const Agent*>& candidates) {
  if (candidates.empty()) return nullptr;
  return *std::min_element(candidates.begin(), candidates.end(), [](const Agent* a, const Agent* b) {
    if (a->open_tickets != b->open_tickets) return a->open_tickets < b->open_tickets;
    return a->last_assigned_at < b->last_assigned_at;
  });
}

std::string load_text(const Agent& agent, const std::vector<const Agent*>& among) {
  std::string out = agent.name + " has " + plural(agent.open_tickets, "open ticket");
  const auto same_load = std::count_if(among.begin(), among.end(),
                                       [&](const Agent* a) { return a->open_tickets == agent.open_tickets; });
  if (among.size() > 1) out += same_load > 1 ? " (fewest; idle longest among equals)" : " (fewest)";
  return out;
}

std::vector<const Agent*> available_in_group(const Roster& roster, const std::string& group) {
  std::vector<const Agent*> out;
  for (const auto& a : roster.agents)
    if (!a.away && in_group(a, group)) out.push_back(&a);
  return out;
}

AssignmentResult round_robin(const AssignmentRequest& request, const Roster& roster) {
  // Walk the whole group (away agents included) so the cursor keeps its place
  // while someone is away, and take the next available agent after it.
  std::vector<const Agent*> members;
  for (const auto& a : roster.agents)
    if (in_group(a, request.group)) members.push_back(&a);
  std::size_t start = 0;  // index of the first candidate
  const auto cursor = roster.last_assigned_in_group.find(request.group);
  if (cursor != roster.last_assigned_in_group.end()) {
    for (std::size_t i = 0; i < members.size(); ++i)
      if (members[i]->name == cursor->second) start = i + 1;
  }
  for (std::size_t k = 0; k < members.size(); ++k) {
    const Agent* a = members[(start + k) % members.size()];
    if (a->away) continue;
    std::string reason = "round-robin in " + request.group + ": " + a->name;
    reason += cursor == roster.last_assigned_in_group.end() ? " (first in the group)"
                                                            : " (next after " + cursor->second + ")";
    if (k > 0) reason += ", skipping " + plural(static_cast<std::int64_t>(k), "away agent");
    return {true, a->name, reason};
  }
  return {false, "", ""};
}

AssignmentResult least_loaded_in_group(const AssignmentRequest& request, const Roster& roster, const char* label) {
  const auto candidates = available_in_group(roster, request.group);
  const Agent* a = least_loaded(candidates);
  if (!a) return {false, "", ""};
  return {true, a->name, std::string(label) + " in " + request.group + ": " + load_text(*a, candidates)};
}

AssignmentResult skill_match(const AssignmentRequest& request, const AssignmentTicket& ticket, const Roster& roster) {
  std::vector<std::string> tags;
  for (const auto& t : ticket.tags) tags.push_back(fold_case(t));
  std::vector<const Agent*> best;
  std::vector<std::string> best_skills;
  std::size_t best_score = 0;
  for (const Agent* a : available_in_group(roster, request.group)) {
    std::vector<std::string> shared;
    for (const auto& s : a->skills)
      if (std::find(tags.begin(), tags.end(), fold_case(s)) != tags.end()) shared.push_back(s);
    if (shared.empty() || shared.size() < best_score) continue;
    if (shared.size() > best_score) {
      best.clear();
      best_score = shared.size();
      best_skills = shared;
    }
    best.push_back(a);
  }
  if (best.empty()) {
    AssignmentResult r = least_loaded_in_group(request, roster, "least-loaded");
    if (r.assigned) r.reason = "skill-match found no agent with a skill among the ticket's tags; " + r.reason;
    return r;
  }
  const Agent* a = least_loaded(best);
  std::string skills;
  for (const auto& s : best_skills) skills += (skills.empty() ? "" : ", ") + s;
  std::string reason = "skill-match in " + request.group + ": " + a->name + " has skill " + skills;
  if (best.size() > 1) reason += "; " + load_text(*a, best) + " among " + plural(best.size(), "matching agent");
  return {true, a->name, reason};
}

}  // namespace

bool strategy_from_name(std::string_view name, AssignmentStrategy* strategy) {
  if (name == "round-robin") *strategy = AssignmentStrategy::kRoundRobin;
  else if (name == "least-loaded") *strategy = AssignmentStrategy::kLeastLoaded;
  else if (name == "skill-match") *strategy = AssignmentStrategy::kSkillMatch;
  else return false;
  return true;
}

std::string_view strategy_name(AssignmentStrategy strategy) {
  switch (strategy) {
    case AssignmentStrategy::kRoundRobin: return "round-robin";
    case AssignmentStrategy::kLeastLoaded: return "least-loaded";
    case AssignmentStrategy::kSkillMatch: return "skill-match";
  }
  return "?";
}

AssignmentResult choose_agent(const AssignmentRequest& request, const AssignmentTicket& ticket, const Roster& roster) {
  std::string prefix;
  const bool senior_ticket = ticket.vip || ticket.priority == "urgent";
  if (senior_ticket && !request.seniors.empty()) {
    std::vector<const Agent*> seniors;
    for (const auto& a : roster.agents)
      if (!a.away && std::find(request.seniors.begin(), request.seniors.end(), a.name) != request.seniors.end())
        seniors.push_back(&a);
    const char* why = ticket.vip ? "VIP ticket" : "urgent ticket";
    if (const Agent* a = least_loaded(seniors)) return {true, a->name, std::string(why) + ", senior first: " + load_text(*a, seniors)};
    prefix = std::string(why) + " but every senior is away; ";
  }
  if (request.group.empty()) return {false, "", prefix + "no group to assign in"};
  AssignmentResult r;
  switch (request.strategy) {
    case AssignmentStrategy::kRoundRobin: r = round_robin(request, roster); break;
    case AssignmentStrategy::kLeastLoaded: r = least_loaded_in_group(request, roster, "least-loaded"); break;
    case AssignmentStrategy::kSkillMatch: r = skill_match(request, ticket, roster); break;
  }
  if (!r.assigned) r.reason = std::string(strategy_name(request.strategy)) + " in " + request.group +
                              ": no available agent (all away or none in the group); left unassigned";
  r.reason = prefix + r.reason;
  return r;
}

}  // namespace ticketd
