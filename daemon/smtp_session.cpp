#include "daemon/smtp_session.h"

#include <curl/curl.h>

#include <algorithm>
#include <cstring>

#include <unistd.h>

#include "daemon/smtp_imap_curl.h"

namespace ticketd {
namespace {

// One SMTP reply line as libcurl's debug callback hands it over: "250-..."
// continues a multi-line reply, "250 ..." ends it (RFC 5321 4.2.1).
struct ReplyLine {
  int code = 0;
  bool last = false;
  std::string text;
};

bool parse_reply_line(std::string_view line, ReplyLine* out) {
  if (line.size() < 3 || !std::all_of(line.begin(), line.begin() + 3, [](char c) { return c >= '0' && c <= '9'; }))
    return false;
  out->code = std::stoi(std::string(line.substr(0, 3)));
  out->last = line.size() == 3 || line[3] == ' ';
  out->text = std::string(trim_line_end(line.size() > 4 ? line.substr(4) : std::string_view()));
  return true;
}

// True for an address we can put between "<" and ">" without letting it
// change the command (no CR/LF, no brackets, printable).
bool safe_envelope_address(const std::string& a) {
  return std::none_of(a.begin(), a.end(), [](char c) {
    return c == '\r' || c == '\n' || c == '<' || c == '>' || c == '\0' || c == ' ';
  });
}

// RFC 5321 2.3.8: lines end in CRLF on the wire; the outbox may hold LF.
std::string with_crlf(const std::string& data) {
  std::string out;
  out.reserve(data.size() + data.size() / 40 + 2);
  for (std::size_t i = 0; i < data.size(); ++i) {
    if (data[i] == '\n' && (i == 0 || data[i - 1] != '\r')) out.push_back('\r');
    out.push_back(data[i]);
  }
  return out;
}

std::string ehlo_name(const std::string& configured) {
  if (!configured.empty()) return configured;
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0 || !*host) return "localhost";
  return host;
}

}  // namespace

// What one transfer said, command by command, as far as the outcome needs:
// the verb being answered and the final reply to it. AUTH payloads are never
// kept (only known verbs are recorded; anything else is part of AUTH).
struct SmtpSession::Curl {
  CURL* easy = nullptr;
  char error[CURL_ERROR_SIZE] = {};

  std::string verb;            // command the next reply answers: MAIL, RCPT, DATA, ...
  std::string rcpt;            // the address of the RCPT being answered
  int last_code = 0;           // last final reply in this transfer
  std::string last_verb;       // ... and the command it answered
  std::string last_text;
  std::string pending_text;    // multi-line reply text so far
  std::vector<SendResult::Refused> rcpt_replies;  // every RCPT, accepted or not
  std::string upload;
  std::size_t upload_at = 0;

  ~Curl() {
    if (easy) curl_easy_cleanup(easy);
  }

  void reset_transcript() {
    verb.clear();
    rcpt.clear();
    last_code = 0;
    last_verb.clear();
    last_text.clear();
    pending_text.clear();
    rcpt_replies.clear();
  }

  void on_command(std::string_view line) {
    static constexpr std::string_view kVerbs[] = {"EHLO", "HELO", "STARTTLS", "AUTH", "MAIL",
                                                  "RCPT", "DATA", "RSET", "QUIT", "NOOP"};
    std::string upper;
    for (char c : line.substr(0, std::min<std::size_t>(line.size(), 8))) upper.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    for (std::string_view v : kVerbs) {
      if (upper.rfind(v, 0) == 0) {
        verb = std::string(v);
        if (verb == "RCPT") {
          auto open = line.find('<'), close = line.rfind('>');
          rcpt = open != std::string_view::npos && close != std::string_view::npos && close > open
                     ? std::string(line.substr(open + 1, close - open - 1))
                     : std::string();
        }
        return;
      }
    }
    // An AUTH continuation (base64 credentials) or the end-of-data dot:
    // keep the verb, never the line.
  }

  void on_reply(std::string_view line) {
    ReplyLine reply;
    if (!parse_reply_line(line, &reply)) return;
    if (!pending_text.empty()) pending_text += ' ';
    pending_text += reply.text;
    if (!reply.last) return;
    // libcurl says QUIT after a failed transaction; "221 Bye" must not hide
    // the reply that failed it.
    if (verb == "QUIT") return;
    last_code = reply.code;
    last_verb = verb.empty() ? std::string("greeting") : verb;
    last_text = pending_text.size() > 300 ? pending_text.substr(0, 300) + "..." : pending_text;
    pending_text.clear();
    if (verb == "RCPT") rcpt_replies.push_back({rcpt, reply.code, last_text});
    if (verb == "DATA" && reply.code == 354) verb = "end of data";
  }

  static int debug(CURL*, curl_infotype type, char* data, size_t size, void* self) {
    return dispatch_protocol_lines(type, data, size, static_cast<Curl*>(self));
  }

  static size_t read(char* buffer, size_t size, size_t nitems, void* self) {
    auto* c = static_cast<Curl*>(self);
    std::size_t n = std::min(size * nitems, c->upload.size() - c->upload_at);
    std::memcpy(buffer, c->upload.data() + c->upload_at, n);
    c->upload_at += n;
    return n;
  }
};

SmtpSession::SmtpSession(SmtpAccount account) : account_(std::move(account)), curl_(std::make_unique<Curl>()) {
  curl_->easy = curl_easy_init();
  // Asked once: gethostname() is a system call, and send() runs per mail.
  account_.ehlo_name = ehlo_name(account_.ehlo_name);
}

SmtpSession::~SmtpSession() = default;

SendResult SmtpSession::send(const std::string& envelope_from, const std::vector<std::string>& recipients,
                             const std::string& data) {
  const std::string where = url_for_messages(account_.url);
  SendResult result;
  auto fail = [&](SendResult::Outcome outcome, int code, std::string detail) {
    result.outcome = outcome;
    result.smtp_code = code;
    result.detail = where + ": " + detail;
    return result;
  };
  if (!curl_->easy) return fail(SendResult::Outcome::temporary_failure, 0, "libcurl could not start");
  if (recipients.empty()) return fail(SendResult::Outcome::permanent_failure, 0, "no recipients");
  if (!safe_envelope_address(envelope_from))
    return fail(SendResult::Outcome::permanent_failure, 0, "refusing envelope sender with unsafe characters");
  for (const auto& r : recipients) {
    if (r.empty() || !safe_envelope_address(r))
      return fail(SendResult::Outcome::permanent_failure, 0, "refusing recipient with unsafe characters");
  }

  CurlList rcpts;
  for (const auto& r : recipients) rcpts.append("<" + r + ">");
  curl_->upload = with_crlf(data);
  const std::string from = "<" + envelope_from + ">";

  // libcurl takes the EHLO name from the URL path (smtp://host/name) and
  // says "EHLO null" without one; RFC 5321 4.1.1.1 wants our FQDN.
  const std::string url = url_for_messages(account_.url) + "/" + account_.ehlo_name;
  CURL* h = curl_->easy;
  CURLcode rc = CURLE_OK;
  for (int attempt = 1;; ++attempt) {
    curl_easy_reset(h);  // keeps the live connection; clears the last transfer's options
    curl_->reset_transcript();
    curl_->upload_at = 0;
    curl_->error[0] = '\0';
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, curl_->error);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, account_.timeout_seconds);
    curl_easy_setopt(h, CURLOPT_SERVER_RESPONSE_TIMEOUT, account_.timeout_seconds);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, account_.timeout_seconds);
    curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
    set_tls_policy(h, account_.verify_tls, account_.require_tls);
    if (!account_.password.empty()) {
      curl_easy_setopt(h, CURLOPT_USERNAME, account_.user.c_str());
      curl_easy_setopt(h, CURLOPT_PASSWORD, account_.password.c_str());
    }
    curl_easy_setopt(h, CURLOPT_MAIL_FROM, from.c_str());
    curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpts.get());
    // Since 7.69: go on with the recipients the server accepted instead of
    // failing the whole mail on the first refused one; the refused ones are
    // read from the transcript.
    curl_easy_setopt(h, CURLOPT_MAIL_RCPT_ALLLOWFAILS, 1L);
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(curl_->upload.size()));
    curl_easy_setopt(h, CURLOPT_READFUNCTION, &Curl::read);
    curl_easy_setopt(h, CURLOPT_READDATA, curl_.get());
    // The transcript comes from the debug callback (VERBOSE only switches it
    // on; nothing is printed).
    curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, &Curl::debug);
    curl_easy_setopt(h, CURLOPT_DEBUGDATA, curl_.get());
    curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);

    rc = curl_easy_perform(h);
    long connects = 0;
    curl_easy_getinfo(h, CURLINFO_NUM_CONNECTS, &connects);
    connections_opened_ += connects;
    curl_easy_setopt(h, CURLOPT_MAIL_RCPT, nullptr);  // rcpts dies with this call

    for (const auto& r : curl_->rcpt_replies) {
      if (r.smtp_code >= 400) result.refused.push_back(r);
    }
    if (rc == CURLE_OK) {
      result.outcome = SendResult::Outcome::sent;
      result.smtp_code = curl_->last_code;
      result.detail = where + ": " + std::to_string(curl_->last_code) + " " + curl_->last_text;
      return result;
    }
    // A reused connection the server had dropped in the meantime (idle
    // timeout, restart): nothing was said in this transfer, so nothing was
    // accepted; one retry on a fresh connection is safe.
    if (curl_->last_code == 0 && connects == 0 && attempt == 1 &&
        (rc == CURLE_SEND_ERROR || rc == CURLE_RECV_ERROR || rc == CURLE_GOT_NOTHING)) {
      result.refused.clear();
      continue;
    }
    break;
  }

  const int code = curl_->last_code;
  const std::string& verb = curl_->last_verb;

  // Every recipient refused: permanent only if every refusal was.
  if (verb == "RCPT" && !result.refused.empty() && result.refused.size() == curl_->rcpt_replies.size()) {
    const auto temp = std::find_if(result.refused.begin(), result.refused.end(),
                                   [](const SendResult::Refused& r) { return r.temporary(); });
    const auto& decisive = temp != result.refused.end() ? *temp : result.refused.front();
    return fail(temp != result.refused.end() ? SendResult::Outcome::temporary_failure
                                             : SendResult::Outcome::permanent_failure,
                decisive.smtp_code,
                "RCPT <" + decisive.recipient + ">: " + std::to_string(decisive.smtp_code) + " " + decisive.reply);
  }
  if (code >= 400) {
    const std::string what = verb + ": " + std::to_string(code) + " " + curl_->last_text;
    // 530/534/535/538 (RFC 4954 6): the server wants a (different) login.
    // That is the admin's to fix; the mail itself is fine and stays queued.
    if (verb == "AUTH" || code == 530 || code == 534 || code == 535 || code == 538)
      return fail(SendResult::Outcome::temporary_failure, code, "login failed as " + account_.user + ": " + what);
    if (verb == "STARTTLS" || code < 500) return fail(SendResult::Outcome::temporary_failure, code, what);
    return fail(SendResult::Outcome::permanent_failure, code, what);
  }
  // No failing SMTP reply: the connection, TLS or the server's silence.
  return fail(SendResult::Outcome::temporary_failure, 0, describe_curl_failure(rc, curl_->error));
}

bool SmtpSession::check(std::string* err) {
  const std::string where = url_for_messages(account_.url);
  if (!curl_->easy) {
    *err = where + ": libcurl could not start";
    return false;
  }
  const std::string url = where + "/" + account_.ehlo_name;
  CURL* h = curl_->easy;
  curl_easy_reset(h);
  curl_->reset_transcript();
  curl_->error[0] = '\0';
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, curl_->error);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, account_.timeout_seconds);
  curl_easy_setopt(h, CURLOPT_SERVER_RESPONSE_TIMEOUT, account_.timeout_seconds);
  set_tls_policy(h, account_.verify_tls, account_.require_tls);
  if (!account_.password.empty()) {
    curl_easy_setopt(h, CURLOPT_USERNAME, account_.user.c_str());
    curl_easy_setopt(h, CURLOPT_PASSWORD, account_.password.c_str());
  }
  // Without MAIL FROM, recipients or an upload, libcurl sends the custom
  // command on its own after EHLO (and AUTH): "NOOP" (RFC 5321 4.1.1.9).
  curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, "NOOP");
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, +[](char*, size_t size, size_t n, void*) { return size * n; });
  curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, &Curl::debug);
  curl_easy_setopt(h, CURLOPT_DEBUGDATA, curl_.get());
  curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);
  CURLcode rc = curl_easy_perform(h);
  long connects = 0;
  curl_easy_getinfo(h, CURLINFO_NUM_CONNECTS, &connects);
  connections_opened_ += connects;
  curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, nullptr);
  if (rc == CURLE_OK && curl_->last_code == 250) return true;
  if (curl_->last_code >= 400) {
    const std::string what = curl_->last_verb + ": " + std::to_string(curl_->last_code) + " " + curl_->last_text;
    *err = where + ": " + (curl_->last_verb == "AUTH" ? "login failed as " + account_.user + ": " + what : what);
  } else {
    *err = where + ": " + describe_curl_failure(rc, curl_->error);
  }
  return false;
}

}  // namespace ticketd
