// How `ticketd parse` shows a Message: as JSON (the fields issue 3 names)
// and as text for a person.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "parser/message.h"

namespace ticketd {

nlohmann::json message_to_json(const Message& message);
std::string message_to_text(const Message& message);

}  // namespace ticketd
