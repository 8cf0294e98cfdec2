// The SMTP wire apart from any connection (RFC 5321): reply lines, the DATA
// part's line ends and dot-stuffing, envelope address checks, what libcurl
// said while it connected, and the words an admin reads when an exchange
// failed. SmtpSession (daemon/smtp_session.h) speaks SMTP with these.
#pragma once

#include <curl/curl.h>

#include <string>
#include <string_view>
#include <vector>

#include "daemon/smtp_session.h"

namespace ticketd {

// One reply line: "250-..." continues a multi-line reply, "250 ..." ends
// it (4.2.1).
struct SmtpReplyLine {
  int code = 0;
  bool last = false;
  std::string text;  // after the code and its separator, without CR LF
};
// False for a line that does not start with three digits.
bool parse_smtp_reply_line(std::string_view line, SmtpReplyLine* out);

// A whole reply: its code and its lines' text joined by spaces, cut to 300
// characters for logs.
struct SmtpReply {
  int code = 0;
  std::string text;
};
void add_smtp_reply_text(std::string* text, const std::string& more);
std::string cut_for_logs(std::string text);

// True for an address that can go between "<" and ">" without changing
// the command: no CR, LF, brackets, NUL or space.
bool safe_envelope_address(std::string_view address);
bool has_non_ascii(std::string_view s);

// The DATA part on the wire: lines end in CRLF (2.3.8; the outbox may hold
// LF), a line that starts with "." gets another (4.5.2), the last line is
// ended, and the end-of-data line "." follows.
std::string data_on_the_wire(std::string_view data);

// A failed exchange in an admin's words, "smtp://host:25: RCPT <a@b>: 550
// 5.1.1 User unknown", and whether to try again: a login the server wants
// (AUTH, or 530/534/535/538, RFC 4954 6) and STARTTLS are the admin's to
// fix, so temporary; otherwise 5xx is permanent and anything else
// temporary.
SendResult classified_failure(const std::string& where, const std::string& user, const std::string& verb, int code,
                              const std::string& text);
// No SMTP answer at all (down, dropped, timed out): temporary, code 0.
SendResult connection_failure(const std::string& where, const std::string& words);

// What libcurl said while it connected (greeting, EHLO, STARTTLS, AUTH), fed
// by its debug callback (CURLOPT_DEBUGFUNCTION = debug, CURLOPT_DEBUGDATA =
// this): the last final reply and the command it answered, and the last
// EHLO reply's keywords. AUTH payloads are never kept: only known verbs are.
struct ConnectTranscript {
  std::string verb;  // the command the next reply answers
  int last_code = 0;
  std::string last_verb;  // "greeting" before any command
  std::string last_text;
  std::string pending_text;           // multi-line reply text so far
  std::vector<std::string> keywords;  // of the last EHLO reply, upper case

  void on_command(std::string_view line);
  void on_reply(std::string_view line);
  bool offers(std::string_view keyword) const;
  static int debug(CURL*, curl_infotype type, char* data, size_t size, void* self);
};

}  // namespace ticketd
