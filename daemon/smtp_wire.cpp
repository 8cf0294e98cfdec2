#include "daemon/smtp_wire.h"

#include <algorithm>

#include "daemon/smtp_imap_curl.h"

namespace ticketd {

bool parse_smtp_reply_line(std::string_view line, SmtpReplyLine* out) {
  if (line.size() < 3 || !std::all_of(line.begin(), line.begin() + 3, [](char c) { return c >= '0' && c <= '9'; }))
    return false;
  out->code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
  out->last = line.size() == 3 || line[3] == ' ';
  out->text = std::string(trim_line_end(line.size() > 4 ? line.substr(4) : std::string_view()));
  return true;
}

void add_smtp_reply_text(std::string* text, const std::string& more) {
  if (!text->empty()) *text += ' ';
  *text += more;
}

std::string cut_for_logs(std::string text) {
  return text.size() > 300 ? text.substr(0, 300) + "..." : text;
}

bool safe_envelope_address(std::string_view address) {
  return std::none_of(address.begin(), address.end(), [](char c) {
    return c == '\r' || c == '\n' || c == '<' || c == '>' || c == '\0' || c == ' ';
  });
}

bool has_non_ascii(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
}

std::string data_on_the_wire(std::string_view data) {
  std::string out;
  out.reserve(data.size() + data.size() / 40 + 8);
  bool line_start = true;
  for (std::size_t i = 0; i < data.size(); ++i) {
    const char c = data[i];
    if (line_start && c == '.') out.push_back('.');
    if (c == '\n' && (i == 0 || data[i - 1] != '\r')) out.push_back('\r');
    out.push_back(c);
    line_start = c == '\n';
  }
  if (!line_start) out += "\r\n";
  out += ".\r\n";
  return out;
}

SendResult classified_failure(const std::string& where, const std::string& user, const std::string& verb, int code,
                              const std::string& text) {
  SendResult r;
  r.smtp_code = code;
  const std::string what = verb + ": " + std::to_string(code) + " " + text;
  // 530/534/535/538 (RFC 4954 6): the server wants a (different) login.
  // That is the admin's to fix; the mail itself is fine and stays queued.
  if (verb == "AUTH" || code == 530 || code == 534 || code == 535 || code == 538) {
    r.outcome = SendResult::Outcome::temporary_failure;
    r.detail = where + ": login failed as " + user + ": " + what;
  } else {
    // 5xx is permanent, except for STARTTLS (the admin's TLS setup); a
    // reply that is no failure but not the one expected is kept for retry.
    r.outcome = code >= 500 && verb != "STARTTLS" ? SendResult::Outcome::permanent_failure
                                                   : SendResult::Outcome::temporary_failure;
    r.detail = where + ": " + what;
  }
  return r;
}

SendResult connection_failure(const std::string& where, const std::string& words) {
  SendResult r;
  r.outcome = SendResult::Outcome::temporary_failure;
  r.detail = where + ": " + words;
  return r;
}

void ConnectTranscript::on_command(std::string_view line) {
  static constexpr std::string_view kVerbs[] = {"EHLO", "HELO", "STARTTLS", "AUTH", "QUIT"};
  const std::string head = protocol_upper(line.substr(0, std::min<std::size_t>(line.size(), 8)));
  for (std::string_view v : kVerbs) {
    if (head.rfind(v, 0) == 0) {
      verb = std::string(v);
      if (verb == "EHLO") keywords.clear();
      return;
    }
  }
  // An AUTH continuation (base64 credentials): keep the verb, never the line.
}

void ConnectTranscript::on_reply(std::string_view line) {
  SmtpReplyLine reply;
  if (!parse_smtp_reply_line(line, &reply)) return;
  if (verb == "EHLO" && reply.code == 250) keywords.push_back(protocol_upper(reply.text.substr(0, reply.text.find(' '))));
  add_smtp_reply_text(&pending_text, reply.text);
  if (!reply.last) return;
  if (verb == "QUIT") return;  // "221 Bye" must not hide the reply that failed
  last_code = reply.code;
  last_verb = verb.empty() ? std::string("greeting") : verb;
  last_text = cut_for_logs(std::move(pending_text));
  pending_text.clear();
}

bool ConnectTranscript::offers(std::string_view keyword) const {
  return std::find(keywords.begin(), keywords.end(), keyword) != keywords.end();
}

int ConnectTranscript::debug(CURL*, curl_infotype type, char* data, size_t size, void* self) {
  return dispatch_protocol_lines(type, data, size, static_cast<ConnectTranscript*>(self));
}

}  // namespace ticketd
