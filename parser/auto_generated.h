// Mail written by a machine (issue 3, point 6; DESIGN.md invariant 4: never
// auto-answer it). Each reason is a short sentence naming the header or sign
// found, for the ticket history and `ticketd parse`.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "parser/message.h"

namespace ticketd {

// Looks at the headers, sender, return path, subject and (for bounces) the
// text of an already parsed Message, in this order: RFC 3834
// Auto-Submitted other than "no"; delivery status notifications
// (multipart/report, report-type=delivery-status: `is_delivery_report`);
// X-Autoreply / X-Autorespond / X-Auto-Response-Suppress (Exchange);
// Precedence bulk/junk/list/auto_reply; List-Id / List-Unsubscribe;
// an empty or "<>" Return-Path; MAILER-DAEMON / postmaster senders;
// out-of-office subjects in English, Chinese and German ("Automatic reply",
// "Out of Office", "自动回复", "自動回覆", "Abwesenheitsnotiz"...).
// Nothing when it reads as a person's mail.
std::optional<std::string> auto_generated_reason(const Message& message, bool is_delivery_report);

// For a bounce that is not RFC 3464 shaped (qmail, old Exchange, Chinese
// providers): the first Message-ID header quoted in the text after the
// mailer's explanation; empty when there is none.
std::string find_bounced_message_id(std::string_view body);

}  // namespace ticketd
