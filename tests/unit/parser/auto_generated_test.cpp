#include "parser/auto_generated.h"

#include <catch2/catch.hpp>

using ticketd::auto_generated_reason;
using ticketd::find_bounced_message_id;
using ticketd::Message;

namespace {
Message with_header(std::string name, std::string value) {
  Message m;
  m.from.address = "alice@example.com";
  m.headers.push_back({std::move(name), std::move(value)});
  return m;
}
}  // namespace

TEST_CASE("a person's mail is not auto-generated", "[auto_generated]") {
  Message m;
  m.from.address = "alice@example.com";
  m.subject = "Where is my order?";
  CHECK_FALSE(auto_generated_reason(m, false));
  CHECK_FALSE(auto_generated_reason(with_header("Auto-Submitted", "no"), false));
}

TEST_CASE("automatic mail says why it is automatic", "[auto_generated]") {
  CHECK(*auto_generated_reason(with_header("Auto-Submitted", "auto-replied"), false) ==
        "Auto-Submitted: auto-replied (RFC 3834)");
  CHECK(auto_generated_reason(with_header("Precedence", "bulk"), false)->find("bulk") != std::string::npos);
  CHECK(auto_generated_reason(with_header("List-Id", "<x.lists.example>"), false)->find("List-Id") != std::string::npos);
  CHECK(auto_generated_reason(with_header("X-Autoreply", "yes"), false));
  CHECK(auto_generated_reason(with_header("X-Auto-Response-Suppress", "All"), false));
  Message bounce;
  bounce.from.address = "MAILER-DAEMON@mx.example";
  CHECK(auto_generated_reason(bounce, false)->find("mail system") != std::string::npos);
  Message null_path = with_header("Return-Path", "<>");
  null_path.return_path = "<>";
  CHECK(auto_generated_reason(null_path, false)->find("Return-Path") != std::string::npos);
  CHECK(auto_generated_reason(Message{}, true)->find("delivery status") != std::string::npos);
}

TEST_CASE("out-of-office subjects in English and Chinese are automatic", "[auto_generated]") {
  for (const char* subject : {"Automatic reply: Your ticket", "Out of Office: back Monday", "自动回复: 您的工单",
                              "自動回覆：休假中"}) {
    Message m;
    m.from.address = "bob@example.com";
    m.subject = subject;
    CHECK(auto_generated_reason(m, false));
  }
}

TEST_CASE("a plain-text bounce still names the Message-ID of the returned mail", "[auto_generated]") {
  CHECK(find_bounced_message_id("Sorry, we could not deliver.\n--- Below this line is a copy of the message.\n\n"
                                "Return-Path: <support@shop.example>\nMessage-ID: <t42.abc@shop.example>\n") ==
        "t42.abc@shop.example");
}
