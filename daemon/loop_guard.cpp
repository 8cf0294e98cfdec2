#include "daemon/loop_guard.h"

#include <fmt/format.h>

#include <algorithm>

#include "store/store.h"

namespace ticketd {

namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// "support+t123@example.com" -> "support@example.com": our plus addresses
// are ours too.
std::string without_detail(std::string_view address) {
  std::string a = lower(address);
  auto at = a.find('@');
  auto plus = a.find('+');
  if (at != std::string::npos && plus != std::string::npos && plus < at) a.erase(plus, at - plus);
  return a;
}

}  // namespace

bool is_own_address(const Config& config, std::string_view address) {
  std::string a = without_detail(address);
  for (const auto& m : config.mailboxes) {
    if (without_detail(m.address) == a) return true;
  }
  return false;
}

std::optional<std::string> why_no_automatic_reply(const Message& message, const Config& config, const Store& store,
                                                  std::int64_t now) {
  if (message.auto_generated) return fmt::format("auto-generated mail ({})", *message.auto_generated);
  const std::string& sender = message.from.address;
  if (sender.empty() || sender.find('@') == std::string::npos) return std::string("no usable sender address");
  if (is_own_address(config, sender)) return fmt::format("sender {} is one of our own addresses", sender);
  std::string local = lower(sender.substr(0, sender.find('@')));
  if (local == "mailer-daemon" || local == "postmaster" || local.rfind("noreply", 0) == 0 ||
      local.rfind("no-reply", 0) == 0 || local.rfind("do-not-reply", 0) == 0 || local.rfind("donotreply", 0) == 0) {
    return fmt::format("sender {} does not take replies", sender);
  }
  if (config.bounce_block_hours > 0) {
    // Refused at SMTP time (the outbox row failed) or by a delivery status
    // notification that came back later: either way the mailbox is dead.
    std::int64_t since = now - config.bounce_block_hours * 3600;
    if (store.permanently_failed_since(sender, since) || store.bounced_since(sender, since)) {
      return fmt::format("mail to {} failed permanently within the last {} hours", sender, config.bounce_block_hours);
    }
  }
  if (config.auto_replies_per_hour >= 0) {
    std::int64_t recent = store.automatic_mails_to(sender, now - 3600);
    if (recent >= config.auto_replies_per_hour) {
      return fmt::format("{} automatic mails to {} in the last hour (limit {})", recent, sender,
                         config.auto_replies_per_hour);
    }
  }
  return std::nullopt;
}

}  // namespace ticketd
