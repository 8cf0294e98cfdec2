// Config: the admin's ticketd.toml, read and checked.
//
// load_config either returns a complete, valid Config or fills `errors` with
// one line per problem, each `file:line:column: message`, so `ticketd check`
// and a reload on SIGHUP can show every mistake at once. Unknown keys are
// errors (a typo must not silently mean "default"). Secrets are read from the
// files the config names and are never printed: Config has no function that
// formats them, and error messages name the file, not its content.
// Relative paths in the file are relative to the config file's folder.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "parser/mail_parser.h"
#include "rules/business_hours.h"

namespace ticketd {

struct MailboxConfig {
  std::string name;        // short name used in logs, the store and `deliver --mailbox`
  std::string url;         // imap://host:port or imaps://host:port; empty: deliver-only mailbox
  std::string user;
  std::string password;    // read from password_file
  std::string password_file;
  std::string folder = "INBOX";            // UTF-8, as the admin writes it
  std::string processed_keyword = "$Ticketd";  // set on a mail once its ticket change committed
  std::string processed_folder;            // UTF-8; when set, processed mail is moved there too
  std::string address;                     // the address customers write to, e.g. support@example.com
  std::string display_name;                // shown as the sender of our mails, e.g. "Example Support"
  std::string language = "en";             // default language of answers
  bool verify_tls = true;
  bool require_tls = false;  // imap:// only: refuse to log in unless STARTTLS succeeds
  // A mail larger than this is not downloaded: its ticket is made from its
  // header and the whole mail stays on the server (daemon/oversized_mail.h).
  std::int64_t max_message_mb = 64;
  bool idle = true;  // daemon mode: IMAP IDLE wakes it on new mail; false: poll only
};

struct SmtpConfig {
  std::string url;  // smtp://host:port (STARTTLS when offered) or smtps://host:port
  std::string user;
  std::string password;
  std::string password_file;
  bool verify_tls = true;
  bool require_tls = false;  // refuse to send over a connection without TLS
};

struct OutboxConfig {
  int max_attempts = 12;              // then the mail is marked failed
  std::int64_t first_retry_seconds = 30;  // doubled each attempt, with jitter
  std::int64_t max_retry_seconds = 3600;
  // Mails read from the outbox at a time: the background sender reads
  // batch after batch while intake runs; the cycle's last pass sends one,
  // and after a full one the daemon's next cycle starts at once (`run
  // --once` sends batches until nothing is due).
  std::size_t batch = 100;
};

// An agent (issue 6): who may be assigned tickets and answer them by mail.
struct AgentConfig {
  std::string name;                    // as used in rules and #assign
  std::vector<std::string> addresses;  // the agent's own mail addresses
  std::vector<std::string> groups;
  std::vector<std::string> skills;     // matched against ticket tags
  bool away = false;                   // never assigned while away
  std::string language = "en";         // of the notifications and error mails the agent gets
};

struct GroupConfig {
  std::string name;
  std::string lead;        // agent name
  std::string escalation;  // address told about SLA breaches
};

// Signing key for reply tokens (issue 6, daemon/signing.h): the whole content
// of secret_file (a trailing line end dropped), at least 16 bytes. Required
// when agents are configured; never generated at runtime, never printed.
struct SecurityConfig {
  std::string secret_file;
  std::string secret;
};

// The ticket lifecycle (issue 6 point 6): [lifecycle]. A day count of 0
// switches that timer off.
struct LifecycleConfig {
  std::int64_t reopen_window_days = 30;        // a reply to a ticket closed longer ago opens a new one
  std::int64_t auto_close_resolved_days = 0;   // resolved tickets close themselves after this many days
  std::int64_t pending_reminder_days = 0;      // one reminder to a customer who has not answered
  std::int64_t pending_resolve_days = 0;       // then the pending ticket is resolved
};

// SLA targets of one priority, in business minutes; 0: no such target.
struct SlaTargets {
  std::int64_t first_response_minutes = 0;
  std::int64_t next_response_minutes = 0;
  std::int64_t resolution_minutes = 0;
};

// [sla] and [sla.<priority>] (issue 6 point 7), counted in [business_hours].
struct SlaConfig {
  SlaTargets low, normal, high, urgent;
  double reminder_share = 0.75;          // the assignee is reminded when this share of a target is used
  bool raise_priority_on_breach = false;  // a breach raises the priority one step

  const SlaTargets& targets(std::string_view priority) const;
};

// [csat] (issue 5 point 6): surveys are sent only when the table is present
// (and `enabled` is not false).
struct CsatConfig {
  bool enabled = false;
  std::int64_t delay_minutes = 60;     // after the ticket is resolved
  std::int64_t min_days_between = 30;  // at most one survey per customer in this many days
};

struct Config {
  std::string source_path;  // the file this was read from
  std::string store_path;
  std::string templates_dir;
  std::string rules_dir;  // empty: no rules
  std::string hostname;   // right-hand side of our Message-IDs
  std::int64_t poll_seconds = 30;
  int auto_replies_per_hour = 5;  // automatic mails to one sender per hour, at most
  // After a permanent delivery failure (5xx, e.g. 5.1.1 no such user) an
  // address gets no automatic mail for this long (issue 5, loop protection).
  std::int64_t bounce_block_hours = 24;
  std::vector<MailboxConfig> mailboxes;
  std::vector<AgentConfig> agents;
  std::vector<GroupConfig> groups;
  SmtpConfig smtp;
  OutboxConfig outbox;
  ParseLimits limits;
  LifecycleConfig lifecycle;
  SlaConfig sla;
  CsatConfig csat;
  // [business_hours]: when SLA time runs. Absent: all day, every day (UTC).
  BusinessHours business_hours = BusinessHours::always_open();
  SecurityConfig security;
  std::string metrics_file;  // [metrics] file: Prometheus text file rewritten each cycle; empty: none

  const MailboxConfig* mailbox(std::string_view name) const;
  const AgentConfig* agent(std::string_view name) const;
};

bool load_config(const std::string& path, Config* out, std::vector<std::string>* errors);

}  // namespace ticketd
