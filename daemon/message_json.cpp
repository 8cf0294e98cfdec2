#include "daemon/message_json.h"

#include <fmt/format.h>

#include <ctime>

namespace ticketd {

namespace {

nlohmann::json address_json(const Address& a) { return {{"name", a.name}, {"address", a.address}}; }

nlohmann::json address_list_json(const std::vector<Address>& list) {
  auto out = nlohmann::json::array();
  for (const auto& a : list) out.push_back(address_json(a));
  return out;
}

std::string iso8601(std::int64_t seconds) {
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

std::string format_address(const Address& a) {
  if (a.name.empty()) return a.address;
  return fmt::format("{} <{}>", a.name, a.address);
}

std::string format_list(const std::vector<Address>& list) {
  std::string out;
  for (const auto& a : list) {
    if (!out.empty()) out += ", ";
    out += format_address(a);
  }
  return out;
}

}  // namespace

nlohmann::json message_to_json(const Message& m) {
  nlohmann::json attachments = nlohmann::json::array();
  for (const auto& a : m.attachments) {
    attachments.push_back({{"filename", a.filename},
                           {"content_type", a.content_type},
                           {"size", a.size},
                           {"sha256", a.sha256},
                           {"inline", a.is_inline}});
  }
  nlohmann::json out = {
      {"message_id", m.message_id},
      {"in_reply_to", m.in_reply_to},
      {"references", m.references},
      {"from", address_json(m.from)},
      {"to", address_list_json(m.to)},
      {"cc", address_list_json(m.cc)},
      {"reply_to", address_list_json(m.reply_to)},
      {"subject", m.subject},
      {"normalized_subject", m.normalized_subject},
      {"date", iso8601(m.date_utc)},
      {"date_from_header", m.date_from_header},
      {"body", m.body},
      {"reply", m.reply},
      {"attachments", attachments},
      {"auto_generated", m.auto_generated ? nlohmann::json(*m.auto_generated) : nlohmann::json(nullptr)},
      {"language", m.language},
      {"notes", m.notes},
  };
  if (!m.bounced_message_id.empty()) out["bounced_message_id"] = m.bounced_message_id;
  for (const DeliveryResult& r : m.delivery_results) {
    out["delivery_results"].push_back({{"recipient", r.recipient},
                                       {"action", r.action},
                                       {"status", r.status},
                                       {"diagnostic", r.diagnostic},
                                       {"permanent_failure", r.permanent_failure()}});
  }
  return out;
}

std::string message_to_text(const Message& m) {
  std::string out;
  out += fmt::format("Message-ID:  {}\n", m.message_id.empty() ? "(none)" : "<" + m.message_id + ">");
  if (!m.in_reply_to.empty()) out += fmt::format("In-Reply-To: <{}>\n", m.in_reply_to);
  if (!m.references.empty()) out += fmt::format("References:  {} id(s), last <{}>\n", m.references.size(), m.references.back());
  out += fmt::format("From:        {}\n", format_address(m.from));
  if (!m.to.empty()) out += fmt::format("To:          {}\n", format_list(m.to));
  if (!m.cc.empty()) out += fmt::format("Cc:          {}\n", format_list(m.cc));
  if (!m.reply_to.empty()) out += fmt::format("Reply-To:    {}\n", format_list(m.reply_to));
  out += fmt::format("Subject:     {}\n", m.subject);
  out += fmt::format("Date:        {}{}\n", iso8601(m.date_utc), m.date_from_header ? "" : " (time of receipt)");
  out += fmt::format("Automatic:   {}\n", m.auto_generated ? *m.auto_generated : "no");
  if (!m.language.empty()) out += fmt::format("Language:    {}\n", m.language);
  if (!m.bounced_message_id.empty()) out += fmt::format("Bounced:     <{}>\n", m.bounced_message_id);
  for (const DeliveryResult& r : m.delivery_results) {
    out += fmt::format("Delivery:    {} {} {}{}\n", r.recipient, r.action, r.status,
                       r.permanent_failure() ? " (permanent)" : "");
  }
  for (const auto& a : m.attachments) {
    out += fmt::format("Attachment:  {} ({}, {} bytes{})\n", a.filename, a.content_type, a.size,
                       a.is_inline ? ", inline" : "");
  }
  for (const auto& note : m.notes) out += fmt::format("Note:        {}\n", note);
  out += "\n--- reply (new text) ---\n" + m.reply;
  if (!m.reply.empty() && m.reply.back() != '\n') out += '\n';
  if (m.reply != m.body) {
    out += "\n--- full text ---\n" + m.body;
    if (!m.body.empty() && m.body.back() != '\n') out += '\n';
  }
  return out;
}

}  // namespace ticketd
