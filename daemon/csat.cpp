#include "daemon/csat.h"

#include <fmt/format.h>

#include <cctype>

namespace ticketd {

namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string payload(std::int64_t ticket_number, int rating) { return fmt::format("{}-{}", ticket_number, rating); }

// RFC 6068 section 2: everything but unreserved characters percent-encoded
// (the subject is UTF-8, which RFC 6068 section 2 asks for).
std::string percent_encode(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') out.push_back(static_cast<char>(c));
    else out += fmt::format("%{:02X}", c);
  }
  return out;
}

struct Labels {
  const char* words[5];  // rating 1 .. 5
  const char* subject;   // {0}: rating, {1}: ticket number
};

const Labels& labels(std::string_view language) {
  static const Labels en = {{"Very dissatisfied", "Dissatisfied", "Neutral", "Satisfied", "Very satisfied"},
                            "Rating {0} for ticket [#{1}]"};
  static const Labels zh_cn = {{"非常不满意", "不满意", "一般", "满意", "非常满意"}, "工单 [#{1}] 评分：{0}"};
  static const Labels zh_tw = {{"非常不滿意", "不滿意", "普通", "滿意", "非常滿意"}, "工單 [#{1}] 評分：{0}"};
  if (language == "zh-CN") return zh_cn;
  if (language == "zh-TW") return zh_tw;
  return en;
}

std::string_view trim(std::string_view s) {
  const char* space = " \t\r\n";
  auto b = s.find_first_not_of(space);
  if (b == std::string_view::npos) return {};
  auto e = s.find_last_not_of(space);
  return s.substr(b, e - b + 1);
}

// Strips separators a person puts after a rating: "5 - great", "5/5", "满意！".
std::string_view after_rating(std::string_view rest) {
  for (std::string_view sep : {"/5", "/ 5", "分", "星"}) {
    if (rest.substr(0, sep.size()) == sep) rest.remove_prefix(sep.size());
  }
  rest = trim(rest);
  for (std::string_view sep : {"-", ":", ",", ".", "!", ";", "，", "。", "！", "：", "、", "；"}) {
    if (rest.substr(0, sep.size()) == sep) {
      rest.remove_prefix(sep.size());
      break;
    }
  }
  return trim(rest);
}

}  // namespace

std::string csat_address(const Signer& signer, std::string_view support_address, std::int64_t ticket_number,
                         int rating) {
  auto at = support_address.rfind('@');
  if (at == std::string_view::npos || !signer.usable()) return std::string(support_address);
  return fmt::format("{}+csat-{}-{}-{}{}", support_address.substr(0, at), ticket_number, rating,
                     signer.sign(kCsatPurpose, payload(ticket_number, rating)), support_address.substr(at));
}

std::optional<CsatToken> parse_csat_address(std::string_view address) {
  std::string text = lower(trim(address));
  auto at = text.rfind('@');
  if (at == std::string::npos) return std::nullopt;
  auto plus = text.rfind("+csat-", at);
  if (plus == std::string::npos || plus == 0) return std::nullopt;
  std::string token = text.substr(plus + 6, at - plus - 6);  // "<number>-<rating>-<sig>"
  auto first = token.find('-');
  auto second = first == std::string::npos ? std::string::npos : token.find('-', first + 1);
  if (second == std::string::npos || first == 0 || first > 15 || second != first + 2) return std::nullopt;
  CsatToken out;
  for (std::size_t i = 0; i < first; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(token[i]))) return std::nullopt;
    out.ticket_number = out.ticket_number * 10 + (token[i] - '0');
  }
  char r = token[first + 1];
  if (r < '1' || r > '5') return std::nullopt;
  out.rating = r - '0';
  out.signature = token.substr(second + 1);
  if (out.signature.empty()) return std::nullopt;
  out.base_address = text.substr(0, plus) + text.substr(at);
  return out;
}

bool verify_csat_token(const Signer& signer, const CsatToken& token) {
  return signer.verify(kCsatPurpose, payload(token.ticket_number, token.rating), token.signature);
}

std::string survey_links(const Signer& signer, std::string_view support_address, std::int64_t ticket_number,
                         std::string_view language) {
  const Labels& l = labels(language);
  std::string out;
  for (int rating = 5; rating >= 1; --rating) {
    std::string subject = fmt::format(fmt::runtime(l.subject), rating, ticket_number);
    out += fmt::format("{} - {}: mailto:{}?subject={}\n", rating, l.words[rating - 1],
                       csat_address(signer, support_address, ticket_number, rating), percent_encode(subject));
  }
  if (!out.empty()) out.pop_back();
  return out;
}

std::optional<TextRating> rating_from_text(std::string_view text) {
  text = trim(text);
  if (text.empty()) return std::nullopt;
  TextRating out;
  std::string_view rest;
  if (text[0] >= '1' && text[0] <= '5' && (text.size() == 1 || !std::isdigit(static_cast<unsigned char>(text[1])))) {
    out.rating = text[0] - '0';
    rest = text.substr(1);
  } else {
    // Longer words first: 不满意 contains 满意.
    static const std::pair<std::string_view, int> words[] = {
        {"非常不满意", 1}, {"非常不滿意", 1}, {"不满意", 1}, {"不滿意", 1}, {"非常满意", 5}, {"非常滿意", 5},
        {"满意", 5},       {"滿意", 5},       {"very good", 5}, {"excellent", 5}, {"good", 5}, {"very bad", 1},
        {"bad", 1}};
    std::string head = lower(text.substr(0, 16));
    for (const auto& [word, rating] : words) {
      if (head.compare(0, word.size(), word) == 0) {
        // A whole word: "goodbye" is not a rating.
        std::size_t n = word.size();
        if (n < text.size() && std::isalpha(static_cast<unsigned char>(text[n]))) continue;
        out.rating = rating;
        rest = text.substr(n);
        break;
      }
    }
    if (out.rating == 0) return std::nullopt;
  }
  out.comment = std::string(after_rating(rest));
  return out;
}

}  // namespace ticketd
