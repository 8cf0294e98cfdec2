#include "daemon/reply_tokens.h"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "parser/sha256.h"

namespace ticketd {

namespace {

constexpr std::size_t kAgentKeyLength = 6;

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool all_of(std::string_view text, bool (*pred)(char)) {
  return !text.empty() && std::all_of(text.begin(), text.end(), pred);
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_base32(char c) { return (c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'); }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f'); }

// A ticket number of at most 15 digits (no overflow, no leading sign).
std::optional<std::int64_t> number_of(std::string_view digits) {
  if (!all_of(digits, is_digit) || digits.size() > 15) return std::nullopt;
  std::int64_t n = 0;
  for (char c : digits) n = n * 10 + (c - '0');
  return n;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    auto end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return parts;
}

std::string reply_payload(std::int64_t ticket_number, std::string_view agent_name) {
  return fmt::format("{}\n{}", ticket_number, agent_name);
}

}  // namespace

std::string agent_mail_purpose(std::string_view agent_name) { return fmt::format("agent-mail\n{}", agent_name); }

std::string agent_key(std::string_view agent_name) {
  Sha256 hash;
  hash.update(agent_name);
  auto digest = hash.finish();
  return base32_lower(digest.data(), digest.size()).substr(0, kAgentKeyLength);
}

std::string agent_reply_address(const Signer& signer, std::string_view support_address, std::int64_t ticket_number,
                                std::string_view agent_name) {
  auto at = support_address.rfind('@');
  if (!signer.usable() || at == std::string_view::npos) return std::string(support_address);
  return fmt::format("{}+a{}-{}-{}{}", support_address.substr(0, at), ticket_number, agent_key(agent_name),
                     signer.sign(kAgentReplyPurpose, reply_payload(ticket_number, agent_name)),
                     support_address.substr(at));
}

std::optional<ReplyAddressToken> parse_reply_address(std::string_view address) {
  std::string folded = lower(address);
  auto at = folded.rfind('@');
  if (at == std::string::npos) return std::nullopt;
  std::string_view local = std::string_view(folded).substr(0, at);
  auto plus = local.rfind("+a");
  if (plus == std::string_view::npos || plus == 0) return std::nullopt;
  auto parts = split(local.substr(plus + 2), '-');
  if (parts.size() != 3) return std::nullopt;
  auto number = number_of(parts[0]);
  if (!number || parts[1].size() != kAgentKeyLength || !all_of(parts[1], is_base32) ||
      !all_of(parts[2], is_base32)) {
    return std::nullopt;
  }
  ReplyAddressToken token;
  token.base_address = std::string(local.substr(0, plus)) + folded.substr(at);
  token.ticket_number = *number;
  token.agent_key = std::string(parts[1]);
  token.signature = std::string(parts[2]);
  return token;
}

bool verify_reply_address(const Signer& signer, const ReplyAddressToken& token, std::string_view agent_name) {
  // The key is only a hint for finding the agent; the signature is the proof.
  if (token.agent_key != agent_key(agent_name)) return false;
  return signer.verify(kAgentReplyPurpose, reply_payload(token.ticket_number, agent_name), token.signature);
}

std::string make_message_id(std::int64_t ticket_number, std::uint64_t random, std::string_view hostname,
                            const Signer& signer, std::string_view purpose) {
  std::string host = hostname.empty() ? std::string("localhost") : std::string(hostname);
  std::string payload = fmt::format("{}.{:016x}", ticket_number, random);
  if (!signer.usable()) return fmt::format("ticketd.{}@{}", payload, host);
  return fmt::format("ticketd.{}.{}@{}", payload, signer.sign(purpose, payload), host);
}

std::optional<MessageIdToken> parse_message_id(std::string_view message_id) {
  std::string folded = lower(message_id);
  auto at = folded.rfind('@');
  if (at == std::string::npos) return std::nullopt;
  auto parts = split(std::string_view(folded).substr(0, at), '.');
  if ((parts.size() != 3 && parts.size() != 4) || parts[0] != "ticketd") return std::nullopt;
  auto number = number_of(parts[1]);
  if (!number || !all_of(parts[2], is_hex)) return std::nullopt;
  MessageIdToken token;
  token.ticket_number = *number;
  token.random = std::string(parts[2]);
  if (parts.size() == 4) {
    if (!all_of(parts[3], is_base32)) return std::nullopt;
    token.signature = std::string(parts[3]);
  }
  return token;
}

bool verify_message_id(const Signer& signer, const MessageIdToken& token, std::string_view purpose) {
  if (token.signature.empty()) return false;
  return signer.verify(purpose, fmt::format("{}.{}", token.ticket_number, token.random), token.signature);
}

}  // namespace ticketd
