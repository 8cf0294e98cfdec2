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
      {"command_error",
       {"[#{ticket_number}] Command not applied", "Your commands on ticket #{ticket_number} were not applied:\n\n{reason}\n"}},
  };
  static const BuiltinTemplate generic = {"[#{ticket_number}] {subject}",
                                          "Ticket #{ticket_number}: {subject}\nStatus: {status}\n\n{reply}\n"};
  auto it = builtins.find(event);
  return it == builtins.end() ? generic : it->second;
}

}  // namespace ticketd
