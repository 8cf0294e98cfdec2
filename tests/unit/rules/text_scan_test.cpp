// The per-field scans only skip work: every rule decides the same with them
// as without them.
#include "rules/text_scan.h"

#include "rules_test_support.h"

namespace ticketd {
namespace {

const char* kRules = R"TOML(
[[rule]]
name = "contains-zh"
applies_to = "any"
when = { field = "body", contains = ["退款", "發票"] }
then = { add_tags = "a" }
[[rule]]
name = "contains-fullwidth"
applies_to = "any"
when = { field = "subject", contains = "vip" }
then = { add_tags = "b" }
[[rule]]
name = "starts"
applies_to = "any"
when = { field = "subject", starts_with = ["re:", "回复"] }
then = { add_tags = "c" }
[[rule]]
name = "ends"
applies_to = "any"
when = { field = "from", ends_with = ".cn" }
then = { add_tags = "d" }
[[rule]]
name = "equals"
applies_to = "any"
when = { field = "header:X-Priority", equals = ["1", "1 (highest)"] }
then = { add_tags = "e" }
[[rule]]
name = "regex-ci"
applies_to = "any"
when = { field = "body", regex = 'order\s*#?\d{4,}' }
then = { add_tags = "f" }
[[rule]]
name = "regex-cs"
applies_to = "any"
when = { field = "body", regex = 'INV-\d+', case_sensitive = true }
then = { add_tags = "g" }
[[rule]]
name = "case-sensitive-contains"
applies_to = "any"
when = { field = "subject", contains = "URGENT", case_sensitive = true }
then = { add_tags = "h" }
[[rule]]
name = "empty-equals"
applies_to = "any"
when = { field = "from_name", equals = "" }
then = { add_tags = "i" }
[[rule]]
name = "nested"
applies_to = "any"
when = { any = [{ not = { field = "body", contains = "谢谢" } }, { field = "attachment_name", ends_with = ".pdf" }] }
then = { add_tags = "j" }
)TOML";

std::vector<bool> matched(const RuleSet& set, const Message& m) {
  std::vector<bool> out;
  for (const auto& t : evaluate_rules(set, m, {}, 0).trace) out.push_back(t.matched);
  return out;
}

TEST_CASE("scanning fields once gives the same answers as testing each rule alone", "[text_scan]") {
  const RuleSet scanned = test::rules_from(kRules);
  REQUIRE_FALSE(scanned.text_scans.empty());
  for (const auto& scan : scanned.text_scans) CHECK(scan.set != nullptr);
  RuleSet alone = scanned;
  alone.text_scans.clear();  // every condition runs its own test

  std::vector<Message> mails;
  mails.push_back(test::mail("a@shop.cn", "Re: ＶＩＰ order", "请帮我退款，order #12345，谢谢"));
  mails.push_back(test::mail("b@x.example", "回复：发票", "INV-42 please\n> 發票"));
  mails.push_back(test::mail("c@x.example", "URGENT", "inv-42 ORDER 1234"));
  mails.push_back(test::mail("d@x.example", "urgent", ""));
  mails[0].from.name = "Li";
  mails[1].headers = {{"X-Priority", "1 (Highest)"}};
  Attachment pdf;
  pdf.filename = "a.PDF";
  mails[3].attachments = {pdf};
  for (const auto& m : mails) {
    INFO(m.subject);
    CHECK(matched(scanned, m) == matched(alone, m));
  }
  CHECK(matched(scanned, mails[0]) ==
        std::vector<bool>{true, true, true, true, false, true, false, false, false, false});
}

}  // namespace
}  // namespace ticketd
