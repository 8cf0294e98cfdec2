// Plain records of the ticket lifecycle, SLA clocks, timer notices and
// satisfaction surveys (issue 6 points 6-8, issue 5 point 6; migration 4).
// Times are seconds since the epoch, UTC.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace ticketd {

// One SLA target running on a ticket. `remind_at` and `due_at` are the
// moments at which the reminder share and the whole target are used up,
// counted in business time; while the ticket waits on the customer the clock
// is paused (`paused_at` set) and on resume both move on by the business
// time the pause took.
struct SlaClock {
  std::int64_t ticket_id = 0;
  std::string kind;  // "first_response", "next_response", "resolution"
  std::int64_t started_at = 0;
  std::int64_t remind_at = 0;
  std::int64_t due_at = 0;
  std::optional<std::int64_t> paused_at;
  std::optional<std::int64_t> met_at;  // the target was met (answered, resolved) or withdrawn
};

// An SLA target a rule set for one ticket (migration 6), used instead of
// the target of the ticket's priority from the config.
struct SlaOverride {
  std::int64_t ticket_id = 0;
  std::string kind;  // as SlaClock::kind
  std::int64_t minutes = 0;  // business minutes
  std::string rule;  // the rule that set it
};

// A satisfaction survey planned for a resolved ticket.
struct CsatSurvey {
  std::int64_t ticket_id = 0;
  std::string customer;  // the address it goes to
  std::int64_t due_at = 0;
  std::optional<std::int64_t> sent_at;
  std::string outcome;  // "" while planned, "sent", or why it was not sent
};

// The customer's rating of a ticket; a later rating replaces the earlier.
struct CsatRating {
  std::int64_t ticket_id = 0;
  std::string agent;     // the assignee when rated, may be empty
  std::string customer;  // the address that rated
  int rating = 0;        // 1 (bad) .. 5 (good)
  std::string comment;   // the text beside the rating, may be empty
  std::int64_t rated_at = 0;
};

}  // namespace ticketd
