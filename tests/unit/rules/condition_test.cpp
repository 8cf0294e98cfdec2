// Every condition field and operator of the rule language, on small mails.
#include "rules/condition.h"

#include "rules_test_support.h"

namespace ticketd {
namespace {

using test::mail;
using test::matches;

TEST_CASE("sender address, name and domain can be tested", "[condition]") {
  Message m = mail("Li.Na@Shop.Example.CN", "hello");
  m.from.name = "李娜 (Purchasing)";
  CHECK(matches(R"({ field = "from", equals = "li.na@shop.example.cn" })", m));
  CHECK(matches(R"({ field = "from_domain", equals = "shop.example.cn" })", m));
  CHECK(matches(R"({ field = "from_domain", ends_with = ".cn" })", m));
  CHECK_FALSE(matches(R"({ field = "from_domain", ends_with = ".tw" })", m));
  CHECK(matches(R"({ field = "from_name", contains = "purchasing" })", m));
  CHECK(matches(R"({ field = "from_name", starts_with = "李娜" })", m));
}

TEST_CASE("recipients, cc, reply-to and the mailbox can be tested", "[condition]") {
  Message m = mail("a@x.example", "hi");
  m.to = {{"", "support@example.com"}, {"", "sales@example.com"}};
  m.cc = {{"Boss", "boss@x.example"}};
  TicketFacts t;
  t.mailbox = "billing";
  CHECK(matches(R"({ field = "to", equals = "sales@example.com" })", m));
  CHECK_FALSE(matches(R"({ field = "to", equals = "boss@x.example" })", m));
  CHECK(matches(R"({ field = "cc", equals = "boss@x.example" })", m));
  CHECK(matches(R"({ field = "recipients", contains = "boss@" })", m));
  CHECK(matches(R"({ field = "recipients", contains = "sales@" })", m));
  CHECK(matches(R"({ field = "cc", exists = true })", m));
  CHECK(matches(R"({ field = "reply_to", exists = false })", m));
  CHECK(matches(R"({ field = "mailbox", equals = "billing" })", m, t));
  CHECK_FALSE(matches(R"({ field = "mailbox", equals = "support" })", m, t));
}

TEST_CASE("any header can be tested by name, whatever its case", "[condition]") {
  Message m = mail("a@x.example", "hi");
  m.headers = {{"X-Spam-Flag", "YES"}, {"Received", "from a"}, {"Received", "from b by mx.example"}};
  CHECK(matches(R"({ field = "header:x-spam-flag", equals = "yes" })", m));
  CHECK(matches(R"({ field = "header:Received", contains = "mx.example" })", m));  // any of the values
  CHECK(matches(R"({ field = "header:X-Mailer", exists = false })", m));
  CHECK_FALSE(matches(R"({ field = "header:X-Mailer", exists = true })", m));
}

TEST_CASE("subject, full body and reply text are separate fields", "[condition]") {
  Message m = mail("a@x.example", "Re: 我的订单", "谢谢\n\n> 原文：请问退款什么时候到账？");
  m.reply = "谢谢";
  CHECK(matches(R"({ field = "subject", contains = "订单" })", m));
  CHECK(matches(R"({ field = "body", contains = "退款" })", m));
  CHECK_FALSE(matches(R"({ field = "reply", contains = "退款" })", m));
  CHECK(matches(R"({ field = "reply", equals = "谢谢" })", m));
}

TEST_CASE("attachment names, types and count can be tested", "[condition]") {
  Message m = mail("a@x.example", "logs");
  Attachment log;
  log.filename = "Router-Crash.LOG";
  log.content_type = "text/plain";
  Attachment shot;
  shot.filename = "截图.png";
  shot.content_type = "image/png";
  m.attachments = {log, shot};
  CHECK(matches(R"({ field = "attachment_name", ends_with = ".log" })", m));
  CHECK(matches(R"({ field = "attachment_name", starts_with = "截图" })", m));
  CHECK(matches(R"({ field = "attachment_type", starts_with = "image/" })", m));
  CHECK(matches(R"({ field = "attachment_type", in = ["application/pdf", "image/png"] })", m));
  CHECK(matches(R"({ field = "attachment_count", equals = 2 })", m));
  CHECK(matches(R"({ field = "attachment_count", greater_than = 1 })", m));
  CHECK_FALSE(matches(R"({ field = "attachment_count", greater_than = 2 })", m));
  CHECK(matches(R"({ field = "attachment_count", at_most = 2 })", m));
  CHECK_FALSE(matches(R"({ field = "attachment_count", less_than = 2 })", m));
}

TEST_CASE("new tickets and follow-ups can be told apart", "[condition]") {
  const Message m = mail("a@x.example", "hi");
  TicketFacts follow_up;
  follow_up.is_new = false;
  CHECK(matches(R"({ field = "ticket", equals = "new" })", m));
  CHECK_FALSE(matches(R"({ field = "ticket", equals = "new" })", m, follow_up));
  CHECK(matches(R"({ field = "ticket", equals = "follow-up" })", m, follow_up));
}

TEST_CASE("the ticket's status, priority, group, assignee and tags can be tested", "[condition]") {
  const Message m = mail("a@x.example", "hi");
  TicketFacts t;
  t.is_new = false;
  t.status = "pending";
  t.priority = "high";
  t.group = "billing";
  t.assignee = "li.wei";
  t.tags = {"vip", "Product-CloudBox"};
  CHECK(matches(R"({ field = "status", equals = "pending" })", m, t));
  CHECK(matches(R"({ field = "priority", in = ["high", "urgent"] })", m, t));
  CHECK(matches(R"({ field = "group", equals = "billing" })", m, t));
  CHECK(matches(R"({ field = "assignee", equals = "li.wei" })", m, t));
  CHECK(matches(R"({ field = "assigned", equals = true })", m, t));
  CHECK(matches(R"({ field = "tags", equals = "product-cloudbox" })", m, t));
  CHECK_FALSE(matches(R"({ field = "tags", equals = "billing" })", m, t));
  CHECK(matches(R"({ field = "assigned", equals = false })", m, TicketFacts{}));
}

TEST_CASE("the customer's past ticket count is compared as a number", "[condition]") {
  const Message m = mail("a@x.example", "hi");
  TicketFacts t;
  t.customer_past_tickets = 5;
  CHECK(matches(R"({ field = "past_tickets", equals = 5 })", m, t));
  CHECK(matches(R"({ field = "past_tickets", at_least = 5 })", m, t));
  CHECK_FALSE(matches(R"({ field = "past_tickets", greater_than = 5 })", m, t));
  CHECK(matches(R"({ field = "past_tickets", less_than = 6 })", m, t));
  CHECK_FALSE(matches(R"({ field = "past_tickets", at_most = 4 })", m, t));
}

TEST_CASE("the detected language can be tested", "[condition]") {
  const Message m = mail("a@x.example", "您好");
  TicketFacts t;
  t.language = "zh-TW";
  CHECK(matches(R"({ field = "language", in = ["zh-CN", "zh-TW"] })", m, t));
  CHECK_FALSE(matches(R"({ field = "language", equals = "en" })", m, t));
  CHECK(matches(R"({ field = "language", starts_with = "zh" })", m, t));
}

TEST_CASE("business hours follow the rule set's days, hours, time zone and holidays", "[condition]") {
  const Message m = mail("a@x.example", "hi");
  const std::string open = R"({ field = "business_hours", equals = true })";
  CHECK(matches(open, m, {}, test::kWednesdayMorningBeijing));                  // Wed 10:00 +08:00
  CHECK_FALSE(matches(open, m, {}, test::kWednesdayMorningBeijing + 9 * 3600));  // Wed 19:00
  CHECK_FALSE(matches(open, m, {}, test::kWednesdayMorningBeijing + 3 * 86400)); // Saturday
  CHECK(matches(R"({ field = "business_hours", equals = false })", m, {}, test::kWednesdayMorningBeijing - 2 * 3600));
}

TEST_CASE("business hours in a zone with daylight saving follow the clock change", "[condition]") {
  const RuleSet set = test::rules_from(
      "[[rule]]\nname = \"open\"\nwhen = { field = \"business_hours\", equals = true }\nthen = { vip = true }\n"
      "[business_hours]\ntime_zone = \"Europe/Berlin\"\nopen = \"09:00\"\nclose = \"17:00\"\n");
  const Message m = mail("a@x.example", "hi");
  // Wednesday 2026-07-15 07:30 UTC is 09:30 in Berlin (CEST, +02:00): open.
  CHECK(evaluate_rules(set, m, {}, 1'784'100'600).trace[0].matched);
  // Wednesday 2026-11-18 07:30 UTC is 08:30 in Berlin (CET, +01:00): not yet.
  CHECK_FALSE(evaluate_rules(set, m, {}, 1'795'073'400 - 86400).trace[0].matched);
}

TEST_CASE("auto-generated mail can be recognised", "[condition]") {
  Message m = mail("mailer-daemon@x.example", "Undelivered Mail");
  CHECK_FALSE(matches(R"({ field = "auto_generated", equals = true })", m));
  m.auto_generated = "Auto-Submitted: auto-replied";
  CHECK(matches(R"({ field = "auto_generated", equals = true })", m));
}

TEST_CASE("text comparison ignores case in Latin, Greek, Cyrillic and fullwidth letters", "[condition]") {
  CHECK(matches(R"({ field = "subject", contains = "invoice" })", mail("a@x", "YOUR INVOICE")));
  CHECK(matches(R"({ field = "subject", contains = "ÉCHÉANCE" })", mail("a@x", "votre échéance")));
  CHECK(matches(R"({ field = "subject", contains = "ΤΙΜΟΛΌΓΙΟ" })", mail("a@x", "τιμολόγιο 42")));
  CHECK(matches(R"({ field = "subject", contains = "СЧЁТ" })", mail("a@x", "счёт на оплату")));
  CHECK(matches(R"({ field = "subject", contains = "vip" })", mail("a@x", "ＶＩＰ客户")));
  CHECK(matches(R"({ field = "subject", equals = "straße" })", mail("a@x", "STRAßE")));
}

TEST_CASE("case_sensitive makes text comparison exact", "[condition]") {
  CHECK_FALSE(matches(R"({ field = "subject", contains = "INV", case_sensitive = true })", mail("a@x", "inv-1")));
  CHECK(matches(R"({ field = "subject", contains = "INV", case_sensitive = true })", mail("a@x", "INV-1")));
  CHECK_FALSE(matches(R"({ field = "subject", regex = 'INV-\d+', case_sensitive = true })", mail("a@x", "inv-1")));
}

TEST_CASE("Chinese is matched as whole characters, never as bytes", "[condition]") {
  // 退 is E9 80 80; a byte-level search for the tail of one character inside
  // another must not match. "款" = E6 AC BE.
  CHECK(matches(R"({ field = "subject", contains = "退款" })", mail("a@x", "申请退款")));
  CHECK_FALSE(matches(R"({ field = "subject", contains = "退款" })", mail("a@x", "退货")));
  CHECK(matches(R"({ field = "subject", regex = '^.{4}$' })", mail("a@x", "申请退款")));  // four characters, not 12 bytes
  CHECK(matches(R"({ field = "subject", regex = '(发票|發票)' })", mail("a@x", "開發票")));
}

TEST_CASE("equals, contains, starts and ends with accept a list meaning any of them", "[condition]") {
  const Message m = mail("a@x", "账单问题");
  CHECK(matches(R"({ field = "subject", contains = ["退款", "账单"] })", m));
  CHECK(matches(R"({ field = "subject", starts_with = ["发票", "账单"] })", m));
  CHECK(matches(R"({ field = "subject", ends_with = ["问题", "疑问"] })", m));
  CHECK(matches(R"({ field = "subject", equals = ["账单问题", "x"] })", m));
  CHECK_FALSE(matches(R"({ field = "subject", equals = ["账单", "问题"] })", m));
}

TEST_CASE("regexes are RE2, case-insensitive by default and linear on hostile text", "[condition]") {
  CHECK(matches(R"({ field = "subject", regex = '\brefund\b' })", mail("a@x", "REFUND please")));
  CHECK_FALSE(matches(R"({ field = "subject", regex = '\brefund\b' })", mail("a@x", "refunded")));
  // The classic catastrophic-backtracking pattern: RE2 answers at once.
  const std::string hostile(100000, 'a');
  CHECK_FALSE(matches(R"({ field = "body", regex = '(a+)+b' })", mail("a@x", "x", hostile)));
}

TEST_CASE("in_list matches addresses, domains and subdomains from a list file", "[condition]") {
  const std::string vip = R"({ field = "from", in_list = "vip.txt" })";
  CHECK(matches(vip, mail("CEO@BigCorp.example", "hi")));
  CHECK_FALSE(matches(vip, mail("intern@bigcorp.example", "hi")));
  CHECK(matches(vip, mail("anyone@goldmember.example.com", "hi")));
  CHECK(matches(vip, mail("anyone@eu.goldmember.example.com", "hi")));
  CHECK_FALSE(matches(vip, mail("anyone@notgoldmember.example.com", "hi")));
  CHECK(matches(vip, mail("vip@fullwidth.example", "hi")));
  CHECK(matches(R"({ field = "from_domain", in_list = "vip.txt" })", mail("x@goldmember.example.com", "hi")));
}

TEST_CASE("all, any and not nest", "[condition]") {
  const Message m = mail("a@x.example", "invoice", "please refund");
  CHECK(matches(R"({ all = [{ field = "subject", contains = "invoice" }, { field = "body", contains = "refund" }] })", m));
  CHECK_FALSE(matches(R"({ all = [{ field = "subject", contains = "invoice" }, { field = "body", contains = "x" }] })", m));
  CHECK(matches(R"({ any = [{ field = "subject", contains = "x" }, { field = "body", contains = "refund" }] })", m));
  CHECK_FALSE(matches(R"({ any = [{ field = "subject", contains = "x" }, { field = "body", contains = "y" }] })", m));
  CHECK(matches(R"({ not = { field = "subject", contains = "x" } })", m));
  CHECK_FALSE(matches(R"({ not = { field = "subject", contains = "invoice" } })", m));
  CHECK(matches(R"({ any = [{ not = { all = [{ field = "subject", contains = "invoice" }, { field = "body", contains = "x" }] } }] })", m));
  CHECK(matches(R"([{ field = "subject", contains = "invoice" }, { field = "body", contains = "refund" }])", m));
}

TEST_CASE("conditions look at a bounded prefix of long texts", "[condition]") {
  const RuleSet set = test::rules_from(
      "[[rule]]\nname = \"r\"\nwhen = { field = \"body\", contains = \"needle\" }\nthen = { vip = true }\n");
  const Message m = mail("a@x", "s", std::string(2000, 'x') + "needle");
  EvaluationLimits small;
  small.max_text_bytes = 1000;
  CHECK_FALSE(evaluate_rules(set, m, {}, 0, small).trace[0].matched);
  CHECK(evaluate_rules(set, m, {}, 0).trace[0].matched);
}

}  // namespace
}  // namespace ticketd
