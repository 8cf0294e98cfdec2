// Plain records the store reads and writes. No behaviour here: the store
// fills them from rows, the pipeline fills them to be written.
// Times are seconds since the epoch, UTC.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ticketd {

// Ticket statuses and priorities, as DESIGN.md names them.
inline constexpr const char* kStatuses[] = {"new", "open", "pending", "on-hold", "resolved", "closed"};
inline constexpr const char* kPriorities[] = {"low", "normal", "high", "urgent"};

struct Ticket {
  std::int64_t id = 0;
  std::int64_t number = 0;  // the public number customers see as [#number]
  std::string subject;
  std::string status = "new";
  std::string priority = "normal";
  std::string group;
  std::string assignee;
  std::string requester_address;
  std::string requester_name;
  std::string mailbox;   // name of the [[mailbox]] it arrived through
  std::string language;  // "en", "zh-CN", "zh-TW", ...
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
  std::optional<std::int64_t> first_response_at;
  std::optional<std::int64_t> resolved_at;
  std::optional<std::int64_t> closed_at;
  std::optional<std::int64_t> linked_ticket_id;  // the older ticket this one follows on from
  bool spam = false;
  std::vector<std::string> tags;  // sorted
};

// Who did something: DESIGN.md's actors.
struct Actor {
  std::string kind;  // "customer", "agent", "rule", "system", "admin"
  std::string name;  // address, agent name, rule name, timer name

  static Actor customer(std::string address) { return {"customer", std::move(address)}; }
  static Actor system(std::string what) { return {"system", std::move(what)}; }
  static Actor rule(std::string name) { return {"rule", std::move(name)}; }
};

struct StoredMessage {
  std::int64_t id = 0;
  std::int64_t ticket_id = 0;
  std::string direction;  // "in" (from a customer or agent), "out" (we sent it), "note" (internal)
  Actor author;
  std::string message_id;  // bare; ours for "out"
  std::string in_reply_to;
  std::string subject;
  std::string body;   // full text
  std::string reply;  // new text alone
  std::int64_t created_at = 0;
  std::string auto_generated;  // reason, empty for a human's mail
};

struct AttachmentRecord {
  std::string filename;
  std::string content_type;
  std::uint64_t size = 0;
  std::string sha256;
  bool is_inline = false;
};

struct Event {
  std::int64_t id = 0;
  std::int64_t ticket_id = 0;
  std::int64_t at = 0;
  Actor actor;
  std::string what;    // "created", "status", "priority", "tag", "assign", "message", "mail-queued", ...
  std::string detail;  // human-readable detail ("new -> open: customer replied")
};

// An event not yet stored (id 0), as every stage writes one.
inline Event new_event(std::int64_t ticket_id, std::int64_t at, Actor actor, std::string what, std::string detail) {
  return Event{0, ticket_id, at, std::move(actor), std::move(what), std::move(detail)};
}

struct OutboxMail {
  std::int64_t id = 0;
  std::int64_t ticket_id = 0;  // 0 when the mail belongs to no ticket
  std::string kind;            // "ack", "reply", "notify", ...
  std::string message_id;      // bare, ours; the same on every retry
  std::string envelope_from;
  std::vector<std::string> recipients;
  std::string data;  // the whole RFC 5322 mail, CRLF line ends
  std::string state = "queued";  // "queued", "sent", "failed"
  int attempts = 0;
  std::int64_t next_attempt_at = 0;
  std::string last_error;
  std::int64_t created_at = 0;
  std::optional<std::int64_t> sent_at;
};

// Where a mail came from on an IMAP server; recorded with its ticket change
// so that the same (mailbox, UIDVALIDITY, UID) is never processed twice.
struct MailSource {
  std::string mailbox;
  std::uint32_t uidvalidity = 0;
  std::uint32_t uid = 0;
};

}  // namespace ticketd
