// Loading rule files: what loads, in which order, and the exact
// file:line:column messages an admin sees when a file is wrong.
#include "rules/rule_set.h"

#include <filesystem>
#include <fstream>

#include "rules_test_support.h"

namespace ticketd {
namespace {

using test::load_error;
using test::rules_from;

// A fresh directory under the system temp dir, removed at the end.
struct TempDir {
  TempDir() {
    path = std::filesystem::temp_directory_path() /
           ("ticketd-rules-test-" + std::to_string(reinterpret_cast<std::uintptr_t>(this)) + "-" +
            std::to_string(::getpid()));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name, std::ios::binary) << text;
  }
  std::string str() const { return path.string(); }
  std::filesystem::path path;
};

TEST_CASE("rule files load in name order and rules keep the order written", "[rule_set]") {
  TempDir dir;
  dir.write("20-b.toml", "[[rule]]\nname = \"b1\"\nthen = { add_tags = [\"b\"] }\n[[rule]]\nname = \"b2\"\nthen = { add_tags = [\"b\"] }\n");
  dir.write("10-a.toml", "[[rule]]\nname = \"a\"\nthen = { add_tags = [\"a\"] }\n");
  dir.write("notes.txt", "not a rule file");
  RuleSet set;
  std::string err;
  REQUIRE(load_rule_dir(dir.str(), &set, &err));
  REQUIRE(set.rules.size() == 3);
  CHECK(set.rules[0].name == "a");
  CHECK(set.rules[1].name == "b1");
  CHECK(set.rules[2].name == "b2");
  CHECK(set.rules[0].file == dir.str() + "/10-a.toml");
  CHECK(set.rules[0].line == 2);
  CHECK(set.files.size() == 2);
}

TEST_CASE("an empty rules directory is a valid set with no rules", "[rule_set]") {
  TempDir dir;
  RuleSet set;
  set.rules.emplace_back();
  std::string err;
  REQUIRE(load_rule_dir(dir.str(), &set, &err));
  CHECK(set.rules.empty());
}

TEST_CASE("a missing rules directory is an error naming it", "[rule_set]") {
  RuleSet set;
  std::string err;
  REQUIRE_FALSE(load_rule_dir("/nonexistent/ticketd-rules", &set, &err));
  CHECK(err.rfind("/nonexistent/ticketd-rules: cannot read the rules directory: ", 0) == 0);
}

TEST_CASE("one bad file refuses the whole set and the previous rules stay", "[rule_set]") {
  TempDir dir;
  dir.write("10-good.toml", "[[rule]]\nname = \"good\"\nthen = { add_tags = [\"x\"] }\n");
  dir.write("20-bad.toml",
            "[[rule]]\n"
            "name = \"bad\"\n"
            "[rule.then]\n"
            "group = \"billing\"\n"
            "    tagg = [\"x\"]\n");
  RuleSet previous = rules_from("[[rule]]\nname = \"old\"\nthen = { priority = \"low\" }\n");
  std::string err;
  CHECK_FALSE(load_rule_dir(dir.str(), &previous, &err));
  CHECK(err == dir.str() + "/20-bad.toml:5:5: unknown action \"tagg\"");
  REQUIRE(previous.rules.size() == 1);
  CHECK(previous.rules[0].name == "old");
}

TEST_CASE("a TOML syntax error reports toml++'s line and column", "[rule_set]") {
  const std::string err = load_error("[[rule]]\nname = \"x\"\nthen = { priority = \"high\" \n");
  CHECK(err.rfind("test.toml:3:", 0) == 0);
}

TEST_CASE("errors in several files are all reported, in file and line order", "[rule_set]") {
  TempDir dir;
  dir.write("10-a.toml", "[[rule]]\nname = \"a\"\nthen = { priority = \"hihg\" }\n");
  dir.write("20-b.toml",
            "[[rule]]\nname = \"b\"\nwhen = { field = \"subjet\", contains = \"x\" }\n"
            "then = { group = \"g\", zzz = 1 }\n");
  RuleSet set;
  std::string err;
  REQUIRE_FALSE(load_rule_dir(dir.str(), &set, &err));
  CHECK(err == dir.str() + "/10-a.toml:3:21: unknown priority \"hihg\" (expected \"low\", \"normal\", \"high\" or \"urgent\")\n" +
                   dir.str() + "/20-b.toml:3:18: unknown field \"subjet\"\n" +
                   dir.str() + "/20-b.toml:4:23: unknown action \"zzz\"");
}

TEST_CASE("broken conditions are reported at the offending key or value", "[rule_set]") {
  auto rule = [](const std::string& when) {
    return "[[rule]]\nname = \"r\"\nwhen = " + when + "\nthen = { add_tags = [\"t\"] }\n";
  };
  CHECK(load_error(rule("{ field = \"subject\", contain = \"x\" }")) ==
        "test.toml:3:29: unknown operator \"contain\"");
  CHECK(load_error(rule("{ field = \"past_tickets\", contains = \"x\" }")) ==
        "test.toml:3:34: operator \"contains\" does not apply to number field \"past_tickets\"");
  CHECK(load_error(rule("{ field = \"subject\", greater_than = 3 }")) ==
        "test.toml:3:29: operator \"greater_than\" does not apply to text field \"subject\"");
  CHECK(load_error(rule("{ field = \"subject\", contains = \"a\", regex = \"b\" }")) ==
        "test.toml:3:45: a condition takes one operator, found \"contains\" and \"regex\" (use \"all\" to combine)");
  CHECK(load_error(rule("{ field = \"subject\", regex = \"(unclosed\" }")) ==
        "test.toml:3:37: invalid regex \"(unclosed\": missing ): (unclosed");
  CHECK(load_error(rule("{ field = \"subject\" }")) == "test.toml:3:8: condition on \"subject\" has no operator");
  CHECK(load_error(rule("{ contains = \"x\" }")) ==
        "test.toml:3:8: a condition needs \"field\" and an operator, or one of \"all\", \"any\", \"not\"");
  CHECK(load_error(rule("{ any = [] }")) == "test.toml:3:16: \"any\" needs an array of at least one condition");
  CHECK(load_error(rule("{ field = \"subject\", contains = \"\" }")) == "test.toml:3:40: contains must not be empty");
  CHECK(load_error(rule("{ field = \"past_tickets\", at_least = \"5\" }")) ==
        "test.toml:3:45: \"at_least\" needs a whole number");
  CHECK(load_error(rule("{ field = \"ticket\", equals = \"old\" }")) ==
        "test.toml:3:37: field \"ticket\" is \"new\" or \"follow-up\", not \"old\"");
  CHECK(load_error(rule("{ field = \"priority\", equals = \"urgnet\" }")) ==
        "test.toml:3:39: unknown priority \"urgnet\" (expected \"low\", \"normal\", \"high\" or \"urgent\")");
  CHECK(load_error(rule("{ field = \"header:\", exists = true }")) == "test.toml:3:18: unknown field \"header:\"");
  CHECK(load_error(rule("{ field = \"business_hours\", equals = true }")) ==
        "test.toml:3:18: condition on business_hours, but no rule file defines [business_hours]");
}

TEST_CASE("list files must exist and stay inside the rules directory", "[rule_set]") {
  auto rule = [](const std::string& path) {
    return "[[rule]]\nname = \"r\"\nwhen = { field = \"from\", in_list = \"" + path + "\" }\nthen = { vip = true }\n";
  };
  CHECK(load_error(rule("missing.txt")) ==
        "test.toml:3:36: " + test::rules_data_dir() + "/missing.txt: cannot read list: No such file or directory");
  CHECK(load_error(rule("../../etc/passwd")) ==
        "test.toml:3:36: list path \"../../etc/passwd\" must be relative to the rules directory, without \"..\"");
  CHECK(load_error(rule("/etc/passwd")) ==
        "test.toml:3:36: list path \"/etc/passwd\" must be relative to the rules directory, without \"..\"");
}

TEST_CASE("broken rules and actions are reported with their position", "[rule_set]") {
  CHECK(load_error("[[rule]]\nthen = { add_tags = [\"t\"] }\n") == "test.toml:1:1: rule has no name");
  CHECK(load_error("[[rule]]\nname = \"r\"\nwhne = {}\n") ==
        "test.toml:3:1: unknown key \"whne\" in rule (expected name, description, applies_to, enabled, stop, when, then)");
  CHECK(load_error("[[rule]]\nname = \"r\"\napplies_to = \"old\"\n") ==
        "test.toml:3:14: applies_to must be \"new\", \"follow-up\" or \"any\"");
  CHECK(load_error("[[rule]]\nname = \"r\"\nthen = { status = \"new\" }\n") ==
        "test.toml:3:19: a rule cannot set status \"new\"");
  CHECK(load_error("[[rule]]\nname = \"r\"\nthen = { status = \"done\" }\n") ==
        "test.toml:3:19: unknown status \"done\" (expected \"open\", \"pending\", \"on-hold\", \"resolved\" or \"closed\")");
  CHECK(load_error("[[rule]]\nname = \"r\"\nthen = { assign = { strategy = \"random\" } }\n") ==
        "test.toml:3:32: unknown strategy \"random\" (expected \"round-robin\", \"least-loaded\" or \"skill-match\")");
  CHECK(load_error("[[rule]]\nname = \"r\"\nthen = { assign = { group = \"g\" } }\n") ==
        "test.toml:3:19: assign needs a strategy: \"round-robin\", \"least-loaded\" or \"skill-match\"");
  CHECK(load_error("[[rule]]\nname = \"r\"\nthen = { auto_reply = \"../etc/passwd\" }\n") ==
        "test.toml:3:23: template name \"../etc/passwd\" may hold only letters, digits, '.', '-' and '_'");
  CHECK(load_error("[[rule]]\nname = \"r\"\nthen = { spam = \"yes\" }\n") == "test.toml:3:17: spam must be true or false");
  CHECK(load_error("[[rule]]\nname = \"r\"\nthen = { add_tags = [\"a\"], remove_tags = [\"a\"] }\n") ==
        "test.toml:3:8: tag \"a\" is both added and removed");
  CHECK(load_error("[[rule]]\nname = \"r\"\nthen = {}\n") == "test.toml:3:8: then has no action");
  CHECK(load_error("[rules]\nname = \"r\"\n") ==
        "test.toml:1:2: unknown table \"rules\" (a rule file holds [[rule]] and [business_hours])");
}

TEST_CASE("actions written after a [rule.when] table are pointed out", "[rule_set]") {
  CHECK(load_error("[[rule]]\nname = \"r\"\n[rule.when]\nfield = \"subject\"\ncontains = \"x\"\nthen = { vip = true }\n") ==
        "test.toml:6:8: \"then\" is inside [rule.when]; write it before [rule.when], or start a [rule.then] table");
}

TEST_CASE("two rules with one name are refused, naming the first", "[rule_set]") {
  CHECK(load_error("[[rule]]\nname = \"same\"\nthen = { vip = true }\n\n[[rule]]\nname = \"same\"\nthen = { vip = true }\n") ==
        "test.toml:6:8: a rule named \"same\" is already defined at test.toml:2:8");
}

TEST_CASE("business hours are checked and defined once", "[rule_set]") {
  CHECK(load_error("[business_hours]\ntime_zone = \"Beijing\"\n") ==
        "test.toml:2:13: unknown time zone \"Beijing\" (not in /usr/share/zoneinfo)");
  CHECK(load_error("[business_hours]\ntime_zone = \"../../etc/passwd\"\n") ==
        "test.toml:2:13: time zone \"../../etc/passwd\" is neither an offset like \"+08:00\" nor a zone name like \"Asia/Shanghai\"");
  CHECK(load_error("[business_hours]\ndays = [\"mon\", \"funday\"]\ntime_zone = \"UTC\"\n") ==
        "test.toml:2:8: unknown day \"funday\" (expected mon, tue, wed, thu, fri, sat, sun)");
  CHECK(load_error("[business_hours]\ntime_zone = \"UTC\"\nopen = \"9am\"\n") ==
        "test.toml:3:8: open must be a time like \"09:00\", not \"9am\"");
  CHECK(load_error("[business_hours]\nopen = \"09:00\"\n") ==
        "test.toml:1:1: [business_hours] needs a time_zone, e.g. time_zone = \"+08:00\"");
  TempDir dir;
  dir.write("a.toml", "[business_hours]\ntime_zone = \"UTC\"\n");
  dir.write("b.toml", "\n[business_hours]\ntime_zone = \"UTC\"\n");
  RuleSet set;
  std::string err;
  REQUIRE_FALSE(load_rule_dir(dir.str(), &set, &err));
  CHECK(err == dir.str() + "/b.toml:2:1: [business_hours] is already defined at " + dir.str() + "/a.toml:1:1");
}

TEST_CASE("nesting deeper than the limit is refused", "[rule_set]") {
  std::string when = "{ field = \"subject\", contains = \"x\" }";
  for (int i = 0; i < 20; ++i) when = "{ not = " + when + " }";
  const std::string err = load_error("[[rule]]\nname = \"r\"\nwhen = " + when + "\nthen = { vip = true }\n");
  CHECK(err.find("conditions nested deeper than 16") != std::string::npos);
}

TEST_CASE("the example rule set loads", "[rule_set][examples]") {
  RuleSet set;
  std::string err;
  INFO(err);
  REQUIRE(load_rule_dir(test::rules_examples_dir(), &set, &err));
  CHECK(set.rules.size() > 15);
  CHECK(set.business_hours.has_value());
}

}  // namespace
}  // namespace ticketd
