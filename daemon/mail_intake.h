// MailIntake: the pipeline from one incoming mail to a committed ticket
// change, as a short list of named stages (DESIGN.md):
//
//   dedupe -> parse -> thread -> rules -> commit
//
// process() either commits everything the mail causes (ticket, message, raw
// mail, events, outbox rows, dedupe record) in one store transaction, or
// throws StoreError having committed nothing. Only after it returns may the
// caller mark the mail processed on the IMAP server. A mail already processed
// (same mailbox + UIDVALIDITY + UID, or same Message-ID / raw hash) changes
// nothing and comes back as `duplicate`, so marking it again is safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "daemon/config.h"
#include "daemon/log.h"
#include "daemon/prepared_mail.h"
#include "parser/message.h"
#include "store/records.h"
#include "templates/template_set.h"

namespace ticketd {

class Store;
class StoreTransaction;
struct RuleSet;
struct Roster;

struct IncomingMail {
  std::string mailbox;  // config name of the mailbox it came to
  std::string raw;      // the mail's bytes, untouched; empty when prepared->kept holds them
  std::optional<MailSource> source;  // where on the IMAP server; nothing for `ticketd deliver`
  std::int64_t received_at = 0;
  // `raw` prepared already (parsed and hashed ahead on the fetching thread,
  // daemon/mail_prefetcher.h), or nothing: process() prepares it.
  std::optional<PreparedMail> prepared;
};

struct IntakeOutcome {
  enum class Kind { new_ticket, follow_up, duplicate };
  Kind kind = Kind::duplicate;
  std::int64_t ticket_number = 0;
  std::string detail;  // one line for the log: how it was threaded, what was queued
};

class MailIntake {
 public:
  // `rules` may be null (no rules configured). All references must outlive
  // the MailIntake.
  MailIntake(const Config& config, Store& store, const TemplateSet& templates, const RuleSet* rules, Log& log);

  IntakeOutcome process(const IncomingMail& mail, std::int64_t now);

  // The work on the mail's bytes alone, as process() does it (the parse
  // stage and the raw mail's hash): reads only the config, so it may run on
  // another thread than process() (while the config lives).
  PreparedMail prepare(std::string_view raw, std::int64_t received_at) const;
  // prepare(), then the raw mail kept in the store's mail log
  // (Store::keep_raw_mail_ahead(), safe on another thread): the fetching
  // thread's stage, so intake's transaction only names the record. When the
  // log refuses it, `kept` stays empty and the caller keeps the bytes; the
  // transaction then appends them and fails where failures are handled.
  PreparedMail prepare_and_keep(std::string_view raw, std::int64_t received_at) const;

  void set_rules(const RuleSet* rules) { rules_ = rules; }

 private:
  void keep_raw_mail_whole(const IncomingMail& mail, const std::string& raw_sha256);

  const Config& config_;
  Store& store_;
  const TemplateSet& templates_;
  const RuleSet* rules_;
  Log& log_;
};

// Stores a message with the mail's raw bytes: naming the record the fetching
// thread kept (mail.prepared->kept), or appending mail.raw. Every stage that
// stores the incoming mail's message goes through here. Returns its row id.
std::int64_t add_incoming_message(StoreTransaction& transaction, const StoredMessage& message,
                                  const IncomingMail& mail, const std::vector<Attachment>& attachments);

// The mail's raw bytes: mail.raw, or read back from the mail log when the
// fetching thread kept them and let them go. Throws StoreError.
std::string raw_bytes_of(const IncomingMail& mail, const Store& store);

// One line for the log: "new ticket #1001 (new; acknowledgement queued)".
std::string describe(const IntakeOutcome& outcome);

// A customer's incoming mail as the store keeps it on `ticket_id`.
StoredMessage incoming_message(const Message& message, std::int64_t ticket_id, std::int64_t now);

// The dedupe key of a mail: its Message-ID, or "sha256:<hex>" of the raw
// bytes (`raw_sha256`, hex) when it has none (DESIGN.md invariant 2).
std::string dedupe_key(const std::string& message_id, const std::string& raw_sha256);

}  // namespace ticketd
