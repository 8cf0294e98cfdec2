// MailboxWatch: IMAP IDLE on one mailbox's folder, as a WakeSource for the
// daemon's Wakeup, so a customer's mail is handled within a second of its
// arrival instead of at the next poll (issue 8: under 1 s p50).
//
// check() says "run a cycle now" when:
//   - the server reported new mail (EXISTS) on the IDLE connection;
//   - IDLE was (re)established: mail that arrived between the last cycle's
//     SEARCH and this EXAMINE announces nothing, so one cycle looks;
//   - the IDLE connection was lost: one catch-up cycle (the server may have
//     restarted with mail we did not hear about).
//
// Fallback: when the server lacks IDLE, or IDLE cannot be started or breaks,
// the mailbox is polled every poll_seconds as before. That is logged once,
// as a warning that says so; further failures in a row are logged at debug
// level only, and the return of IDLE is logged as info. IDLE is retried
// 5 s after a failure, doubling up to 10 minutes; a server without IDLE is
// asked again every hour (it may have been upgraded). Nothing here throws
// or ends the daemon.
//
// Not thread-safe; one per mailbox, in daemon mode only (`run --once` and
// mailboxes with `idle = false` have none).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "daemon/config.h"
#include "daemon/imap_session.h"
#include "daemon/log.h"
#include "daemon/wakeup.h"

namespace ticketd {

class ImapIdle;

class MailboxWatch : public WakeSource {
 public:
  MailboxWatch(const MailboxConfig& mailbox, std::int64_t poll_seconds, Log& log);
  ~MailboxWatch() override;
  MailboxWatch(const MailboxWatch&) = delete;
  MailboxWatch& operator=(const MailboxWatch&) = delete;

  int fd() const override;
  bool check(Clock::time_point now) override;
  Clock::time_point due() const override;

  // IDLE is in place (false while polling is the fallback).
  bool idling() const { return idle_ != nullptr; }
  const std::string& name() const { return name_; }

 private:
  bool connect(Clock::time_point now);
  void failed(Clock::time_point now, const std::string& why, bool unsupported);

  std::string name_;
  std::string folder_;
  ImapAccount account_;
  std::int64_t poll_seconds_;
  Log& log_;
  std::unique_ptr<ImapIdle> idle_;  // null while not idling
  int failures_ = 0;                // in a row
  Clock::time_point retry_at_{};    // next start() while not idling
  Clock::time_point keepalive_at_{};
};

}  // namespace ticketd
