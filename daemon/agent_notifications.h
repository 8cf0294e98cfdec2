// Agent notifications (issue 6, point 2): the ticket, by mail, to the agents
// who work it, so they can answer from their own mail client.
//
// Who: the assignee; when the ticket has none, every agent of its group who
// is not away; when it has no group either, every agent who is not away.
// What: template "assigned" (the ticket was just given to the agent) or
// "customer_message" (the customer wrote), in the agent's language, with
// the customer's new text, number, status, priority, group, tags and the
// next SLA due time (daemon/sla.h), in UTC.
// How: From the support address, Reply-To the agent's signed reply address
// (daemon/reply_tokens.h), a Message-ID signed for that agent, threaded on
// the customer's mail (so the agent's client groups a ticket's mails and
// a reply's References still name the customer's mail), Auto-Submitted:
// auto-generated (RFC 3834: agents' auto-responders stay quiet), outbox kind
// "notify", queued in the caller's transaction with an event each.
// Never for spam tickets, nor for automatic mail (out-of-office replies,
// bounces), nor without a signing key (a reply could not be trusted).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "daemon/config.h"
#include "parser/message.h"
#include "store/records.h"
#include "templates/template_set.h"

namespace ticketd {

class Store;
class StoreTransaction;

// The agents to notify about `ticket`, as described above.
std::vector<const AgentConfig*> agents_to_notify(const Ticket& ticket, const Config& config);

struct AgentNotice {
  std::string event;           // "assigned" or "customer_message"
  std::string customer_text;   // the customer's new text (reply without quotes)
  std::string thread_id;       // the customer's Message-ID to thread on; may be empty
  std::vector<std::string> thread_references;  // its References
  std::string reason;          // for {reason}: "assigned by rule vip", "assigned by bob"
};

// Queues `notice` to each of `agents` (see above); returns how many mails
// were queued.
// `store` reads the SLA clocks (it sees the transaction's own writes).
int queue_agent_notices(const AgentNotice& notice, const std::vector<const AgentConfig*>& agents,
                        const Ticket& ticket, const MailboxConfig& mailbox, const Config& config,
                        const TemplateSet& templates, const Store& store, StoreTransaction& transaction,
                        std::int64_t now);

// The intake's call, after the rules ran on a customer's mail: "assigned" to
// a new assignee, otherwise "customer_message" to agents_to_notify().
// Returns a few words for the log ("2 agents notified"), empty for none.
std::string notify_agents_of_customer_mail(const Message& message, const Ticket& ticket,
                                           const std::string& assignee_before, const std::string& assigned_by,
                                           const MailboxConfig& mailbox, const Config& config,
                                           const TemplateSet& templates, const Store& store,
                                           StoreTransaction& transaction, std::int64_t now);

}  // namespace ticketd
