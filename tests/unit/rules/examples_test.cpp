// The shipped example rule set (rules/examples/), on the mails of the demo:
// it must do what its comments promise.
#include "rules/decision_render.h"
#include "rules/evaluate.h"
#include "rules_test_support.h"

namespace ticketd {
namespace {

using test::mail;

const RuleSet& examples() {
  static const RuleSet set = [] {
    RuleSet s;
    std::string err;
    if (!load_rule_dir(test::rules_examples_dir(), &s, &err)) FAIL(err);
    return s;
  }();
  return set;
}

// The demo's agents, as scripts/demo.py configures them, with some open
// tickets each.
Roster demo_roster() {
  Roster r;
  auto add = [&](std::string name, std::vector<std::string> groups, std::vector<std::string> skills, int open) {
    Agent a;
    a.name = std::move(name);
    a.groups = std::move(groups);
    a.skills = std::move(skills);
    a.open_tickets = open;
    r.agents.push_back(std::move(a));
  };
  add("wang.fang", {"support", "billing"}, {"chinese", "product-cloudbox"}, 2);
  add("sarah.chen", {"support"}, {"product-netguard"}, 1);
  add("li.na", {"billing"}, {}, 3);
  add("tom.baker", {"sales"}, {}, 0);
  add("alex.kim", {"support"}, {"product-cloudbox"}, 0);
  return r;
}

std::vector<std::string> tags(const Decision& d) {
  std::vector<std::string> out;
  for (const auto& t : d.tags_to_add) out.push_back(t.value);
  return out;
}

bool has_tag(const Decision& d, const std::string& tag) {
  const auto t = tags(d);
  return std::find(t.begin(), t.end(), tag) != t.end();
}

TEST_CASE("a billing mail in Chinese goes to billing with priority high", "[examples]") {
  TicketFacts t;
  t.language = "zh-CN";
  t.customer_past_tickets = 2;
  const Decision d = evaluate_rules(examples(), mail("wang.lei@customer.example.cn", "申请退款", "你好，上个月重复扣费了，请帮我退款。"), t,
                                    test::kWednesdayMorningBeijing);
  INFO(render_decision_text(d));
  CHECK(d.group == RuleValue{"billing", "billing"});
  CHECK(d.priority == RuleValue{"high", "billing"});
  CHECK(has_tag(d, "billing"));
  CHECK(has_tag(d, "chinese"));
  REQUIRE(d.assignment);
  CHECK(d.assignment->request.strategy == AssignmentStrategy::kRoundRobin);
  CHECK(d.assignment->request.group == "billing");
  CHECK(run_assignment(d, t, demo_roster()).agent == "wang.fang");  // first of billing, in turn
  CHECK(d.auto_replies.empty());  // within office hours
}

TEST_CASE("an English billing mail is recognised by whole words", "[examples]") {
  const Decision d = evaluate_rules(examples(), mail("bob@customer.example", "Invoice for October"), {},
                                    test::kWednesdayMorningBeijing);
  CHECK(d.group == RuleValue{"billing", "billing"});
  const Decision not_billing = evaluate_rules(examples(), mail("bob@customer.example", "Invoiced? no, just a question"), {},
                                              test::kWednesdayMorningBeijing);
  CHECK(not_billing.group == RuleValue{"support", "default-group"});
}

TEST_CASE("a VIP customer's mail is urgent and goes to a senior", "[examples]") {
  const TicketFacts t;
  const Decision d = evaluate_rules(examples(), mail("CEO@BigCorp.example", "Our account"), t, test::kWednesdayMorningBeijing);
  INFO(render_decision_text(d));
  CHECK(d.priority == RuleValue{"urgent", "vip-customer"});
  CHECK(d.vip);
  CHECK(has_tag(d, "vip"));
  REQUIRE(d.assignment);
  CHECK(d.assignment->rule == "vip-customer");
  const AssignmentResult a = run_assignment(d, t, demo_roster());
  CHECK(a.agent == "sarah.chen");
  CHECK(a.reason == "VIP ticket, senior first: sarah.chen has 1 open ticket (fewest)");
}

TEST_CASE("a VIP billing mail stays urgent and with the seniors", "[examples]") {
  const TicketFacts t;
  const Decision d = evaluate_rules(examples(), mail("someone@goldmember.example.com", "发票抬头错了"), t,
                                    test::kWednesdayMorningBeijing);
  CHECK(d.priority == RuleValue{"urgent", "vip-customer"});
  CHECK(d.group == RuleValue{"billing", "billing"});
  CHECK(run_assignment(d, t, demo_roster()).agent == "sarah.chen");
}

TEST_CASE("a mail naming a product goes to the agent with that skill", "[examples]") {
  const TicketFacts t;
  const Decision d = evaluate_rules(examples(), mail("user@customer.example", "我的云盒无法启动"), t,
                                    test::kWednesdayMorningBeijing);
  INFO(render_decision_text(d));
  CHECK(has_tag(d, "product-cloudbox"));
  REQUIRE(d.assignment);
  CHECK(d.assignment->request.strategy == AssignmentStrategy::kSkillMatch);
  CHECK(d.assignment->request.group == "support");
  const AssignmentResult a = run_assignment(d, t, demo_roster());
  CHECK(a.agent == "alex.kim");
  CHECK(a.reason ==
        "skill-match in support: alex.kim has skill product-cloudbox; alex.kim has 0 open tickets (fewest) among 2 matching agents");

  // Written in Chinese, the ticket is also tagged "chinese": wang.fang has both skills.
  TicketFacts zh;
  zh.language = "zh-CN";
  const Decision chinese = evaluate_rules(examples(), mail("user@customer.example", "我的云盒无法启动"), zh,
                                          test::kWednesdayMorningBeijing);
  CHECK(run_assignment(chinese, zh, demo_roster()).agent == "wang.fang");
}

TEST_CASE("any other mail goes to support, round-robin", "[examples]") {
  TicketFacts t;
  Roster roster = demo_roster();
  std::vector<std::string> agents;
  for (int i = 0; i < 5; ++i) {
    const Decision d = evaluate_rules(examples(), mail("user@customer.example", "How do I reset my password?"), t,
                                      test::kWednesdayMorningBeijing);
    CHECK(d.group == RuleValue{"support", "default-group"});
    const AssignmentResult a = run_assignment(d, t, roster);
    agents.push_back(a.agent);
    roster.last_assigned_in_group["support"] = a.agent;
  }
  CHECK(agents == std::vector<std::string>{"wang.fang", "sarah.chen", "alex.kim", "wang.fang", "sarah.chen"});
}

TEST_CASE("spam stops evaluation and is never answered", "[examples]") {
  Message m = mail("promo@deals.example", "Casino bonus inside");
  m.headers = {{"X-Spam-Flag", "YES"}};
  const Decision d = evaluate_rules(examples(), m, {}, test::kWednesdayMorningBeijing + 12 * 3600);
  CHECK(d.spam == RuleValue{"true", "spam"});
  CHECK(d.stopped_by == "spam");
  CHECK(d.auto_replies.empty());
  CHECK_FALSE(d.group);
}

TEST_CASE("outside office hours the after-hours answer goes out, but not to urgent mail", "[examples]") {
  const std::int64_t evening = test::kWednesdayMorningBeijing + 10 * 3600;  // 20:00 in Beijing
  const Decision d = evaluate_rules(examples(), mail("user@customer.example", "Question"), {}, evening);
  CHECK(d.auto_replies == std::vector<RuleValue>{{"after-hours", "after-hours"}});
  const Decision vip = evaluate_rules(examples(), mail("ceo@bigcorp.example", "Question"), {}, evening);
  CHECK(vip.auto_replies.empty());
  REQUIRE(vip.notes.size() == 1);
  CHECK(vip.notes[0].rule == "urgent-after-hours");
}

TEST_CASE("a customer answering a pending ticket reopens it; a bare thank-you resolves it", "[examples]") {
  TicketFacts t;
  t.is_new = false;
  t.status = "pending";
  t.group = "support";
  t.assignee = "li.wei";
  Message answer = mail("user@customer.example", "Re: [#12] password", "It still fails with error 42.");
  const Decision reopened = evaluate_rules(examples(), answer, t, test::kWednesdayMorningBeijing);
  CHECK(reopened.status == RuleValue{"open", "customer-answered"});
  CHECK_FALSE(reopened.assignment);  // follow-ups keep their agent

  Message thanks = mail("user@customer.example", "Re: [#12] password", "谢谢！\n\n> old text");
  thanks.reply = "谢谢！";
  const Decision resolved = evaluate_rules(examples(), thanks, t, test::kWednesdayMorningBeijing);
  CHECK(resolved.status == RuleValue{"resolved", "thanks-only"});
}

TEST_CASE("machine mail gets no acknowledgement", "[examples]") {
  Message m = mail("noreply@shop.example", "Your order has shipped");
  m.auto_generated = "Auto-Submitted: auto-generated";
  const Decision d = evaluate_rules(examples(), m, {}, test::kWednesdayMorningBeijing + 12 * 3600);
  CHECK(d.suppress_ack == RuleValue{"true", "machine-mail"});
  CHECK(d.auto_replies.empty());
  CHECK(d.withheld.size() == 1);  // after-hours would have answered a robot
}

}  // namespace
}  // namespace ticketd
