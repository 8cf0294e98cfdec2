// CurlStream: a connection that libcurl opened (TCP, TLS or STARTTLS, the
// greeting and the login, as CURLOPT_CONNECT_ONLY does) and then handed to
// us, to speak the protocol ourselves line by line. ImapIdle speaks IDLE on
// one (libcurl has no IDLE); SmtpSession speaks SMTP with PIPELINING on one
// (libcurl's SMTP client waits for every reply before the next command).
//
// curl_easy_send/curl_easy_recv keep TLS working; this class adds what both
// owners need around them: whole sends, line reads with a deadline, a
// buffer of what was read but not yet consumed, and a way to drop a
// connection without waiting for a server that stopped answering.
//
// Errors are bare words ("connection closed by the server", "timed out
// sending"): the owner puts its server's name in front.
//
// Not thread-safe; owned by one session.
#pragma once

#include <curl/curl.h>

#include <chrono>
#include <string>
#include <string_view>

namespace ticketd {

class CurlStream {
 public:
  using Clock = std::chrono::steady_clock;
  enum class Read { line, timeout, failed };

  // A fresh easy handle; set the protocol's options on handle(), then
  // connect().
  CurlStream();
  // curl_easy_cleanup: libcurl says goodbye (QUIT, LOGOUT) on a connection
  // that is still open, so leave it quiet (every reply read) or abandon() it.
  ~CurlStream();
  CurlStream(const CurlStream&) = delete;
  CurlStream& operator=(const CurlStream&) = delete;

  // Null when libcurl could not start.
  CURL* handle() const { return easy_; }
  // CURLOPT_ERRORBUFFER for handle(): CURL_ERROR_SIZE bytes, lives as long
  // as this object.
  char* error_buffer() { return error_; }

  // Connects and logs in with the options set on handle(), then hands the
  // connection over. Describe a failure with describe_curl_failure(code,
  // error_buffer()).
  CURLcode connect();
  bool connected() const { return socket_ != CURL_SOCKET_BAD; }
  int socket() const { return static_cast<int>(socket_); }

  // Sends all of `data`. `stall` bounds each wait for the socket to take
  // more (a slow link is fine as long as it moves).
  bool send_all(std::string_view data, std::chrono::milliseconds stall, std::string* err);

  // The next line without its CR LF. Read::timeout leaves the connection
  // usable; Read::failed (closed, broken, a line over 1 MB) does not.
  Read read_line(Clock::time_point deadline, std::string* line, std::string* err);

  // Puts text back in front of what read_line() returns next.
  void unread(std::string_view text) { buffer_.insert(0, text); }

  // True when the server said something or closed the connection while
  // nobody asked (an idle timeout's "421", an EOF): the connection is not
  // fit to start a new exchange on. Never blocks.
  bool spoke_unasked();

  // Shuts the socket down, so that the goodbye libcurl sends at cleanup
  // fails at once instead of waiting for the server.
  void abandon();

 private:
  CURL* easy_ = nullptr;
  char error_[CURL_ERROR_SIZE] = {};
  curl_socket_t socket_ = CURL_SOCKET_BAD;
  std::string buffer_;  // received, not yet consumed
};

}  // namespace ticketd
