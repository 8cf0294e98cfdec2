#include "rules/mail_facts.h"

#include <algorithm>

#include "rules/customer_list.h"
#include "rules/text_fold.h"

namespace ticketd {
namespace {

std::string_view domain_of(std::string_view address) {
  const auto at = address.rfind('@');
  return at == std::string_view::npos ? std::string_view{} : address.substr(at + 1);
}

}  // namespace

MailFacts::MailFacts(const Message& message, const TicketFacts& ticket, std::int64_t now_utc,
                     const BusinessHours* hours, std::size_t max_text_bytes,
                     const std::vector<TextScan>* scans)
    : message_(message),
      ticket_(ticket),
      now_utc_(now_utc),
      hours_(hours),
      max_text_bytes_(max_text_bytes),
      scans_(scans) {
  if (scans_) {
    scan_state_.assign(scans_->size(), 0);
    scan_hits_.resize(scans_->size());
  }
}

MailFacts::Values& MailFacts::slot(Field field, const std::string& header_key) {
  if (field != Field::kHeader) return fields_[static_cast<std::size_t>(field)];
  if (!headers_indexed_) {
    // One pass over the mail's headers; a rule asking for a header the mail
    // lacks then costs a lookup, not a scan or an allocation.
    for (const auto& h : message_.headers) {
      std::string key;
      for (char ch : h.name) key.push_back(static_cast<char>((ch >= 'A' && ch <= 'Z') ? ch + 32 : ch));
      Values& v = headers_[key];
      v.have_texts = true;
      v.texts.push_back(utf8_prefix(h.value, max_text_bytes_));
    }
    headers_indexed_ = true;
  }
  const auto it = headers_.find(header_key);
  return it == headers_.end() ? no_header_ : it->second;
}

bool MailFacts::may_match(const Condition& c) {
  if (!scans_ || c.scan < 0 || static_cast<std::size_t>(c.scan) >= scans_->size()) return true;
  const auto s = static_cast<std::size_t>(c.scan);
  if (scan_state_[s] == 0) {
    const TextScan& scan = (*scans_)[s];
    scan_hits_[s].assign(scan.size, 0);
    scan_state_[s] = 1;
    auto run = [&](std::string_view value) {
      if (scan_state_[s] == 1 && !run_text_scan(scan, value, &scan_hits_[s])) scan_state_[s] = 2;
    };
    if (scan.input == TextScan::Input::kFolded) {
      for (const auto& value : folded(scan.field, scan.header_key)) run(value);
    } else {
      for (auto value : texts(scan.field, scan.header_key)) run(value);
    }
  }
  if (scan_state_[s] == 2) return true;
  for (int p : c.scan_patterns)
    if (scan_hits_[s][static_cast<std::size_t>(p)]) return true;
  return false;
}

void MailFacts::fill_texts(Field field, std::vector<std::string_view>* out) const {
  auto text = [&](std::string_view s) { out->push_back(utf8_prefix(s, max_text_bytes_)); };
  auto addresses = [&](const std::vector<Address>& list) {
    for (const auto& a : list) out->push_back(a.address);
  };
  switch (field) {
    case Field::kFrom: out->push_back(message_.from.address); break;
    case Field::kFromName: out->push_back(message_.from.name); break;
    case Field::kFromDomain: out->push_back(domain_of(message_.from.address)); break;
    case Field::kTo: addresses(message_.to); break;
    case Field::kCc: addresses(message_.cc); break;
    case Field::kRecipients: addresses(message_.to); addresses(message_.cc); break;
    case Field::kReplyTo: addresses(message_.reply_to); break;
    case Field::kMailbox: out->push_back(ticket_.mailbox); break;
    case Field::kHeader: break;  // filled when slot() indexes the headers
    case Field::kSubject: text(message_.subject); break;
    case Field::kBody: text(message_.body); break;
    case Field::kReply: text(message_.reply); break;
    case Field::kAttachmentName:
      for (const auto& a : message_.attachments) out->push_back(a.filename);
      break;
    case Field::kAttachmentType:
      for (const auto& a : message_.attachments) out->push_back(a.content_type);
      break;
    case Field::kTicket: out->push_back(ticket_.is_new ? "new" : "follow-up"); break;
    case Field::kStatus: out->push_back(decided(&Decision::status, ticket_.status)); break;
    case Field::kPriority: out->push_back(decided(&Decision::priority, ticket_.priority)); break;
    case Field::kGroup: out->push_back(decided(&Decision::group, ticket_.group)); break;
    case Field::kAssignee:
      // A pending strategy has no agent yet: "" until the daemon runs it.
      out->push_back(decision_ && decision_->assignment && !decision_->assignee
                         ? std::string_view{}
                         : decided(&Decision::assignee, ticket_.assignee));
      break;
    case Field::kTags:
      for (const auto& t : ticket_.tags) {
        const bool removed = decision_ && std::any_of(decision_->tags_to_remove.begin(), decision_->tags_to_remove.end(),
                                                      [&](const RuleValue& r) { return r.value == t; });
        if (!removed) out->push_back(t);
      }
      if (decision_) {
        for (const auto& t : decision_->tags_to_add)
          if (std::find(ticket_.tags.begin(), ticket_.tags.end(), t.value) == ticket_.tags.end())
            out->push_back(t.value);
      }
      break;
    case Field::kLanguage: out->push_back(ticket_.language); break;
    case Field::kAttachmentCount:
    case Field::kPastTickets:
    case Field::kBusinessHours:
    case Field::kAssigned:
    case Field::kAutoGenerated: break;  // not text: the loader never asks
  }
}

std::string_view MailFacts::decided(std::optional<RuleValue> Decision::*slot, const std::string& current) const {
  if (decision_ && (decision_->*slot)) return (decision_->*slot)->value;
  return current;
}

void MailFacts::decision_changed() {
  for (Field f : {Field::kStatus, Field::kPriority, Field::kGroup, Field::kAssignee, Field::kTags})
    fields_[static_cast<std::size_t>(f)] = Values{};
}

const std::vector<std::string_view>& MailFacts::texts(Field field, const std::string& header_key) {
  Values& v = slot(field, header_key);
  if (!v.have_texts) {
    fill_texts(field, &v.texts);
    v.have_texts = true;
  }
  return v.texts;
}

const std::vector<std::string>& MailFacts::folded(Field field, const std::string& header_key) {
  const auto& raw = texts(field, header_key);
  Values& v = slot(field, header_key);
  if (!v.have_folded) {
    v.folded.reserve(raw.size());
    for (auto s : raw) v.folded.push_back(fold_case(s));
    v.have_folded = true;
  }
  return v.folded;
}

const std::string_view* MailFacts::in_list(const Condition& c) {
  if (!c.list) return nullptr;
  const bool state_field = c.field == Field::kStatus || c.field == Field::kPriority || c.field == Field::kGroup ||
                           c.field == Field::kAssignee || c.field == Field::kTags;
  if (!state_field) {  // ticket-state values change as rules run: never cached
    for (const auto& a : list_answers_)
      if (a.list == c.list.get() && a.field == c.field && a.header_key == c.header_key) return a.found;
  }
  const std::string_view* found = nullptr;
  for (const auto& value : texts(c.field, c.header_key)) {
    if (c.list->contains(value)) {
      found = &value;
      break;
    }
  }
  if (!state_field) list_answers_.push_back({c.list.get(), c.field, c.header_key, found});
  return found;
}

std::int64_t MailFacts::number(Field field) const {
  switch (field) {
    case Field::kAttachmentCount: return static_cast<std::int64_t>(message_.attachments.size());
    case Field::kPastTickets: return ticket_.customer_past_tickets;
    default: return 0;
  }
}

bool MailFacts::flag(Field field) const {
  switch (field) {
    case Field::kBusinessHours: return hours_ != nullptr && within_business_hours(*hours_, now_utc_);
    case Field::kAutoGenerated: return message_.auto_generated.has_value();
    case Field::kAssigned:
      return !ticket_.assignee.empty() || (decision_ && (decision_->assignee || decision_->assignment));
    default: return false;
  }
}

}  // namespace ticketd
