// A stand-in for a mail too large to fetch whole (over the IMAP fetch
// limit, ImapAccount::max_message_bytes): the mail's own header block with
// its content fields (Content-Type, Content-Transfer-Encoding,
// Content-Disposition, MIME-Version) replaced by a text/plain note saying
// what happened and where the mail is.
//
// Why: such a mail must neither block the mailbox nor be downloaded again
// every cycle, and it must not vanish silently (DESIGN.md invariant 1). The
// stand-in goes through intake like any mail, so the customer gets a ticket
// and an acknowledgement, the ticket is threaded by the header's
// Message-ID/References, and dedupe works by its Message-ID (or by the
// stand-in's hash, which depends only on the header, folder and UID). The
// whole mail stays on the IMAP server, marked processed, for an agent.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ticketd {

std::string oversized_mail_stand_in(std::string_view header, std::uint64_t limit_bytes, std::string_view folder,
                                    std::uint32_t uid);

}  // namespace ticketd
