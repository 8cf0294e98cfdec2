// How tickets look on the command line: tables for people, JSON for scripts.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "store/records.h"
#include "store/store.h"

namespace ticketd {

nlohmann::json ticket_to_json(const Ticket& ticket);
std::string tickets_table(const std::vector<Ticket>& tickets);
// The whole ticket: facts, messages (notes marked), attachments, events.
nlohmann::json ticket_detail_json(const Store& store, const Ticket& ticket);
std::string ticket_detail_text(const Store& store, const Ticket& ticket);
std::string format_time(std::int64_t seconds);

}  // namespace ticketd
