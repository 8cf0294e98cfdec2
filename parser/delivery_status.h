// The per-recipient results of a delivery status notification (RFC 3464,
// message/delivery-status; RFC 6533 message/global-delivery-status), so a
// bounce can say which address refused our mail and whether for good.
//
// Reads the report's field blocks (the first is per-message, each later one
// per recipient), unfolding continuation lines; field names are matched
// without regard to case (Exchange writes "Final-recipient"). A recipient
// block without Final-Recipient (or Original-Recipient) is skipped. Never
// throws; garbage in gives an empty list.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ticketd {

struct DeliveryResult {
  std::string recipient;   // bare address from Final-Recipient ("rfc822; a@b" -> "a@b")
  std::string action;      // lower case: failed, delayed, delivered, relayed, expanded
  std::string status;      // e.g. "5.1.1"; may be empty
  std::string diagnostic;  // Diagnostic-Code without its type, e.g. "550 5.1.1 User unknown"

  // RFC 3464 2.3.3: "failed" is final; a 5.x.x status is a permanent
  // failure (RFC 3463 2) even when Action is missing.
  bool permanent_failure() const;

  bool operator==(const DeliveryResult&) const = default;
};

std::vector<DeliveryResult> parse_delivery_status(std::string_view report);

// Whether a content type carries a delivery status report.
bool is_delivery_status_type(std::string_view content_type);

}  // namespace ticketd
