#include "daemon/mailbox_poller.h"

#include <fmt/format.h>

#include <future>
#include <optional>
#include <vector>

#include "daemon/imap_session.h"
#include "daemon/mail_intake.h"
#include "daemon/mail_prefetcher.h"
#include "daemon/oversized_mail.h"
#include "store/store.h"

namespace ticketd {

namespace {

// Committed mails are marked on the server in UID sets of up to this many:
// one UID STORE (and one UID MOVE) per batch instead of per mail. A crash
// before a batch is marked costs its mails one more fetch next cycle, where
// the store's (mailbox, UIDVALIDITY, UID) record makes each a duplicate
// that is only marked.
constexpr std::size_t kMarkBatch = 100;

// Marks mails processed on the server: the keyword first (cheap, and enough
// by itself), then the move when the admin wants processed mail out of the
// inbox.
bool mark_processed(const MailboxConfig& mailbox, ImapSession& imap, const std::vector<std::uint32_t>& uids,
                    std::string* err) {
  if (!imap.add_keyword(uids, mailbox.processed_keyword, err)) return false;
  if (!mailbox.processed_folder.empty() && !imap.move(uids, mailbox.processed_folder, err)) return false;
  return true;
}

// "UIDs 3, 4, 9" or "UIDs 3 ... 250 (120 mails)" for the log.
std::string uid_list(const std::vector<std::uint32_t>& uids) {
  if (uids.size() > 5) return fmt::format("UIDs {} ... {} ({} mails)", uids.front(), uids.back(), uids.size());
  return fmt::format("UID{} {}", uids.size() == 1 ? "" : "s", fmt::join(uids, ", "));
}

}  // namespace

PollRun poll_mailbox(const MailboxConfig& mailbox, ImapSession& imap, ImapSession* ahead_imap, Store& store,
                     MailIntake& intake, Log& log, const std::function<bool()>& stop_requested,
                     const std::function<std::int64_t()>& clock) {
  PollRun run;
  std::string err;
  // UIDs whose intake committed (or that were already in the store), not
  // yet marked on the server. DESIGN.md invariant 1: a UID enters this list
  // only after intake.process() returned, i.e. after its commit.
  std::vector<std::uint32_t> committed;
  auto mark_committed = [&](std::string* why) {
    if (committed.empty()) return true;
    bool ok = true;
    // On the disk before the server hears of it: a power loss must not
    // leave a mail flagged processed whose ticket was never written. The
    // sync waits on the disk (1.0 s in 5,000 mails), so the batch's search
    // indexing (1.3 s of CPU) runs meanwhile, as store.h allows.
    std::future<void> synced = std::async(std::launch::async, [&store] { store.sync_to_disk(); });
    try {
      // The batch's messages into the search index in one transaction
      // (store.h); a failure here loses nothing (they stay noted for the
      // next batch or search), and the sync reports the same store.
      store.index_pending_search();
    } catch (const StoreError& e) {
      log.warning("{}: new messages not yet indexed for search, tried again with the next batch: {}", mailbox.name,
                  e.what());
    }
    try {
      synced.get();
    } catch (const StoreError& e) {
      *why = e.what();
      ok = false;
    }
    ok = ok && mark_processed(mailbox, imap, committed, why);
    if (!ok) *why = fmt::format("{} committed but not marked processed (they will be recognised next cycle): {}",
                                uid_list(committed), *why);
    committed.clear();
    return ok;
  };
  auto fail = [&](std::string why) {
    // What committed before the failure is still marked when the server
    // allows it; if not, the store's records catch it next cycle.
    std::string mark_err;
    if (!mark_committed(&mark_err)) log.warning("{}: {}", mailbox.name, mark_err);
    run.ok = false;
    run.error = std::move(why);
    return run;
  };
  std::uint32_t uidvalidity = 0;
  if (!imap.select(mailbox.folder, &uidvalidity, &err)) return fail(err);

  auto known = store.known_uidvalidity(mailbox.name);
  if (!known || *known != uidvalidity) {
    if (known) {
      log.warning("{}: UIDVALIDITY of {} changed from {} to {}: the folder was recreated; matching mail by "
                  "Message-ID so no ticket is created twice",
                  mailbox.name, mailbox.folder, *known, uidvalidity);
    }
    auto transaction = store.begin();
    transaction.set_uidvalidity(mailbox.name, uidvalidity);
    transaction.commit();
  }

  std::vector<std::uint32_t> uids;
  if (!imap.search_unflagged(mailbox.processed_keyword, &uids, &err)) return fail(err);
  if (!uids.empty()) log.debug("{}: {} unprocessed mail(s)", mailbox.name, uids.size());

  // The next mails are downloaded on a second session while intake works
  // (daemon/mail_prefetcher.h); if that stops for any reason, this session
  // fetches the rest, with the error handling below.
  std::optional<MailPrefetcher> ahead;
  if (ahead_imap && uids.size() >= 2) {
    ahead.emplace(*ahead_imap, mailbox.folder, uidvalidity, uids,
                  [&intake, &clock](std::string_view raw) { return intake.prepare_and_keep(raw, clock()); });
  }
  std::string raw;
  std::optional<PreparedMail> prepared;
  for (std::uint32_t uid : uids) {
    if (stop_requested()) break;
    bool fetched_ahead = false;
    prepared.reset();
    if (ahead) {
      // next() hands the budget the last mail held back to the fetching
      // thread, so that mail's bytes must be gone first: a 14 MB mail and
      // the next budget's worth fetched would otherwise be in memory at once.
      std::string().swap(raw);
      std::string why;
      fetched_ahead = ahead->next(uid, &raw, &prepared, &why);
      if (!fetched_ahead) {
        // Not an error (the poller's own connection takes over), but slower:
        // an admin seeing it for every backlog has something to look at.
        log.info("{}: fetching ahead stopped at UID {}: {}; the rest of this cycle is fetched on one connection",
                 mailbox.name, uid, why);
        ahead.reset();
      }
    }
    if (!fetched_ahead && !imap.fetch(uid, &raw, &err)) {
      if (!imap.too_large()) return fail(err);
      // A mail over the size limit must not block the mail behind it, be
      // downloaded again every cycle, or vanish: its header becomes a
      // ticket that says so, and the whole mail stays on the server.
      std::string header;
      if (!imap.fetch_header(uid, &header, &err)) {
        if (imap.unreachable()) return fail(err);
        log.error("{}: UID {} is over the size limit and its header cannot be read; left unprocessed on the "
                  "server: {}", mailbox.name, uid, err);
        continue;
      }
      log.warning("{}: UID {} is over the size limit of {} bytes: its ticket is made from its header, the whole "
                  "mail stays on the server", mailbox.name, uid, imap.max_message_bytes());
      raw = oversized_mail_stand_in(header, imap.max_message_bytes(), mailbox.folder, uid);
    }
    ++run.fetched;
    IncomingMail mail{mailbox.name, std::move(raw), MailSource{mailbox.name, uidvalidity, uid}, clock(),
                      std::move(prepared)};
    IntakeOutcome outcome;
    try {
      outcome = intake.process(mail, clock());
    } catch (const StoreError& e) {
      // Nothing was committed, so nothing is marked: the mail stays
      // unprocessed on the server and is taken again next cycle.
      run.store_failed = true;
      return fail(fmt::format("UID {} not processed, will retry: {}", uid, e.what()));
    }
    raw = std::move(mail.raw);  // intake only read it; its buffer serves the next fetch
    switch (outcome.kind) {
      case IntakeOutcome::Kind::new_ticket: ++run.new_tickets; break;
      case IntakeOutcome::Kind::follow_up: ++run.follow_ups; break;
      case IntakeOutcome::Kind::duplicate: ++run.duplicates; break;
    }
    log.info("{}: UID {}: {}", mailbox.name, uid, describe(outcome));
    committed.push_back(uid);
    if (committed.size() >= kMarkBatch && !mark_committed(&err)) return fail(err);
  }
  if (!mark_committed(&err)) return fail(err);
  return run;
}

}  // namespace ticketd
