// The "fetch" and "mark" stages for one IMAP mailbox:
//
//   select -> search unprocessed (once) -> for each: fetch -> intake
//          -> mark, in UID sets of up to 100 committed mails
//
// The fetch runs ahead of intake on a second session, `ahead_imap`
// (daemon/mail_prefetcher.h), when there are two mails or more.
//
// A mail is marked processed on the server (our keyword, and a move to the
// processed folder when one is configured) only after its intake committed;
// committed mails are marked together (one UID STORE per batch, not per
// mail), at the latest when the cycle ends or stops early, each batch after
// Store::sync_to_disk() (so not even a power loss loses a marked mail).
// \Seen means nothing to us: people reading support@ set it, and so does
// libcurl's fetch. The keyword is backed by the store's (mailbox,
// UIDVALIDITY, UID) records, so a crash between commit and mark only makes
// the next cycle mark it without a second ticket. When UIDVALIDITY changes
// (the folder was recreated), UIDs mean nothing any more and dedupe falls
// back to Message-ID (or the raw mail's hash).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "daemon/config.h"
#include "daemon/log.h"

namespace ticketd {

class ImapSession;
class MailIntake;
class Store;

struct PollRun {
  int fetched = 0;
  int new_tickets = 0;
  int follow_ups = 0;
  int duplicates = 0;
  bool ok = true;     // false: the cycle stopped early (server or store trouble); retried next cycle
  bool store_failed = false;  // with !ok: the store, not the server, stopped it (the server is fine)
  std::string error;  // why, for the log
};

// `stop_requested` is asked between mails; the mail in hand is finished
// first. `ahead_imap` (another session for the same account, or null for
// none) fetches ahead.
PollRun poll_mailbox(const MailboxConfig& mailbox, ImapSession& imap, ImapSession* ahead_imap, Store& store,
                     MailIntake& intake, Log& log, const std::function<bool()>& stop_requested,
                     const std::function<std::int64_t()>& clock);

}  // namespace ticketd
