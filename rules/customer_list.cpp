#include "rules/customer_list.h"

#include <cerrno>
#include <cstring>
#include <fstream>

#include "rules/text_fold.h"

namespace ticketd {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace

void CustomerList::add(std::string_view entry) {
  if (!entry.empty() && entry.front() == '@') entry.remove_prefix(1);
  if (!entry.empty()) entries_.insert(fold_case(entry));
}

bool CustomerList::load(const std::string& path, std::size_t max_entries, CustomerList* out, std::string* err) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *err = path + ": cannot read list: " + std::strerror(errno);
    return false;
  }
  CustomerList list;
  std::string line;
  std::size_t line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    std::string_view entry = line;
    if (const auto hash = entry.find('#'); hash != std::string_view::npos) entry = entry.substr(0, hash);
    entry = trim(entry);
    if (entry.empty()) continue;
    if (entry.find_first_of(" \t") != std::string_view::npos) {
      *err = path + ":" + std::to_string(line_number) + ": one address or domain per line, found \"" +
             std::string(entry) + "\"";
      return false;
    }
    list.add(entry);
    if (list.entries_.size() > max_entries) {
      *err = path + ":" + std::to_string(line_number) + ": more than " + std::to_string(max_entries) + " entries";
      return false;
    }
  }
  *out = std::move(list);
  return true;
}

CustomerList CustomerList::from_entries(std::initializer_list<std::string_view> entries) {
  CustomerList list;
  for (auto e : entries) list.add(trim(e));
  return list;
}

bool CustomerList::contains(std::string_view value) const {
  if (entries_.empty() || value.empty()) return false;
  const std::string folded = fold_case(value);
  if (entries_.find(std::string_view(folded)) != entries_.end()) return true;
  std::string_view domain = folded;
  if (const auto at = domain.rfind('@'); at != std::string_view::npos) domain = domain.substr(at + 1);
  // The domain itself, then each parent: eu.bigco.com, bigco.com, com.
  while (!domain.empty()) {
    if (entries_.find(domain) != entries_.end()) return true;
    const auto dot = domain.find('.');
    if (dot == std::string_view::npos) break;
    domain = domain.substr(dot + 1);
  }
  return false;
}

}  // namespace ticketd
