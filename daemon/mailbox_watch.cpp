#include "daemon/mailbox_watch.h"

#include <algorithm>

#include "daemon/imap_idle.h"
#include "daemon/mailbox_account.h"

namespace ticketd {
namespace {

using namespace std::chrono_literals;

constexpr auto kFirstRetry = 5s;
constexpr auto kMaxRetry = 10min;
constexpr auto kRetryUnsupported = 1h;
// check() drives ImapIdle's re-IDLE before the server's 30-minute limit
// (RFC 2177), even when the connection stays quiet.
constexpr auto kKeepalive = 5min;
// A stalled server must not hold the daemon (and its signals) for long.
constexpr long kTimeoutSeconds = 20;
// Bound on EXISTS lines taken in one check(): each is consumed, so this only
// guards against a server that floods.
constexpr int kMaxLinesPerCheck = 10000;

}  // namespace

MailboxWatch::MailboxWatch(const MailboxConfig& mailbox, std::int64_t poll_seconds, Log& log)
    : name_(mailbox.name),
      folder_(mailbox.folder),
      account_(imap_account_of(mailbox)),
      poll_seconds_(poll_seconds),
      log_(log) {
  account_.timeout_seconds = kTimeoutSeconds;
}

MailboxWatch::~MailboxWatch() = default;

int MailboxWatch::fd() const { return idle_ ? idle_->socket() : -1; }

WakeSource::Clock::time_point MailboxWatch::due() const { return idle_ ? keepalive_at_ : retry_at_; }

bool MailboxWatch::check(Clock::time_point now) {
  if (!idle_) return now >= retry_at_ && connect(now);
  keepalive_at_ = now + kKeepalive;
  bool news = false;
  for (int i = 0; i < kMaxLinesPerCheck; ++i) {
    std::string err;
    switch (idle_->wait(0ms, &err)) {
      case ImapIdle::Wake::new_mail:
        news = true;  // and read on: several EXISTS wake once
        continue;
      case ImapIdle::Wake::timeout:
        return news;
      case ImapIdle::Wake::failed:
        failed(now, err, false);
        return true;  // one catch-up cycle
    }
  }
  return news;
}

bool MailboxWatch::connect(Clock::time_point now) {
  auto idle = std::make_unique<ImapIdle>(account_);
  std::string err;
  if (!idle->start(folder_, &err)) {
    failed(now, err, !idle->supported());
    return false;
  }
  idle_ = std::move(idle);
  keepalive_at_ = now + kKeepalive;
  if (failures_ > 0) {
    log_.info("{}: IMAP IDLE is back: new mail is handled as it arrives", name_);
  } else {
    log_.info("{}: watching {} with IMAP IDLE: new mail is handled as it arrives", name_, folder_);
  }
  failures_ = 0;
  return true;  // a cycle looks at what came before this EXAMINE
}

void MailboxWatch::failed(Clock::time_point now, const std::string& why, bool unsupported) {
  idle_.reset();
  ++failures_;
  auto delay = unsupported ? std::chrono::duration_cast<std::chrono::seconds>(kRetryUnsupported)
                           : std::min<std::chrono::seconds>(kMaxRetry, kFirstRetry * (1 << std::min(failures_ - 1, 10)));
  retry_at_ = now + delay;
  if (failures_ == 1) {
    log_.warning("{}: IMAP IDLE unavailable ({}); new mail waits for the next poll (every {}s) until IDLE is back "
                 "(next try in {}s)",
                 name_, why, poll_seconds_, delay.count());
  } else {
    log_.debug("{}: IMAP IDLE still unavailable (attempt {}), retried in {}s: {}", name_, failures_, delay.count(),
               why);
  }
}

}  // namespace ticketd
