// The "send" stage: mails queued in the outbox go out over one reused SMTP
// connection. A mail is marked sent only after the server accepted it (noted
// in the store's sent journal at once, its row marked with the pass's others
// in one transaction at the end of the pass, store/sent_journal.h); a
// temporary failure (4xx, connection trouble) is retried with exponential
// backoff and jitter; a permanent failure (5xx) or too many attempts marks it
// failed, visible in `ticketd outbox list`. No row is ever deleted. A crash
// mid-send resends at most the mail in flight, with the same bytes and
// Message-ID, so the receiving client shows it once.
#pragma once

#include <cstdint>
#include <random>

#include "daemon/config.h"
#include "daemon/log.h"

namespace ticketd {

class Store;
class SmtpSession;

struct OutboxRun {
  int sent = 0;
  int retried = 0;
  int failed = 0;
  bool server_unreachable = false;  // stopped early: the next mails would fail the same way
};

// Seconds to wait before attempt number `attempts + 1`, given `attempts`
// failures so far: first_retry * 2^(attempts-1), capped, +-20% jitter so
// many queued mails do not hit a recovering server at once.
std::int64_t retry_delay(int attempts, const OutboxConfig& config, std::mt19937_64& random);

OutboxRun send_due_mail(Store& store, SmtpSession& smtp, const OutboxConfig& config, Log& log, std::int64_t now,
                        std::mt19937_64& random);

}  // namespace ticketd
