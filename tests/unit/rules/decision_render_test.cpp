// What `ticketd rules test` prints, as text and as JSON.
#include "rules/decision_render.h"

#include "rules_test_support.h"

namespace ticketd {
namespace {

const char* kRules = R"(
[[rule]]
name = "billing"
when = { field = "subject", contains = "退款" }
then = { group = "billing", priority = "high", add_tags = "billing", assign = { strategy = "least-loaded" } }
[[rule]]
name = "vip"
when = { field = "past_tickets", at_least = 10 }
then = { vip = true }
)";

TEST_CASE("the text trace lists every rule, why, and the resulting changes", "[render]") {
  const RuleSet set = test::rules_from(kRules);
  const Decision d = evaluate_rules(set, test::mail("a@x.example", "申请退款"), {}, 0);
  AssignmentResult a{true, "chen.jing", "least-loaded in billing: chen.jing has 0 open tickets"};
  CHECK(render_decision_text(d, &a) ==
        "Rules, in order:\n"
        "  MATCH billing  (test.toml:3)\n"
        "        subject contains \"退款\": \"申请退款\"\n"
        "        -> add tag billing\n"
        "        -> priority high\n"
        "        -> group billing\n"
        "        -> assign by least-loaded\n"
        "  no    vip  (test.toml:7)\n"
        "        no: past_tickets at least 10 (0)\n"
        "Decision:\n"
        "  add tag     billing  (rule billing)\n"
        "  priority    high  (rule billing)\n"
        "  group       billing  (rule billing)\n"
        "  assignment  least-loaded in billing  (rule billing)\n"
        "              -> chen.jing: least-loaded in billing: chen.jing has 0 open tickets\n");
}

TEST_CASE("a mail no rule touches says so", "[render]") {
  const RuleSet set = test::rules_from(kRules);
  const std::string text = render_decision_text(evaluate_rules(set, test::mail("a@x", "hello"), {}, 0));
  CHECK(text.find("Decision:\n  (no change)\n") != std::string::npos);
}

TEST_CASE("the JSON form holds the trace and each value with its rule", "[render]") {
  const RuleSet set = test::rules_from(kRules);
  const Decision d = evaluate_rules(set, test::mail("a@x.example", "申请退款"), {}, 0);
  const nlohmann::json j = decision_to_json(d);
  REQUIRE(j["rules"].size() == 2);
  CHECK(j["rules"][0]["rule"] == "billing");
  CHECK(j["rules"][0]["matched"] == true);
  CHECK(j["rules"][0]["line"] == 3);
  CHECK(j["rules"][1]["matched"] == false);
  CHECK(j["priority"] == nlohmann::json({{"value", "high"}, {"rule", "billing"}}));
  CHECK(j["group"]["value"] == "billing");
  CHECK(j["status"].is_null());
  CHECK(j["tags_added"][0]["value"] == "billing");
  CHECK(j["assignment"]["strategy"] == "least-loaded");
  CHECK(j["assignment"]["group"] == "billing");
  CHECK_FALSE(j["assignment"].contains("agent"));
  CHECK(j["stopped_by"].is_null());
  CHECK(j["spam"].is_null());
}

}  // namespace
}  // namespace ticketd
