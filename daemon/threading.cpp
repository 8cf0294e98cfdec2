#include "daemon/threading.h"

#include <fmt/format.h>

#include "store/store.h"

namespace ticketd {

std::optional<std::int64_t> subject_ticket_tag(std::string_view subject) {
  for (std::size_t pos = subject.find("[#"); pos != std::string_view::npos; pos = subject.find("[#", pos + 2)) {
    std::size_t i = pos + 2;
    std::int64_t number = 0;
    std::size_t digits = 0;
    while (i < subject.size() && subject[i] >= '0' && subject[i] <= '9' && digits < 15) {
      number = number * 10 + (subject[i] - '0');
      ++i;
      ++digits;
    }
    if (digits > 0 && i < subject.size() && subject[i] == ']') return number;
  }
  return std::nullopt;
}

namespace {

ThreadMatch follow_up(const Ticket& ticket, std::string how, const ThreadingPolicy& policy, std::int64_t now) {
  ThreadMatch match;
  if (ticket.status == "closed" && ticket.closed_at && now - *ticket.closed_at > policy.reopen_window_seconds) {
    match.how = fmt::format("{}, but ticket #{} closed too long ago: new ticket", how, ticket.number);
    match.linked_ticket_id = ticket.id;
    return match;
  }
  match.ticket = ticket;
  match.how = std::move(how);
  return match;
}

}  // namespace

ThreadMatch find_thread(const Message& message, const Store& store, const ThreadingPolicy& policy,
                        std::int64_t now) {
  // Newest reference first: In-Reply-To, then References from the end.
  std::vector<std::pair<std::string, const char*>> ids;
  if (!message.in_reply_to.empty()) ids.emplace_back(message.in_reply_to, "In-Reply-To");
  for (auto it = message.references.rbegin(); it != message.references.rend(); ++it) {
    ids.emplace_back(*it, "References");
  }
  for (const auto& [id, header] : ids) {
    if (auto ticket_id = store.ticket_for_message_id(id)) {
      if (auto ticket = store.ticket_by_id(*ticket_id)) {
        return follow_up(*ticket, fmt::format("{} <{}>", header, id), policy, now);
      }
    }
  }
  if (auto number = subject_ticket_tag(message.subject)) {
    if (auto ticket = store.ticket_by_number(*number)) {
      if (store.is_participant(ticket->id, message.from.address)) {
        return follow_up(*ticket, fmt::format("subject tag [#{}]", *number), policy, now);
      }
      ThreadMatch match;
      match.how = fmt::format("subject tag [#{}] ignored: {} is not a participant", *number, message.from.address);
      return match;
    }
  }
  return ThreadMatch{std::nullopt, "new", std::nullopt};
}

}  // namespace ticketd
