#include "parser/delivery_status.h"

#include <cctype>

namespace ticketd {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// "rfc822; <a@b>" -> "a@b": the part after the address type, brackets off.
std::string bare_recipient(std::string_view value) {
  if (auto semicolon = value.find(';'); semicolon != std::string_view::npos) value.remove_prefix(semicolon + 1);
  value = trim(value);
  if (value.size() >= 2 && value.front() == '<' && value.back() == '>') value = value.substr(1, value.size() - 2);
  return std::string(trim(value));
}

struct Field {
  std::string name;  // lower case
  std::string value;
};

// Splits the report into blocks of unfolded fields, one per blank-line
// separated paragraph.
std::vector<std::vector<Field>> field_blocks(std::string_view report) {
  std::vector<std::vector<Field>> blocks(1);
  std::size_t pos = 0;
  while (pos < report.size()) {
    std::size_t nl = report.find('\n', pos);
    std::string_view line = report.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? report.size() : nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (trim(line).empty()) {
      if (!blocks.back().empty()) blocks.emplace_back();
      continue;
    }
    if ((line.front() == ' ' || line.front() == '\t') && !blocks.back().empty()) {
      blocks.back().back().value += ' ';
      blocks.back().back().value += trim(line);
      continue;
    }
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    blocks.back().push_back({lower(trim(line.substr(0, colon))), std::string(trim(line.substr(colon + 1)))});
  }
  return blocks;
}

}  // namespace

bool DeliveryResult::permanent_failure() const {
  if (action == "failed") return true;
  return action.empty() && !status.empty() && status.front() == '5';
}

std::vector<DeliveryResult> parse_delivery_status(std::string_view report) {
  std::vector<DeliveryResult> results;
  for (const std::vector<Field>& block : field_blocks(report)) {
    DeliveryResult r;
    std::string original;
    for (const Field& f : block) {
      if (f.name == "final-recipient") r.recipient = bare_recipient(f.value);
      else if (f.name == "original-recipient") original = bare_recipient(f.value);
      else if (f.name == "action") r.action = lower(trim(f.value.substr(0, f.value.find_first_of(" (;"))));
      else if (f.name == "status") r.status = std::string(trim(f.value.substr(0, f.value.find_first_of(" (;"))));
      else if (f.name == "diagnostic-code") {
        std::string_view v = f.value;
        if (auto semicolon = v.find(';'); semicolon != std::string_view::npos) v.remove_prefix(semicolon + 1);
        r.diagnostic = std::string(trim(v));
      }
    }
    if (r.recipient.empty()) r.recipient = original;
    if (r.recipient.empty() || r.recipient.find('@') == std::string::npos) continue;
    results.push_back(std::move(r));
  }
  return results;
}

bool is_delivery_status_type(std::string_view content_type) {
  std::string t = lower(content_type);
  return t == "message/delivery-status" || t == "message/global-delivery-status";
}

}  // namespace ticketd
