// Evaluating a rule set on a mail: every action, how rules combine, the
// trace, and the safety bounds.
#include "rules/evaluate.h"

#include "rules_test_support.h"

namespace ticketd {
namespace {

using test::mail;
using test::rules_from;

TEST_CASE("every action lands in the decision with the rule that took it", "[evaluate]") {
  const RuleSet set = rules_from(R"(
[[rule]]
name = "everything"
[rule.then]
add_tags = ["billing", "zh"]
remove_tags = ["unsorted"]
priority = "high"
group = "billing"
status = "pending"
vip = true
auto_reply = ["refund-faq", "opening-hours"]
note = "check the refund"
suppress_ack = true
)");
  const Decision d = evaluate_rules(set, mail("a@x", "s"), {}, 0);
  REQUIRE(d.tags_to_add.size() == 2);
  CHECK(d.tags_to_add[0] == RuleValue{"billing", "everything"});
  CHECK(d.tags_to_add[1] == RuleValue{"zh", "everything"});
  CHECK(d.tags_to_remove == std::vector<RuleValue>{{"unsorted", "everything"}});
  CHECK(d.priority == RuleValue{"high", "everything"});
  CHECK(d.group == RuleValue{"billing", "everything"});
  CHECK(d.status == RuleValue{"pending", "everything"});
  CHECK(d.vip == RuleValue{"true", "everything"});
  CHECK(d.auto_replies == std::vector<RuleValue>{{"refund-faq", "everything"}, {"opening-hours", "everything"}});
  CHECK(d.notes == std::vector<RuleValue>{{"check the refund", "everything"}});
  CHECK(d.suppress_ack == RuleValue{"true", "everything"});
  CHECK_FALSE(d.spam);
  CHECK_FALSE(d.assignee);
  CHECK_FALSE(d.assignment);
}

TEST_CASE("a rule assigns to a named agent or asks for a strategy", "[evaluate]") {
  const RuleSet named = rules_from("[[rule]]\nname = \"r\"\nthen = { assign = \"li.wei\" }\n");
  CHECK(evaluate_rules(named, mail("a@x", "s"), {}, 0).assignee == RuleValue{"li.wei", "r"});

  const RuleSet strategy = rules_from(
      "[[rule]]\nname = \"r\"\nthen = { assign = { strategy = \"skill-match\", group = \"tech\", seniors = [\"wang.fang\"] } }\n");
  const Decision d = evaluate_rules(strategy, mail("a@x", "s"), {}, 0);
  REQUIRE(d.assignment);
  CHECK(d.assignment->rule == "r");
  CHECK(d.assignment->request.strategy == AssignmentStrategy::kSkillMatch);
  CHECK(d.assignment->request.group == "tech");
  CHECK(d.assignment->request.seniors == std::vector<std::string>{"wang.fang"});
}

TEST_CASE("an assignment without a group uses the group decided by all rules", "[evaluate]") {
  const RuleSet set = rules_from(R"(
[[rule]]
name = "assign"
then = { assign = { strategy = "round-robin" } }
[[rule]]
name = "route"
then = { group = "billing" }
)");
  CHECK(evaluate_rules(set, mail("a@x", "s"), {}, 0).assignment->request.group == "billing");
  const RuleSet only_assign = rules_from("[[rule]]\nname = \"a\"\nthen = { assign = { strategy = \"round-robin\" } }\n");
  TicketFacts t;
  t.group = "support";
  CHECK(evaluate_rules(only_assign, mail("a@x", "s"), t, 0).assignment->request.group == "support");
}

TEST_CASE("a mail marked as spam keeps no auto reply", "[evaluate]") {
  const RuleSet set = rules_from(R"(
[[rule]]
name = "faq"
then = { auto_reply = "faq" }
[[rule]]
name = "junk"
then = { spam = true }
)");
  const Decision d = evaluate_rules(set, mail("a@x", "s"), {}, 0);
  CHECK(d.spam == RuleValue{"true", "junk"});
  CHECK(d.auto_replies.empty());
  REQUIRE(d.withheld.size() == 1);
  CHECK(d.withheld[0] == "auto reply faq (rule faq) withheld: the mail is marked spam by rule junk");
}

TEST_CASE("auto-generated mail never gets an auto reply, whatever the rules say", "[evaluate]") {
  const RuleSet set = rules_from("[[rule]]\nname = \"faq\"\napplies_to = \"any\"\nthen = { auto_reply = \"faq\" }\n");
  Message m = mail("mailer-daemon@x.example", "Undeliverable");
  m.auto_generated = "bounce";
  const Decision d = evaluate_rules(set, m, {}, 0);
  CHECK(d.auto_replies.empty());
  CHECK(d.withheld == std::vector<std::string>{"auto reply faq (rule faq) withheld: the mail is auto-generated (bounce)"});
}

TEST_CASE("at most three auto replies are sent for one mail", "[evaluate]") {
  const RuleSet set = rules_from("[[rule]]\nname = \"r\"\nthen = { auto_reply = [\"a\", \"b\", \"c\", \"d\"] }\n");
  const Decision d = evaluate_rules(set, mail("a@x", "s"), {}, 0);
  CHECK(d.auto_replies.size() == 3);
  CHECK(d.withheld == std::vector<std::string>{"auto reply d (rule r) withheld: more than 3 auto replies"});
}

TEST_CASE("the highest priority asked for wins", "[evaluate]") {
  const RuleSet set = rules_from(R"(
[[rule]]
name = "vip"
then = { priority = "urgent" }
[[rule]]
name = "billing"
then = { priority = "high" }
)");
  const Decision d = evaluate_rules(set, mail("a@x", "s"), {}, 0);
  CHECK(d.priority == RuleValue{"urgent", "vip"});
  CHECK(d.trace[1].actions == std::vector<std::string>{"priority high (kept urgent from rule vip: the highest wins)"});
}

TEST_CASE("the last matching rule sets group, status and assignee", "[evaluate]") {
  const RuleSet set = rules_from(R"(
[[rule]]
name = "first"
then = { group = "support", status = "open", assign = "li.wei" }
[[rule]]
name = "second"
then = { group = "billing", status = "pending", assign = { strategy = "least-loaded" } }
)");
  const Decision d = evaluate_rules(set, mail("a@x", "s"), {}, 0);
  CHECK(d.group == RuleValue{"billing", "second"});
  CHECK(d.status == RuleValue{"pending", "second"});
  CHECK_FALSE(d.assignee);  // the strategy replaced the named agent
  REQUIRE(d.assignment);
  CHECK(d.assignment->rule == "second");
  CHECK(d.trace[1].actions[0] == "group billing (replaces support from rule first)");
}

TEST_CASE("a later rule can remove a tag an earlier one added", "[evaluate]") {
  const RuleSet set = rules_from(R"(
[[rule]]
name = "add"
then = { add_tags = ["needs-reply", "billing"] }
[[rule]]
name = "remove"
then = { remove_tags = "needs-reply" }
)");
  const Decision d = evaluate_rules(set, mail("a@x", "s"), {}, 0);
  CHECK(d.tags_to_add == std::vector<RuleValue>{{"billing", "add"}});
  CHECK(d.tags_to_remove == std::vector<RuleValue>{{"needs-reply", "remove"}});
}

TEST_CASE("later rules see the ticket as earlier rules changed it", "[evaluate]") {
  const RuleSet set = rules_from(R"(
[[rule]]
name = "billing"
when = { field = "subject", contains = "invoice" }
then = { group = "billing", add_tags = "billing" }
[[rule]]
name = "default-group"
when = { field = "group", equals = "" }
then = { group = "support" }
[[rule]]
name = "billing-tagged"
when = { field = "tags", equals = "billing" }
then = { note = "seen the tag" }
)");
  const Decision billing = evaluate_rules(set, mail("a@x", "Invoice 42"), {}, 0);
  CHECK(billing.group == RuleValue{"billing", "billing"});
  CHECK_FALSE(billing.trace[1].matched);
  CHECK(billing.trace[2].matched);
  const Decision other = evaluate_rules(set, mail("a@x", "Hello"), {}, 0);
  CHECK(other.group == RuleValue{"support", "default-group"});
}

TEST_CASE("stop ends evaluation and the trace says which rule stopped it", "[evaluate]") {
  const RuleSet set = rules_from(R"(
[[rule]]
name = "spam"
stop = true
when = { field = "subject", contains = "casino" }
then = { spam = true }
[[rule]]
name = "tag-all"
then = { add_tags = "seen" }
)");
  const Decision spam = evaluate_rules(set, mail("a@x", "Casino bonus"), {}, 0);
  CHECK(spam.stopped_by == "spam");
  CHECK(spam.tags_to_add.empty());
  CHECK_FALSE(spam.trace[1].evaluated);
  CHECK(spam.trace[1].why == "not evaluated: rule spam stopped evaluation");
  const Decision ham = evaluate_rules(set, mail("a@x", "Hello"), {}, 0);
  CHECK(ham.stopped_by.empty());
  CHECK(ham.tags_to_add.size() == 1);
}

TEST_CASE("rules apply to new tickets, follow-ups or both as they say", "[evaluate]") {
  const RuleSet set = rules_from(R"(
[[rule]]
name = "new-only"
then = { add_tags = "n" }
[[rule]]
name = "follow-up-only"
applies_to = "follow-up"
then = { add_tags = "f" }
[[rule]]
name = "both"
applies_to = "any"
then = { add_tags = "b" }
[[rule]]
name = "off"
enabled = false
then = { add_tags = "o" }
)");
  TicketFacts follow_up;
  follow_up.is_new = false;
  const Decision n = evaluate_rules(set, mail("a@x", "s"), {}, 0);
  CHECK(n.tags_to_add == std::vector<RuleValue>{{"n", "new-only"}, {"b", "both"}});
  CHECK(n.trace[1].why == "skipped: applies to follow-ups; this mail opens a new ticket");
  CHECK(n.trace[3].why == "skipped: disabled");
  const Decision f = evaluate_rules(set, mail("a@x", "s"), follow_up, 0);
  CHECK(f.tags_to_add == std::vector<RuleValue>{{"f", "follow-up-only"}, {"b", "both"}});
  CHECK(f.trace[0].why == "skipped: applies to new tickets; this mail is a follow-up");
}

TEST_CASE("the trace says which condition matched and what it found", "[evaluate]") {
  const RuleSet set = rules_from(R"(
[[rule]]
name = "billing"
[rule.when]
any = [
  { field = "subject", regex = '\binvoice\b' },
  { field = "body", contains = ["退款", "发票"] },
]
[rule.then]
group = "billing"
[[rule]]
name = "vip"
when = { field = "past_tickets", at_least = 10 }
then = { vip = true }
)");
  const Decision d = evaluate_rules(set, mail("a@x", "你好", "您好，我想申请退款，谢谢"), {}, 0);
  CHECK(d.trace[0].matched);
  CHECK(d.trace[0].why == "body contains any of \"退款\", \"发票\" (\"退款\"): \"您好，我想申请退款，谢谢\"");
  CHECK(d.trace[0].actions == std::vector<std::string>{"group billing"});
  CHECK_FALSE(d.trace[1].matched);
  CHECK(d.trace[1].why == "no: past_tickets at least 10 (0)");
  const Decision s = evaluate_rules(set, mail("a@x", "Your INVOICE #42"), {}, 0);
  CHECK(s.trace[0].why == "subject regex /\\binvoice\\b/i: \"Your INVOICE #42\"");
}

TEST_CASE("the number of actions per mail is capped", "[evaluate]") {
  std::string toml;
  for (int i = 0; i < 5; ++i)
    toml += "[[rule]]\nname = \"r" + std::to_string(i) + "\"\nthen = { add_tags = [\"a" + std::to_string(i) +
            "\", \"b" + std::to_string(i) + "\"] }\n";
  const RuleSet set = rules_from(toml);
  EvaluationLimits limits;
  limits.max_actions = 5;
  const Decision d = evaluate_rules(set, mail("a@x", "s"), {}, 0, limits);
  CHECK(d.tags_to_add.size() == 4);  // r0 and r1; r2 would make 6
  CHECK(d.trace[2].actions == std::vector<std::string>{"rule r2 took no action: the cap of 5 actions per mail was reached"});
  CHECK(d.withheld.size() == 3);
}

TEST_CASE("a rule matching every mail is evaluated once, and a status it sets does not re-run rules", "[evaluate]") {
  const RuleSet set = rules_from(R"(
[[rule]]
name = "reopen"
applies_to = "any"
when = { field = "status", equals = "pending" }
then = { status = "open" }
[[rule]]
name = "back-to-pending"
applies_to = "any"
when = { field = "status", equals = "open" }
then = { status = "pending" }
)");
  TicketFacts t;
  t.is_new = false;
  t.status = "pending";
  const Decision d = evaluate_rules(set, mail("a@x", "s"), t, 0);
  REQUIRE(d.trace.size() == 2);
  CHECK(d.trace[0].matched);
  CHECK(d.trace[1].matched);  // saw "open" from the first rule, ran once, and evaluation ended
  CHECK(d.status == RuleValue{"pending", "back-to-pending"});
}

TEST_CASE("an empty rule set decides nothing", "[evaluate]") {
  const Decision d = evaluate_rules(RuleSet{}, mail("a@x", "s"), {}, 0);
  CHECK(d.trace.empty());
  CHECK_FALSE(d.priority);
  CHECK(d.tags_to_add.empty());
}

TEST_CASE("assignment_ticket shows the ticket as the decision leaves it", "[evaluate]") {
  const RuleSet set = rules_from(
      "[[rule]]\nname = \"r\"\nthen = { add_tags = \"product-cloudbox\", remove_tags = \"old\", priority = \"urgent\", vip = true }\n");
  TicketFacts t;
  t.tags = {"old", "keep"};
  t.priority = "normal";
  const AssignmentTicket a = assignment_ticket(evaluate_rules(set, mail("a@x", "s"), t, 0), t);
  CHECK(a.tags == std::vector<std::string>{"keep", "product-cloudbox"});
  CHECK(a.priority == "urgent");
  CHECK(a.vip);
}

}  // namespace
}  // namespace ticketd

namespace ticketd {
namespace {

TEST_CASE("the pipeline's trace lists only the rules that matched, with the same decision", "[evaluate]") {
  const RuleSet set = test::rules_from(R"(
[[rule]]
name = "miss"
when = { field = "subject", contains = "nothing" }
then = { add_tags = "x" }
[[rule]]
name = "billing"
when = { field = "subject", contains = "invoice" }
then = { group = "billing" }
[[rule]]
name = "skipped"
applies_to = "follow-up"
then = { add_tags = "y" }
)");
  EvaluationOptions pipeline;
  pipeline.trace_misses = false;
  const Message m = test::mail("a@x", "Invoice 42");
  const Decision quiet = evaluate_rules(set, m, {}, 0, pipeline);
  const Decision full = evaluate_rules(set, m, {}, 0);
  REQUIRE(quiet.trace.size() == 1);
  CHECK(quiet.trace[0].rule == "billing");
  CHECK(quiet.trace[0].why == full.trace[1].why);
  CHECK(full.trace.size() == 3);
  CHECK(quiet.group == full.group);
}

}  // namespace
}  // namespace ticketd
