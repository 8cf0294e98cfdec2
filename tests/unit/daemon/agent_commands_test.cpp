#include "daemon/agent_commands.h"

#include <catch2/catch.hpp>

using namespace ticketd;
using K = AgentCommand::Kind;

namespace {

CommandVocabulary desk() {
  CommandVocabulary v;
  v.self = "bob";
  v.agents = {"bob", "wang.fang", "Sarah Chen"};
  v.groups = {"support", "billing"};
  v.canned_exists = [](std::string_view name) { return name == "refund-received" || name == "after-hours"; };
  return v;
}

CommandParse parse(std::string_view reply) { return parse_agent_commands(reply, desk()); }

}  // namespace

TEST_CASE("a reply without commands is all text", "[agent-commands]") {
  auto p = parse("Hello Alice,\n\nthe refund went out today.\n\nBob\n");
  CHECK(p.commands.empty());
  CHECK(p.problems.empty());
  CHECK(p.text == "Hello Alice,\n\nthe refund went out today.\n\nBob");
}

TEST_CASE("commands at the top are taken out of what the customer sees", "[agent-commands]") {
  auto p = parse("#status resolved\n#priority high\n\nHello Alice,\nit is fixed.\n");
  REQUIRE(p.problems.empty());
  REQUIRE(p.commands.size() == 2);
  CHECK(p.commands[0].kind == K::status);
  CHECK(p.commands[0].values == std::vector<std::string>{"resolved"});
  CHECK(p.commands[1].kind == K::priority);
  CHECK(p.commands[1].values == std::vector<std::string>{"high"});
  CHECK(p.text == "Hello Alice,\nit is fixed.");
}

TEST_CASE("every status an agent may set is understood, in any case", "[agent-commands]") {
  for (const char* status : {"resolved", "pending", "on-hold", "open", "closed"}) {
    auto p = parse(std::string("#status ") + status + "\nText");
    REQUIRE(p.problems.empty());
    CHECK(p.commands.at(0).values.at(0) == status);
  }
  CHECK(parse("#STATUS Resolved\nx").commands.at(0).values.at(0) == "resolved");
  CHECK(parse("#status on hold\nx").commands.at(0).values.at(0) == "on-hold");
}

TEST_CASE("a status or priority that does not exist is refused with the choices", "[agent-commands]") {
  auto p = parse("#status solved\nText");
  REQUIRE(p.problems.size() == 1);
  CHECK(p.problems[0] == "#status solved: unknown status \"solved\" (use one of: open, pending, on-hold, resolved, closed)");
  CHECK(p.commands.empty());
  CHECK(parse("#status new\nx").problems.size() == 1);  // "new" is ticketd's to give, not an agent's
  auto q = parse("#priority critical\nx");
  REQUIRE(q.problems.size() == 1);
  CHECK(q.problems[0].find("unknown priority \"critical\" (use one of: low, normal, high, urgent)") != std::string::npos);
  CHECK(parse("#priority\nx").problems.at(0).find("which priority?") != std::string::npos);
  for (const char* p : {"low", "normal", "high", "urgent"}) {
    CHECK(parse(std::string("#priority ") + p).commands.at(0).values.at(0) == p);
  }
}

TEST_CASE("#assign takes an agent of the config, or me for the sender", "[agent-commands]") {
  auto p = parse("#assign wang.fang\n");
  REQUIRE(p.problems.empty());
  CHECK(p.commands.at(0).kind == K::assign);
  CHECK(p.commands.at(0).values.at(0) == "wang.fang");
  CHECK(parse("#assign me").commands.at(0).values.at(0) == "bob");
  CHECK(parse("#assign ME").commands.at(0).values.at(0) == "bob");
  CHECK(parse("#assign sarah chen").commands.at(0).values.at(0) == "Sarah Chen");
  auto unknown = parse("#assign carol");
  REQUIRE(unknown.problems.size() == 1);
  CHECK(unknown.problems[0] == "#assign carol: unknown agent \"carol\" (known: bob, wang.fang, Sarah Chen)");
  CHECK(parse("#assign").problems.size() == 1);
}

TEST_CASE("#group takes a group of the config", "[agent-commands]") {
  CHECK(parse("#group Billing").commands.at(0).values.at(0) == "billing");
  CHECK(parse("#group sales").problems.at(0) == "#group sales: unknown group \"sales\" (known: support, billing)");
}

TEST_CASE("#tag and #untag take one or more tags", "[agent-commands]") {
  auto p = parse("#tag refund vip\n#untag billing-question\nDone.");
  REQUIRE(p.problems.empty());
  CHECK(p.commands.at(0).kind == K::tag);
  CHECK(p.commands.at(0).values == std::vector<std::string>{"refund", "vip"});
  CHECK(p.commands.at(1).kind == K::untag);
  CHECK(p.commands.at(1).values == std::vector<std::string>{"billing-question"});
  CHECK(parse("#tag a, b").commands.at(0).values == std::vector<std::string>{"a", "b"});
  CHECK(parse("#tag 退款").commands.at(0).values == std::vector<std::string>{"退款"});
  CHECK(parse("#tag").problems.at(0) == "#tag: #tag needs at least one tag");
  CHECK(parse("#tag x\n#untag x").problems.at(0) == "tag \"x\" is both added and removed");
  CHECK(parse("#tag [spam]").problems.size() == 1);
}

TEST_CASE("#note makes the mail an internal note, with text on its own line kept", "[agent-commands]") {
  auto p = parse("#note\nCustomer called, wants a callback.\n");
  REQUIRE(p.problems.empty());
  CHECK(p.note);
  CHECK(p.note_text.empty());
  CHECK(p.text == "Customer called, wants a callback.");
  auto inline_note = parse("#note VIP, be quick\n");
  CHECK(inline_note.note);
  CHECK(inline_note.note_text == "VIP, be quick");
  CHECK(parse("#note\n#note\nx").problems.at(0) == "#note: #note is given twice");
}

TEST_CASE("#canned names a canned answer that exists", "[agent-commands]") {
  auto p = parse("#canned refund-received\n");
  REQUIRE(p.problems.empty());
  CHECK(p.commands.at(0).kind == K::canned);
  CHECK(p.commands.at(0).values.at(0) == "refund-received");
  CHECK(parse("#canned nope").problems.at(0) == "#canned nope: no canned answer \"nope\"");
  CHECK(parse("#canned ../../etc/passwd").problems.size() == 1);
  CHECK(parse("#canned").problems.size() == 1);
  CHECK(parse("#note\n#canned after-hours").problems.size() == 1);  // a note is never sent
}

TEST_CASE("an unknown command is refused, and every problem is listed, not only the first", "[agent-commands]") {
  auto p = parse("#stauts resolved\n#priority extreme\n#assign nobody\nHello");
  REQUIRE(p.problems.size() == 3);
  CHECK(p.problems[0].rfind("#stauts resolved: unknown command #stauts", 0) == 0);
  CHECK(p.problems[1].rfind("#priority extreme: unknown priority", 0) == 0);
  CHECK(p.problems[2].rfind("#assign nobody: unknown agent", 0) == 0);
}

TEST_CASE("a command given twice is a problem rather than a guess", "[agent-commands]") {
  CHECK(parse("#status resolved\n#status pending").problems.at(0) == "#status pending: #status is given twice");
  CHECK(parse("#priority low\n#priority high").problems.size() == 1);
}

TEST_CASE("commands after the first line of text are text", "[agent-commands]") {
  auto p = parse("Hello Alice,\n#status resolved\nthanks");
  CHECK(p.commands.empty());
  CHECK(p.problems.empty());
  CHECK(p.text == "Hello Alice,\n#status resolved\nthanks");
  auto later = parse("#priority high\nHello\n#status closed\n");
  REQUIRE(later.commands.size() == 1);
  CHECK(later.text == "Hello\n#status closed");
}

TEST_CASE("a ticket number or a hash with no word after it is text, not a command", "[agent-commands]") {
  auto p = parse("#1001 is fixed now.\n");
  CHECK(p.commands.empty());
  CHECK(p.problems.empty());
  CHECK(p.text == "#1001 is fixed now.");
  CHECK(parse("# heading\n").commands.empty());
}

TEST_CASE("blank lines and client padding around commands are tolerated", "[agent-commands]") {
  // Outlook writes &nbsp; lines; Chinese input methods type a full-width ＃.
  auto p = parse("\r\n  \xC2\xA0\r\n  #status pending \r\n＃tag 退款\r\n\r\nHi\r\n");
  REQUIRE(p.problems.empty());
  REQUIRE(p.commands.size() == 2);
  CHECK(p.commands[0].values.at(0) == "pending");
  CHECK(p.commands[1].kind == K::tag);
  CHECK(p.text == "Hi");
}

TEST_CASE("a reply of commands alone leaves no text", "[agent-commands]") {
  auto p = parse("#status closed\n\n");
  CHECK(p.problems.empty());
  CHECK(p.commands.size() == 1);
  CHECK(p.text.empty());
}
