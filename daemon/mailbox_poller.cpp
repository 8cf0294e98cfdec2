#include "daemon/mailbox_poller.h"

#include <fmt/format.h>

#include "daemon/imap_session.h"
#include "daemon/mail_intake.h"
#include "store/store.h"

namespace ticketd {

namespace {

// Marks one mail processed on the server: the keyword first (cheap, and
// enough by itself), then the move when the admin wants processed mail out
// of the inbox.
bool mark_processed(const MailboxConfig& mailbox, ImapSession& imap, std::uint32_t uid, std::string* err) {
  if (!imap.add_keyword(uid, mailbox.processed_keyword, err)) return false;
  if (!mailbox.processed_folder.empty() && !imap.move(uid, mailbox.processed_folder, err)) return false;
  return true;
}

}  // namespace

PollRun poll_mailbox(const MailboxConfig& mailbox, ImapSession& imap, Store& store, MailIntake& intake, Log& log,
                     const std::function<bool()>& stop_requested, const std::function<std::int64_t()>& clock) {
  PollRun run;
  auto fail = [&](std::string why) {
    run.ok = false;
    run.error = std::move(why);
    return run;
  };
  std::string err;
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

  for (std::uint32_t uid : uids) {
    if (stop_requested()) break;
    std::string raw;
    if (!imap.fetch(uid, &raw, &err)) {
      // A mail over the size limit must not block the mail behind it: it
      // stays unprocessed on the server (nothing is lost) for an admin to
      // look at, and the rest of the mailbox goes on.
      if (imap.too_large()) {
        log.error("{}: UID {} skipped, left unprocessed on the server: {}", mailbox.name, uid, err);
        continue;
      }
      return fail(err);
    }
    ++run.fetched;
    IncomingMail mail{mailbox.name, std::move(raw), MailSource{mailbox.name, uidvalidity, uid}, clock()};
    IntakeOutcome outcome;
    try {
      outcome = intake.process(mail, clock());
    } catch (const StoreError& e) {
      // Nothing was committed, so nothing is marked: the mail stays
      // unprocessed on the server and is taken again next cycle.
      return fail(fmt::format("UID {} not processed, will retry: {}", uid, e.what()));
    }
    switch (outcome.kind) {
      case IntakeOutcome::Kind::new_ticket: ++run.new_tickets; break;
      case IntakeOutcome::Kind::follow_up: ++run.follow_ups; break;
      case IntakeOutcome::Kind::duplicate: ++run.duplicates; break;
    }
    log.info("{}: UID {}: {}", mailbox.name, uid, describe(outcome));
    if (!mark_processed(mailbox, imap, uid, &err)) {
      return fail(fmt::format("UID {} committed but not marked processed (it will be recognised next cycle): {}",
                              uid, err));
    }
  }
  return run;
}

}  // namespace ticketd
