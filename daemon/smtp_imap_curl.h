// The libcurl plumbing SmtpSession and ImapSession share: a RAII string
// list, error words an admin can act on, and a URL fit for messages.
//
// Error words never contain a password: the sessions pass credentials with
// CURLOPT_USERNAME/CURLOPT_PASSWORD, never in a URL, and url_for_messages()
// drops any userinfo an admin may have written into the URL anyway.
#pragma once

#include <curl/curl.h>

#include <string>
#include <string_view>

namespace ticketd {

// A curl_slist freed on scope exit.
class CurlList {
 public:
  CurlList() = default;
  ~CurlList() { curl_slist_free_all(list_); }
  CurlList(const CurlList&) = delete;
  CurlList& operator=(const CurlList&) = delete;
  void append(const std::string& item) { list_ = curl_slist_append(list_, item.c_str()); }
  curl_slist* get() const { return list_; }

 private:
  curl_slist* list_ = nullptr;
};

// "imaps://user:pw@host:993/INBOX?x" -> "imaps://host:993".
std::string url_for_messages(std::string_view url);

// A line without its trailing CR/LF.
std::string_view trim_line_end(std::string_view line);

// ASCII upper case, for comparing protocol words (verbs, capabilities,
// IMAP atoms) that both protocols treat case-insensitively.
std::string protocol_upper(std::string_view s);

// For a CURLOPT_DEBUGFUNCTION: splits a chunk of protocol text into lines
// and hands each server reply line to `on_reply` and each line we sent to
// `on_command`; other debug data is ignored. Both clients read the
// conversation this way (per-recipient RCPT replies, untagged IMAP answers).
template <typename Session>
int dispatch_protocol_lines(curl_infotype type, const char* data, size_t size, Session* session) {
  if (type != CURLINFO_HEADER_IN && type != CURLINFO_HEADER_OUT) return 0;
  std::string_view chunk(data, size);
  while (!chunk.empty()) {
    std::size_t end = chunk.find('\n');
    std::string_view line = trim_line_end(chunk.substr(0, end));
    if (type == CURLINFO_HEADER_IN) session->on_reply(line);
    else session->on_command(line);
    if (end == std::string_view::npos) break;
    chunk.remove_prefix(end + 1);
  }
  return 0;
}

// The TLS policy of both clients: certificates checked unless `verify` is
// false; on a plain URL, STARTTLS when offered, or required (the transfer
// fails before any login) when `require` is true.
void set_tls_policy(CURL* handle, bool verify, bool require);

struct ImapAccount;

// The options every libcurl handle of an IMAP account carries: URL,
// credentials (SASL-IR), connect and response timeouts, keepalive and the TLS
// policy, so the fetching session and the IDLE connection cannot drift
// apart (daemon/imap_session.cpp). `error_buffer` (CURL_ERROR_SIZE bytes) and
// `url` must outlive the handle's next transfer.
void set_imap_account_options(CURL* handle, const ImapAccount& account, const std::string& url,
                              char* error_buffer);

// "cannot connect: Failed to connect to 127.0.0.1 port 1 ...": what went
// wrong in words for admins, from libcurl's code and error buffer.
std::string describe_curl_failure(CURLcode code, const char* error_buffer);

// True for failures that say nothing about the request itself: no
// connection, a dropped connection, a timeout.
bool is_connection_failure(CURLcode code);

}  // namespace ticketd
