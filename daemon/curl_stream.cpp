#include "daemon/curl_stream.h"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>

#include "daemon/smtp_imap_curl.h"

namespace ticketd {
namespace {

constexpr std::size_t kMaxLine = 1 << 20;

int millis_until(CurlStream::Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - CurlStream::Clock::now());
  return static_cast<int>(std::clamp<std::int64_t>(left.count(), 0, 1 << 30));
}

}  // namespace

CurlStream::CurlStream() : easy_(curl_easy_init()) {}

CurlStream::~CurlStream() {
  if (easy_) curl_easy_cleanup(easy_);
}

CURLcode CurlStream::connect() {
  if (!easy_) return CURLE_FAILED_INIT;
  curl_easy_setopt(easy_, CURLOPT_CONNECT_ONLY, 1L);
  const CURLcode rc = curl_easy_perform(easy_);
  if (rc == CURLE_OK) curl_easy_getinfo(easy_, CURLINFO_ACTIVESOCKET, &socket_);
  return rc;
}

bool CurlStream::send_all(std::string_view data, std::chrono::milliseconds stall, std::string* err) {
  std::size_t at = 0;
  while (at < data.size()) {
    size_t sent = 0;
    CURLcode rc = curl_easy_send(easy_, data.data() + at, data.size() - at, &sent);
    if (rc == CURLE_AGAIN) {
      pollfd p{socket(), POLLOUT, 0};
      if (::poll(&p, 1, static_cast<int>(stall.count())) == 0) {
        *err = "timed out sending";
        return false;
      }
      continue;
    }
    if (rc != CURLE_OK) {
      *err = describe_curl_failure(rc, nullptr);
      return false;
    }
    at += sent;
  }
  return true;
}

CurlStream::Read CurlStream::read_line(Clock::time_point deadline, std::string* line, std::string* err) {
  for (;;) {
    std::size_t end = buffer_.find('\n');
    if (end != std::string::npos) {
      *line = std::string(trim_line_end(std::string_view(buffer_).substr(0, end)));
      buffer_.erase(0, end + 1);
      return Read::line;
    }
    if (buffer_.size() > kMaxLine) {
      *err = "server line longer than 1 MB";
      return Read::failed;
    }
    char chunk[16384];
    size_t got = 0;
    // Ask libcurl first: with TLS, data may wait in its buffers while the
    // socket itself is quiet.
    CURLcode rc = curl_easy_recv(easy_, chunk, sizeof chunk, &got);
    if (rc == CURLE_OK && got == 0) {
      *err = "connection closed by the server";
      return Read::failed;
    }
    if (rc == CURLE_OK) {
      buffer_.append(chunk, got);
      continue;
    }
    if (rc != CURLE_AGAIN) {
      *err = describe_curl_failure(rc, nullptr);
      return Read::failed;
    }
    pollfd p{socket(), POLLIN, 0};
    int ready = ::poll(&p, 1, millis_until(deadline));
    if (ready == 0) return Read::timeout;
    if (ready < 0 && errno != EINTR) {
      *err = "poll failed";
      return Read::failed;
    }
  }
}

bool CurlStream::spoke_unasked() {
  if (!connected()) return true;
  if (!buffer_.empty()) return true;
  pollfd p{socket(), POLLIN, 0};
  if (::poll(&p, 1, 0) == 0) return false;
  // Readable: text, an EOF, an error, or only TLS's own records (a TLS 1.3
  // session ticket comes after the handshake), which libcurl consumes and
  // answers with CURLE_AGAIN.
  char chunk[4096];
  size_t got = 0;
  CURLcode rc = curl_easy_recv(easy_, chunk, sizeof chunk, &got);
  if (rc == CURLE_AGAIN) return false;
  if (rc == CURLE_OK) buffer_.append(chunk, got);
  return true;
}

void CurlStream::abandon() {
  if (connected()) ::shutdown(socket(), SHUT_RDWR);
}

}  // namespace ticketd
