#include "daemon/timers.h"

#include <fmt/format.h>

#include <vector>

#include "daemon/csat.h"
#include "daemon/outgoing_mail.h"
#include "daemon/sla.h"
#include "daemon/ticket_lifecycle.h"
#include "store/store.h"

namespace ticketd {

namespace {

constexpr std::size_t kBatch = 500;  // tickets per kind per cycle; the rest wait for the next cycle

Event event(std::int64_t ticket_id, std::int64_t at, std::string actor, std::string what, std::string detail) {
  return Event{0, ticket_id, at, Actor::system(std::move(actor)), std::move(what), std::move(detail)};
}

std::string kind_words(std::string_view kind) {
  if (kind == "first_response") return "first response";
  if (kind == "next_response") return "next response";
  return "resolution";
}

std::string first_address(const Config& config, std::string_view agent) {
  const AgentConfig* a = config.agent(agent);
  return a && !a->addresses.empty() ? a->addresses.front() : std::string();
}

const GroupConfig* group_of(const Config& config, std::string_view name) {
  for (const auto& g : config.groups) {
    if (g.name == name) return &g;
  }
  return nullptr;
}

// Who hears of a clock near its due time: the assignee, else the group's lead.
std::vector<std::pair<std::string, std::string>> reminder_recipients(const Config& config, const Ticket& t) {
  if (auto address = first_address(config, t.assignee); !address.empty()) return {{t.assignee, address}};
  if (const GroupConfig* g = group_of(config, t.group)) {
    if (auto address = first_address(config, g->lead); !address.empty()) return {{g->lead, address}};
    if (!g->escalation.empty()) return {{g->name, g->escalation}};
  }
  return {};
}

// Who hears of a breach: the group's lead and its escalation address; with
// no group, the assignee.
std::vector<std::pair<std::string, std::string>> breach_recipients(const Config& config, const Ticket& t) {
  std::vector<std::pair<std::string, std::string>> out;
  if (const GroupConfig* g = group_of(config, t.group)) {
    if (auto address = first_address(config, g->lead); !address.empty()) out.emplace_back(g->lead, address);
    if (!g->escalation.empty() && (out.empty() || out.front().second != g->escalation)) {
      out.emplace_back(g->name, g->escalation);
    }
  }
  if (out.empty()) {
    if (auto address = first_address(config, t.assignee); !address.empty()) out.emplace_back(t.assignee, address);
  }
  return out;
}

// A mail to an agent about a ticket, recorded as an event (agents' mail is
// not part of the customer's conversation, so no message row).
void queue_agent_notice(const Config& config, const TemplateSet& templates, StoreTransaction& tx, Log& log,
                        const Ticket& ticket, const std::string& event_name, const std::string& name,
                        const std::string& address, Placeholders values, std::int64_t now) {
  const MailboxConfig* mailbox = config.mailbox(ticket.mailbox);
  if (!mailbox) mailbox = &config.mailboxes.front();
  values.try_emplace("agent_name", name);
  Ticket for_agent = ticket;
  // The agent's language ([[agent]] language), else the desk's; never the
  // customer's.
  const AgentConfig* agent = config.agent(name);
  for_agent.language = agent && !agent->language.empty() ? agent->language : mailbox->language;
  TicketMailRequest request{"notify", event_name, "auto-generated", Address{name, address}, nullptr, values};
  TicketMail mail = make_ticket_mail(request, for_agent, *mailbox, config, templates, now);
  if (!mail.fallback_reason.empty()) log.warning("template fallback for ticket #{}: {}", ticket.number, mail.fallback_reason);
  tx.queue_mail(mail.outbox);
  tx.add_event(event(ticket.id, now, "sla", "mail-queued", fmt::format("{} <{}> to {} <{}>", event_name,
                                                                        mail.outbox.message_id, name, address)));
}

std::string raised(std::string_view priority) {
  if (priority == "low") return "normal";
  if (priority == "normal") return "high";
  return "urgent";
}

// Is the clock's target met by what the ticket already shows (an agent's
// answer written by a stage that does not know about clocks)?
std::optional<std::int64_t> met_by_data(const Store& store, const Ticket& t, const SlaClock& clock) {
  if (t.status == "resolved" || t.status == "closed") return t.resolved_at.value_or(t.updated_at);
  if (clock.kind == "first_response" && t.first_response_at) return *t.first_response_at;
  if (clock.kind == "next_response") {
    auto answer = store.last_message_of(t.id, "out", "agent");
    if (answer && answer->created_at >= clock.started_at) return answer->created_at;
  }
  return std::nullopt;
}

void run_sla(const Config& config, Store& store, const TemplateSet& templates, Log& log, std::int64_t now,
             TimerRun* run) {
  // Clocks paused while the ticket waited: resume those whose ticket has
  // left pending/on-hold by a path that did not say so.
  for (const auto& clock : store.paused_sla_clocks(kBatch)) {
    auto t = store.ticket_by_id(clock.ticket_id);
    if (!t || sla_paused_in(t->status)) continue;
    auto tx = store.begin();
    tx.put_sla_clock(resume_sla_clock(clock, config.business_hours, now));
    tx.commit();
  }
  for (auto clock : store.running_sla_clocks(now, kBatch)) {
    auto found = store.ticket_by_id(clock.ticket_id);
    if (!found) continue;
    Ticket t = *found;
    auto tx = store.begin();
    if (auto met = met_by_data(store, t, clock)) {
      clock.met_at = *met;
      tx.put_sla_clock(clock);
      tx.commit();
      continue;
    }
    if (sla_paused_in(t.status)) {
      tx.put_sla_clock(pause_sla_clock(clock, now));
      tx.commit();
      continue;
    }
    const std::string words = kind_words(clock.kind);
    Placeholders values{{"due", format_local_time(config.business_hours, clock.due_at)}};
    if (now >= clock.due_at) {
      if (!tx.record_timer_notice(t.id, "sla_breach:" + clock.kind, clock.due_at, now)) continue;
      // A reminder not yet sent is pointless now: recorded as done with the breach.
      tx.record_timer_notice(t.id, "sla_reminder:" + clock.kind, clock.due_at, now);
      values["reason"] = fmt::format("The {} target of this {} ticket was due at {} and is missed.", words,
                                     t.priority, values["due"]);
      auto to = breach_recipients(config, t);
      tx.add_event(event(t.id, now, "sla", "sla-breach",
                         fmt::format("{} due {} missed; {}", words, values["due"],
                                     to.empty() ? "no lead, escalation address or assignee to tell"
                                                : fmt::format("escalated to {}", to.size() == 1 ? to[0].second
                                                                                                : to[0].second + ", " + to[1].second))));
      for (const auto& [name, address] : to) {
        queue_agent_notice(config, templates, tx, log, t, "sla_breach", name, address, values, now);
      }
      if (config.sla.raise_priority_on_breach && t.priority != "urgent") {
        std::string next = raised(t.priority);
        tx.add_event(event(t.id, now, "sla", "priority", fmt::format("{} -> {}: {} target missed", t.priority, next, words)));
        t.priority = next;
        tx.update_ticket(t, now);
      }
      ++run->sla_breaches;
    } else {
      if (!tx.record_timer_notice(t.id, "sla_reminder:" + clock.kind, clock.due_at, now)) continue;
      values["reason"] = fmt::format("The {} target of this {} ticket is due at {}.", words, t.priority, values["due"]);
      auto to = reminder_recipients(config, t);
      tx.add_event(event(t.id, now, "sla", "sla-reminder",
                         fmt::format("{} due {}; {}", words, values["due"],
                                     to.empty() ? "no assignee or lead to remind" : "reminded " + to[0].second)));
      for (const auto& [name, address] : to) {
        queue_agent_notice(config, templates, tx, log, t, "sla_reminder", name, address, values, now);
      }
      ++run->sla_reminders;
    }
    tx.commit();
  }
}

void run_pending_and_auto_close(const Config& config, Store& store, const TemplateSet& templates, Log& log,
                                std::int64_t now, TimerRun* run) {
  const auto& l = config.lifecycle;
  if (l.pending_reminder_days > 0) {
    for (const auto& t : store.tickets_in_status_since("pending", now - l.pending_reminder_days * 86400, kBatch,
                                                       "pending_reminder")) {
      const std::int64_t since = store.status_since(t.id, "pending").value_or(t.updated_at);
      if (l.pending_resolve_days > 0 && now >= since + l.pending_resolve_days * 86400) continue;  // resolved below
      auto tx = store.begin();
      if (!tx.record_timer_notice(t.id, "pending_reminder", since, now)) continue;
      LifecycleContext ctx{config, store, templates, tx, now, &log};
      tx.add_event(event(t.id, now, "timer", "pending-reminder",
                         fmt::format("no answer from the customer for {} days", l.pending_reminder_days)));
      queue_customer_notice(ctx, t, "pending_reminder", {});
      tx.commit();
      ++run->pending_reminders;
    }
  }
  auto move_all = [&](const char* status, std::int64_t days, const char* to, const std::string& why, int* count) {
    if (days <= 0) return;
    for (auto t : store.tickets_in_status_since(status, now - days * 86400, kBatch, "")) {
      auto tx = store.begin();
      LifecycleContext ctx{config, store, templates, tx, now, &log};
      std::string err;
      if (!change_status(ctx, &t, StatusChange{to, Actor::system("timer"), why, true}, &err)) {
        log.warning("ticket #{}: {}", t.number, err);
        continue;
      }
      tx.update_ticket(t, now);
      tx.commit();
      ++*count;
    }
  };
  move_all("pending", l.pending_resolve_days, "resolved",
           fmt::format("no answer from the customer for {} days", l.pending_resolve_days), &run->auto_resolved);
  move_all("resolved", l.auto_close_resolved_days, "closed",
           fmt::format("resolved for {} days", l.auto_close_resolved_days), &run->auto_closed);
}

void run_surveys(const Config& config, Store& store, const TemplateSet& templates, Log& log, std::int64_t now,
                 TimerRun* run) {
  if (!config.csat.enabled) return;
  Signer signer(config.security.secret);
  for (const auto& survey : store.due_surveys(now, kBatch)) {
    auto found = store.ticket_by_id(survey.ticket_id);
    if (!found) continue;
    const Ticket& t = *found;
    auto tx = store.begin();
    std::string skip;
    auto last = store.last_survey_sent_to(survey.customer);
    if (t.status != "resolved" && t.status != "closed") skip = "the ticket was reopened";
    else if (!signer.usable()) skip = "no [security] secret_file to sign the rating links";
    else if (store.rating_of(t.id)) skip = "the customer has already rated this ticket";
    else if (last && now - *last < config.csat.min_days_between * 86400)
      skip = fmt::format("this customer was surveyed less than {} days ago", config.csat.min_days_between);
    if (!skip.empty()) {
      tx.finish_survey(t.id, "skipped: " + skip, std::nullopt);
      tx.add_event(event(t.id, now, "csat", "survey-skipped", skip));
      tx.commit();
      ++run->surveys_skipped;
      continue;
    }
    const MailboxConfig* mailbox = config.mailbox(t.mailbox);
    if (!mailbox) mailbox = &config.mailboxes.front();
    LifecycleContext ctx{config, store, templates, tx, now, &log};
    std::string language = t.language.empty() ? mailbox->language : t.language;
    Placeholders values{{"survey_links", survey_links(signer, mailbox->address, t.number, language)},
                        {"agent_name", t.assignee}};
    if (queue_customer_notice(ctx, t, "csat_survey", values, "csat")) {
      tx.finish_survey(t.id, "sent", now);
      ++run->surveys_sent;
    } else {
      tx.finish_survey(t.id, "skipped: no automatic mail to this customer", std::nullopt);
      ++run->surveys_skipped;
    }
    tx.commit();
  }
}

}  // namespace

std::string TimerRun::summary() const {
  std::vector<std::string> parts;
  auto add = [&](int n, const char* one, const char* many) {
    if (n) parts.push_back(fmt::format("{} {}", n, n == 1 ? one : many));
  };
  add(sla_reminders, "SLA reminder", "SLA reminders");
  add(sla_breaches, "SLA escalation", "SLA escalations");
  add(pending_reminders, "pending reminder", "pending reminders");
  add(auto_resolved, "ticket resolved (no answer)", "tickets resolved (no answer)");
  add(auto_closed, "ticket closed", "tickets closed");
  add(surveys_sent, "survey sent", "surveys sent");
  add(surveys_skipped, "survey skipped", "surveys skipped");
  return parts.empty() ? "nothing due" : fmt::format("{}", fmt::join(parts, ", "));
}

std::string format_local_time(const BusinessHours& hours, std::int64_t utc) {
  const int offset = utc_offset_at(hours, utc);
  const std::int64_t local = utc + std::int64_t{offset} * 60;
  const std::int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
  const std::int64_t seconds = local - days * 86400;
  // Civil date from days (Howard Hinnant's algorithm).
  std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = yoe + era * 400 + (m <= 2);
  const int abs_offset = offset < 0 ? -offset : offset;
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02} ({}{:02}:{:02})", y, m, d, seconds / 3600, seconds / 60 % 60,
                     offset < 0 ? '-' : '+', abs_offset / 60, abs_offset % 60);
}

TimerRun run_timers(const Config& config, Store& store, const TemplateSet& templates, Log& log, std::int64_t now) {
  TimerRun run;
  if (config.mailboxes.empty()) return run;
  run_sla(config, store, templates, log, now, &run);
  run_pending_and_auto_close(config, store, templates, log, now, &run);
  run_surveys(config, store, templates, log, now, &run);
  return run;
}

}  // namespace ticketd
