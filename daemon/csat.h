// Customer satisfaction surveys (issue 5 point 6): the signed rating
// addresses a survey links to, and reading a rating from the mail that
// comes back.
//
// A survey offers five choices, each a mailto: link (RFC 6068) to
//   support+csat-<ticket number>-<rating>-<signature>@domain
// with a ready subject, so one click and Send records the rating from any
// mail client. The signature (daemon/signing.h, purpose "csat") covers
// "<ticket number>-<rating>", so a customer cannot rate another ticket nor
// turn a 1 into a 5 by editing the address; an altered token is refused.
// A plain reply to the survey counts too: a number 1-5 or a word (good,
// bad, 满意, 不满意, 滿意, 不滿意) at the start of the new text, with any
// text beside it kept as the comment.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/signing.h"

namespace ticketd {

inline constexpr std::string_view kCsatPurpose = "csat";

// "support@example.com", 1001, 5 -> "support+csat-1001-5-<sig>@example.com".
std::string csat_address(const Signer& signer, std::string_view support_address, std::int64_t ticket_number,
                         int rating);

struct CsatToken {
  std::string base_address;  // the support address without the token, lower case
  std::int64_t ticket_number = 0;
  int rating = 0;
  std::string signature;
};

// The token of an address shaped like a rating address, unverified.
std::optional<CsatToken> parse_csat_address(std::string_view address);
bool verify_csat_token(const Signer& signer, const CsatToken& token);

// The {survey_links} text of a survey: one line per rating, best first,
// "5 - Very satisfied: mailto:...?subject=...", labelled in `language`
// (en, zh-CN, zh-TW; others get English).
std::string survey_links(const Signer& signer, std::string_view support_address, std::int64_t ticket_number,
                         std::string_view language);

struct TextRating {
  int rating = 0;
  std::string comment;  // the rest of the new text, trimmed; may be empty
};

// A rating at the start of `text` (the new text of a reply), if any.
std::optional<TextRating> rating_from_text(std::string_view text);

}  // namespace ticketd
