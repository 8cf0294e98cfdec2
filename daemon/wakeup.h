// Wakeup: the daemon's sleep between two cycles. wait() ends as soon as
//   - a signal of the daemon's set arrives (SIGTERM, SIGINT, SIGHUP),
//   - a WakeSource has news (an IMAP IDLE connection saw new mail), or
//   - the deadline passes (the next poll: polling stays the safety net and
//     the fallback for servers without IDLE).
//
// Signals: the constructor blocks the set in the calling thread (threads
// started later inherit the mask) and the destructor restores the previous
// mask. Signals are taken with sigtimedwait and a zero timeout; a signalfd
// only makes poll() return when one is pending. So there is no handler and
// no global flag, and a signal that arrives while a cycle runs stays pending
// and ends the next wait() at once. stop_pending() sees a pending SIGTERM or
// SIGINT without taking it (a cycle asks between two mails).
//
// No wake-up is lost: a source may hold news where poll() cannot see it (a
// line already read into a buffer, TLS data already decrypted by libcurl),
// so wait() asks every source with check() before it sleeps, and again each
// time poll() returns. A source consumes what it reports, so the same news
// never wakes twice; news that arrives while nobody waits (during a cycle)
// is kept by the source and ends the next wait() at once.
//
// Not thread-safe; one per daemon, constructed before any thread starts.
#pragma once

#include <signal.h>

#include <chrono>
#include <vector>

namespace ticketd {

// Something that can end the daemon's sleep early, watched by descriptor.
class WakeSource {
 public:
  using Clock = std::chrono::steady_clock;
  virtual ~WakeSource() = default;

  // The descriptor to watch for reading, or -1 when there is none now.
  virtual int fd() const = 0;

  // Takes everything the source has to say now, without blocking for long;
  // true when a cycle should run. Called before every sleep, whenever poll()
  // returns, and so at the latest at due(). After a false answer, fd() must
  // not stay readable (drain it), or wait() would spin.
  virtual bool check(Clock::time_point now) = 0;

  // When check() must be called even if fd() stays quiet (a reconnect, a
  // keep-alive); Clock::time_point::max() for never. After check(now) it
  // must lie after `now`, or wait() would spin.
  virtual Clock::time_point due() const = 0;
};

class Wakeup {
 public:
  using Clock = std::chrono::steady_clock;

  enum class Reason { signal, news, deadline };
  struct Woken {
    Reason reason = Reason::deadline;
    int signal = 0;  // with Reason::signal: SIGTERM, SIGINT or SIGHUP
  };

  Wakeup();   // blocks SIGTERM, SIGINT, SIGHUP; opens the signalfd
  ~Wakeup();  // restores the signal mask
  Wakeup(const Wakeup&) = delete;
  Wakeup& operator=(const Wakeup&) = delete;

  // SIGTERM or SIGINT is pending (not taken: the next wait() returns it).
  bool stop_pending() const;

  // Sleeps until a signal, news from one of `sources` (null entries are
  // skipped), or `deadline`, whichever comes first. A signal wins over news
  // that is ready at the same moment; the news is then kept for the next
  // wait().
  Woken wait(Clock::time_point deadline, const std::vector<WakeSource*>& sources);

 private:
  int take_signal();

  sigset_t set_;
  sigset_t previous_;
  int signal_fd_ = -1;  // -1 when signalfd failed: poll() then sleeps in short slices
};

}  // namespace ticketd
