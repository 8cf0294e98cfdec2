// ImapSession: one mailbox account over one persistent IMAP connection
// (libcurl keeps it open between transfers on the same easy handle and
// replaces it transparently when the server dropped it).
//
// What libcurl (7.88, Debian 12) lets us do, and how this class lives with it:
//  - A URL fetch (imap://host/INBOX;UIDVALIDITY=v/;UID=n) is the only way to
//    get a whole message: libcurl sends "UID FETCH n BODY[]", so fetching
//    sets \Seen as a side effect (RFC 3501 6.4.5), as does anyone reading the
//    support address in a mail client. \Seen therefore never means
//    "processed"; our own keyword ($Ticketd) or a move does.
//  - Custom requests (CURLOPT_CUSTOMREQUEST) get their untagged answers as
//    "headers", and libcurl fails a transfer whose headers exceed 300 KB
//    ("Too large response headers: 332263 > 307200"), so they are used only
//    for small answers: UID SEARCH over windows of 1000 UIDs, UID STORE,
//    UID MOVE, CREATE, CAPABILITY.
//  - UIDVALIDITY has no getter: select() reads "* OK [UIDVALIDITY n]" from
//    the SELECT answer (RFC 3501 7.1) through libcurl's debug callback. Every
//    later URL carries ;UIDVALIDITY=n, so if the connection is replaced and
//    the folder's UIDVALIDITY changed meanwhile, the operation fails with
//    "UIDVALIDITY changed" instead of acting on the wrong message.
//  - libcurl compares folder names case-insensitively when deciding whether
//    a SELECT is needed: "Done" and "done" cannot both be used.
//
// Folder names are UTF-8 ("已处理") and go on the wire in modified UTF-7.
// Operations other than select() and create_folder() act on the folder of
// the last successful select(); calling them before is an error.
//
// Errors are for admins and never contain the password (it is passed as
// CURLOPT_PASSWORD, never in a URL): "imap://127.0.0.1:1143 (support): login
// failed: [AUTHENTICATIONFAILED] Authentication failed.". unreachable() then
// tells a server that cannot be reached from a request the server refused.
//
// Not thread-safe: one ImapSession per mailbox per thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace ticketd {

struct ImapAccount {
  std::string url;       // imap://host:port (STARTTLS when offered) or imaps://host:port
  std::string user;
  std::string password;
  bool verify_tls = true;
  bool require_tls = false;  // imap:// only: fail rather than log in over clear text
  long timeout_seconds = 60;  // connect, and any stall in a transfer
  std::size_t max_message_bytes = 64u << 20;  // fetch() refuses larger mail
  // UIDs per UID SEARCH. libcurl hands an IMAP answer line longer than its
  // 16 KB read buffer to us in broken pieces (measured: a folder of 5,000
  // unprocessed mails, one 24 KB "* SEARCH" line, yielded 1,517 UIDs), so a
  // window of 1,000 UIDs keeps every answer line under 11 KB, even with
  // 10-digit UIDs.
  std::uint32_t search_window = 1000;
};

using Uidvalidity = std::uint32_t;

class ImapSession {
 public:
  explicit ImapSession(ImapAccount account);
  ~ImapSession();
  ImapSession(const ImapSession&) = delete;
  ImapSession& operator=(const ImapSession&) = delete;

  // Connects and logs in if needed, selects the folder (read-write) and
  // gives its UIDVALIDITY. Later calls act on this folder.
  bool select(const std::string& folder_utf8, Uidvalidity* uidvalidity, std::string* err);

  // UIDs (ascending) of messages in the selected folder without `keyword`
  // and without \Deleted: "UID SEARCH UID a:b UNKEYWORD k NOT DELETED".
  bool search_unflagged(const std::string& keyword, std::vector<std::uint32_t>* uids, std::string* err);

  // The message's raw bytes, exactly as stored (CRLF line ends). Sets \Seen.
  // A UID that no longer exists (expunged, moved by someone) is an error
  // whose text contains "no message with UID".
  bool fetch(std::uint32_t uid, std::string* raw, std::string* err);

  // The size in bytes of each of `uids` (RFC822.SIZE, RFC 3501 6.4.5), as
  // the server will send it, in the same order; 0 for a UID the server did
  // not answer for (expunged meanwhile). Asked 1,000 UIDs per command so the
  // answer (about 40 bytes a mail) stays far under libcurl's 300 KB cap.
  bool sizes(const std::vector<std::uint32_t>& uids, std::vector<std::size_t>* bytes, std::string* err);

  // Only the message's header block (BODY[HEADER], RFC 3501 6.4.5), e.g.
  // for a mail too large to fetch whole; also limited to max_message_bytes.
  bool fetch_header(std::uint32_t uid, std::string* header, std::string* err);

  // UID STORE n +FLAGS.SILENT (keyword) / -FLAGS.SILENT. `keyword` must be
  // an IMAP atom such as "$Ticketd" (RFC 3501 9, flag-keyword).
  bool add_keyword(std::uint32_t uid, const std::string& keyword, std::string* err);
  bool remove_keyword(std::uint32_t uid, const std::string& keyword, std::string* err);

  // The same for many messages at once, as UID sets ("3:7,9"), a few
  // thousand characters per command: for marking a batch whose ticket
  // changes have all committed.
  bool add_keyword(const std::vector<std::uint32_t>& uids, const std::string& keyword, std::string* err);

  // Moves the message to another folder: UID MOVE (RFC 6851) when the
  // server has MOVE, else UID COPY + UID STORE \Deleted + UID EXPUNGE
  // (UIDPLUS) or EXPUNGE. A missing target folder ([TRYCREATE]) is created
  // and the move retried once.
  bool move(std::uint32_t uid, const std::string& folder_utf8, std::string* err);
  // The same for many messages at once, as UID sets (a batch whose ticket
  // changes have all committed).
  bool move(const std::vector<std::uint32_t>& uids, const std::string& folder_utf8, std::string* err);

  // LIST, then CREATE + SUBSCRIBE if missing; an existing folder is success.
  bool create_folder(const std::string& folder_utf8, std::string* err);

  // APPEND raw bytes to a folder (tests, saving sent mail).
  bool append(const std::string& folder_utf8, const std::string& raw, std::string* err);

  // After a failure: true when it was the connection (refused, timed out,
  // dropped, TLS), false when the server answered and said no.
  bool unreachable() const { return unreachable_; }

  // After fetch() failed: true when the mail exceeds max_message_bytes. It
  // will never fit, so the caller must not retry it forever.
  bool too_large() const { return too_large_; }
  std::size_t max_message_bytes() const { return account_.max_message_bytes; }

  // What it logs in with: a second session for the same mailbox (another
  // thread) is made from it.
  const ImapAccount& account() const { return account_; }

  // From now on, a transfer in progress is abandoned within about a second
  // once `*flag` is true (the call fails as "cancelled"): for a session
  // another thread must be able to stop. `flag` must outlive the session.
  void cancel_when(const std::atomic<bool>* flag) { cancel_flag_ = flag; }

  // Connections opened so far (1 after any number of calls on a healthy one).
  long connections_opened() const { return connections_opened_; }

  // The capabilities the server announced after login, upper-cased.
  bool has_capability(const std::string& name, std::string* err);

 private:
  struct Curl;
  struct Selected {
    std::string folder_utf8;
    std::string folder_wire;  // modified UTF-7
    Uidvalidity uidvalidity = 0;
    std::uint32_t uidnext = 0;
  };

  // One transfer on the shared handle; see the .cpp for the parameters.
  bool perform(const std::string& url, const std::string* custom, const std::string* upload, std::string* body,
               const char* what, std::string* err);
  std::string folder_url(const Selected& folder, bool with_uidvalidity) const;
  bool run_on_selected(const std::string& command, const char* what, std::string* err);
  // "" for the whole message, else an RFC 3501 section such as "HEADER".
  bool fetch_section(std::uint32_t uid, const char* section, std::string* raw, std::string* err);
  // move() for one UID set ("3:7,9"); `which` names it in errors.
  bool move_set(const std::string& set, const std::string& which, const std::string& folder_utf8, std::string* err);
  bool require_selected(std::string* err) const;
  std::string prefix() const;

  ImapAccount account_;
  std::string base_url_;  // scheme://host:port without path
  std::unique_ptr<Curl> curl_;
  Selected selected_;
  bool has_selected_ = false;
  std::vector<std::string> capabilities_;  // empty: not asked on this connection yet
  bool unreachable_ = false;
  bool too_large_ = false;
  long connections_opened_ = 0;
  const std::atomic<bool>* cancel_flag_ = nullptr;
};

}  // namespace ticketd
