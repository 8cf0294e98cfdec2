// The "send" stage beside the "fetch" stage: while a cycle takes mail from
// IMAP, a second thread sends what intake has already committed to the
// outbox, so a customer's acknowledgement leaves seconds after their mail is
// taken even when thousands of mails are ahead of it, and the cycle's time
// is the longer of intake and sending instead of their sum.
//
//   cycle:  start ──▶ poll mailboxes (intake commits, mail_queued() after each)
//                     ─▶ finish() ─▶ timers ─▶ last outbox pass (one batch)
//   sender:   └─ send_due_mail() in batches, waiting for mail_queued() ─┘
//
// The outbox invariants are send_due_mail()'s (daemon/outbox_worker.h) and
// hold unchanged: this thread is the only sender while it runs (the cycle's
// last pass starts after finish() joined it), so at most one mail is in
// flight and a crash resends at most that one. The thread reads and writes
// the outbox through its own Store (its own SQLite connection; SQLite
// connections are not shared between threads), waiting for the write lock
// while intake commits. It stops when the SMTP server cannot be reached
// (the cycle then backs the server off), when a stop is requested, or at
// finish(), after at most the batch in hand; what is left goes in the
// cycle's last pass or the next cycle.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "daemon/config.h"
#include "daemon/log.h"
#include "daemon/outbox_worker.h"

namespace ticketd {

class SmtpSession;
class Store;

class BackgroundSender {
 public:
  struct Result {
    OutboxRun run;                     // totals over every batch the thread sent
    std::optional<std::string> error;  // the thread stopped on an error (its store's, mostly): what, for the log
  };

  // Starts the thread. `store` must be a Store of its own (not the one
  // intake writes through); `store`, `smtp` and `log` must outlive finish().
  // `stop_requested` and `clock` are called from the thread.
  BackgroundSender(Store& store, SmtpSession& smtp, const OutboxConfig& config, Log& log, std::uint64_t seed,
                   std::function<bool()> stop_requested, std::function<std::int64_t()> clock);
  // Joins the thread if finish() was not called (an exception unwinding the
  // cycle): the batch in hand is finished first.
  ~BackgroundSender();
  BackgroundSender(const BackgroundSender&) = delete;
  BackgroundSender& operator=(const BackgroundSender&) = delete;

  // Intake committed mail that may have queued outbox rows: look again now
  // instead of at the next timeout.
  void mail_queued();

  // No more mail from intake in this cycle: sends at most one more batch,
  // joins the thread and returns what it did. Call once.
  Result finish();

 private:
  void loop();
  // Lets intake's commits gather for a moment (kGatherWait; finish() cuts
  // it short), then waits until mail_queued() or finish() since the last
  // pass, or a short timeout (rows due by a retry time, or queued by another
  // process).
  void wait_for_news();

  Store& store_;
  SmtpSession& smtp_;
  OutboxConfig config_;
  Log& log_;
  std::mt19937_64 random_;
  std::function<bool()> stop_requested_;
  std::function<std::int64_t()> clock_;

  std::mutex lock_;
  std::condition_variable news_;
  bool queued_ = false;     // under lock_: mail_queued() since the last pass
  bool finishing_ = false;  // under lock_: finish() was called
  Result result_;           // written by the thread only; read after join
  std::thread thread_;      // last: starts after every member above exists
};

}  // namespace ticketd
