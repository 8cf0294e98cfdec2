// What intake computes from a mail's bytes alone: the parse and the raw
// mail's SHA-256, the two passes over every byte of it, and on the fetching
// thread also the raw mail kept in the store's mail log. MailIntake::prepare()
// and prepare_and_keep() make it; the fetching thread runs the latter ahead of
// intake (daemon/mail_prefetcher.h), so none of that is on intake's thread.
#pragma once

#include <optional>
#include <string>

#include "parser/message.h"
#include "store/mail_log.h"

namespace ticketd {

struct PreparedMail {
  Message message;
  std::string raw_sha256;  // hex, as the store keys raw mails
  // The raw mail, in the store's mail log already (Store::keep_raw_mail_ahead()):
  // its transaction names that record instead of appending the bytes, which
  // the fetching thread may then let go (IncomingMail::raw empty).
  std::optional<KeptRawMail> kept;
};

}  // namespace ticketd
