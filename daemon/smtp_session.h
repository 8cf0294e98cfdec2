// SmtpSession: sends outbox mail over one SMTP connection that is kept open
// and reused from one send() to the next; one the server closed or spoke on
// in between (an idle timeout's 421) is replaced before the next mail.
//
// libcurl connects, does TLS or STARTTLS, EHLO and AUTH
// (daemon/curl_stream.h); the mail transactions are ours, because libcurl
// waits for each reply before the next command. When the server offers
// PIPELINING (RFC 2920) MAIL, every RCPT and DATA go in one write, so a mail
// takes two round trips (commands, then the data) instead of four or more;
// without it, one command at a time. SIZE (RFC 1870) is declared when
// offered, SMTPUTF8 (RFC 6531) when an address needs it and it is offered.
//
// URLs: smtp://host:port upgrades with STARTTLS when the server offers it
// (and refuses to send without TLS when require_tls is set); smtps://host:port
// is TLS from the first byte. Certificates are verified unless verify_tls is
// false. With an empty password no AUTH is attempted. The password is given to
// libcurl as CURLOPT_PASSWORD, never in a URL, and never appears in a
// SendResult, so `detail` is safe to log and to store.
//
// Outcome of send(), from the server's replies (RFC 5321 4.2.1):
//  - sent: the server accepted the data for at least one recipient. Any
//    recipient it refused is listed in `refused` (check `temporary` there).
//  - temporary_failure: 4xx, no connection, a timeout, a dropped connection,
//    or a failed login, a server that wants one (530, 534, 535, 538) or a
//    failed TLS check (the admin's to fix; the mail itself is fine and stays
//    queued). smtp_code is 0 when the server never
//    answered (down, unreachable): the next mails would fail the same way.
//  - permanent_failure: 5xx for the sender, for every recipient, or for the
//    data (e.g. 554 content rejected); or an envelope address we refuse to
//    put on the wire (CR/LF, "<", ">" in it: header injection).
//
// Not thread-safe: one SmtpSession per thread.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ticketd {

struct SmtpAccount {
  std::string url;       // smtp://host:port or smtps://host:port
  std::string user;
  std::string password;  // empty: no AUTH
  bool verify_tls = true;
  bool require_tls = false;  // smtp:// only: fail rather than send in clear text
  long timeout_seconds = 60;  // connect, and any stall in a transfer
  std::string ehlo_name = {};  // our host name for EHLO; empty: gethostname()
};

struct SendResult {
  enum class Outcome { sent, temporary_failure, permanent_failure };
  struct Refused {
    std::string recipient;
    int smtp_code = 0;
    std::string reply;  // the server's words, e.g. "5.1.1 User unknown"
    bool temporary() const { return smtp_code >= 400 && smtp_code < 500; }
  };

  Outcome outcome = Outcome::temporary_failure;
  int smtp_code = 0;      // the reply that decided the outcome; 0: no SMTP answer
  std::string detail;     // for admins: "smtp://host:25: RCPT <a@b>: 550 5.1.1 User unknown"
  std::vector<Refused> refused;
};

class SmtpSession {
 public:
  explicit SmtpSession(SmtpAccount account);
  ~SmtpSession();
  SmtpSession(const SmtpSession&) = delete;
  SmtpSession& operator=(const SmtpSession&) = delete;

  // Sends `data` (a complete RFC 5322 message; bare LF line ends are turned
  // into CRLF, lines starting with "." are dot-stuffed) from envelope_from
  // ("" is the null sender <>) to every recipient (bare addresses, no angle
  // brackets).
  SendResult send(const std::string& envelope_from, const std::vector<std::string>& recipients,
                  const std::string& data);

  // One mail for send_each(); the strings and the list must outlive the call.
  struct MailToSend {
    std::string_view envelope_from;
    const std::vector<std::string>* recipients = nullptr;
    std::string_view data;
  };

  // Sends the mails in order, each as send() would, and tells
  // `sent_or_not(i, result)` mail i's outcome as soon as it is known,
  // before the next mail's data goes out. When that returns false, no
  // further mail is tried (a transaction already opened for the next one
  // is abandoned with the connection). With PIPELINING, a mail's data and
  // the next mail's MAIL, RCPT and DATA go in one write: one round trip a
  // mail. The next mail's data is sent only after its 354, which the
  // server gives after answering this mail's data, so at most one mail's
  // data is ever unanswered, as with send() one at a time.
  void send_each(const std::vector<MailToSend>& mails,
                 const std::function<bool(std::size_t index, const SendResult& result)>& sent_or_not);

  // For `ticketd check --connect`: connects (TLS as for send()), says EHLO,
  // logs in when a password is set, and sends NOOP; true when the server
  // answered 250. The connection is kept for send(). `err` says what failed, like SendResult::detail ("smtp://
  // host:25: AUTH: 535 5.7.8 Authentication failed"), never the password.
  bool check(std::string* err);

  // Connections opened so far by this session (1 after any number of sends
  // over a healthy connection).
  long connections_opened() const { return connections_opened_; }

 private:
  struct Connection;
  struct Prepared;
  // How a transaction ended: `nothing_said` when the connection broke
  // before the server answered anything (safe to retry on a new one).
  enum class Attempt { done, nothing_said };

  bool open_connection(SendResult* failure);
  std::optional<SendResult> refused_before_sending(const MailToSend& mail) const;
  Prepared prepare(const MailToSend& mail) const;  // needs the open connection's extensions
  Attempt transaction(const MailToSend& mail, const Prepared& prepared, bool group_sent, const MailToSend* next,
                      Prepared* next_prepared, bool* next_group_sent, SendResult* result);
  void drop_connection();

  SmtpAccount account_;
  std::string where_;  // the server for messages, "smtp://host:25" (no credentials)
  std::unique_ptr<Connection> conn_;  // null until the first send() or check(), and after a failure
  long connections_opened_ = 0;
};

}  // namespace ticketd
