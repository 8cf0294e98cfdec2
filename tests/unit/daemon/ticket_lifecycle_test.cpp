// The ticket lifecycle: which status moves are allowed, and what a move
// does (events, the customer's mail, the survey, the SLA clocks).
#include "daemon/ticket_lifecycle.h"

#include <catch2/catch.hpp>

#include "lifecycle_fixture.h"

namespace ticketd {
namespace {

using testing::Desk;
using testing::kMonday0900Utc;

TEST_CASE("every status move is allowed or refused as the lifecycle says", "[lifecycle]") {
  // from -> the statuses it may move to
  const std::map<std::string, std::set<std::string>> allowed = {
      {"new", {"open", "pending", "on-hold", "resolved", "closed"}},
      {"open", {"pending", "on-hold", "resolved", "closed"}},
      {"pending", {"open", "on-hold", "resolved", "closed"}},
      {"on-hold", {"open", "pending", "resolved", "closed"}},
      {"resolved", {"open", "closed"}},
      {"closed", {"open"}},
  };
  for (const auto& [from, targets] : allowed) {
    for (const char* to : kStatuses) {
      INFO(from << " -> " << to);
      CHECK(transition_allowed(from, to) == (targets.count(to) == 1));
    }
  }
  CHECK_FALSE(transition_allowed("open", "solved"));
  CHECK_FALSE(transition_allowed("bogus", "open"));
}

TEST_CASE("a customer's reply wakes pending, resolved and closed tickets but not on-hold ones", "[lifecycle]") {
  CHECK(status_after_customer_reply("pending") == std::optional<std::string>("open"));
  CHECK(status_after_customer_reply("resolved") == std::optional<std::string>("open"));
  CHECK(status_after_customer_reply("closed") == std::optional<std::string>("open"));
  CHECK_FALSE(status_after_customer_reply("on-hold"));
  CHECK_FALSE(status_after_customer_reply("open"));
  CHECK_FALSE(status_after_customer_reply("new"));
}

TEST_CASE("the customer hears of pending, resolved, closed and reopened, not of on-hold", "[lifecycle]") {
  CHECK(status_notice_event("open", "pending") == "status_pending");
  CHECK(status_notice_event("open", "resolved") == "status_resolved");
  CHECK(status_notice_event("resolved", "closed") == "status_closed");
  CHECK(status_notice_event("resolved", "open") == "status_reopened");
  CHECK(status_notice_event("closed", "open") == "status_reopened");
  CHECK(status_notice_event("pending", "open") == "");
  CHECK(status_notice_event("open", "on-hold") == "");
}

TEST_CASE("resolving a ticket records who did it, mails the customer in the thread and plans the survey",
          "[lifecycle]") {
  Desk desk;
  desk.config.csat.enabled = true;
  desk.config.csat.delay_minutes = 30;
  Ticket t = desk.open_ticket(kMonday0900Utc);
  const std::int64_t now = kMonday0900Utc + 3600;
  REQUIRE(desk.set_status(&t, "resolved", now));

  Ticket stored = desk.ticket(t.id);
  CHECK(stored.status == "resolved");
  CHECK(stored.resolved_at == now);
  bool found = false;
  for (const auto& e : desk.store->events_of(t.id)) {
    if (e.what == "status") {
      CHECK(e.actor.kind == "agent");
      CHECK(e.actor.name == "alice");
      CHECK(e.detail == "new -> resolved: test");
      found = true;
    }
  }
  CHECK(found);
  auto mails = desk.outbox_of_kind("notify");
  REQUIRE(mails.size() == 1);
  CHECK(mails[0].recipients == std::vector<std::string>{"carol@customer.example"});
  CHECK(mails[0].data.find("In-Reply-To: <first." + std::to_string(t.number) + "@customer.example>") !=
        std::string::npos);
  CHECK(mails[0].data.find("Auto-Submitted: auto-generated") != std::string::npos);
  CHECK(mails[0].data.find("Resolved") != std::string::npos);
  auto survey = desk.store->survey_of(t.id);
  REQUIRE(survey);
  CHECK(survey->due_at == now + 30 * 60);
  CHECK(desk.store->status_since(t.id, "resolved") == now);
}

TEST_CASE("a closed ticket cannot be set pending, and nothing is written when refused", "[lifecycle]") {
  Desk desk;
  Ticket t = desk.open_ticket(kMonday0900Utc);
  REQUIRE(desk.set_status(&t, "closed", kMonday0900Utc + 60));
  const auto events_before = desk.store->events_of(t.id).size();
  const auto mails_before = desk.store->list_outbox(std::nullopt, 100).size();
  std::string err;
  CHECK_FALSE(desk.set_status(&t, "pending", kMonday0900Utc + 120, &err));
  CHECK(err == "ticket #" + std::to_string(t.number) + " cannot go from closed to pending");
  CHECK(desk.ticket(t.id).status == "closed");
  CHECK(desk.store->events_of(t.id).size() == events_before);
  CHECK(desk.store->list_outbox(std::nullopt, 100).size() == mails_before);
  CHECK_FALSE(desk.set_status(&t, "solved", kMonday0900Utc + 120, &err));
  CHECK(err.find("is not a status") != std::string::npos);
}

TEST_CASE("reopening a closed ticket is an event of its own and tells the customer", "[lifecycle]") {
  Desk desk;
  Ticket t = desk.open_ticket(kMonday0900Utc);
  REQUIRE(desk.set_status(&t, "resolved", kMonday0900Utc + 60));
  REQUIRE(desk.set_status(&t, "closed", kMonday0900Utc + 120));
  CHECK(desk.ticket(t.id).closed_at == kMonday0900Utc + 120);
  REQUIRE(desk.set_status(&t, "open", kMonday0900Utc + 180));
  Ticket stored = desk.ticket(t.id);
  CHECK(stored.status == "open");
  CHECK_FALSE(stored.closed_at);
  CHECK_FALSE(stored.resolved_at);
  CHECK(desk.events(t.id, "reopened") == 1);
  auto mails = desk.outbox_of_kind("notify");
  REQUIRE(mails.size() == 3);  // resolved, closed, reopened
  CHECK(mails[2].data.find("Reopened") != std::string::npos);
}

TEST_CASE("a spam ticket changes status without mailing anyone", "[lifecycle]") {
  Desk desk;
  Ticket t = desk.open_ticket(kMonday0900Utc);
  t.spam = true;
  REQUIRE(desk.set_status(&t, "closed", kMonday0900Utc + 60));
  CHECK(desk.outbox_of_kind("notify").empty());
  CHECK(desk.events(t.id, "mail-suppressed") == 1);
}

TEST_CASE("SLA time stops while the ticket waits on the customer", "[lifecycle][sla]") {
  Desk desk;
  desk.config.sla.normal.resolution_minutes = 8 * 60;
  Ticket t = desk.open_ticket(kMonday0900Utc);
  auto clocks = desk.store->sla_clocks_of(t.id);
  REQUIRE(clocks.size() == 1);
  CHECK(clocks[0].due_at == kMonday0900Utc + 8 * 3600);
  REQUIRE(desk.set_status(&t, "pending", kMonday0900Utc + 3600));
  CHECK(desk.store->sla_clocks_of(t.id)[0].paused_at == kMonday0900Utc + 3600);
  REQUIRE(desk.set_status(&t, "open", kMonday0900Utc + 3 * 3600));  // waited two hours
  auto resumed = desk.store->sla_clocks_of(t.id)[0];
  CHECK_FALSE(resumed.paused_at);
  CHECK(resumed.due_at == kMonday0900Utc + 10 * 3600);
  REQUIRE(desk.set_status(&t, "resolved", kMonday0900Utc + 4 * 3600));
  CHECK(desk.store->sla_clocks_of(t.id)[0].met_at == kMonday0900Utc + 4 * 3600);
}

}  // namespace
}  // namespace ticketd
