// Mail ticketd writes about a ticket: the template rendered in the ticket's
// language, composed as MIME by parser/, given a Message-ID of ours, threaded
// onto the customer's conversation, and wrapped as an OutboxMail row ready
// to be queued in the transaction that caused it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "daemon/config.h"
#include "daemon/reply_tokens.h"
#include "parser/message.h"
#include "store/records.h"
#include "templates/template_set.h"

namespace ticketd {

// A fresh Message-ID of ours for a mail about ticket `number`:
// "ticketd.<number>.<random hex>@<hostname>", and with a key
// "ticketd.<number>.<random hex>.<signature>@<hostname>" signed for
// `purpose` (daemon/reply_tokens.h), so a reply's In-Reply-To/References
// proves which ticket it answers. Unique, never reused on retry.
std::string new_message_id(std::int64_t number, const std::string& hostname, const Signer& signer = Signer(),
                           std::string_view purpose = kCustomerMailPurpose);

struct TicketMailRequest {
  std::string kind;   // outbox kind: "ack", "auto_reply", "reply", "notify"
  std::string event;  // template event: "ack", "agent_reply", ...
  std::string auto_submitted;  // RFC 3834: "auto-replied", "auto-generated" or "" for a person's answer
  Address to;
  const Message* in_reply_to = nullptr;  // the mail answered: its id and references thread ours
  Placeholders values;                   // extra placeholders beyond the ticket's own
};

// More of a mail, for mail to agents and agents' answers (issue 6); the
// defaults give the behaviour described above.
struct TicketMailOptions {
  std::string language;                 // empty: the ticket's language (an agent's, for mail to agents)
  std::optional<Address> reply_to;      // empty: the support address
  std::vector<Address> cc;              // more recipients (Cc'd participants)
  std::vector<Attachment> attachments;  // those with data are sent
  std::string signed_for;               // Message-ID signature purpose; empty: kCustomerMailPurpose
};

struct TicketMail {
  OutboxMail outbox;        // ready for StoreTransaction::queue_mail
  std::string subject;      // as rendered, for the ticket's message history
  std::string text;         // the body, for the ticket's message history
  std::string fallback_reason;  // non-empty when a template fallback was used
};

TicketMail make_ticket_mail(const TicketMailRequest& request, const Ticket& ticket, const MailboxConfig& mailbox,
                            const Config& config, const TemplateSet& templates, std::int64_t now,
                            const TicketMailOptions& options = {});

}  // namespace ticketd
