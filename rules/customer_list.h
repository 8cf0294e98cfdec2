// CustomerList: a list file of addresses and domains named by a rule
// (`in_list = "vip-customers.txt"`), e.g. the VIP customers or partner domains.
//
// File format: UTF-8 text, one entry per line; blank lines and everything
// after a '#' are ignored; surrounding spaces are trimmed. An entry with an
// '@' is an address ("ceo@bigco.com"), one without is a domain ("bigco.com",
// "@bigco.com" is accepted too) that also covers its subdomains
// ("eu.bigco.com"). Entries are compared case-folded (rules/text_fold.h).
//
// A CustomerList is immutable after loading and safe to share between
// threads and between rule sets.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_set>

namespace ticketd {

class CustomerList {
 public:
  // Reads `path`. On failure returns false and sets *err to
  // "PATH:LINE: message" (or "PATH: message" for an unreadable file).
  // Refuses files over `max_entries` entries (a wrong path pointing at a
  // huge file should not eat the daemon's memory).
  static bool load(const std::string& path, std::size_t max_entries, CustomerList* out, std::string* err);

  // Builds a list from entries in memory (tests, config-provided lists).
  static CustomerList from_entries(std::initializer_list<std::string_view> entries);

  // True when `value` is one of the entries. For a value with an '@' (an
  // address) also true when its domain, or a parent domain of it, is listed.
  // For a value without '@' (a domain, or any other text) true when it or a
  // parent domain is listed. `value` need not be folded.
  bool contains(std::string_view value) const;

  std::size_t size() const { return entries_.size(); }

 private:
  // Transparent hashing: look up string_views without building strings.
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  void add(std::string_view entry);
  std::unordered_set<std::string, Hash, std::equal_to<>> entries_;  // folded
};

}  // namespace ticketd
