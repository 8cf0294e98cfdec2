#include "daemon/imap_session.h"

#include <curl/curl.h>

#include <algorithm>
#include <cstring>

#include "daemon/imap_utf7.h"
#include "daemon/smtp_imap_curl.h"

namespace ticketd {

void set_imap_account_options(CURL* h, const ImapAccount& account, const std::string& url, char* error_buffer) {
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_USERNAME, account.user.c_str());
  curl_easy_setopt(h, CURLOPT_PASSWORD, account.password.c_str());
  curl_easy_setopt(h, CURLOPT_SASL_IR, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, account.timeout_seconds);
  curl_easy_setopt(h, CURLOPT_SERVER_RESPONSE_TIMEOUT, account.timeout_seconds);
  curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
  set_tls_policy(h, account.verify_tls, account.require_tls);
}

namespace {

// libcurl's receive buffer, per session: 8 times its default (16 KB), so a
// large mail comes in 8 times fewer reads and polls. Not more: libcurl adds
// every byte it reads while waiting for a server reply line (the FETCH
// line, and the start of the mail read with it) to the request's header
// count, capped at 300 KB (Curl_bump_headersize, CVE-2023-38039). A 512 KB
// buffer failed in bench/run ("Too large response headers: 376687 >
// 307200") when the fetching thread had waited for a core and found that
// much queued; two full reads of 128 KB stay under the cap.
constexpr long kReceiveBufferBytes = 128 * 1024;

// RFC 3501 9: flag-keyword = atom; no specials, no backslash (system flags
// are not ours to set), nothing that could end the command early.
bool valid_keyword(const std::string& k) {
  if (k.empty() || k.size() > 100) return false;
  return std::all_of(k.begin(), k.end(), [](char c) {
    return c > 0x20 && c < 0x7f && !std::strchr("(){%*\"\\]", c);
  });
}

// A modified-UTF-7 name as an IMAP quoted string.
std::string quoted(const std::string& wire) {
  std::string out = "\"";
  for (char c : wire) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

// The folder as a URL path segment (RFC 5092 / curl's IMAP URL parser):
// keep what curl's parser takes literally, percent-encode the rest (";" would
// start a parameter, "?" a query).
std::string url_path(const std::string& wire) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : wire) {
    if (std::isalnum(c) || std::strchr("-._~&,+=!$'()*:@/", c)) {
      out.push_back(static_cast<char>(c));
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// "[UIDVALIDITY 3857529045] UIDs valid" -> 3857529045 when the code matches.
bool response_code_number(std::string_view text, std::string_view code, std::uint32_t* value) {
  std::string key = "[" + std::string(code) + " ";
  std::size_t at = protocol_upper(text).find(key);
  if (at == std::string::npos) return false;
  unsigned long long v = 0;
  std::size_t i = at + key.size();
  if (i >= text.size() || !std::isdigit(static_cast<unsigned char>(text[i]))) return false;
  for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i) {
    v = v * 10 + static_cast<unsigned>(text[i] - '0');
    if (v > 0xffffffffull) return false;
  }
  *value = static_cast<std::uint32_t>(v);
  return true;
}

// UIDs as IMAP sequence sets (RFC 3501 9, sequence-set: "3:7,9"), sorted,
// each set at most a few thousand characters: servers limit command lines
// (RFC 7162 3.2.1 asks them to accept 8192 octets).
std::vector<std::string> uid_sets(std::vector<std::uint32_t> uids) {
  std::sort(uids.begin(), uids.end());
  uids.erase(std::unique(uids.begin(), uids.end()), uids.end());
  std::vector<std::string> sets;
  std::string set;
  for (std::size_t i = 0; i < uids.size();) {
    std::size_t j = i;
    while (j + 1 < uids.size() && uids[j + 1] == uids[j] + 1) ++j;  // a run of consecutive UIDs
    if (!set.empty()) set += ',';
    set += std::to_string(uids[i]);
    if (j > i) set += ":" + std::to_string(uids[j]);
    i = j + 1;
    if (set.size() > 4000) {
      sets.push_back(std::move(set));
      set.clear();
    }
  }
  if (!set.empty()) sets.push_back(std::move(set));
  return sets;
}

}  // namespace

// The shared easy handle and what the last transfer said. Commands are
// recorded by tag and verb only ("A003" -> "UID STORE"), never with their
// arguments: LOGIN and AUTHENTICATE lines carry the credentials.
struct ImapSession::Curl {
  struct Tagged {
    std::string verb;
    std::string status;  // OK, NO, BAD
    std::string text;
  };

  CURL* easy = nullptr;
  char error[CURL_ERROR_SIZE] = {};
  std::map<std::string, std::string> verb_by_tag;
  std::vector<Tagged> tagged;
  std::vector<std::string> untagged;  // without the leading "* "
  std::string* body = nullptr;
  std::size_t body_limit = 0;
  // The size of the FETCH literal ("* 5 FETCH (UID 5 BODY[] {48213}"), read
  // before the bytes arrive, so the body is allocated once instead of grown
  // in libcurl's 16 KB pieces (a 5 MB mail was reallocated and copied about
  // nine times, each time touching fresh pages).
  std::size_t literal_size = 0;
  bool body_too_large = false;
  const std::string* upload = nullptr;
  std::size_t upload_at = 0;

  ~Curl() {
    if (easy) curl_easy_cleanup(easy);
  }

  void reset() {
    error[0] = '\0';
    verb_by_tag.clear();
    tagged.clear();
    untagged.clear();
    body = nullptr;
    literal_size = 0;
    body_too_large = false;
    upload = nullptr;
    upload_at = 0;
  }

  const Tagged* refusal() const {
    for (const auto& t : tagged) {
      if (t.status != "OK") return &t;
    }
    return nullptr;
  }

  void on_command(std::string_view line) {
    std::size_t sp = line.find(' ');
    if (sp == std::string_view::npos || sp == 0 || line[0] < 'A' || line[0] > 'Z') return;
    std::string tag(line.substr(0, sp));
    std::string_view rest = line.substr(sp + 1);
    std::string verb = protocol_upper(rest.substr(0, rest.find(' ')));
    if (verb == "UID") {
      std::string_view after = rest.substr(std::min(rest.size(), std::size_t{4}));
      verb += " " + protocol_upper(after.substr(0, after.find(' ')));
    }
    verb_by_tag[tag] = verb;
  }

  void on_reply(std::string_view line) {
    if (line.rfind("* ", 0) == 0) {
      if (untagged.size() < 100000) untagged.emplace_back(line.substr(2));
      if (line.size() > 2 && line.back() == '}') literal_size = literal_size_of(line);
      return;
    }
    if (line.rfind("+", 0) == 0) return;
    std::size_t sp = line.find(' ');
    if (sp == std::string_view::npos) return;
    auto it = verb_by_tag.find(std::string(line.substr(0, sp)));
    if (it == verb_by_tag.end()) return;
    std::string_view rest = line.substr(sp + 1);
    std::size_t sp2 = rest.find(' ');
    Tagged t{it->second, protocol_upper(rest.substr(0, sp2)),
             sp2 == std::string_view::npos ? std::string() : std::string(rest.substr(sp2 + 1, 300))};
    tagged.push_back(std::move(t));
  }

  static int debug(CURL*, curl_infotype type, char* data, size_t size, void* self) {
    return dispatch_protocol_lines(type, data, size, static_cast<Curl*>(self));
  }

  // "... {123}" -> 123; 0 when the line does not end in a literal size.
  static std::size_t literal_size_of(std::string_view line) {
    std::size_t open = line.rfind('{');
    if (open == std::string_view::npos || line.size() - open > 12) return 0;
    std::size_t n = 0;
    for (std::size_t i = open + 1; i + 1 < line.size(); ++i) {
      if (!std::isdigit(static_cast<unsigned char>(line[i]))) return 0;
      n = n * 10 + static_cast<std::size_t>(line[i] - '0');
    }
    return n;
  }

  static size_t write(char* data, size_t size, size_t nmemb, void* self) {
    auto* c = static_cast<Curl*>(self);
    const std::size_t n = size * nmemb;
    if (!c->body) return n;
    // The FETCH literal announces the size: a mail over the limit is
    // refused before any of it is downloaded or buffered.
    if (c->body->size() + n > c->body_limit || c->literal_size > c->body_limit) {
      c->body_too_large = true;
      return 0;  // aborts the transfer (CURLE_WRITE_ERROR)
    }
    if (c->body->empty() && c->literal_size > n && c->literal_size <= c->body_limit) {
      c->body->reserve(c->literal_size);
    }
    c->body->append(data, n);
    return n;
  }

  static size_t read(char* buffer, size_t size, size_t nitems, void* self) {
    auto* c = static_cast<Curl*>(self);
    std::size_t n = std::min(size * nitems, c->upload->size() - c->upload_at);
    std::memcpy(buffer, c->upload->data() + c->upload_at, n);
    c->upload_at += n;
    return n;
  }
};

ImapSession::ImapSession(ImapAccount account)
    : account_(std::move(account)), base_url_(url_for_messages(account_.url)), curl_(std::make_unique<Curl>()) {
  curl_->easy = curl_easy_init();
}

ImapSession::~ImapSession() = default;

std::string ImapSession::prefix() const { return base_url_ + " (" + account_.user + "): "; }

std::string ImapSession::folder_url(const Selected& folder, bool with_uidvalidity) const {
  std::string url = base_url_ + "/" + url_path(folder.folder_wire);
  if (with_uidvalidity) url += ";UIDVALIDITY=" + std::to_string(folder.uidvalidity);
  return url;
}

bool ImapSession::perform(const std::string& url, const std::string* custom, const std::string* upload,
                          std::string* body, const char* what, std::string* err) {
  unreachable_ = false;
  too_large_ = false;
  if (!curl_->easy) {
    *err = prefix() + "libcurl could not start";
    return false;
  }
  CURL* h = curl_->easy;
  CURLcode rc = CURLE_OK;
  for (int attempt = 1;; ++attempt) {
    curl_easy_reset(h);  // keeps the live connection
    curl_->reset();
    if (body) body->clear();
    set_imap_account_options(h, account_, url, curl_->error);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, account_.timeout_seconds);
    // Mails are fetched whole: one read of up to 128 KB instead of one of
    // 16 KB, and a poll() before each (a 14 MB mail took 900 of each).
    curl_easy_setopt(h, CURLOPT_BUFFERSIZE, kReceiveBufferBytes);
    curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, &Curl::debug);
    curl_easy_setopt(h, CURLOPT_DEBUGDATA, curl_.get());
    curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);  // feeds the debug callback; prints nothing
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &Curl::write);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, curl_.get());
    curl_->body = body;
    curl_->body_limit = account_.max_message_bytes;
    if (custom) curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, custom->c_str());
    if (cancel_flag_) {
      // libcurl calls this at least once a second, also while waiting.
      curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
      curl_easy_setopt(h, CURLOPT_XFERINFODATA, cancel_flag_);
      curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION,
                       +[](void* flag, curl_off_t, curl_off_t, curl_off_t, curl_off_t) -> int {
                         return static_cast<const std::atomic<bool>*>(flag)->load() ? 1 : 0;
                       });
    }
    if (upload) {
      curl_->upload = upload;
      curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
      curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(upload->size()));
      curl_easy_setopt(h, CURLOPT_READFUNCTION, &Curl::read);
      curl_easy_setopt(h, CURLOPT_READDATA, curl_.get());
    }

    rc = curl_easy_perform(h);
    long connects = 0;
    curl_easy_getinfo(h, CURLINFO_NUM_CONNECTS, &connects);
    if (connects > 0) {
      connections_opened_ += connects;
      capabilities_.clear();  // a new connection may announce other ones
    }
    if (rc == CURLE_OK) return true;
    // A reused connection the server had closed meanwhile (idle timeout,
    // restart): nothing was answered, so nothing happened; retry once.
    if (attempt == 1 && connects == 0 && curl_->tagged.empty() &&
        (rc == CURLE_SEND_ERROR || rc == CURLE_RECV_ERROR || rc == CURLE_GOT_NOTHING)) {
      continue;
    }
    break;
  }

  unreachable_ = is_connection_failure(rc);
  too_large_ = curl_->body_too_large;
  const Curl::Tagged* no = curl_->refusal();
  if (no && (no->verb == "LOGIN" || no->verb == "AUTHENTICATE")) {
    *err = prefix() + "login failed: " + no->text;
  } else if (rc == CURLE_LOGIN_DENIED && !no) {
    *err = prefix() + "login failed: " + describe_curl_failure(rc, curl_->error);
  } else if (curl_->body_too_large) {
    *err = prefix() + what + ": message larger than " + std::to_string(account_.max_message_bytes) + " bytes";
  } else if (no) {
    *err = prefix() + what + ": " + no->verb + " " + no->status + " " + no->text;
  } else if (std::strstr(curl_->error, "UIDVALIDITY")) {
    *err = prefix() + what + ": the folder's UIDVALIDITY changed; select it again";
  } else {
    *err = prefix() + what + ": " + describe_curl_failure(rc, curl_->error);
  }
  return false;
}

bool ImapSession::require_selected(std::string* err) const {
  if (has_selected_) return true;
  *err = prefix() + "no folder selected";
  return false;
}

bool ImapSession::run_on_selected(const std::string& command, const char* what, std::string* err) {
  if (!require_selected(err)) return false;
  return perform(folder_url(selected_, true), &command, nullptr, nullptr, what, err);
}

bool ImapSession::select(const std::string& folder_utf8, Uidvalidity* uidvalidity, std::string* err) {
  Selected next;
  next.folder_utf8 = folder_utf8;
  std::string why;
  if (!encode_imap_utf7(folder_utf8, &next.folder_wire, &why)) {
    *err = prefix() + "select " + folder_utf8 + ": " + why;
    return false;
  }
  const std::string what = "select " + folder_utf8;
  // libcurl SELECTs the folder named in the URL before running the request
  // unless that folder is already selected on this connection; NOOP is the
  // request that does nothing else.
  const std::string noop = "NOOP";
  if (!perform(folder_url(next, false), &noop, nullptr, nullptr, what.c_str(), err)) return false;
  bool seen = false;
  for (const auto& line : curl_->untagged) {
    seen = response_code_number(line, "UIDVALIDITY", &next.uidvalidity) || seen;
    response_code_number(line, "UIDNEXT", &next.uidnext);
  }
  if (!seen && has_selected_ && selected_.folder_wire == next.folder_wire) {
    // Still selected on the same connection: UIDVALIDITY cannot have changed
    // without the server ending the session (RFC 3501 2.3.1.1).
    next.uidvalidity = selected_.uidvalidity;
    next.uidnext = selected_.uidnext;
    seen = true;
  }
  if (!seen) {
    // Selected on this connection by an earlier call we did not watch (or a
    // server that puts UIDVALIDITY elsewhere): ask with STATUS.
    const std::string status = "STATUS " + quoted(next.folder_wire) + " (UIDVALIDITY UIDNEXT)";
    if (!perform(base_url_, &status, nullptr, nullptr, what.c_str(), err)) return false;
    for (const auto& line : curl_->untagged) {
      std::string up = protocol_upper(line);
      std::size_t at = up.find("UIDVALIDITY ");
      if (up.rfind("STATUS", 0) != 0 || at == std::string::npos) continue;
      seen = response_code_number("[" + up.substr(at), "UIDVALIDITY", &next.uidvalidity);
      std::size_t nx = up.find("UIDNEXT ");
      if (nx != std::string::npos) response_code_number("[" + up.substr(nx), "UIDNEXT", &next.uidnext);
    }
  }
  if (!seen) {
    *err = prefix() + what + ": the server did not say the folder's UIDVALIDITY";
    return false;
  }
  selected_ = std::move(next);
  has_selected_ = true;
  *uidvalidity = selected_.uidvalidity;
  return true;
}

bool ImapSession::search_unflagged(const std::string& keyword, std::vector<std::uint32_t>* uids, std::string* err) {
  uids->clear();
  if (!require_selected(err)) return false;
  if (!valid_keyword(keyword)) {
    *err = prefix() + "search: \"" + keyword + "\" is not a valid IMAP keyword";
    return false;
  }
  // SEARCH answers come back as "headers": libcurl caps them at 300 KB per
  // transfer and breaks a line over 16 KB into pieces, so the folder is
  // searched in UID windows whose answer line stays short (imap_session.h).
  const std::uint32_t window = std::max<std::uint32_t>(1, account_.search_window);
  const std::uint32_t uidnext = selected_.uidnext;
  for (std::uint64_t lo = 1;; lo += window) {
    // The last window is open-ended ("lo:*") so mail that arrived after the
    // SELECT is found too. "lo:*" also matches the highest UID when it is
    // below lo (RFC 3501 6.4.8 / 9 seq-range), hence the filter below.
    const bool last = uidnext == 0 || lo + window >= uidnext || lo + window > 0xffffffffull;
    const std::uint64_t hi = lo + window - 1;
    const std::string range = std::to_string(lo) + ":" + (last ? std::string("*") : std::to_string(hi));
    const std::string command = "UID SEARCH UID " + range + " UNKEYWORD " + keyword + " NOT DELETED";
    if (!run_on_selected(command, "search", err)) return false;
    for (const auto& line : curl_->untagged) {
      if (protocol_upper(line.substr(0, 7)) != "SEARCH " && protocol_upper(line) != "SEARCH") continue;
      std::size_t i = 6;
      while (i < line.size()) {
        while (i < line.size() && line[i] == ' ') ++i;
        unsigned long long v = 0;
        bool digits = false;
        for (; i < line.size() && std::isdigit(static_cast<unsigned char>(line[i])); ++i) {
          v = v * 10 + static_cast<unsigned>(line[i] - '0');
          digits = true;
        }
        if (!digits) {
          while (i < line.size() && line[i] != ' ') ++i;
          continue;
        }
        if (v >= lo && v <= 0xffffffffull && (last || v <= hi)) uids->push_back(static_cast<std::uint32_t>(v));
      }
    }
    if (last) break;
  }
  std::sort(uids->begin(), uids->end());
  uids->erase(std::unique(uids->begin(), uids->end()), uids->end());
  return true;
}

bool ImapSession::sizes(const std::vector<std::uint32_t>& uids, std::vector<std::size_t>* bytes, std::string* err) {
  bytes->assign(uids.size(), 0);
  if (!require_selected(err)) return false;
  std::map<std::uint32_t, std::size_t> size_of;
  // Each command's untagged lines count against libcurl's cap on response
  // headers (300 KB), and Debian 12's libcurl counts them so that 300
  // one-line answers already exceed it ("Too large response headers"): a
  // backlog of hundreds of mails stopped fetching ahead at its first mail.
  // 100 per command passes with room to spare (tested with 2,500 mails).
  constexpr std::size_t kPerCommand = 100;
  for (std::size_t from = 0; from < uids.size(); from += kPerCommand) {
    std::vector<std::uint32_t> chunk(uids.begin() + static_cast<std::ptrdiff_t>(from),
                                     uids.begin() + static_cast<std::ptrdiff_t>(std::min(uids.size(), from + kPerCommand)));
    for (const auto& set : uid_sets(chunk)) {
      if (!run_on_selected("UID FETCH " + set + " (RFC822.SIZE)", "size query", err)) return false;
      // "12 FETCH (UID 34 RFC822.SIZE 5678)", the items in any order.
      for (const auto& line : curl_->untagged) {
        const std::string up = protocol_upper(line);
        if (up.find(" FETCH (") == std::string::npos) continue;
        auto number_after = [&](std::string_view key, std::uint64_t* v) {
          std::size_t at = up.find(key);
          if (at == std::string::npos) return false;
          std::size_t i = at + key.size();
          *v = 0;
          bool digits = false;
          for (; i < up.size() && std::isdigit(static_cast<unsigned char>(up[i])) && *v < (1ull << 40); ++i) {
            *v = *v * 10 + static_cast<unsigned>(up[i] - '0');
            digits = true;
          }
          return digits;
        };
        std::uint64_t uid = 0, size = 0;
        if (number_after("UID ", &uid) && number_after("RFC822.SIZE ", &size) && uid <= 0xffffffffull) {
          size_of[static_cast<std::uint32_t>(uid)] = static_cast<std::size_t>(size);
        }
      }
    }
  }
  for (std::size_t i = 0; i < uids.size(); ++i) {
    auto it = size_of.find(uids[i]);
    if (it != size_of.end()) (*bytes)[i] = it->second;
  }
  return true;
}

bool ImapSession::fetch(std::uint32_t uid, std::string* raw, std::string* err) {
  return fetch_section(uid, "", raw, err);
}

bool ImapSession::fetch_header(std::uint32_t uid, std::string* header, std::string* err) {
  return fetch_section(uid, "HEADER", header, err);
}

bool ImapSession::fetch_section(std::uint32_t uid, const char* section, std::string* raw, std::string* err) {
  raw->clear();
  if (!require_selected(err)) return false;
  const std::string what = "fetch UID " + std::to_string(uid) + " from " + selected_.folder_utf8;
  std::string url = folder_url(selected_, true) + "/;UID=" + std::to_string(uid);
  if (*section) url += std::string("/;SECTION=") + section;
  if (!perform(url, nullptr, nullptr, raw, what.c_str(), err)) {
    if (!unreachable_ && curl_->refusal() == nullptr && err->find("UIDVALIDITY") == std::string::npos &&
        err->find("larger than") == std::string::npos) {
      // libcurl: "Failed to fetch" when the server answered OK without a
      // FETCH, i.e. the UID is gone.
      *err = prefix() + what + ": no message with UID " + std::to_string(uid);
    }
    return false;
  }
  bool fetched = std::any_of(curl_->untagged.begin(), curl_->untagged.end(),
                             [](const std::string& l) { return protocol_upper(l).find(" FETCH ") != std::string::npos; });
  if (!fetched) {
    *err = prefix() + what + ": no message with UID " + std::to_string(uid);
    return false;
  }
  return true;
}

bool ImapSession::add_keyword(std::uint32_t uid, const std::string& keyword, std::string* err) {
  if (!valid_keyword(keyword)) {
    *err = prefix() + "store: \"" + keyword + "\" is not a valid IMAP keyword";
    return false;
  }
  return run_on_selected("UID STORE " + std::to_string(uid) + " +FLAGS.SILENT (" + keyword + ")", "flag", err);
}

bool ImapSession::add_keyword(const std::vector<std::uint32_t>& uids, const std::string& keyword, std::string* err) {
  if (!valid_keyword(keyword)) {
    *err = prefix() + "store: \"" + keyword + "\" is not a valid IMAP keyword";
    return false;
  }
  for (const auto& set : uid_sets(uids)) {
    if (!run_on_selected("UID STORE " + set + " +FLAGS.SILENT (" + keyword + ")", "flag", err)) return false;
  }
  return true;
}

bool ImapSession::remove_keyword(std::uint32_t uid, const std::string& keyword, std::string* err) {
  if (!valid_keyword(keyword)) {
    *err = prefix() + "store: \"" + keyword + "\" is not a valid IMAP keyword";
    return false;
  }
  return run_on_selected("UID STORE " + std::to_string(uid) + " -FLAGS.SILENT (" + keyword + ")", "unflag", err);
}

bool ImapSession::has_capability(const std::string& name, std::string* err) {
  if (capabilities_.empty()) {
    const std::string command = "CAPABILITY";
    const std::string url = has_selected_ ? folder_url(selected_, true) : base_url_;
    if (!perform(url, &command, nullptr, nullptr, "capability", err)) return false;
    for (const auto& line : curl_->untagged) {
      std::string up = protocol_upper(line);
      if (up.rfind("CAPABILITY ", 0) != 0) continue;
      std::size_t i = 11;
      while (i < up.size()) {
        std::size_t end = up.find(' ', i);
        if (end == std::string::npos) end = up.size();
        if (end > i) capabilities_.push_back(up.substr(i, end - i));
        i = end + 1;
      }
    }
    if (capabilities_.empty()) capabilities_.push_back("IMAP4REV1");
  }
  return std::find(capabilities_.begin(), capabilities_.end(), protocol_upper(name)) != capabilities_.end();
}

bool ImapSession::move(std::uint32_t uid, const std::string& folder_utf8, std::string* err) {
  return move_set(std::to_string(uid), "UID " + std::to_string(uid), folder_utf8, err);
}

bool ImapSession::move(const std::vector<std::uint32_t>& uids, const std::string& folder_utf8, std::string* err) {
  for (const auto& set : uid_sets(uids)) {
    if (!move_set(set, "UIDs " + (set.size() > 40 ? set.substr(0, 40) + "..." : set), folder_utf8, err)) return false;
  }
  return true;
}

bool ImapSession::move_set(const std::string& set, const std::string& which, const std::string& folder_utf8,
                           std::string* err) {
  if (!require_selected(err)) return false;
  std::string wire, why;
  if (!encode_imap_utf7(folder_utf8, &wire, &why)) {
    *err = prefix() + "move to " + folder_utf8 + ": " + why;
    return false;
  }
  const std::string what = "move " + which + " to " + folder_utf8;
  const std::string& id = set;
  std::string cap_err;
  const bool has_move = has_capability("MOVE", &cap_err);
  if (!cap_err.empty()) {
    *err = cap_err;
    return false;
  }
  // RFC 3501 7.1 [TRYCREATE]: the target does not exist yet.
  auto try_create = [&]() {
    const Curl::Tagged* no = curl_->refusal();
    if (!no || protocol_upper(no->text).find("[TRYCREATE]") == std::string::npos) return false;
    std::string create_err;
    return create_folder(folder_utf8, &create_err);
  };
  const std::string transfer = (has_move ? "UID MOVE " : "UID COPY ") + id + " " + quoted(wire);
  if (!run_on_selected(transfer, what.c_str(), err)) {
    if (!try_create() || !run_on_selected(transfer, what.c_str(), err)) return false;
  }
  if (has_move) return true;
  if (!run_on_selected("UID STORE " + id + " +FLAGS.SILENT (\\Deleted)", what.c_str(), err)) return false;
  // Without UIDPLUS, EXPUNGE also removes whatever else someone marked
  // \Deleted in this folder: what their client would do on its next expunge.
  std::string uidplus_err;
  const bool uidplus = has_capability("UIDPLUS", &uidplus_err);
  return run_on_selected(uidplus ? "UID EXPUNGE " + id : std::string("EXPUNGE"), what.c_str(), err);
}

bool ImapSession::create_folder(const std::string& folder_utf8, std::string* err) {
  std::string wire, why;
  if (!encode_imap_utf7(folder_utf8, &wire, &why)) {
    *err = prefix() + "create " + folder_utf8 + ": " + why;
    return false;
  }
  const std::string what = "create " + folder_utf8;
  // Ask first: libcurl closes the connection after a refused custom
  // request, so CREATE on an existing folder would cost a reconnect.
  const std::string list = "LIST \"\" " + quoted(wire);
  if (!perform(base_url_, &list, nullptr, nullptr, what.c_str(), err)) return false;
  for (const auto& line : curl_->untagged) {
    // "* LIST (\HasNoChildren) "/" "name"": the name itself, not a
    // wildcard match ("%" and "*" are wildcards in LIST patterns).
    const std::string q = quoted(wire), atom = " " + wire;
    const bool same = (line.size() >= q.size() && line.compare(line.size() - q.size(), q.size(), q) == 0) ||
                      (line.size() >= atom.size() && line.compare(line.size() - atom.size(), atom.size(), atom) == 0);
    if (protocol_upper(line.substr(0, 5)) == "LIST " && same) return true;
  }
  const std::string create = "CREATE " + quoted(wire);
  if (!perform(base_url_, &create, nullptr, nullptr, what.c_str(), err)) {
    // RFC 5530 [ALREADYEXISTS]; older servers only say so in words.
    const Curl::Tagged* no = curl_->refusal();
    std::string text = no ? protocol_upper(no->text) : std::string();
    if (!no || (text.find("[ALREADYEXISTS]") == std::string::npos && text.find("EXISTS") == std::string::npos))
      return false;
  }
  const std::string subscribe = "SUBSCRIBE " + quoted(wire);
  std::string ignored;
  perform(base_url_, &subscribe, nullptr, nullptr, what.c_str(), &ignored);  // mail clients show it; not vital
  err->clear();
  return true;
}

bool ImapSession::append(const std::string& folder_utf8, const std::string& raw, std::string* err) {
  Selected target;
  std::string why;
  if (!encode_imap_utf7(folder_utf8, &target.folder_wire, &why)) {
    *err = prefix() + "append to " + folder_utf8 + ": " + why;
    return false;
  }
  const std::string what = "append to " + folder_utf8;
  return perform(folder_url(target, false), nullptr, &raw, nullptr, what.c_str(), err);
}

}  // namespace ticketd
