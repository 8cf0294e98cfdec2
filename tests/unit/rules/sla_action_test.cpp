// The `sla` action: a rule sets a ticket's own SLA targets (issue 6 point 7,
// "overridable by rules").
#include "rules_test_support.h"

namespace ticketd {
namespace {

using test::load_error;
using test::mail;
using test::rules_from;

TEST_CASE("a VIP rule gives the ticket its own first-response and resolution targets", "[sla_action]") {
  const RuleSet set = rules_from(R"(
[[rule]]
name = "vip-fast-lane"
when = { field = "from_domain", equals = "bigcustomer.example" }
then = { sla = { first_response_minutes = 30, resolution_minutes = 480 } }
)");
  const Decision vip = evaluate_rules(set, mail("ceo@bigcustomer.example", "Down"), {}, 0);
  CHECK(vip.sla_targets == std::vector<RuleSlaTarget>{{"first_response", 30, "vip-fast-lane"},
                                                       {"resolution", 480, "vip-fast-lane"}});
  CHECK(evaluate_rules(set, mail("someone@else.example", "Down"), {}, 0).sla_targets.empty());
}

TEST_CASE("when several rules set a target, the strictest wins whatever the order", "[sla_action]") {
  const RuleSet set = rules_from(R"(
[[rule]]
name = "vip"
then = { sla = { first_response_minutes = 30 } }
[[rule]]
name = "billing"
then = { sla = { first_response_minutes = 120, next_response_minutes = 240 } }
[[rule]]
name = "outage"
then = { sla = { next_response_minutes = 60 } }
)");
  const Decision d = evaluate_rules(set, mail("a@x.example", "s"), {}, 0);
  CHECK(d.sla_targets == std::vector<RuleSlaTarget>{{"first_response", 30, "vip"}, {"next_response", 60, "outage"}});
  // The trace tells an admin trying rules why 120 did not apply.
  const std::string& kept = d.trace.at(1).actions.at(0);
  CHECK_THAT(kept, Catch::Contains("kept 30 min from rule vip"));
}

TEST_CASE("a mistyped SLA action is refused with its file, line and column", "[sla_action]") {
  CHECK(load_error("[[rule]]\nname = \"r\"\nthen = { sla = { first_response = 30 } }\n") ==
        "test.toml:3:18: unknown key \"first_response\" in sla (expected first_response_minutes, "
        "next_response_minutes, resolution_minutes)");
  CHECK(load_error("[[rule]]\nname = \"r\"\nthen = { sla = { resolution_minutes = \"8h\" } }\n") ==
        "test.toml:3:39: resolution_minutes must be a whole number of business minutes from 1 to 525600 (a year)");
  CHECK(load_error("[[rule]]\nname = \"r\"\nthen = { sla = { first_response_minutes = 0 } }\n").find(
            "from 1 to 525600") != std::string::npos);
  CHECK(load_error("[[rule]]\nname = \"r\"\nthen = { sla = 30 }\n") ==
        "test.toml:3:16: sla must be a table such as { first_response_minutes = 30, resolution_minutes = 480 }");
}

}  // namespace
}  // namespace ticketd
