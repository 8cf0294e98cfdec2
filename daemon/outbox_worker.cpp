#include "daemon/outbox_worker.h"

#include <algorithm>
#include <cmath>

#include "daemon/smtp_session.h"
#include "store/store.h"

namespace ticketd {

std::int64_t retry_delay(int attempts, const OutboxConfig& config, std::mt19937_64& random) {
  int exponent = std::clamp(attempts - 1, 0, 30);
  double base = static_cast<double>(config.first_retry_seconds) * std::ldexp(1.0, exponent);
  base = std::min(base, static_cast<double>(config.max_retry_seconds));
  std::uniform_real_distribution<double> jitter(0.8, 1.2);
  return std::max<std::int64_t>(1, static_cast<std::int64_t>(base * jitter(random)));
}

OutboxRun send_due_mail(Store& store, SmtpSession& smtp, const OutboxConfig& config, Log& log, std::int64_t now,
                        std::mt19937_64& random) {
  OutboxRun run;
  // Mails noted sent and not yet marked (a killed process's) are marked
  // first, so none of them is due again.
  store.fold_sent_journal();
  const std::vector<OutboxMail> due = store.due_outbox(now, config.batch);
  std::vector<SmtpSession::MailToSend> wire;
  wire.reserve(due.size());
  for (const auto& mail : due) wire.push_back({mail.envelope_from, &mail.recipients, mail.data});
  // One after another on the kept connection, pipelined when the server
  // allows; each outcome is recorded before the next mail's data goes out.
  smtp.send_each(wire, [&](std::size_t index, const SendResult& result) {
    const OutboxMail& mail = due[index];
    std::string to = mail.recipients.empty() ? std::string("(nobody)") : mail.recipients.front();
    int attempts = mail.attempts + 1;
    switch (result.outcome) {
      case SendResult::Outcome::sent:
        // Noted at once, marked with the pass's others below: one commit per
        // mail waited for intake's write lock (store/sent_journal.h).
        store.note_sent(mail.id, now);
        ++run.sent;
        log.info("sent outbox #{} ({}) <{}> to {}", mail.id, mail.kind, mail.message_id, to);
        break;
      case SendResult::Outcome::permanent_failure:
        store.outbox_failed(mail.id, result.detail);
        ++run.failed;
        log.error("outbox #{} to {} failed permanently: {}", mail.id, to, result.detail);
        break;
      case SendResult::Outcome::temporary_failure:
        if (attempts >= config.max_attempts) {
          store.outbox_failed(mail.id, fmt::format("gave up after {} attempts: {}", attempts, result.detail));
          ++run.failed;
          log.error("outbox #{} to {} failed after {} attempts: {}", mail.id, to, attempts, result.detail);
        } else {
          std::int64_t delay = retry_delay(attempts, config, random);
          store.outbox_retry_later(mail.id, now + delay, result.detail);
          ++run.retried;
          log.warning("outbox #{} to {} not sent (attempt {}), retrying in {}s: {}", mail.id, to, attempts, delay,
                      result.detail);
        }
        if (result.smtp_code == 0) {
          // No SMTP answer at all: the server is down; spare the rest of the
          // queue an attempt each (they keep their due time and go next cycle).
          run.server_unreachable = true;
        }
        break;
    }
    return !run.server_unreachable;
  });
  store.fold_sent_journal();
  return run;
}

}  // namespace ticketd
