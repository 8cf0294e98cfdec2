// ImapIdle: waits for new mail in one folder with IMAP IDLE (RFC 2177), so a
// customer's mail is handled within a second instead of at the next poll.
//
// libcurl has no IDLE command. With CURLOPT_CONNECT_ONLY it connects, does
// STARTTLS/TLS and logs in, then hands the connection back; this class talks
// IMAP on it itself (curl_easy_send/curl_easy_recv, which keep TLS working):
// EXAMINE the folder (read-only: \Recent and flags stay as they are), IDLE,
// and DONE + IDLE again every 25 minutes (RFC 2177: servers may drop an IDLE
// after 30). The connection is separate from ImapSession's, which fetches
// and flags: IDLE only says "look now".
//
// A wake-up is an untagged EXISTS: the folder grew. Flag changes (including
// our own $Ticketd from the ImapSession connection) and expunges do not wake.
// A wake-up that comes while nobody is in wait() is kept on the socket and
// returned by the next wait(): new mail is never missed between two waits.
//
// When the server lacks IDLE, start() fails and supported() is false: the
// caller polls instead. Errors name the server like ImapSession's and never
// contain the password.
//
// Not thread-safe; one ImapIdle per watched folder.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "daemon/curl_stream.h"
#include "daemon/imap_session.h"

namespace ticketd {

class ImapIdle {
 public:
  enum class Wake { new_mail, timeout, failed };

  explicit ImapIdle(ImapAccount account);
  ~ImapIdle();  // DONE and LOGOUT if still connected
  ImapIdle(const ImapIdle&) = delete;
  ImapIdle& operator=(const ImapIdle&) = delete;

  // Connects, logs in, EXAMINEs the folder and enters IDLE.
  bool start(const std::string& folder_utf8, std::string* err);

  // Blocks until new mail, `timeout`, or a failure (connection lost, server
  // said BYE): then *err says what, and start() must be called again.
  Wake wait(std::chrono::milliseconds timeout, std::string* err);

  // False after start() found a server without the IDLE capability.
  bool supported() const { return supported_; }

  // The socket, for a caller that polls several mailboxes at once (readable:
  // call wait() with a zero timeout). -1 when not started.
  int socket() const;

 private:
  using Read = CurlStream::Read;

  Read read_line(std::chrono::steady_clock::time_point deadline, std::string* line, std::string* err);
  bool send_line(const std::string& line, std::string* err);
  bool command(const std::string& tag, const std::string& line, std::string* untagged, std::string* err);
  bool enter_idle(std::string* err);
  bool leave_idle(std::string* err);
  std::string prefix() const;

  ImapAccount account_;
  std::unique_ptr<CurlStream> conn_;  // null until start()
  bool supported_ = true;
  bool idling_ = false;
  std::string idle_tag_;  // tag of the IDLE in progress, answered after DONE
  std::chrono::steady_clock::time_point idle_since_;
  int next_tag_ = 1;
};

}  // namespace ticketd
