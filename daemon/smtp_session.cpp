#include "daemon/smtp_session.h"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <optional>

#include <unistd.h>

#include "daemon/curl_stream.h"
#include "daemon/smtp_imap_curl.h"
#include "daemon/smtp_wire.h"

namespace ticketd {
namespace {

std::string ehlo_name(const std::string& configured) {
  if (!configured.empty()) return configured;
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0 || !*host) return "localhost";
  return host;
}

}  // namespace

// One open, logged-in connection and what its server offers. The
// transcript is declared first so that it outlives the stream, whose
// cleanup may still call the debug callback.
struct SmtpSession::Connection {
  ConnectTranscript said;
  CurlStream stream;
  bool pipelining = false;  // RFC 2920
  bool size = false;        // RFC 1870
  bool smtputf8 = false;    // RFC 6531
  std::chrono::milliseconds timeout{60000};

  // The next whole reply; false (and `err`) when none came.
  bool read_reply(SmtpReply* reply, std::string* err) {
    const auto deadline = CurlStream::Clock::now() + timeout;
    reply->code = 0;
    reply->text.clear();
    for (;;) {
      std::string line;
      switch (stream.read_line(deadline, &line, err)) {
        case CurlStream::Read::timeout:
          *err = "timed out waiting for the server's reply";
          return false;
        case CurlStream::Read::failed:
          return false;
        case CurlStream::Read::line:
          break;
      }
      SmtpReplyLine part;
      if (!parse_smtp_reply_line(line, &part)) {
        *err = "not an SMTP reply: " + cut_for_logs(line);
        return false;
      }
      add_smtp_reply_text(&reply->text, part.text);
      if (part.last) {
        reply->code = part.code;
        reply->text = cut_for_logs(std::move(reply->text));
        return true;
      }
    }
  }

  bool command(const std::string& line, SmtpReply* reply, std::string* err) {
    return stream.send_all(line + "\r\n", timeout, err) && read_reply(reply, err);
  }
};

SmtpSession::SmtpSession(SmtpAccount account)
    : account_(std::move(account)), where_(url_for_messages(account_.url)) {
  // Asked once: gethostname() is a system call, and send() runs per mail.
  account_.ehlo_name = ehlo_name(account_.ehlo_name);
}

SmtpSession::~SmtpSession() = default;

void SmtpSession::drop_connection() {
  if (conn_) conn_->stream.abandon();
  conn_.reset();
}

bool SmtpSession::open_connection(SendResult* failure) {
  auto c = std::make_unique<Connection>();
  c->timeout = std::chrono::seconds(account_.timeout_seconds);
  CURL* h = c->stream.handle();
  if (!h) {
    *failure = connection_failure(where_, "libcurl could not start");
    return false;
  }
  // libcurl takes the EHLO name from the URL path (smtp://host/name) and
  // says "EHLO null" without one; RFC 5321 4.1.1.1 wants our FQDN.
  const std::string url = where_ + "/" + account_.ehlo_name;
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, c->stream.error_buffer());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, account_.timeout_seconds);
  curl_easy_setopt(h, CURLOPT_SERVER_RESPONSE_TIMEOUT, account_.timeout_seconds);
  curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
  set_tls_policy(h, account_.verify_tls, account_.require_tls);
  if (!account_.password.empty()) {
    curl_easy_setopt(h, CURLOPT_USERNAME, account_.user.c_str());
    curl_easy_setopt(h, CURLOPT_PASSWORD, account_.password.c_str());
  }
  // The greeting, EHLO and AUTH replies come from the debug callback
  // (VERBOSE only switches it on; nothing is printed).
  curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, &ConnectTranscript::debug);
  curl_easy_setopt(h, CURLOPT_DEBUGDATA, &c->said);
  curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);
  const CURLcode rc = c->stream.connect();
  long connects = 0;
  curl_easy_getinfo(h, CURLINFO_NUM_CONNECTS, &connects);
  connections_opened_ += connects;
  if (rc != CURLE_OK) {
    const ConnectTranscript& said = c->said;
    *failure = said.last_code >= 400
                   ? classified_failure(where_, account_.user, said.last_verb, said.last_code, said.last_text)
                   : connection_failure(where_, describe_curl_failure(rc, c->stream.error_buffer()));
    return false;
  }
  c->pipelining = c->said.offers("PIPELINING");
  c->size = c->said.offers("SIZE");
  c->smtputf8 = c->said.offers("SMTPUTF8");
  conn_ = std::move(c);
  return true;
}

// One mail on the wire: its commands (MAIL, RCPT for each recipient, DATA)
// and its data, dot-stuffed, with the end-of-data line.
struct SmtpSession::Prepared {
  std::vector<std::string> commands;
  std::string wire_data;

  std::string group() const {
    std::string all;
    for (const auto& command : commands) all += command + "\r\n";
    return all;
  }
};

SmtpSession::Prepared SmtpSession::prepare(const MailToSend& mail) const {
  Prepared p;
  p.wire_data = data_on_the_wire(mail.data);
  const auto& recipients = *mail.recipients;
  std::string command = "MAIL FROM:<" + std::string(mail.envelope_from) + ">";
  if (conn_->size) command += " SIZE=" + std::to_string(p.wire_data.size());
  if (conn_->smtputf8 && (has_non_ascii(mail.envelope_from) ||
                          std::any_of(recipients.begin(), recipients.end(), has_non_ascii)))
    command += " SMTPUTF8";
  p.commands.push_back(std::move(command));
  for (const auto& r : recipients) p.commands.push_back("RCPT TO:<" + r + ">");
  p.commands.push_back("DATA");
  return p;
}

// One mail transaction on the open connection (RFC 5321 3.3). With
// PIPELINING the commands go in one write and their replies are read
// together (RFC 2920 3.1: DATA ends a group), and the next mail's commands
// go in the same write as this mail's data: a mail takes one round trip.
// Its data is only sent after its own 354, which comes after this mail's
// end-of-data reply, so at most one mail's data is ever unanswered.
// `group_sent`: this mail's commands went out with the previous mail's
// data. `next` (may be null): the mail whose commands may follow this
// one's data; `*next_group_sent` says whether they did.
SmtpSession::Attempt SmtpSession::transaction(const MailToSend& mail, const Prepared& prepared, bool group_sent,
                                              const MailToSend* next, Prepared* next_prepared,
                                              bool* next_group_sent, SendResult* result) {
  Connection& c = *conn_;
  const auto& recipients = *mail.recipients;
  const auto& commands = prepared.commands;
  *next_group_sent = false;
  bool answered = false;
  std::string err;
  auto lost = [&] {
    *result = connection_failure(where_, err);
    drop_connection();
    return answered || err.rfind("timed out", 0) == 0 ? Attempt::done : Attempt::nothing_said;
  };
  // RFC 5321 3.8: 421 says the server is closing the connection, whatever
  // the command was; the replies after it will never come.
  auto closing = [&](std::size_t i, const SmtpReply& reply) {
    const std::string verb = i == 0 ? "MAIL" : i + 1 == commands.size() ? "DATA" : "RCPT <" + recipients[i - 1] + ">";
    *result = classified_failure(where_, account_.user, verb, reply.code, reply.text);
    drop_connection();
    return Attempt::done;
  };

  // replies[i] answers commands[i]; fewer replies when a lock-step
  // exchange stopped early.
  std::vector<SmtpReply> replies;
  if (c.pipelining) {
    if (!group_sent && !c.stream.send_all(prepared.group(), c.timeout, &err)) return lost();
    for (std::size_t i = 0; i < commands.size(); ++i) {
      SmtpReply reply;
      if (!c.read_reply(&reply, &err)) return lost();
      answered = true;
      if (reply.code == 421) return closing(i, reply);
      replies.push_back(std::move(reply));
    }
  } else {
    bool any_accepted = false;
    for (std::size_t i = 0; i < commands.size(); ++i) {
      const bool is_data = i + 1 == commands.size();
      if (is_data && !any_accepted) break;  // no DATA without a recipient
      SmtpReply reply;
      if (!c.command(commands[i], &reply, &err)) return lost();
      answered = true;
      if (reply.code == 421) return closing(i, reply);
      const int code = reply.code;
      replies.push_back(std::move(reply));
      if (i == 0 && code >= 400) break;  // MAIL refused
      if (i > 0 && !is_data && code < 400) any_accepted = true;
    }
  }

  // The recipients' replies, accepted or not.
  std::size_t refused_count = 0;
  result->refused.clear();
  for (std::size_t i = 0; i < recipients.size() && i + 1 < replies.size(); ++i) {
    const SmtpReply& reply = replies[i + 1];
    if (reply.code >= 400) {
      result->refused.push_back({recipients[i], reply.code, reply.text});
      ++refused_count;
    }
  }
  const bool data_mode = replies.size() == commands.size() && replies.back().code == 354;

  std::optional<SendResult> failure;
  if (replies[0].code >= 400) {
    result->refused.clear();  // the RCPTs after a refused MAIL were never judged
    failure = classified_failure(where_, account_.user, "MAIL", replies[0].code, replies[0].text);
  } else if (refused_count == recipients.size()) {
    // Every recipient refused: permanent only if every refusal was.
    const auto temp = std::find_if(result->refused.begin(), result->refused.end(),
                                   [](const SendResult::Refused& r) { return r.temporary(); });
    const auto& decisive = temp != result->refused.end() ? *temp : result->refused.front();
    failure = classified_failure(where_, account_.user, "RCPT <" + decisive.recipient + ">", decisive.smtp_code,
                                 decisive.reply);
    failure->outcome = temp != result->refused.end() ? SendResult::Outcome::temporary_failure
                                                      : SendResult::Outcome::permanent_failure;
  } else if (!data_mode) {
    failure = classified_failure(where_, account_.user, "DATA", replies.back().code, replies.back().text);
  }

  if (failure) {
    std::vector<SendResult::Refused> refused = std::move(result->refused);
    *result = std::move(*failure);
    result->refused = std::move(refused);
    SmtpReply reply;
    // A server that went into data mode anyway (RFC 2920 3.1 asks it not
    // to without a recipient) gets an empty message, which it must refuse.
    if (data_mode && !c.command(".", &reply, &err)) return lost();
    // RSET leaves the connection clean for the next mail; one that does
    // not answer it is dropped instead.
    if (!c.command("RSET", &reply, &err) || reply.code != 250) drop_connection();
    return Attempt::done;
  }

  SmtpReply end;
  if (next) {
    *next_prepared = prepare(*next);
    if (!c.stream.send_all(prepared.wire_data + next_prepared->group(), c.timeout, &err)) return lost();
    *next_group_sent = true;
  } else if (!c.stream.send_all(prepared.wire_data, c.timeout, &err)) {
    return lost();
  }
  if (!c.read_reply(&end, &err)) {
    *next_group_sent = false;  // gone with the connection
    return lost();
  }
  if (end.code >= 200 && end.code < 300) {
    result->outcome = SendResult::Outcome::sent;
    result->smtp_code = end.code;
    result->detail = where_ + ": " + std::to_string(end.code) + " " + end.text;
    return Attempt::done;
  }
  std::vector<SendResult::Refused> refused = std::move(result->refused);
  *result = classified_failure(where_, account_.user, "end of data", end.code, end.text);
  result->refused = std::move(refused);
  if (end.code == 421) {
    drop_connection();
    *next_group_sent = false;
  }
  return Attempt::done;
}

std::optional<SendResult> SmtpSession::refused_before_sending(const MailToSend& mail) const {
  auto refuse = [&](const char* detail) {
    SendResult result;
    result.outcome = SendResult::Outcome::permanent_failure;
    result.detail = where_ + ": " + detail;
    return result;
  };
  if (mail.recipients->empty()) return refuse("no recipients");
  if (!safe_envelope_address(mail.envelope_from))
    return refuse("refusing envelope sender with unsafe characters");
  for (const auto& r : *mail.recipients) {
    if (r.empty() || !safe_envelope_address(r)) return refuse("refusing recipient with unsafe characters");
  }
  return std::nullopt;
}

void SmtpSession::send_each(const std::vector<MailToSend>& mails,
                            const std::function<bool(std::size_t, const SendResult&)>& sent_or_not) {
  bool group_sent = false;  // mails[i]'s commands went out with the previous mail's data
  Prepared current, next;
  for (std::size_t i = 0; i < mails.size(); ++i) {
    SendResult result;
    if (auto refused = refused_before_sending(mails[i])) {
      if (!sent_or_not(i, *refused)) return;
      continue;
    }
    bool next_group_sent = false;
    for (int attempt = 1;; ++attempt) {
      bool reused = true;
      if (!group_sent) {
        // A kept connection the server has spoken on or closed since the
        // last mail (an idle timeout's 421) is replaced before anything is
        // said.
        if (conn_ && conn_->stream.spoke_unasked()) drop_connection();
        reused = conn_ != nullptr;
        if (!conn_ && !open_connection(&result)) break;
        current = prepare(mails[i]);
      }
      // The next mail's commands may ride along only on a pipelining
      // connection, and only when the mail is one we would send.
      const MailToSend* following = i + 1 < mails.size() && conn_->pipelining &&
                                            !refused_before_sending(mails[i + 1])
                                        ? &mails[i + 1]
                                        : nullptr;
      const Attempt outcome = transaction(mails[i], current, group_sent, following, &next, &next_group_sent, &result);
      // A reused connection that broke before any reply: nothing was
      // accepted, so one retry on a fresh connection is safe.
      if (outcome == Attempt::nothing_said && reused && !group_sent && attempt == 1) continue;
      break;
    }
    group_sent = next_group_sent;
    if (group_sent) std::swap(current, next);
    // When the caller stops here, or throws, the next mail's transaction is
    // open on the server: it is ended without its data by leaving.
    bool go_on = false;
    try {
      go_on = sent_or_not(i, result);
    } catch (...) {
      if (group_sent) drop_connection();
      throw;
    }
    if (!go_on) {
      if (group_sent) drop_connection();
      return;
    }
  }
}

SendResult SmtpSession::send(const std::string& envelope_from, const std::vector<std::string>& recipients,
                             const std::string& data) {
  SendResult outcome;
  send_each({MailToSend{envelope_from, &recipients, data}}, [&](std::size_t, const SendResult& r) {
    outcome = r;
    return true;
  });
  return outcome;
}

bool SmtpSession::check(std::string* err) {
  if (conn_ && conn_->stream.spoke_unasked()) drop_connection();
  SendResult failure;
  if (!conn_ && !open_connection(&failure)) {
    *err = failure.detail;
    return false;
  }
  // RFC 5321 4.1.1.9: NOOP asks only for a 250.
  SmtpReply reply;
  std::string words;
  if (!conn_->command("NOOP", &reply, &words)) {
    drop_connection();
    *err = where_ + ": " + words;
    return false;
  }
  if (reply.code == 250) return true;
  *err = classified_failure(where_, account_.user, "NOOP", reply.code, reply.text).detail;
  return false;
}

}  // namespace ticketd
