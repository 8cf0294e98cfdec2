// The IMAP login of a configured mailbox, made in one place so the poller,
// the session that fetches ahead, the IDLE watch and `ticketd check
// --connect` all log in the same way (URL, user, password, TLS checks).
#pragma once

#include "daemon/config.h"
#include "daemon/imap_session.h"

namespace ticketd {

inline ImapAccount imap_account_of(const MailboxConfig& mailbox) {
  ImapAccount account;
  account.url = mailbox.url;
  account.user = mailbox.user;
  account.password = mailbox.password;
  account.verify_tls = mailbox.verify_tls;
  account.require_tls = mailbox.require_tls;
  account.max_message_bytes = static_cast<std::size_t>(mailbox.max_message_mb) << 20;
  return account;
}

}  // namespace ticketd
