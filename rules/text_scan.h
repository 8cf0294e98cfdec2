// TextScan: the rule set's text conditions on one field, compiled together
// into one RE2::Set, so each field of a mail is scanned once for all of them
// instead of once per rule. This is what keeps 1,000 rules cheaper than
// parsing the mail.
//
// A scan only prunes: it says which patterns occur somewhere in the field,
// and a condition whose patterns did not occur is false at once. A condition
// whose pattern occurred still runs its own exact test (which also finds the
// text for the trace). So a scan can never change an answer, only skip work;
// when RE2 cannot build a set (memory budget) or its DFA gives up on a text,
// every condition simply runs its own test.
//
// Which conditions: equals, in, contains, starts_with, ends_with (literal
// patterns, on the case-folded values unless case_sensitive) and regex (on
// the values as written), on the fields of the mail (not the ticket-state
// fields, which change while rules run).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rules/condition.h"

namespace ticketd {

struct Rule;
struct RegexSet;  // wraps an re2::RE2::Set (text_scan.cpp), kept out of this header

struct TextScan {
  enum class Input { kFolded, kRaw };
  Field field = Field::kSubject;
  std::string header_key;       // lower case, for Field::kHeader
  Input input = Input::kFolded;  // which form of the values the patterns are matched on
  bool case_sensitive = true;    // the RE2 option (literal scans are exact: their input is folded already)
  bool literal = true;           // literal patterns (QuoteMeta) or admins' regexes
  std::size_t size = 0;          // patterns in the set
  std::shared_ptr<const RegexSet> set;  // null: could not be built; conditions run their own tests
};

// Groups the scannable conditions of `rules`, records in each its scan and
// pattern numbers (Condition::scan, Condition::scan_patterns), and compiles
// each group with `max_memory` bytes for RE2.
void build_text_scans(std::vector<Rule>* rules, std::int64_t max_memory, std::vector<TextScan>* scans);

// Marks in `hits` (sized scan.size) each pattern that occurs in `text`.
// Returns false when the set could not answer (no set, or its DFA ran out of
// memory): the caller must then treat every pattern as possible.
bool run_text_scan(const TextScan& scan, std::string_view text, std::vector<char>* hits);

}  // namespace ticketd
