#include "daemon/background_sender.h"

#include <chrono>
#include <exception>

#include "daemon/thread_priority.h"
#include "store/store.h"

namespace ticketd {

namespace {

// How long the thread sleeps when nothing is due and intake said nothing:
// short enough that a retry falling due or a row queued by `ticketd`
// commands is taken in the same cycle, long enough to cost nothing.
constexpr auto kIdleWait = std::chrono::milliseconds(200);

// After a pass that left nothing due, the thread lets intake's next commits
// gather this long before it looks again. Each pass ends in a commit of its
// own (the sent marks), and another connection's commit empties intake's
// page cache and may make it wait for the write lock. Once sending got fast
// (pipelined SMTP), passes followed every intake commit: at 1,000 mails
// intake then read 16,656 pages again instead of 11,689 (strace). An
// acknowledgement leaves at most this much later.
constexpr auto kGatherWait = std::chrono::milliseconds(100);

void add(OutboxRun& total, const OutboxRun& part) {
  total.sent += part.sent;
  total.retried += part.retried;
  total.failed += part.failed;
  total.server_unreachable = total.server_unreachable || part.server_unreachable;
}

}  // namespace

BackgroundSender::BackgroundSender(Store& store, SmtpSession& smtp, const OutboxConfig& config, Log& log,
                                   std::uint64_t seed, std::function<bool()> stop_requested,
                                   std::function<std::int64_t()> clock)
    : store_(store),
      smtp_(smtp),
      config_(config),
      log_(log),
      random_(seed),
      stop_requested_(std::move(stop_requested)),
      clock_(std::move(clock)),
      thread_([this] { loop(); }) {}

BackgroundSender::~BackgroundSender() {
  if (thread_.joinable()) finish();
}

void BackgroundSender::mail_queued() {
  {
    std::lock_guard<std::mutex> hold(lock_);
    queued_ = true;
  }
  news_.notify_one();
}

BackgroundSender::Result BackgroundSender::finish() {
  {
    std::lock_guard<std::mutex> hold(lock_);
    finishing_ = true;
  }
  news_.notify_one();
  thread_.join();
  return result_;
}

void BackgroundSender::wait_for_news() {
  std::unique_lock<std::mutex> hold(lock_);
  news_.wait_for(hold, kGatherWait, [this] { return finishing_; });
  news_.wait_for(hold, kIdleWait, [this] { return queued_ || finishing_; });
}

void BackgroundSender::loop() {
  run_in_background("ticketd-send");
  // An exception must not leave the thread (std::terminate): the store's is
  // reported to the cycle, which logs it and backs off as for its own.
  try {
    for (;;) {
      bool last_pass = false;
      {
        std::lock_guard<std::mutex> hold(lock_);
        queued_ = false;  // this pass sees every commit made before it
        last_pass = finishing_;
      }
      if (stop_requested_()) return;
      OutboxRun part = send_due_mail(store_, smtp_, config_, log_, clock_(), random_);
      add(result_.run, part);
      if (part.server_unreachable || last_pass) return;
      const bool full_batch = static_cast<std::size_t>(part.sent + part.retried + part.failed) >= config_.batch;
      if (!full_batch) wait_for_news();  // a full batch: more is probably due, go on at once
    }
  } catch (const StoreError& e) {
    result_.error = e.what();
  } catch (const std::exception& e) {
    result_.error = std::string("sending stopped: ") + e.what();
  }
}

}  // namespace ticketd
