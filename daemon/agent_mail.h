// The agent stage of intake (issue 6, points 3-5), run before customer
// threading: is this mail an agent answering a ticket from their own mail
// client, and if so, what does it do?
//
// Recognising (recognise_agent_mail, pure): a mail is an agent's only when
//  (a) it proves a ticket: it went to a signed reply address
//      support+a<N>-<key>-<sig>@ (found in To, Cc, Delivered-To or
//      X-Original-To), or its In-Reply-To/References name a Message-ID we
//      signed for that agent (daemon/reply_tokens.h); AND
//  (b) its From is an address of that very agent in the config.
// A From header is trivially forged, so (b) alone grants nothing: a mail
// from an agent's address without a valid token, or with a token of another
// agent, is a customer's mail (normal threading, commands ignored), and
// `refused` says why for the ticket's event log.
//
// Applying (AgentMailStage::process), in ONE store transaction with the
// mail's dedupe record:
//  - commands at the top (daemon/agent_commands.h) are ALL validated first
//    (names, values, allowed status moves); any problem -> nothing applied,
//    nothing sent to the customer, an error mail "command_error" to the
//    agent listing every problem, an event "commands-refused";
//  - otherwise each command is applied as an event with actor kind "agent";
//  - #note: the text becomes an internal note, nothing goes to the customer;
//  - else the new text (quotes and signature stripped by the parser, command
//    lines removed, canned answers appended) goes to the customer and the
//    ticket's other participants: From the support address (never the
//    agent's), threaded on the customer's last mail, template
//    "agent_reply"; stored as an "out" message authored by the agent (with
//    the agent's raw mail kept); the first answer sets first_response_at;
//    the status moves to pending unless a #status says otherwise;
//  - an automatic mail from an agent (an out-of-office answer to a
//    notification) is recorded as an event and does nothing else.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "daemon/config.h"
#include "daemon/log.h"
#include "daemon/mail_intake.h"
#include "parser/message.h"
#include "templates/template_set.h"

namespace ticketd {

class Store;

struct AgentMailMatch {
  const AgentConfig* agent = nullptr;  // set: the mail is this agent's, about ticket_number
  std::int64_t ticket_number = 0;
  std::string how;                     // "reply address ...", "signed In-Reply-To <...>"
  std::string refused;                 // set when the mail looks like an agent's but proves nothing: why
};

AgentMailMatch recognise_agent_mail(const Message& message, const Config& config);

// The new text of an agent's mail: quotes and signature stripped, and
// EMPTY when the mail is only quoted text (where Message::reply falls back
// to the whole body, which here would send our notification to the
// customer).
std::string agent_new_text(const Message& message);

class AgentMailStage {
 public:
  // All references must outlive the stage.
  AgentMailStage(const Config& config, Store& store, const TemplateSet& templates, Log& log);

  // Applies an agent's mail (match.agent set) and commits; nothing when the
  // ticket it names does not exist (then `match.refused` is filled and the
  // mail goes on as a customer's).
  std::optional<IntakeOutcome> process(AgentMailMatch& match, const Message& message, const IncomingMail& mail,
                                       const std::string& dedupe_key, std::int64_t now);

 private:
  const Config& config_;
  Store& store_;
  const TemplateSet& templates_;
  Log& log_;
};

}  // namespace ticketd
