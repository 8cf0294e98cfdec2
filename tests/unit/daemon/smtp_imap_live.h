// Shared by the [live] test cases: the real servers' coordinates, which
// tests/integration/test_transport.py passes in the environment after
// starting tests/harness/mailservers.py. Run by hand:
//   /usr/bin/python3 tests/integration/test_transport.py
// (TICKETD_DAEMON_TESTS names the daemon_tests binary).
#pragma once

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <string>

#include <unistd.h>

#include "daemon/imap_session.h"
#include "daemon/smtp_session.h"

namespace ticketd::live {

inline std::string env(const char* name) {
  const char* value = std::getenv(name);
  if (!value || !*value) {
    FAIL(std::string(name) + " is not set: [live] tests run from tests/integration/test_transport.py");
  }
  return value;
}

inline std::string domain() { return env("TICKETD_LIVE_DOMAIN"); }

inline ImapAccount imap_account(const char* url_var = "TICKETD_LIVE_IMAP_URL") {
  ImapAccount a;
  a.url = env(url_var);
  a.user = env("TICKETD_LIVE_USER");
  a.password = env("TICKETD_LIVE_PASSWORD");
  return a;
}

inline ImapAccount peer_imap_account() {
  ImapAccount a = imap_account();
  a.user = env("TICKETD_LIVE_PEER");
  a.password = env("TICKETD_LIVE_PEER_PASSWORD");
  return a;
}

inline SmtpAccount smtp_account(const char* url_var = "TICKETD_LIVE_SMTP_URL") {
  SmtpAccount a;
  a.url = env(url_var);
  return a;
}

// A name no other test case (or earlier run on the same servers) uses.
inline std::string unique(const std::string& stem) {
  static std::atomic<int> counter{0};
  auto now = std::chrono::steady_clock::now().time_since_epoch().count();
  return stem + "-" + std::to_string(::getpid()) + "-" + std::to_string(now % 1000000007) + "-" +
         std::to_string(++counter);
}

inline std::string mail(const std::string& subject, const std::string& body = "Hello.\r\n",
                        const std::string& to = "support@example.test") {
  return "From: Alice <alice@example.test>\r\nTo: " + to + "\r\nSubject: " + subject +
         "\r\nMessage-ID: <" + subject + "@example.test>\r\nMIME-Version: 1.0\r\n"
         "Content-Type: text/plain; charset=utf-8\r\n\r\n" + body;
}

}  // namespace ticketd::live
