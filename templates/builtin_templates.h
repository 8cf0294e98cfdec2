// The built-in last resort for each template event: used only when the
// admin's template for an event is missing or broken, so a mail still goes
// out in plain English rather than not at all.
#pragma once

#include <string_view>

namespace ticketd {

struct BuiltinTemplate {
  const char* subject;
  const char* body;
};

const BuiltinTemplate& builtin_template(std::string_view event);

}  // namespace ticketd
