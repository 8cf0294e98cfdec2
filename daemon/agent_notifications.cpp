#include "daemon/agent_notifications.h"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>

#include "daemon/outgoing_mail.h"
#include "daemon/reply_tokens.h"
#include "daemon/sla.h"
#include "store/store.h"

namespace ticketd {

std::vector<const AgentConfig*> agents_to_notify(const Ticket& ticket, const Config& config) {
  std::vector<const AgentConfig*> agents;
  if (!ticket.assignee.empty()) {
    if (const AgentConfig* agent = config.agent(ticket.assignee)) agents.push_back(agent);
    return agents;
  }
  for (const auto& agent : config.agents) {
    if (agent.away || agent.addresses.empty()) continue;
    bool in_group = ticket.group.empty() ||
                    std::find(agent.groups.begin(), agent.groups.end(), ticket.group) != agent.groups.end();
    if (in_group) agents.push_back(&agent);
  }
  return agents;
}

namespace {

// "2026-11-23 09:30 UTC", or "-" when no SLA clock runs.
std::string due_text(std::optional<std::int64_t> due) {
  if (!due) return "-";
  std::time_t t = static_cast<std::time_t>(*due);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02} UTC", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                     tm.tm_min);
}

}  // namespace

int queue_agent_notices(const AgentNotice& notice, const std::vector<const AgentConfig*>& agents,
                        const Ticket& ticket, const MailboxConfig& mailbox, const Config& config,
                        const TemplateSet& templates, const Store& store, StoreTransaction& transaction,
                        std::int64_t now) {
  Signer signer(config.security.secret);
  if (!signer.usable() || ticket.spam) return 0;
  std::string tags;
  for (const auto& tag : ticket.tags) tags += (tags.empty() ? "" : ", ") + tag;
  // The thread the notification continues: the customer's mail.
  Message thread;
  thread.message_id = notice.thread_id;
  thread.references = notice.thread_references;
  int queued = 0;
  for (const AgentConfig* agent : agents) {
    if (agent->addresses.empty()) continue;
    Address to{agent->name, agent->addresses.front()};
    TicketMailRequest request;
    request.kind = "notify";
    request.event = notice.event;
    request.auto_submitted = "auto-generated";
    request.to = to;
    request.in_reply_to = notice.thread_id.empty() ? nullptr : &thread;
    request.values = {{"agent_name", agent->name},
                      {"customer_text", notice.customer_text},
                      {"tags", tags.empty() ? "-" : tags},
                      {"group", ticket.group.empty() ? "-" : ticket.group},
                      {"reason", notice.reason},
                      {"due", due_text(sla_next_due(store, ticket.id))}};
    TicketMailOptions options;
    options.language = agent->language;
    options.reply_to = Address{mailbox.display_name,
                               agent_reply_address(signer, mailbox.address, ticket.number, agent->name)};
    options.signed_for = agent_mail_purpose(agent->name);
    TicketMail mail = make_ticket_mail(request, ticket, mailbox, config, templates, now, options);
    transaction.queue_mail(mail.outbox);
    transaction.add_event(Event{0, ticket.id, now, Actor::system("notification"), "agent-notified",
                                fmt::format("{} <{}> to agent {}", notice.event, mail.outbox.message_id,
                                            agent->name)});
    ++queued;
  }
  return queued;
}

std::string notify_agents_of_customer_mail(const Message& message, const Ticket& ticket,
                                           const std::string& assignee_before, const std::string& assigned_by,
                                           const MailboxConfig& mailbox, const Config& config,
                                           const TemplateSet& templates, const Store& store,
                                           StoreTransaction& transaction, std::int64_t now) {
  if (config.agents.empty() || ticket.spam || message.auto_generated) return {};
  AgentNotice notice;
  notice.customer_text = message.reply.empty() ? message.body : message.reply;
  notice.thread_id = message.message_id;
  notice.thread_references = message.references;
  std::vector<const AgentConfig*> agents;
  if (!ticket.assignee.empty() && ticket.assignee != assignee_before) {
    notice.event = "assigned";
    notice.reason = assigned_by.empty() ? std::string("assigned") : "assigned by rule " + assigned_by;
    if (const AgentConfig* agent = config.agent(ticket.assignee)) agents.push_back(agent);
  } else {
    notice.event = "customer_message";
    notice.reason = "the customer wrote";
    agents = agents_to_notify(ticket, config);
  }
  int queued = queue_agent_notices(notice, agents, ticket, mailbox, config, templates, store, transaction, now);
  if (queued == 0) return {};
  return queued == 1 ? fmt::format("agent {} notified", agents.front()->name)
                     : fmt::format("{} agents notified", queued);
}

}  // namespace ticketd
