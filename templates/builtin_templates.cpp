#include "templates/builtin_templates.h"

#include <map>
#include <string>

namespace ticketd {

const BuiltinTemplate& builtin_template(std::string_view event) {
  static const std::map<std::string, BuiltinTemplate, std::less<>> builtins = {
      {"ack",
       {"[#{ticket_number}] {subject}",
        "Hello {customer_name},\n\nWe received your message and opened ticket #{ticket_number}.\n"
        "Reply to this mail to add to it.\n\n{support_name}\n"}},
      {"agent_reply", {"Re: [#{ticket_number}] {subject}", "{reply}\n"}},
      // Lifecycle, SLA and survey mail: the fallback must still carry what
      // matters (the links, the reason, the due time).
      {"status_pending", {"[#{ticket_number}] Waiting for your reply: {subject}",
                          "Hello {customer_name},\n\nWe are waiting for your reply on ticket #{ticket_number}.\n\n{support_name}\n"}},
      {"status_resolved", {"[#{ticket_number}] Resolved: {subject}",
                           "Hello {customer_name},\n\nTicket #{ticket_number} is resolved. Reply to this mail to open it again.\n\n{support_name}\n"}},
      {"status_closed", {"[#{ticket_number}] Closed: {subject}",
                         "Hello {customer_name},\n\nTicket #{ticket_number} is closed.\n\n{support_name}\n"}},
      {"status_reopened", {"[#{ticket_number}] Reopened: {subject}",
                           "Hello {customer_name},\n\nTicket #{ticket_number} is open again.\n\n{support_name}\n"}},
      {"pending_reminder", {"[#{ticket_number}] Reminder: we are waiting for your reply",
                            "Hello {customer_name},\n\nWe are still waiting for your reply on ticket #{ticket_number}.\n\n{support_name}\n"}},
      {"sla_reminder", {"[#{ticket_number}] SLA reminder: due {due}", "{reason}\n\nTicket #{ticket_number}: {subject}\n"}},
      {"sla_breach", {"[#{ticket_number}] SLA breached: {subject}", "{reason}\n\nTicket #{ticket_number}: {subject}\n"}},
      {"csat_survey", {"[#{ticket_number}] How did we do?",
                       "Hello {customer_name},\n\nHow satisfied are you with our help on ticket #{ticket_number}?\n\n"
                       "{survey_links}\n\n{support_name}\n"}},
      {"command_error",
       {"[#{ticket_number}] Command not applied", "Your commands on ticket #{ticket_number} were not applied:\n\n{reason}\n"}},
  };
  static const BuiltinTemplate generic = {"[#{ticket_number}] {subject}",
                                          "Ticket #{ticket_number}: {subject}\nStatus: {status}\n\n{reply}\n"};
  auto it = builtins.find(event);
  return it == builtins.end() ? generic : it->second;
}

}  // namespace ticketd
