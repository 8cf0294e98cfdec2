// Small builders shared by the rules tests: a mail, a rule set from TOML
// text, and an evaluation in one call.
#pragma once

#include <catch2/catch.hpp>
#include <string>

#include "parser/message.h"
#include "rules/evaluate.h"
#include "rules/rule_set.h"

namespace ticketd::test {

inline std::string rules_examples_dir() { return std::string(TICKETD_TEST_DATA) + "/../rules/examples"; }
inline std::string rules_data_dir() { return std::string(TICKETD_TEST_DATA) + "/unit/rules/data"; }

inline Message mail(std::string from, std::string subject, std::string body = "") {
  Message m;
  m.from.address = std::move(from);
  m.subject = std::move(subject);
  m.body = std::move(body);
  m.reply = m.body;
  m.date_utc = 1'790'000'000;
  m.date_from_header = true;
  return m;
}

// Loads `toml` as one rule file; the test fails with the loader's errors
// if it does not load.
inline RuleSet rules_from(const std::string& toml) {
  RuleSet set;
  std::string err;
  INFO(err);
  const bool ok = load_rule_text(toml, "test.toml", rules_data_dir(), &set, &err);
  INFO(err);
  REQUIRE(ok);
  return set;
}

// The error text for `toml`, which must not load.
inline std::string load_error(const std::string& toml) {
  RuleSet set;
  std::string err;
  REQUIRE_FALSE(load_rule_text(toml, "test.toml", rules_data_dir(), &set, &err));
  return err;
}

// 2026-11-18 (a Wednesday) 10:00 at +08:00.
constexpr std::int64_t kWednesdayMorningBeijing = 1'794'967'200;

inline bool matches(const std::string& when_toml, const Message& m, const TicketFacts& t = {},
                    std::int64_t now = kWednesdayMorningBeijing) {
  const RuleSet set = rules_from("[[rule]]\nname = \"r\"\napplies_to = \"any\"\nwhen = " + when_toml +
                                 "\nthen = { add_tags = [\"hit\"] }\n"
                                 "[business_hours]\ntime_zone = \"+08:00\"\n");
  const Decision d = evaluate_rules(set, m, t, now);
  return d.trace.at(0).matched;
}

}  // namespace ticketd::test
