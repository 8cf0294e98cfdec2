#include "store/schema.h"

namespace ticketd {

const std::vector<Migration>& schema_migrations() {
  static const std::vector<Migration> migrations = {
      {1, R"sql(
CREATE TABLE tickets (
  id INTEGER PRIMARY KEY,
  number INTEGER NOT NULL UNIQUE,
  subject TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('new','open','pending','on-hold','resolved','closed')),
  priority TEXT NOT NULL CHECK (priority IN ('low','normal','high','urgent')),
  group_name TEXT NOT NULL DEFAULT '',
  assignee TEXT NOT NULL DEFAULT '',
  requester_address TEXT NOT NULL,
  requester_name TEXT NOT NULL DEFAULT '',
  mailbox TEXT NOT NULL,
  language TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  first_response_at INTEGER,
  resolved_at INTEGER,
  closed_at INTEGER,
  linked_ticket_id INTEGER REFERENCES tickets(id),
  spam INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX tickets_status ON tickets(status);
CREATE INDEX tickets_requester ON tickets(requester_address);

CREATE TABLE ticket_tags (
  ticket_id INTEGER NOT NULL REFERENCES tickets(id),
  tag TEXT NOT NULL,
  PRIMARY KEY (ticket_id, tag)
) WITHOUT ROWID;

-- Everyone who wrote on or was copied on a ticket: the [#N] subject tag is
-- trusted only from them (DESIGN.md, threading rule 3).
CREATE TABLE participants (
  ticket_id INTEGER NOT NULL REFERENCES tickets(id),
  address TEXT NOT NULL COLLATE NOCASE,
  PRIMARY KEY (ticket_id, address)
) WITHOUT ROWID;

-- The raw bytes of every incoming mail, kept whole, once per content.
CREATE TABLE raw_mails (
  id INTEGER PRIMARY KEY,
  sha256 TEXT NOT NULL UNIQUE,
  size INTEGER NOT NULL,
  bytes BLOB NOT NULL
);

CREATE TABLE messages (
  id INTEGER PRIMARY KEY,
  ticket_id INTEGER NOT NULL REFERENCES tickets(id),
  direction TEXT NOT NULL CHECK (direction IN ('in','out','note')),
  author_kind TEXT NOT NULL,
  author_name TEXT NOT NULL,
  message_id TEXT NOT NULL DEFAULT '',
  in_reply_to TEXT NOT NULL DEFAULT '',
  subject TEXT NOT NULL DEFAULT '',
  body TEXT NOT NULL DEFAULT '',
  reply TEXT NOT NULL DEFAULT '',
  auto_generated TEXT NOT NULL DEFAULT '',
  raw_mail_id INTEGER REFERENCES raw_mails(id),
  created_at INTEGER NOT NULL
);
CREATE INDEX messages_ticket ON messages(ticket_id);
CREATE INDEX messages_message_id ON messages(message_id) WHERE message_id <> '';

-- Attachment contents are stored once per SHA-256 (content-addressed).
CREATE TABLE blobs (
  sha256 TEXT PRIMARY KEY,
  size INTEGER NOT NULL,
  bytes BLOB NOT NULL
) WITHOUT ROWID;
CREATE TABLE attachments (
  id INTEGER PRIMARY KEY,
  message_row_id INTEGER NOT NULL REFERENCES messages(id),
  filename TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  is_inline INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX attachments_message ON attachments(message_row_id);

-- Every change to a ticket: who, what, when (DESIGN.md invariant 6).
CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  ticket_id INTEGER NOT NULL REFERENCES tickets(id),
  at INTEGER NOT NULL,
  actor_kind TEXT NOT NULL,
  actor_name TEXT NOT NULL,
  what TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX events_ticket ON events(ticket_id);

-- The transactional outbox (DESIGN.md invariant 3): a row is written in the
-- transaction that caused the mail and is never deleted unsent.
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  ticket_id INTEGER REFERENCES tickets(id),
  kind TEXT NOT NULL,
  message_id TEXT NOT NULL,
  envelope_from TEXT NOT NULL,
  recipients TEXT NOT NULL,  -- one address per line
  data BLOB NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('queued','sent','failed')) DEFAULT 'queued',
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_error TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  sent_at INTEGER
);
CREATE INDEX outbox_due ON outbox(state, next_attempt_at);

-- Dedupe (DESIGN.md invariant 2): by IMAP position, and by Message-ID (or
-- the SHA-256 of the raw mail when it has none) across UIDVALIDITY changes.
CREATE TABLE processed_uids (
  mailbox TEXT NOT NULL,
  uidvalidity INTEGER NOT NULL,
  uid INTEGER NOT NULL,
  ticket_id INTEGER,
  processed_at INTEGER NOT NULL,
  PRIMARY KEY (mailbox, uidvalidity, uid)
) WITHOUT ROWID;
CREATE TABLE processed_mails (
  mailbox TEXT NOT NULL,
  dedupe_key TEXT NOT NULL,
  ticket_id INTEGER,
  processed_at INTEGER NOT NULL,
  PRIMARY KEY (mailbox, dedupe_key)
) WITHOUT ROWID;

CREATE TABLE mailbox_state (
  mailbox TEXT PRIMARY KEY,
  uidvalidity INTEGER NOT NULL
);
)sql"},
      {2, R"sql(
-- Round-robin position per group, and when each agent was last given a
-- ticket (least-loaded breaks ties by the longest idle).
CREATE TABLE group_cursors (
  group_name TEXT PRIMARY KEY,
  agent TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE agent_assignments (
  agent TEXT PRIMARY KEY,
  last_assigned_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX tickets_assignee ON tickets(assignee, status);
)sql"},
      {4, R"sql(
-- The ticket lifecycle, SLA clocks and satisfaction surveys (issue 6 points
-- 6-8, issue 5 point 6; daemon/ticket_lifecycle.h, daemon/sla.h,
-- daemon/timers.h, daemon/csat.h).
-- When each ticket entered its current status (for "pending for N days").
CREATE TABLE ticket_status_since (
  ticket_id INTEGER PRIMARY KEY REFERENCES tickets(id),
  status TEXT NOT NULL,
  since INTEGER NOT NULL
);
-- Each SLA target running on a ticket: its due times in business time.
CREATE TABLE sla_clocks (
  ticket_id INTEGER NOT NULL REFERENCES tickets(id),
  kind TEXT NOT NULL CHECK (kind IN ('first_response','next_response','resolution')),
  started_at INTEGER NOT NULL,
  remind_at INTEGER NOT NULL,
  due_at INTEGER NOT NULL,
  paused_at INTEGER,
  met_at INTEGER,
  PRIMARY KEY (ticket_id, kind)
) WITHOUT ROWID;
CREATE INDEX sla_clocks_running ON sla_clocks(remind_at) WHERE met_at IS NULL AND paused_at IS NULL;
-- Every timer action done (reminder, escalation, auto-resolve, auto-close,
-- survey), keyed by what it was about, so a restart never repeats one.
CREATE TABLE timer_notices (
  ticket_id INTEGER NOT NULL REFERENCES tickets(id),
  kind TEXT NOT NULL,
  due_at INTEGER NOT NULL,
  done_at INTEGER NOT NULL,
  PRIMARY KEY (ticket_id, kind, due_at)
) WITHOUT ROWID;
CREATE TABLE csat_surveys (
  ticket_id INTEGER PRIMARY KEY REFERENCES tickets(id),
  customer TEXT NOT NULL COLLATE NOCASE,
  due_at INTEGER NOT NULL,
  sent_at INTEGER,
  outcome TEXT NOT NULL DEFAULT ''
);
CREATE INDEX csat_surveys_customer ON csat_surveys(customer, sent_at);
CREATE TABLE csat_ratings (
  ticket_id INTEGER PRIMARY KEY REFERENCES tickets(id),
  agent TEXT NOT NULL DEFAULT '',
  customer TEXT NOT NULL,
  rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
  comment TEXT NOT NULL DEFAULT '',
  rated_at INTEGER NOT NULL
);
CREATE INDEX csat_ratings_agent ON csat_ratings(agent);
)sql"},
      {5, R"sql(
-- Full-text search (issue 7): one row per ticket subject and per message a
-- person wrote (customer mail, agent reply, internal note; not our template
-- mail, whose words would match every ticket). The trigram tokenizer
-- (SQLite >= 3.34) indexes every 3-character window, so Chinese, which has
-- no spaces between words, is searchable like English; terms shorter than
-- 3 characters fall back to LIKE over the same rows (store/search.cpp).
-- Kept in sync by triggers, so every writer (intake, rules, timers, admin
-- commands) keeps it right without knowing it exists.
CREATE VIRTUAL TABLE search_text USING fts5(
  subject, body, ticket_id UNINDEXED, message_row_id UNINDEXED, tokenize = 'trigram');
INSERT INTO search_text(subject, body, ticket_id, message_row_id)
  SELECT subject, '', id, NULL FROM tickets;
INSERT INTO search_text(subject, body, ticket_id, message_row_id)
  SELECT subject, CASE WHEN reply <> '' THEN reply ELSE body END, ticket_id, id FROM messages
  WHERE direction IN ('in', 'note') OR author_kind = 'agent';
CREATE TRIGGER search_ticket_insert AFTER INSERT ON tickets BEGIN
  INSERT INTO search_text(subject, body, ticket_id, message_row_id) VALUES (new.subject, '', new.id, NULL);
END;
CREATE TRIGGER search_ticket_subject AFTER UPDATE OF subject ON tickets BEGIN
  UPDATE search_text SET subject = new.subject WHERE ticket_id = new.id AND message_row_id IS NULL;
END;
CREATE TRIGGER search_ticket_delete AFTER DELETE ON tickets BEGIN
  DELETE FROM search_text WHERE ticket_id = old.id;
END;
CREATE TRIGGER search_message_insert AFTER INSERT ON messages
  WHEN new.direction IN ('in', 'note') OR new.author_kind = 'agent' BEGIN
  INSERT INTO search_text(subject, body, ticket_id, message_row_id)
    VALUES (new.subject, CASE WHEN new.reply <> '' THEN new.reply ELSE new.body END, new.ticket_id, new.id);
END;
CREATE TRIGGER search_message_delete AFTER DELETE ON messages BEGIN
  DELETE FROM search_text WHERE message_row_id = old.id;
END;
-- Reports and metrics count events by kind (resolutions, reopenings,
-- suppressed mail, SLA breaches).
CREATE INDEX events_what ON events(what, at);
)sql"},
      {6, R"sql(
-- Addresses whose mailbox refused our mail for good, learnt from a delivery
-- status notification that came back later (an SMTP-time 5xx is already the
-- outbox row's failed state). Automatic mail to them stops for a while
-- (DESIGN.md invariant 4: no loops with a dead mailbox).
CREATE TABLE bounced_addresses (
  id INTEGER PRIMARY KEY,
  address TEXT NOT NULL COLLATE NOCASE,
  at INTEGER NOT NULL,
  ticket_id INTEGER REFERENCES tickets(id),
  bounced_message_id TEXT NOT NULL,
  status TEXT NOT NULL
);
CREATE INDEX bounced_addresses_address ON bounced_addresses(address, at);
-- SLA targets a rule set for one ticket (issue 6 point 7), instead of its
-- priority's targets from the config.
CREATE TABLE sla_overrides (
  ticket_id INTEGER NOT NULL REFERENCES tickets(id),
  kind TEXT NOT NULL,
  minutes INTEGER NOT NULL,
  rule TEXT NOT NULL,
  PRIMARY KEY (ticket_id, kind)
);
-- Bounces and threading look our mail up by Message-ID.
CREATE INDEX outbox_message_id ON outbox(message_id);
)sql"},
      {7, R"sql(
-- Indexes for what intake asks of every mail (issue 8, throughput): without
-- them each question scanned a whole table, so a mailbox of N mails cost
-- N scans of a table growing to N rows.
-- The per-sender flood limit (Store::automatic_mails_to) counts a sender's
-- automatic mails in the last hour; it scanned every outbox row, reading
-- past each row's mail data to reach created_at.
CREATE INDEX outbox_automatic ON outbox(lower(recipients), created_at) WHERE kind IN ('ack','auto_reply');
-- A customer's earlier tickets (Store::tickets_of_requester, for rules)
-- compare addresses without case, which the BINARY tickets_requester index
-- cannot answer.
CREATE INDEX tickets_requester_nocase ON tickets(requester_address COLLATE NOCASE);
)sql"},
      {8, R"sql(
-- Search indexes the first 20,000 characters of a message's text (issue 8,
-- hostile mail at volume). FTS5's trigram tokenizer keeps every distinct
-- trigram of a text in memory until the transaction commits, some 200 bytes
-- each: a 1 MB mail of binary garbage (read as UTF-16, 534,000 distinct
-- characters) took the daemon to 127 MiB, and a body at [limits]
-- max_body_bytes (4 MiB) would take several hundred. A customer's own words
-- come first; the rest of a long text (logs, quoted history) stays on the
-- ticket, unsearched.
DROP TRIGGER search_message_insert;
CREATE TRIGGER search_message_insert AFTER INSERT ON messages
  WHEN new.direction IN ('in', 'note') OR new.author_kind = 'agent' BEGIN
  INSERT INTO search_text(subject, body, ticket_id, message_row_id)
    VALUES (new.subject, substr(CASE WHEN new.reply <> '' THEN new.reply ELSE new.body END, 1, 20000),
            new.ticket_id, new.id);
END;
)sql"},
      {9, R"sql(
-- Raw mails in the store's mail log (store/mail_log.h): the file number and
-- offset of the bytes; `bytes` is then empty. Rows written before keep their
-- bytes here (log_file NULL), as do stores without a file (in memory).
ALTER TABLE raw_mails ADD COLUMN log_file INTEGER;
ALTER TABLE raw_mails ADD COLUMN log_offset INTEGER;
)sql"},
      {10, R"sql(
-- Search indexed in batches (issue 8, throughput). FTS5 writes what it has
-- been given as a new segment of its index at the end of every statement
-- that touches it, and merges those segments later: inserted by a trigger,
-- every mail cost two tiny segments (its ticket's subject and its text) and
-- their merging, a fifth of intake's time. The triggers now note what is to
-- be indexed, and Store::index_pending_search() indexes it in one statement
-- per batch: before mails are marked processed on the server (every 100
-- mails) and before every search, so a search still sees every committed
-- message. A ticket's later subject change still goes straight to the index.
CREATE TABLE search_pending (
  id INTEGER PRIMARY KEY,
  ticket_id INTEGER NOT NULL,
  message_row_id INTEGER  -- NULL: the ticket's subject row
);
DROP TRIGGER search_ticket_insert;
CREATE TRIGGER search_ticket_insert AFTER INSERT ON tickets BEGIN
  INSERT INTO search_pending(ticket_id, message_row_id) VALUES (new.id, NULL);
END;
DROP TRIGGER search_message_insert;
CREATE TRIGGER search_message_insert AFTER INSERT ON messages
  WHEN new.direction IN ('in', 'note') OR new.author_kind = 'agent' BEGIN
  INSERT INTO search_pending(ticket_id, message_row_id) VALUES (new.ticket_id, new.id);
END;
DROP TRIGGER search_ticket_delete;
CREATE TRIGGER search_ticket_delete AFTER DELETE ON tickets BEGIN
  DELETE FROM search_text WHERE ticket_id = old.id;
  DELETE FROM search_pending WHERE ticket_id = old.id;
END;
DROP TRIGGER search_message_delete;
CREATE TRIGGER search_message_delete AFTER DELETE ON messages BEGIN
  DELETE FROM search_text WHERE message_row_id = old.id;
  DELETE FROM search_pending WHERE message_row_id = old.id;
END;
)sql"},
      {11, R"sql(
-- Open tickets per agent, kept by triggers (issue 8, throughput): assigning
-- the least-loaded agent counted every agent's open tickets for every new
-- ticket, a scan of the agent's tickets that grew with the store (a tenth of
-- intake's time at 5,000 mails). Open: assigned, not resolved or closed.
CREATE TABLE agent_open_tickets (
  agent TEXT PRIMARY KEY,
  open_tickets INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO agent_open_tickets(agent, open_tickets)
  SELECT assignee, count(*) FROM tickets
  WHERE assignee <> '' AND status NOT IN ('resolved', 'closed') GROUP BY assignee;
CREATE TRIGGER agent_open_insert AFTER INSERT ON tickets
  WHEN new.assignee <> '' AND new.status NOT IN ('resolved', 'closed') BEGIN
  INSERT INTO agent_open_tickets(agent, open_tickets) VALUES (new.assignee, 1)
    ON CONFLICT(agent) DO UPDATE SET open_tickets = open_tickets + 1;
END;
-- An update leaves the count of the old assignee when the ticket stops
-- counting for them (another assignee, or resolved or closed) ...
CREATE TRIGGER agent_open_update_left AFTER UPDATE OF assignee, status ON tickets
  WHEN old.assignee <> '' AND old.status NOT IN ('resolved', 'closed')
   AND (new.assignee IS NOT old.assignee OR new.status IN ('resolved', 'closed')) BEGIN
  UPDATE agent_open_tickets SET open_tickets = open_tickets - 1 WHERE agent = old.assignee;
END;
-- ... and joins the new assignee's when it starts counting for them.
CREATE TRIGGER agent_open_update_joined AFTER UPDATE OF assignee, status ON tickets
  WHEN new.assignee <> '' AND new.status NOT IN ('resolved', 'closed')
   AND (new.assignee IS NOT old.assignee OR old.status IN ('resolved', 'closed')) BEGIN
  INSERT INTO agent_open_tickets(agent, open_tickets) VALUES (new.assignee, 1)
    ON CONFLICT(agent) DO UPDATE SET open_tickets = open_tickets + 1;
END;
CREATE TRIGGER agent_open_delete AFTER DELETE ON tickets
  WHEN old.assignee <> '' AND old.status NOT IN ('resolved', 'closed') BEGIN
  UPDATE agent_open_tickets SET open_tickets = open_tickets - 1 WHERE agent = old.assignee;
END;
)sql"},
      {12, R"sql(
-- Events indexed by kind only for the kinds that reports and metrics count
-- (issue 8, throughput). Indexing every event by (what, at) put each kind a
-- new mail records (created, message, tag, assign, group, priority,
-- mail-queued, agent-notified) on a page of its own at the end of its kind:
-- 10-16 pages written for one ticket's events, against 2 without, about a
-- third of what a mail's commit wrote. Each kind is its own term, so that a
-- query asking for one kind (what = 'x') uses the index (SQLite's partial
-- index rule); a kind counted later must be added here.
DROP INDEX events_what;
CREATE INDEX events_counted ON events(what, at)
  WHERE what = 'reopened' OR what = 'status' OR what = 'parse-note' OR what = 'sla-breach'
     OR what = 'ack-suppressed' OR what = 'auto-reply-suppressed' OR what = 'mail-suppressed';
-- No query compares requester addresses with case any more: every one
-- reads tickets_requester_nocase (migration 7), and the BINARY index was a
-- page more for every new ticket.
DROP INDEX tickets_requester;
)sql"},
      {13, R"sql(
-- The search index merges its segments when the daemon is idle, not while
-- mail is being taken in (issue 8, throughput). Every indexed batch (100
-- mails) writes one segment; FTS5 merged them as they came (automerge 4),
-- rewriting each trigram's entries again at every level: a third of the
-- cost of indexing a batch, on intake's thread. Now a level is merged
-- during intake only when it reaches 64 segments (crisismerge), and the
-- daemon merges the rest between cycles (Store::tidy_search_index()).
-- Searches see the same rows whichever way the index is split.
INSERT INTO search_text(search_text, rank) VALUES('automerge', 0);
INSERT INTO search_text(search_text, rank) VALUES('crisismerge', 64);
)sql"},
  };
  return migrations;
}

}  // namespace ticketd
