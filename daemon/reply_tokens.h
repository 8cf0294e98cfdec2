// Reply tokens: the signed strings ticketd puts into mail so that a reply
// proves what it answers (issue 6, point 5). A From header is trivially
// forged; these are not, without the key of daemon/signing.h.
//
//  - The agent reply address, the Reply-To of a notification to an agent:
//      support+a<ticket number>-<agent key>-<signature>@domain
//    <agent key> is 6 base32 characters of SHA-256(agent name), stable when
//    the config's agents are reordered; the signature (purpose
//    "agent-reply") covers the ticket number and the agent's full name.
//  - Our Message-IDs:  ticketd.<number>.<random hex>.<signature>@host
//    The signature covers "<number>.<random>" for a purpose saying who the
//    mail went to: kCustomerMailPurpose for mail to customers, and
//    agent_mail_purpose(name) for a notification to one agent, so a
//    customer's copy of an acknowledgement never grants agent powers.
//    Without a key the id is the older unsigned "ticketd.<n>.<hex>@host",
//    still threaded by the store (it keeps every id it sent).
// Parsing is lenient about case (mail systems fold local parts) and strict
// about shape; parse_* never verify, verify_* never throw.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "daemon/signing.h"

namespace ticketd {

inline constexpr std::string_view kAgentReplyPurpose = "agent-reply";
inline constexpr std::string_view kCustomerMailPurpose = "message-id";
std::string agent_mail_purpose(std::string_view agent_name);

std::string agent_key(std::string_view agent_name);

// "support@example.com" + ticket 1001 + "bob" -> "support+a1001-k3j2xa-<sig>@example.com".
// Returns `support_address` unchanged when the signer has no key.
std::string agent_reply_address(const Signer& signer, std::string_view support_address, std::int64_t ticket_number,
                                std::string_view agent_name);

struct ReplyAddressToken {
  std::string base_address;  // "support@example.com": the address without its token
  std::int64_t ticket_number = 0;
  std::string agent_key;
  std::string signature;
};

// The token of an address shaped like a reply address, unverified.
std::optional<ReplyAddressToken> parse_reply_address(std::string_view address);

// Whether the token was signed for this ticket and this agent (and names
// the agent's key).
bool verify_reply_address(const Signer& signer, const ReplyAddressToken& token, std::string_view agent_name);

// A fresh Message-ID (bare, no angle brackets). `random` makes it unique;
// signed for `purpose` when the signer has a key.
std::string make_message_id(std::int64_t ticket_number, std::uint64_t random, std::string_view hostname,
                            const Signer& signer, std::string_view purpose);

struct MessageIdToken {
  std::int64_t ticket_number = 0;
  std::string random;
  std::string signature;  // empty for an unsigned id of ours
};

std::optional<MessageIdToken> parse_message_id(std::string_view message_id);

bool verify_message_id(const Signer& signer, const MessageIdToken& token, std::string_view purpose);

}  // namespace ticketd
