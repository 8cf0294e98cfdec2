#include "daemon/smtp_imap_curl.h"

namespace ticketd {

std::string url_for_messages(std::string_view url) {
  std::string_view scheme_end = "://";
  std::size_t start = url.find(scheme_end);
  if (start == std::string_view::npos) return std::string(url);
  start += scheme_end.size();
  std::size_t end = url.find_first_of("/?#", start);
  std::string_view authority = url.substr(start, end == std::string_view::npos ? url.npos : end - start);
  std::size_t at = authority.rfind('@');
  if (at != std::string_view::npos) authority.remove_prefix(at + 1);
  return std::string(url.substr(0, start)) + std::string(authority);
}

std::string_view trim_line_end(std::string_view line) {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  return line;
}

std::string protocol_upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool is_connection_failure(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_USE_SSL_FAILED:
      return true;
    default:
      return false;
  }
}

std::string describe_curl_failure(CURLcode code, const char* error_buffer) {
  const char* what;
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST: what = "unknown host"; break;
    case CURLE_COULDNT_CONNECT: what = "cannot connect"; break;
    case CURLE_OPERATION_TIMEDOUT: what = "timed out"; break;
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING: what = "connection lost"; break;
    case CURLE_PEER_FAILED_VERIFICATION: what = "TLS certificate not trusted"; break;
    case CURLE_SSL_CONNECT_ERROR: what = "TLS handshake failed"; break;
    case CURLE_USE_SSL_FAILED: what = "the server does not offer TLS (STARTTLS)"; break;
    case CURLE_LOGIN_DENIED: what = "login failed"; break;
    default: what = curl_easy_strerror(code); break;
  }
  std::string words = what;
  if (error_buffer && *error_buffer) words += std::string(": ") + std::string(trim_line_end(error_buffer));
  return words;
}

void set_tls_policy(CURL* handle, bool verify, bool require) {
  curl_easy_setopt(handle, CURLOPT_SSL_VERIFYPEER, verify ? 1L : 0L);
  curl_easy_setopt(handle, CURLOPT_SSL_VERIFYHOST, verify ? 2L : 0L);
  curl_easy_setopt(handle, CURLOPT_USE_SSL,
                   require ? static_cast<long>(CURLUSESSL_ALL) : static_cast<long>(CURLUSESSL_TRY));
}

}  // namespace ticketd
