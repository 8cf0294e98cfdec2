#include "daemon/ticket_views.h"

#include <fmt/format.h>

#include <ctime>

namespace ticketd {

namespace {

nlohmann::json optional_time(const std::optional<std::int64_t>& t) {
  return t ? nlohmann::json(format_time(*t)) : nlohmann::json(nullptr);
}

std::string join(const std::vector<std::string>& items, const char* separator) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

// Cuts a UTF-8 string to at most `width` code points, for table columns.
std::string clip(const std::string& text, std::size_t width) {
  std::size_t points = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      if (points == width) return text.substr(0, i);
      ++points;
    }
  }
  return text;
}

}  // namespace

std::string format_time(std::int64_t seconds) {
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

nlohmann::json ticket_to_json(const Ticket& t) {
  return {{"number", t.number},
          {"subject", t.subject},
          {"status", t.status},
          {"priority", t.priority},
          {"group", t.group},
          {"assignee", t.assignee},
          {"requester", {{"name", t.requester_name}, {"address", t.requester_address}}},
          {"mailbox", t.mailbox},
          {"language", t.language},
          {"tags", t.tags},
          {"spam", t.spam},
          {"created_at", format_time(t.created_at)},
          {"updated_at", format_time(t.updated_at)},
          {"first_response_at", optional_time(t.first_response_at)},
          {"resolved_at", optional_time(t.resolved_at)},
          {"closed_at", optional_time(t.closed_at)}};
}

std::string tickets_table(const std::vector<Ticket>& tickets) {
  std::string out = fmt::format("{:<7} {:<9} {:<8} {:<10} {:<12} {:<28} {}\n", "#", "STATUS", "PRIORITY", "GROUP",
                                "ASSIGNEE", "REQUESTER", "SUBJECT");
  for (const auto& t : tickets) {
    out += fmt::format("{:<7} {:<9} {:<8} {:<10} {:<12} {:<28} {}\n", t.number, t.status, t.priority,
                       clip(t.group, 10), clip(t.assignee, 12), clip(t.requester_address, 28), clip(t.subject, 60));
  }
  if (tickets.empty()) out += "(no tickets)\n";
  return out;
}

nlohmann::json ticket_detail_json(const Store& store, const Ticket& ticket) {
  nlohmann::json out = ticket_to_json(ticket);
  out["participants"] = store.participants_of(ticket.id);
  auto messages = nlohmann::json::array();
  for (const auto& m : store.messages_of(ticket.id)) {
    auto attachments = nlohmann::json::array();
    for (const auto& a : store.attachments_of(m.id)) {
      attachments.push_back({{"filename", a.filename}, {"content_type", a.content_type}, {"size", a.size},
                             {"sha256", a.sha256}, {"inline", a.is_inline}});
    }
    messages.push_back({{"direction", m.direction},
                        {"author", {{"kind", m.author.kind}, {"name", m.author.name}}},
                        {"message_id", m.message_id},
                        {"subject", m.subject},
                        {"body", m.body},
                        {"reply", m.reply},
                        {"auto_generated", m.auto_generated},
                        {"attachments", attachments},
                        {"at", format_time(m.created_at)}});
  }
  out["messages"] = messages;
  auto events = nlohmann::json::array();
  for (const auto& e : store.events_of(ticket.id)) {
    events.push_back({{"at", format_time(e.at)},
                      {"actor", {{"kind", e.actor.kind}, {"name", e.actor.name}}},
                      {"what", e.what},
                      {"detail", e.detail}});
  }
  out["events"] = events;
  // The ticket's SLA clocks and its satisfaction rating (daemon/sla.h,
  // daemon/csat.h; migration 4).
  auto sla = nlohmann::json::array();
  for (const auto& c : store.sla_clocks_of(ticket.id)) {
    sla.push_back({{"kind", c.kind},
                   {"started", format_time(c.started_at)},
                   {"remind_at", format_time(c.remind_at)},
                   {"due", format_time(c.due_at)},
                   {"state", c.met_at ? "met" : c.paused_at ? "paused" : "running"}});
  }
  out["sla"] = sla;
  // A ticket opened by a reply to one closed too long ago (DESIGN.md,
  // threading) names the ticket it follows on from.
  out["follows_ticket"] = nullptr;
  if (ticket.linked_ticket_id) {
    if (auto older = store.ticket_by_id(*ticket.linked_ticket_id)) out["follows_ticket"] = older->number;
  }
  out["csat"] = nullptr;
  if (auto r = store.rating_of(ticket.id)) {
    out["csat"] = {{"rating", r->rating}, {"comment", r->comment}, {"agent", r->agent},
                   {"customer", r->customer}, {"at", format_time(r->rated_at)}};
  }
  return out;
}

std::string ticket_detail_text(const Store& store, const Ticket& t) {
  std::string out = fmt::format("Ticket #{}: {}\n", t.number, t.subject);
  out += fmt::format("Status: {}   Priority: {}   Group: {}   Assignee: {}\n", t.status, t.priority,
                     t.group.empty() ? "-" : t.group, t.assignee.empty() ? "-" : t.assignee);
  out += fmt::format("Requester: {}{}   Mailbox: {}   Language: {}\n", t.requester_name.empty() ? "" : t.requester_name + " ",
                     "<" + t.requester_address + ">", t.mailbox, t.language.empty() ? "-" : t.language);
  if (!t.tags.empty()) out += fmt::format("Tags: {}\n", join(t.tags, ", "));
  out += fmt::format("Created: {}   Updated: {}\n", format_time(t.created_at), format_time(t.updated_at));
  for (const auto& m : store.messages_of(t.id)) {
    const char* arrow = m.direction == "in" ? "<<" : m.direction == "out" ? ">>" : "##";
    out += fmt::format("\n{} {} {} {} ({}){}\n", arrow, format_time(m.created_at),
                       m.direction == "note" ? "internal note by" : m.direction == "in" ? "from" : "sent by",
                       m.author.name, m.author.kind, m.message_id.empty() ? "" : " <" + m.message_id + ">");
    out += fmt::format("   Subject: {}\n", m.subject);
    for (const auto& a : store.attachments_of(m.id)) {
      out += fmt::format("   Attachment: {} ({}, {} bytes)\n", a.filename, a.content_type, a.size);
    }
    std::string text = m.reply.empty() ? m.body : m.reply;
    std::size_t start = 0;
    while (start < text.size()) {
      auto end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      out += "   | " + text.substr(start, end - start) + "\n";
      start = end + 1;
    }
  }
  out += "\nHistory:\n";
  for (const auto& e : store.events_of(t.id)) {
    out += fmt::format("  {} {:<9} {:<22} {:<14} {}\n", format_time(e.at), e.actor.kind, clip(e.actor.name, 22),
                       e.what, e.detail);
  }
  return out;
}

}  // namespace ticketd
