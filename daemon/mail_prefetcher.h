// The "fetch" and "parse" stages running ahead: while intake works on one
// mail, one thread downloads the next ones of the cycle over a second IMAP
// session (kept from cycle to cycle, so it logs in once, not once per cycle),
// and another parses each downloaded mail, hashes it and keeps it in the
// store's mail log (MailIntake::prepare_and_keep()). So the server's time to
// send a mail, ours to decode and write it, and the rest of intake
// (threading, rules, the commit) for the mail before overlap instead of
// adding up.
//
//   poller:      next() ─▶ intake ─▶ next() ─▶ intake ─▶ ...
//   downloading:  fetch uid 2, 3, ... ─┐
//   preparing:                         └▶ parse + hash + keep ─▶ queue
//
// It only reads the server: it never marks, moves or decides anything, so
// the invariants stay the poller's (daemon/mailbox_poller.h): a mail is
// marked processed only after intake committed it, in UID order. A mail
// fetched ahead and never taken (the cycle stopped) is simply dropped; if it
// was kept in the mail log already, that record stays unnamed
// (store/mail_log.h) and the mail is taken again next cycle.
//
// Memory: a mail's raw bytes are held from the start of its download until
// the prepare stage kept them in the mail log (then only its text is held,
// and the raw bytes are let go), or, when nothing keeps them, until intake is
// done with it. A download starts only when its size (RFC822.SIZE, asked
// first) fits beside what is held (raw bytes and queued text) within
// `budget_bytes`, or, for a mail larger than the budget, when no other raw
// bytes are held. A prepared mail's text may take what is held past the
// budget by that one mail's text. So the peak stays what it was without
// prefetching, plus at most the budget and one mail; the queued text of
// mails kept ahead does not keep a large mail from starting.
//
// Any failure on the second connection (it cannot log in, the folder's
// UIDVALIDITY differs, a fetch fails, a mail is over the size limit) ends
// the downloads: the mails downloaded before it are still prepared and
// handed out, then next() says why for the failed UID, and the poller
// fetches it, and the rest of the cycle, on its own connection, where the
// errors are handled and reported as before.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "daemon/imap_session.h"
#include "daemon/prepared_mail.h"

namespace ticketd {

class MailPrefetcher {
 public:
  // Default budget: room for dozens of ordinary mails, or the next mail
  // with a large attachment while the one before it is parsed; small
  // beside the 64 MiB a cycle may use besides its largest mail (issue 8's
  // bound). Most of a mailbox's bytes are in its large mails, and two of
  // them must fit at once for the download and the parse to overlap: at
  // 8 MiB a 5 MB mail waited for the parse of the one before, and intake
  // waited 1.4 s for the parse stage at 5,000 mails. Same mailbox, binaries
  // alternated (largest mail 14.3 MB, bound 78.3 MiB): 8 MiB 6.69 s and
  // 54 MiB peak RSS, 16 MiB 6.14 s and 61 MiB, 24 MiB 6.28 s and 77 MiB,
  // 32 MiB 6.56 s and 89 MiB (medians of 3).
  static constexpr std::size_t kDefaultBudget = 16u << 20;

  // The parse stage (and the raw mail's hash), run on the prefetching
  // thread after each download (MailIntake::prepare()); empty: mails are
  // only fetched.
  using Prepare = std::function<PreparedMail(std::string_view raw)>;

  // Starts the thread, which has `imap` to itself until the destructor
  // returns: selects `folder` and fetches `uids` in order, provided the
  // folder's UIDVALIDITY is `uidvalidity`, and prepares each with `prepare`.
  // `imap` must outlive this object and be another session than the
  // poller's; `prepare` must be safe to call from another thread.
  MailPrefetcher(ImapSession& imap, std::string folder, Uidvalidity uidvalidity, std::vector<std::uint32_t> uids,
                 Prepare prepare = {}, std::size_t budget_bytes = kDefaultBudget);
  // Stops the download in progress (within about a second) and joins; the
  // session is then the caller's again (a cancelled transfer costs it its
  // connection, which the next call opens anew).
  ~MailPrefetcher();
  MailPrefetcher(const MailPrefetcher&) = delete;
  MailPrefetcher& operator=(const MailPrefetcher&) = delete;

  // The next UID of the list, in order: true, its raw bytes in `*raw` (the
  // previous contents are released) and, with a prepare stage, the
  // prepared mail in `*prepared`; or false when prefetching has stopped
  // (`*why` says why) and the caller must fetch this UID and the rest
  // itself. Blocks until the mail is downloaded (and prepared). Calling
  // next() also tells the thread the previous mail is done with.
  bool next(std::uint32_t uid, std::string* raw, std::optional<PreparedMail>* prepared, std::string* why);

  // The most bytes held at once so far (raw and text; for tests of the budget).
  std::size_t peak_held_bytes() const;

 private:
  struct Fetched {
    std::uint32_t uid = 0;
    std::size_t raw_cost = 0;   // its share of raw_held_: its size while its raw bytes are held
    std::size_t text_cost = 0;  // its share of text_held_: prepared_bytes() once prepared
    std::string raw;
    std::optional<PreparedMail> prepared;
  };

  void download_loop();  // the fetch stage: imap_ -> downloaded_
  void prepare_loop();   // the parse stage: downloaded_ -> ready_
  void end_downloads(std::string why);  // under lock_: no more downloads; what is downloaded is still prepared
  void stop_with(std::string why);      // under lock_: nothing more is handed out
  void note_peak();                     // under lock_

  ImapSession& imap_;
  std::string folder_;
  Uidvalidity uidvalidity_;
  std::vector<std::uint32_t> uids_;
  Prepare prepare_;
  std::size_t budget_;

  mutable std::mutex lock_;
  std::condition_variable changed_;
  std::deque<Fetched> downloaded_;  // under lock_: fetched, in UID order, waiting for the parse stage
  std::deque<Fetched> ready_;       // under lock_: prepared, in UID order, not yet taken
  std::size_t raw_held_ = 0;        // under lock_: raw bytes downloading, downloaded, queued or taken last
  std::size_t text_held_ = 0;       // under lock_: text of mails queued or taken last
  std::size_t taken_raw_ = 0;       // under lock_: the mail taken last, released at the next next()
  std::size_t taken_text_ = 0;      // under lock_
  std::size_t peak_held_ = 0;       // under lock_
  bool downloads_ended_ = false;    // under lock_: the fetch stage stopped (why_ says why)
  bool stopped_ = false;            // under lock_: nothing more will be ready (why_ says why)
  std::atomic<bool> cancel_{false};  // set under lock_: the destructor asks both threads to stop
  std::string why_;                 // under lock_
  // Last: they start after every member above exists.
  std::thread downloader_;
  std::thread preparer_;
};

}  // namespace ticketd
