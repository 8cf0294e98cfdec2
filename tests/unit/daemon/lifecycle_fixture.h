// A desk for the lifecycle, timer and survey tests: one mailbox, two
// agents in a group with a lead and an escalation address, a store in a
// fresh temporary folder and the shipped templates. Time is whatever the
// test passes in: nothing here reads a clock.
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <random>
#include <string>

#include "daemon/config.h"
#include "daemon/log.h"
#include "daemon/sla.h"
#include "daemon/ticket_lifecycle.h"
#include "store/store.h"
#include "templates/template_set.h"

namespace ticketd::testing {

inline constexpr std::int64_t kMonday0900Utc = 1795424400;  // 2026-11-23 09:00 UTC, a Monday

struct Desk {
  std::filesystem::path dir;
  Config config;
  std::unique_ptr<Store> store;
  TemplateSet templates;
  Log log{false, Log::Level::error};

  Desk() {
    std::random_device random;
    dir = std::filesystem::temp_directory_path() / ("ticketd-lifecycle-" + std::to_string(random()));
    std::filesystem::create_directories(dir);
    config.store_path = (dir / "tickets.db").string();
    config.hostname = "example.com";
    MailboxConfig mailbox;
    mailbox.name = "support";
    mailbox.address = "support@example.com";
    mailbox.display_name = "Example Support";
    config.mailboxes.push_back(mailbox);
    for (const char* name : {"alice", "bob"}) {
      AgentConfig agent;
      agent.name = name;
      agent.addresses = {std::string(name) + "@agents.example.com"};
      agent.groups = {"billing"};
      config.agents.push_back(agent);
    }
    GroupConfig group;
    group.name = "billing";
    group.lead = "bob";
    group.escalation = "escalations@example.com";
    config.groups.push_back(group);
    std::vector<std::string> errors;
    templates.load(TemplateSet::default_dir(), &errors);
    store = std::make_unique<Store>(config.store_path);
  }
  ~Desk() {
    store.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }

  // A ticket from a customer, with the customer's first mail, created as
  // intake does (status time and SLA clocks included).
  Ticket open_ticket(std::int64_t now, const std::string& priority = "normal", const std::string& assignee = "alice",
                     const std::string& customer = "carol@customer.example") {
    auto tx = store->begin();
    Ticket t;
    t.subject = "Invoice is wrong";
    t.status = "new";
    t.priority = priority;
    t.group = "billing";
    t.assignee = assignee;
    t.requester_address = customer;
    t.requester_name = "Carol";
    t.mailbox = "support";
    t.language = "en";
    t.created_at = now;
    t = tx.create_ticket(t);
    StoredMessage m;
    m.ticket_id = t.id;
    m.direction = "in";
    m.author = Actor::customer(customer);
    m.message_id = "first." + std::to_string(t.number) + "@customer.example";
    m.subject = t.subject;
    m.body = m.reply = "My invoice is wrong.";
    m.created_at = now;
    tx.add_message(m, {}, {});
    tx.set_status_since(t.id, t.status, now);
    sla_on_new_ticket(config, *store, tx, t, now);
    tx.commit();
    return t;
  }

  Ticket ticket(std::int64_t id) const { return *store->ticket_by_id(id); }

  // Applies a status change in its own transaction, as a command would.
  bool set_status(Ticket* t, const std::string& to, std::int64_t now, std::string* err = nullptr) {
    auto tx = store->begin();
    LifecycleContext ctx{config, *store, templates, tx, now, &log};
    std::string ignored;
    if (!change_status(ctx, t, StatusChange{to, Actor{"agent", "alice"}, "test", true}, err ? err : &ignored)) {
      return false;
    }
    tx.update_ticket(*t, now);
    tx.commit();
    return true;
  }

  // The outbox, oldest first.
  std::vector<OutboxMail> outbox() const {
    auto all = store->list_outbox(std::nullopt, 1000);
    std::sort(all.begin(), all.end(), [](const OutboxMail& a, const OutboxMail& b) { return a.id < b.id; });
    return all;
  }

  std::vector<OutboxMail> outbox_of_kind(const std::string& kind) const {
    std::vector<OutboxMail> out;
    for (auto& m : outbox()) {
      if (m.kind == kind) out.push_back(m);
    }
    return out;
  }

  std::vector<OutboxMail> mail_to(const std::string& address) const {
    std::vector<OutboxMail> out;
    for (auto& m : outbox()) {
      if (!m.recipients.empty() && m.recipients.front() == address) out.push_back(m);
    }
    return out;
  }

  int events(std::int64_t ticket_id, const std::string& what) const {
    int n = 0;
    for (const auto& e : store->events_of(ticket_id)) n += e.what == what;
    return n;
  }
};

}  // namespace ticketd::testing
