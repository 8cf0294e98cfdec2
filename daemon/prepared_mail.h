// What intake computes from a mail's bytes alone, without the store: the
// parse and the raw mail's SHA-256, the two passes over every byte of it.
// MailIntake::prepare() makes it; the fetching thread runs that ahead of
// intake (daemon/mail_prefetcher.h), so neither pass is on intake's thread.
#pragma once

#include <string>

#include "parser/message.h"

namespace ticketd {

struct PreparedMail {
  Message message;
  std::string raw_sha256;  // hex, as the store keys raw mails
};

}  // namespace ticketd
