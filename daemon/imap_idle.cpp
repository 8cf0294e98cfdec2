#include "daemon/imap_idle.h"

#include <curl/curl.h>

#include <algorithm>

#include "daemon/imap_utf7.h"
#include "daemon/smtp_imap_curl.h"

namespace ticketd {
namespace {

// RFC 2177 3: a server may end an IDLE after 30 minutes of inactivity.
constexpr auto kReIdle = std::chrono::minutes(25);

std::string quoted(const std::string& wire) {
  std::string out = "\"";
  for (char c : wire) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

}  // namespace

ImapIdle::ImapIdle(ImapAccount account) : account_(std::move(account)) {}

ImapIdle::~ImapIdle() {
  if (conn_ && idling_) {
    std::string ignored;
    leave_idle(&ignored);  // so libcurl's LOGOUT on cleanup finds a quiet connection
  }
}

int ImapIdle::socket() const { return conn_ ? conn_->socket() : -1; }

std::string ImapIdle::prefix() const { return url_for_messages(account_.url) + " (" + account_.user + "): idle: "; }

bool ImapIdle::start(const std::string& folder_utf8, std::string* err) {
  conn_ = std::make_unique<CurlStream>();
  idling_ = false;
  std::string wire, why;
  if (!encode_imap_utf7(folder_utf8, &wire, &why)) {
    *err = prefix() + folder_utf8 + ": " + why;
    return false;
  }
  CURL* h = conn_->handle();
  if (!h) {
    *err = prefix() + "libcurl could not start";
    return false;
  }
  const std::string url = url_for_messages(account_.url) + "/";
  set_imap_account_options(h, account_, url, conn_->error_buffer());
  // Connect, TLS, CAPABILITY and LOGIN/AUTHENTICATE, then hand over.
  const CURLcode rc = conn_->connect();
  if (rc != CURLE_OK) {
    *err = prefix() + (rc == CURLE_LOGIN_DENIED ? std::string("login failed")
                                                : describe_curl_failure(rc, conn_->error_buffer()));
    conn_.reset();
    return false;
  }

  std::string untagged;
  if (!command("I" + std::to_string(next_tag_++), "CAPABILITY", &untagged, err)) return false;
  // Capabilities are atoms separated by spaces (RFC 3501 7.2.1).
  std::string caps = " " + protocol_upper(untagged) + " ";
  std::replace(caps.begin(), caps.end(), '\n', ' ');
  supported_ = caps.find(" IDLE ") != std::string::npos;
  if (!supported_) {
    *err = prefix() + "the server does not offer IDLE";
    conn_.reset();
    return false;
  }
  if (!command("I" + std::to_string(next_tag_++), "EXAMINE " + quoted(wire), &untagged, err)) {
    conn_.reset();
    return false;
  }
  if (!enter_idle(err)) {
    conn_.reset();
    return false;
  }
  return true;
}

ImapIdle::Wake ImapIdle::wait(std::chrono::milliseconds timeout, std::string* err) {
  if (!conn_ || !idling_) {
    *err = prefix() + "not started";
    return Wake::failed;
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (std::chrono::steady_clock::now() - idle_since_ >= kReIdle) {
      if (!leave_idle(err) || !enter_idle(err)) return Wake::failed;
    }
    std::string line;
    switch (read_line(std::min(deadline, idle_since_ + kReIdle), &line, err)) {
      case Read::failed:
        idling_ = false;
        return Wake::failed;
      case Read::timeout:
        if (std::chrono::steady_clock::now() >= deadline) return Wake::timeout;
        continue;
      case Read::line:
        break;
    }
    const std::string up = protocol_upper(line);
    if (up.rfind("* BYE", 0) == 0) {
      *err = prefix() + "server closed the connection: " + line.substr(std::min<std::size_t>(line.size(), 6));
      idling_ = false;
      return Wake::failed;
    }
    if (up.rfind("* ", 0) == 0 && up.size() > 7 && up.compare(up.size() - 7, 7, " EXISTS") == 0) return Wake::new_mail;
  }
}

bool ImapIdle::enter_idle(std::string* err) {
  const std::string tag = "I" + std::to_string(next_tag_++);
  if (!send_line(tag + " IDLE", err)) return false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(account_.timeout_seconds);
  for (;;) {
    std::string line;
    Read r = read_line(deadline, &line, err);
    if (r == Read::timeout) *err = prefix() + "no answer to IDLE";
    if (r != Read::line) return false;
    if (line.rfind("+", 0) == 0) break;  // RFC 2177: "+ idling"
    if (line.rfind(tag + " ", 0) == 0) {
      *err = prefix() + "IDLE refused: " + line.substr(tag.size() + 1);
      return false;
    }
    // Untagged data before the continuation: pending news, if any, is
    // pushed back so the next wait() sees it.
    if (protocol_upper(line).find(" EXISTS") != std::string::npos) conn_->unread(line + "\r\n");
  }
  idle_tag_ = tag;
  idling_ = true;
  idle_since_ = std::chrono::steady_clock::now();
  return true;
}

bool ImapIdle::leave_idle(std::string* err) {
  idling_ = false;
  if (!send_line("DONE", err)) return false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(account_.timeout_seconds);
  std::string pending;  // news that came in before the tagged answer
  for (;;) {
    std::string line;
    Read r = read_line(deadline, &line, err);
    if (r == Read::timeout) *err = prefix() + "no answer to DONE";
    if (r != Read::line) return false;
    if (line.rfind(idle_tag_ + " ", 0) == 0) break;
    if (protocol_upper(line).find(" EXISTS") != std::string::npos) pending += line + "\r\n";
  }
  conn_->unread(pending);
  return true;
}

bool ImapIdle::command(const std::string& tag, const std::string& line, std::string* untagged, std::string* err) {
  untagged->clear();
  if (!send_line(tag + " " + line, err)) return false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(account_.timeout_seconds);
  for (;;) {
    std::string reply;
    Read r = read_line(deadline, &reply, err);
    if (r == Read::timeout) *err = prefix() + "no answer to " + line.substr(0, line.find(' '));
    if (r != Read::line) return false;
    if (reply.rfind("* ", 0) == 0) {
      *untagged += reply.substr(2) + "\n";
      continue;
    }
    if (reply.rfind(tag + " ", 0) != 0) continue;
    std::string status = reply.substr(tag.size() + 1);
    if (protocol_upper(status).rfind("OK", 0) == 0) return true;
    *err = prefix() + line.substr(0, line.find(' ')) + ": " + status;
    return false;
  }
}

bool ImapIdle::send_line(const std::string& line, std::string* err) {
  if (conn_->send_all(line + "\r\n", std::chrono::seconds(account_.timeout_seconds), err)) return true;
  *err = prefix() + *err;
  return false;
}

ImapIdle::Read ImapIdle::read_line(std::chrono::steady_clock::time_point deadline, std::string* line,
                                   std::string* err) {
  const Read r = conn_->read_line(deadline, line, err);
  if (r == Read::failed) *err = prefix() + *err;
  return r;
}

}  // namespace ticketd
