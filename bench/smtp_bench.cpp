// smtp_bench: mails per second sent through SmtpSession (daemon/smtp_session.h)
// to one SMTP server, with the connection reused from mail to mail (what the
// outbox worker does: send_each(), pipelined when the server offers it)
// beside a new session -- a new TCP connection, greeting and EHLO -- for
// every mail, in the same run. Issue 5, last bullet.
//
//   smtp_bench URL FROM TO [--mails N] [--json]
//
// Each mode sends N copies of a ~2 KB acknowledgement-sized mail (distinct
// Message-IDs). Wall time: the server side (delivery) is part of what is
// measured. Exit 1 when a send fails (the figures would be meaningless).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "daemon/smtp_session.h"

namespace {

struct ModeResult {
  int mails = 0;
  double seconds = 0;
  long connections = 0;
};

std::string make_mail(const std::string& from, const std::string& to, int i) {
  std::string mail = "From: Example Support <" + from + ">\r\nTo: <" + to +
                     ">\r\nSubject: [#" + std::to_string(1000 + i) +
                     "] We received your request\r\nMessage-ID: <bench-" + std::to_string(i) +
                     "@bench.example>\r\nAuto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n"
                     "Content-Type: text/plain; charset=utf-8\r\n\r\n";
  while (mail.size() < 2048) {
    mail += "Thank you for writing to us. Your ticket number is in the subject; reply to this mail to add to it.\r\n";
  }
  return mail;
}

bool run_mode(const std::string& url, const std::string& from, const std::string& to, int mails, bool reuse,
              int offset, ModeResult* out) {
  ticketd::SmtpAccount account;
  account.url = url;
  account.ehlo_name = "bench.example";
  std::vector<std::string> bodies;
  for (int i = 0; i < mails; ++i) bodies.push_back(make_mail(from, to, offset + i));
  const std::vector<std::string> recipients{to};
  auto start = std::chrono::steady_clock::now();
  ticketd::SmtpSession shared(account);
  bool all_sent = true;
  auto check = [&](int i, const ticketd::SendResult& result) {
    if (result.outcome == ticketd::SendResult::Outcome::sent) return true;
    std::fprintf(stderr, "smtp_bench: mail %d: %s\n", i, result.detail.c_str());
    all_sent = false;
    return false;
  };
  if (reuse) {
    // As the outbox sends a pass: send_each(), pipelined when offered.
    std::vector<ticketd::SmtpSession::MailToSend> batch;
    for (const auto& body : bodies) batch.push_back({from, &recipients, body});
    shared.send_each(batch, [&](std::size_t i, const ticketd::SendResult& r) { return check(static_cast<int>(i), r); });
  } else {
    for (int i = 0; i < mails && all_sent; ++i) {
      ticketd::SmtpSession fresh(account);
      check(i, fresh.send(from, recipients, bodies[i]));
      out->connections += fresh.connections_opened();
    }
  }
  if (!all_sent) return false;
  out->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  out->mails = mails;
  if (reuse) out->connections = shared.connections_opened();
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> positional;
  int mails = 200;
  bool json = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--mails" && i + 1 < argc) {
      mails = std::atoi(argv[++i]);
    } else if (arg == "--json") {
      json = true;
    } else {
      positional.push_back(arg);
    }
  }
  if (positional.size() != 3 || mails <= 0) {
    std::fprintf(stderr, "usage: smtp_bench URL FROM TO [--mails N] [--json]\n");
    return 2;
  }
  ModeResult reused, fresh;
  if (!run_mode(positional[0], positional[1], positional[2], mails, true, 0, &reused)) return 1;
  if (!run_mode(positional[0], positional[1], positional[2], mails, false, mails, &fresh)) return 1;
  if (json) {
    std::printf(
        "{\"reuse\": {\"mails\": %d, \"seconds\": %.6f, \"connections\": %ld}, "
        "\"per_mail\": {\"mails\": %d, \"seconds\": %.6f, \"connections\": %ld}}\n",
        reused.mails, reused.seconds, reused.connections, fresh.mails, fresh.seconds, fresh.connections);
  } else {
    std::printf("%-22s %8s %10s %12s\n", "", "mails", "mails/s", "connections");
    std::printf("%-22s %8d %10.1f %12ld\n", "one reused connection", reused.mails, reused.mails / reused.seconds,
                reused.connections);
    std::printf("%-22s %8d %10.1f %12ld\n", "one connection a mail", fresh.mails, fresh.mails / fresh.seconds,
                fresh.connections);
  }
  return 0;
}
