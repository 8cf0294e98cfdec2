// Loop and flood protection for automatic mail (DESIGN.md invariant 4).
// Never auto-answer a machine: RFC 3834 Auto-Submitted, bulk Precedence,
// mailing lists, bounces (the parser's auto_generated reason), mail from our
// own addresses, mail with no usable sender; and at most N automatic mails
// per sender address per hour, counted across tickets.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "daemon/config.h"
#include "parser/message.h"

namespace ticketd {

class Store;

// Why no automatic mail may go to the sender of `message`, or nothing when
// one may.
std::optional<std::string> why_no_automatic_reply(const Message& message, const Config& config, const Store& store,
                                                  std::int64_t now);

bool is_own_address(const Config& config, std::string_view address);

}  // namespace ticketd
