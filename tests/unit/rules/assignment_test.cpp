// Choosing an agent: round-robin, least-loaded, skill match, away agents,
// seniors for VIP and urgent tickets.
#include "rules/assignment.h"

#include <catch2/catch.hpp>

namespace ticketd {
namespace {

Agent agent(std::string name, std::vector<std::string> groups, std::int64_t open = 0, std::int64_t last = 0,
            std::vector<std::string> skills = {}, bool away = false) {
  Agent a;
  a.name = std::move(name);
  a.groups = std::move(groups);
  a.open_tickets = open;
  a.last_assigned_at = last;
  a.skills = std::move(skills);
  a.away = away;
  return a;
}

AssignmentRequest request(AssignmentStrategy s, std::string group, std::vector<std::string> seniors = {}) {
  AssignmentRequest r;
  r.strategy = s;
  r.group = std::move(group);
  r.seniors = std::move(seniors);
  return r;
}

TEST_CASE("round-robin spreads five tickets in a row across the group's agents", "[assignment]") {
  Roster roster;
  roster.agents = {agent("ann", {"support"}), agent("bo", {"billing"}), agent("cai", {"support"}),
                   agent("dan", {"support", "billing"})};
  std::vector<std::string> chosen;
  for (int i = 0; i < 5; ++i) {
    const auto r = choose_agent(request(AssignmentStrategy::kRoundRobin, "support"), {}, roster);
    REQUIRE(r.assigned);
    chosen.push_back(r.agent);
    roster.last_assigned_in_group["support"] = r.agent;  // what the daemon stores
  }
  CHECK(chosen == std::vector<std::string>{"ann", "cai", "dan", "ann", "cai"});
}

TEST_CASE("round-robin skips away agents and keeps its place", "[assignment]") {
  Roster roster;
  roster.agents = {agent("ann", {"support"}), agent("cai", {"support"}, 0, 0, {}, true), agent("dan", {"support"})};
  roster.last_assigned_in_group["support"] = "ann";
  const auto r = choose_agent(request(AssignmentStrategy::kRoundRobin, "support"), {}, roster);
  CHECK(r.agent == "dan");
  CHECK(r.reason == "round-robin in support: dan (next after ann), skipping 1 away agent");
}

TEST_CASE("round-robin starts at the first agent when the cursor names nobody known", "[assignment]") {
  Roster roster;
  roster.agents = {agent("ann", {"support"}), agent("cai", {"support"})};
  roster.last_assigned_in_group["support"] = "left-the-company";
  CHECK(choose_agent(request(AssignmentStrategy::kRoundRobin, "support"), {}, roster).agent == "ann");
  roster.last_assigned_in_group.clear();
  const auto r = choose_agent(request(AssignmentStrategy::kRoundRobin, "support"), {}, roster);
  CHECK(r.agent == "ann");
  CHECK(r.reason == "round-robin in support: ann (first in the group)");
}

TEST_CASE("least-loaded picks the fewest open tickets, ties going to the longest idle", "[assignment]") {
  Roster roster;
  roster.agents = {agent("ann", {"support"}, 3, 100), agent("bo", {"support"}, 1, 500), agent("cai", {"support"}, 1, 200),
                   agent("dan", {"support"}, 0, 0, {}, true), agent("eve", {"billing"}, 0)};
  const auto r = choose_agent(request(AssignmentStrategy::kLeastLoaded, "support"), {}, roster);
  CHECK(r.agent == "cai");
  CHECK(r.reason == "least-loaded in support: cai has 1 open ticket (fewest; idle longest among equals)");
}

TEST_CASE("skill match prefers the agent sharing most skills with the ticket's tags", "[assignment]") {
  Roster roster;
  roster.agents = {agent("ann", {"support"}, 0, 0, {"product-netguard"}),
                   agent("bo", {"support"}, 4, 0, {"product-cloudbox"}),
                   agent("cai", {"support"}, 2, 0, {"product-cloudbox", "chinese"}),
                   agent("dan", {"support"}, 0, 0, {"product-cloudbox", "chinese"}, true)};
  AssignmentTicket t;
  t.tags = {"Product-CloudBox", "chinese", "billing"};
  const auto r = choose_agent(request(AssignmentStrategy::kSkillMatch, "support"), t, roster);
  CHECK(r.agent == "cai");
  CHECK(r.reason == "skill-match in support: cai has skill product-cloudbox, chinese");
}

TEST_CASE("skill match among several experts takes the least loaded", "[assignment]") {
  Roster roster;
  roster.agents = {agent("bo", {"support"}, 4, 0, {"product-cloudbox"}), agent("cai", {"support"}, 2, 0, {"product-cloudbox"})};
  AssignmentTicket t;
  t.tags = {"product-cloudbox"};
  const auto r = choose_agent(request(AssignmentStrategy::kSkillMatch, "support"), t, roster);
  CHECK(r.agent == "cai");
  CHECK(r.reason == "skill-match in support: cai has skill product-cloudbox; cai has 2 open tickets (fewest) among 2 matching agents");
}

TEST_CASE("skill match with no matching agent falls back to least-loaded", "[assignment]") {
  Roster roster;
  roster.agents = {agent("bo", {"support"}, 4), agent("cai", {"support"}, 2)};
  AssignmentTicket t;
  t.tags = {"product-cloudbox"};
  const auto r = choose_agent(request(AssignmentStrategy::kSkillMatch, "support"), t, roster);
  CHECK(r.agent == "cai");
  CHECK(r.reason ==
        "skill-match found no agent with a skill among the ticket's tags; least-loaded in support: cai has 2 open tickets (fewest)");
}

TEST_CASE("VIP and urgent tickets go to an available senior first", "[assignment]") {
  Roster roster;
  roster.agents = {agent("ann", {"support"}), agent("wang.fang", {"seniors"}, 3), agent("sarah.chen", {"seniors"}, 1)};
  const auto req = request(AssignmentStrategy::kRoundRobin, "support", {"wang.fang", "sarah.chen"});
  AssignmentTicket vip;
  vip.vip = true;
  auto r = choose_agent(req, vip, roster);
  CHECK(r.agent == "sarah.chen");
  CHECK(r.reason == "VIP ticket, senior first: sarah.chen has 1 open ticket (fewest)");
  AssignmentTicket urgent;
  urgent.priority = "urgent";
  CHECK(choose_agent(req, urgent, roster).agent == "sarah.chen");
  AssignmentTicket normal;
  normal.priority = "normal";
  CHECK(choose_agent(req, normal, roster).agent == "ann");
}

TEST_CASE("when every senior is away a VIP ticket follows the strategy", "[assignment]") {
  Roster roster;
  roster.agents = {agent("ann", {"support"}), agent("wang.fang", {"support"}, 0, 0, {}, true)};
  AssignmentTicket vip;
  vip.vip = true;
  const auto r = choose_agent(request(AssignmentStrategy::kLeastLoaded, "support", {"wang.fang"}), vip, roster);
  CHECK(r.agent == "ann");
  CHECK(r.reason == "VIP ticket but every senior is away; least-loaded in support: ann has 0 open tickets");
}

TEST_CASE("a group with everyone away leaves the ticket unassigned and says so", "[assignment]") {
  Roster roster;
  roster.agents = {agent("ann", {"support"}, 0, 0, {}, true)};
  for (auto s : {AssignmentStrategy::kRoundRobin, AssignmentStrategy::kLeastLoaded, AssignmentStrategy::kSkillMatch}) {
    const auto r = choose_agent(request(s, "support"), {}, roster);
    CHECK_FALSE(r.assigned);
    CHECK(r.reason == std::string(strategy_name(s)) +
                          " in support: no available agent (all away or none in the group); left unassigned");
  }
  CHECK(choose_agent(request(AssignmentStrategy::kRoundRobin, ""), {}, roster).reason == "no group to assign in");
}

}  // namespace
}  // namespace ticketd
