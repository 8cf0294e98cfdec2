#include "daemon/outgoing_mail.h"

#include <fmt/format.h>

#include <sys/random.h>

#include <cerrno>
#include <random>

#include "parser/mail_composer.h"

namespace ticketd {

std::string new_message_id(std::int64_t number, const std::string& hostname, const Signer& signer,
                           std::string_view purpose) {
  // getrandom(2): 8 bytes from the kernel's generator, one system call and
  // no state to keep. std::random_device did the same read, but constructing
  // one per mail cost more than the mail's whole template rendering (1% of
  // the intake's CPU under perf, issue 8), and a seeded engine kept instead
  // would need an owner threaded through every caller of make_ticket_mail.
  std::uint64_t value = 0;
  auto* bytes = reinterpret_cast<unsigned char*>(&value);
  std::size_t got = 0;
  while (got < sizeof value) {
    ssize_t n = getrandom(bytes + got, sizeof value - got, 0);
    if (n > 0) {
      got += static_cast<std::size_t>(n);
    } else if (n < 0 && errno != EINTR) {
      // ENOSYS on a kernel older than 3.17 (flags 0 blocks rather than
      // fails while the pool is not yet initialised at boot): fall back.
      std::random_device random;
      value = (static_cast<std::uint64_t>(random()) << 32) ^ random();
      break;
    }
  }
  return make_message_id(number, value, hostname, signer, purpose);
}

TicketMail make_ticket_mail(const TicketMailRequest& request, const Ticket& ticket, const MailboxConfig& mailbox,
                            const Config& config, const TemplateSet& templates, std::int64_t now,
                            const TicketMailOptions& options) {
  Placeholders values = request.values;
  values.try_emplace("ticket_number", std::to_string(ticket.number));
  values.try_emplace("subject", ticket.subject);
  values.try_emplace("status", ticket.status);
  values.try_emplace("priority", ticket.priority);
  values.try_emplace("group", ticket.group);
  values.try_emplace("customer_name", !ticket.requester_name.empty() ? ticket.requester_name
                                                                      : ticket.requester_address);
  values.try_emplace("customer_address", ticket.requester_address);
  values.try_emplace("support_address", mailbox.address);
  values.try_emplace("support_name", !mailbox.display_name.empty() ? mailbox.display_name : mailbox.address);
  std::string language = !options.language.empty() ? options.language
                         : ticket.language.empty() ? mailbox.language
                                                   : ticket.language;
  RenderedMail rendered = templates.render(request.event, language, values);

  OutgoingMail mail;
  mail.from = Address{mailbox.display_name, mailbox.address};
  mail.to = {request.to};
  mail.reply_to = options.reply_to ? *options.reply_to : Address{mailbox.display_name, mailbox.address};
  mail.cc = options.cc;
  for (const auto& attachment : options.attachments) {
    if (!attachment.data.empty()) mail.attachments.push_back(attachment);
  }
  mail.subject = rendered.subject;
  mail.text = rendered.body;
  mail.message_id = new_message_id(ticket.number, config.hostname, Signer(config.security.secret),
                                   options.signed_for.empty() ? kCustomerMailPurpose : options.signed_for);
  mail.auto_submitted = request.auto_submitted;
  mail.date_utc = now;
  if (request.in_reply_to) {
    // RFC 5322 3.6.4: References = the parent's References + the parent's id.
    mail.in_reply_to = request.in_reply_to->message_id;
    mail.references = request.in_reply_to->references;
    if (mail.references.empty() && !request.in_reply_to->in_reply_to.empty()) {
      mail.references.push_back(request.in_reply_to->in_reply_to);
    }
    if (!request.in_reply_to->message_id.empty()) mail.references.push_back(request.in_reply_to->message_id);
  }
  mail.extra_headers.push_back({"X-Ticketd-Ticket", std::to_string(ticket.number)});

  TicketMail result;
  result.outbox.ticket_id = ticket.id;
  result.outbox.kind = request.kind;
  result.outbox.message_id = mail.message_id;
  // Bounces come back to the support address, where they are recorded on
  // the ticket (the parser ties a bounce to our Message-ID).
  result.outbox.envelope_from = mailbox.address;
  result.outbox.recipients = {request.to.address};
  for (const auto& cc : options.cc) result.outbox.recipients.push_back(cc.address);
  result.outbox.data = compose_mail(mail);
  result.outbox.next_attempt_at = now;
  result.outbox.created_at = now;
  result.subject = rendered.subject;
  result.text = rendered.body;
  result.fallback_reason = rendered.fallback_reason;
  return result;
}

}  // namespace ticketd
