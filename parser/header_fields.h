// Structured header fields: address lists, dates, message ids, subjects.
// Each reads what real clients write, broken forms included, and never throws.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parser/message.h"

namespace ticketd {

// RFC 5322 address-list, leniently: groups, quoted names, comments, missing
// angle brackets, encoded-word names, IDN domains. Every Address returned
// has a non-empty address; entries without one (the null sender "<>", a
// group's name) are left out. A comment names the person when nothing else
// does ("jdoe@example.com (John Doe)").
std::vector<Address> parse_address_list(std::string_view raw);

// RFC 5322 Date and the forms seen in the wild, in UTC seconds since the
// epoch; nothing when it cannot be read.
std::optional<std::int64_t> parse_mail_date(std::string_view raw);

// Every message id in a Message-ID / In-Reply-To / References value, bare,
// in order, duplicates removed; tolerates missing brackets and junk between.
std::vector<std::string> parse_message_ids(std::string_view raw);

// The subject without reply/forward prefixes in the common languages
// (Re:, RE[2]:, Aw:, SV:, VS:, Antw:, 回复:, 回覆:, 答复:, 转发:, 轉寄:, Fwd:, FW:,
// full-width colons) and surrounding white space.
std::string normalize_subject(std::string_view subject);

}  // namespace ticketd
