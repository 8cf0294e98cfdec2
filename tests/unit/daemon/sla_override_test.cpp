// Rules that set a ticket's own SLA targets (`sla = {...}`): the clocks
// intake starts run on those targets, not the priority's, and keep them
// when the priority changes later.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "daemon/mail_intake.h"
#include "lifecycle_fixture.h"
#include "rules/rule_set.h"

using namespace ticketd;
using ticketd::testing::Desk;
using ticketd::testing::kMonday0900Utc;

namespace {

RuleSet vip_rules() {
  RuleSet set;
  std::string err;
  bool ok = load_rule_text(R"(
[[rule]]
name = "vip-fast-lane"
applies_to = "any"
when = { field = "from_domain", equals = "bigcustomer.example" }
then = { sla = { first_response_minutes = 30, next_response_minutes = 45 } }
)",
                           "vip.toml", "", &set, &err);
  INFO(err);
  REQUIRE(ok);
  return set;
}

std::string mail_from(const std::string& address, const std::string& id) {
  return fmt::format("From: {}\r\nTo: support@example.com\r\nSubject: Our site is down\r\nMessage-ID: <{}>\r\n\r\nHelp!\r\n",
                     address, id);
}

std::optional<SlaClock> clock_of(Store& store, std::int64_t ticket_number, const std::string& kind) {
  auto ticket = store.ticket_by_number(ticket_number);
  REQUIRE(ticket);
  for (const SlaClock& c : store.sla_clocks_of(ticket->id))
    if (c.kind == kind) return c;
  return std::nullopt;
}

}  // namespace

TEST_CASE("a VIP's ticket is due within the rule's 30 minutes, another customer's within the config's 4 hours",
          "[sla][rules]") {
  Desk desk;
  desk.config.sla.normal.first_response_minutes = 240;
  desk.config.sla.normal.resolution_minutes = 2400;
  RuleSet rules = vip_rules();
  MailIntake intake(desk.config, *desk.store, desk.templates, &rules, desk.log);
  const std::int64_t now = kMonday0900Utc;

  auto vip = intake.process({"support", mail_from("ceo@bigcustomer.example", "v1@big"), {}, now, {}}, now);
  auto other = intake.process({"support", mail_from("joe@small.example", "o1@small"), {}, now, {}}, now);

  CHECK(clock_of(*desk.store, vip.ticket_number, "first_response")->due_at == now + 30 * 60);
  CHECK(clock_of(*desk.store, other.ticket_number, "first_response")->due_at == now + 240 * 60);
  // Targets the rule did not set stay the priority's.
  CHECK(clock_of(*desk.store, vip.ticket_number, "resolution")->due_at == now + 2400 * 60);

  auto ticket = desk.store->ticket_by_number(vip.ticket_number);
  bool recorded = false;
  for (const Event& e : desk.store->events_of(ticket->id))
    if (e.what == "sla" && e.actor.name == "vip-fast-lane") recorded = true;
  CHECK(recorded);
}

TEST_CASE("a rule's target survives a later change of priority", "[sla][rules]") {
  Desk desk;
  desk.config.sla.normal.first_response_minutes = 240;
  desk.config.sla.urgent.first_response_minutes = 60;
  RuleSet rules = vip_rules();
  MailIntake intake(desk.config, *desk.store, desk.templates, &rules, desk.log);
  const std::int64_t now = kMonday0900Utc;
  auto vip = intake.process({"support", mail_from("ceo@bigcustomer.example", "v1@big"), {}, now, {}}, now);

  auto ticket = *desk.store->ticket_by_number(vip.ticket_number);
  ticket.priority = "urgent";
  auto tx = desk.store->begin();
  tx.update_ticket(ticket, now + 60);
  sla_on_targets_change(desk.config, *desk.store, tx, ticket);
  tx.commit();
  CHECK(clock_of(*desk.store, vip.ticket_number, "first_response")->due_at == now + 30 * 60);
}
