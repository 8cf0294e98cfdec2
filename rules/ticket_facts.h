// TicketFacts: what the rule engine is told about the ticket a mail belongs
// to, beside the mail itself (parser/message.h).
//
// The daemon fills this after threading and before the commit, from the store
// and the pipeline: rules/ never reads the store, the clock or the network.
// Every field has a neutral default so a test (or `ticketd rules test FILE`)
// can evaluate rules on a mail alone.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ticketd {

struct TicketFacts {
  // true: the mail opens a new ticket; false: it is a follow-up on an existing
  // one (threading found it). Rules say which of the two they apply to.
  bool is_new = true;

  std::string mailbox;  // name of the configured mailbox the mail arrived in, e.g. "support"

  // The ticket's state before this mail (for a new ticket: what it will be
  // created with, usually status "new", priority "normal", no group).
  std::string status;    // "new", "open", "pending", "on-hold", "resolved", "closed"
  std::string priority;  // "low", "normal", "high", "urgent"
  std::string group;     // "" when none
  std::string assignee;  // agent name, "" when unassigned
  std::vector<std::string> tags;

  // Tickets this customer (the From address) opened before this one.
  std::int64_t customer_past_tickets = 0;

  // Language of the customer's text: "zh-CN", "zh-TW", "en", "ja" or "" when
  // unclear. The daemon passes parser/language.h's detect_language(reply).
  std::string language;
};

}  // namespace ticketd
