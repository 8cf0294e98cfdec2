// Recognising an agent's mail (issue 6, point 5): a From header alone
// grants nothing; a signed reply address or a Message-ID we signed for
// that agent, together with that agent's From, does.
#include "daemon/agent_mail.h"

#include <catch2/catch.hpp>

#include "daemon/agent_notifications.h"
#include "daemon/reply_tokens.h"

using namespace ticketd;

namespace {

Config desk() {
  Config config;
  config.security.secret = "0123456789abcdef0123456789abcdef";
  MailboxConfig support;
  support.name = "support";
  support.address = "support@example.test";
  config.mailboxes.push_back(support);
  AgentConfig bob;
  bob.name = "bob";
  bob.addresses = {"bob@example.test", "bob.smith@home.example"};
  bob.groups = {"support"};
  AgentConfig wang;
  wang.name = "wang";
  wang.addresses = {"wang@example.test"};
  wang.groups = {"billing"};
  config.agents = {bob, wang};
  return config;
}

Message mail_from(const std::string& from) {
  Message m;
  m.from = Address{"", from};
  m.to = {Address{"", "support@example.test"}};
  m.body = "Hello";
  m.reply = "Hello";
  return m;
}

std::string reply_address(const Config& config, std::int64_t number, const std::string& agent) {
  return agent_reply_address(Signer(config.security.secret), "support@example.test", number, agent);
}

}  // namespace

TEST_CASE("an agent's reply to the signed reply address is the agent's, for that ticket", "[agent-mail]") {
  Config config = desk();
  Message m = mail_from("Bob@Example.test");
  m.to = {Address{"Example Support", reply_address(config, 1001, "bob")}};
  AgentMailMatch match = recognise_agent_mail(m, config);
  REQUIRE(match.agent);
  CHECK(match.agent->name == "bob");
  CHECK(match.ticket_number == 1001);
  CHECK(match.refused.empty());
}

TEST_CASE("the reply address is found in Delivered-To when the client rewrote To", "[agent-mail]") {
  Config config = desk();
  Message m = mail_from("bob.smith@home.example");  // any of the agent's addresses
  m.headers.push_back({"Delivered-To", "<" + reply_address(config, 1002, "bob") + ">"});
  AgentMailMatch match = recognise_agent_mail(m, config);
  REQUIRE(match.agent);
  CHECK(match.ticket_number == 1002);
}

TEST_CASE("a reply naming our Message-ID signed for the agent is the agent's", "[agent-mail]") {
  Config config = desk();
  Message m = mail_from("bob@example.test");
  m.references = {"first@alice.example",
                  make_message_id(1003, 7, "example.test", Signer(config.security.secret), agent_mail_purpose("bob"))};
  AgentMailMatch match = recognise_agent_mail(m, config);
  REQUIRE(match.agent);
  CHECK(match.ticket_number == 1003);
  CHECK(match.how.rfind("signed References", 0) == 0);
}

TEST_CASE("an agent From without a token is treated as a customer, and says why", "[agent-mail]") {
  Config config = desk();
  Message m = mail_from("bob@example.test");
  m.subject = "Re: [#1001] Cannot log in";
  AgentMailMatch match = recognise_agent_mail(m, config);
  CHECK_FALSE(match.agent);
  CHECK(match.refused == "agent address without a valid reply token: treated as a customer");
}

TEST_CASE("a customer's copy of our Message-ID grants no agent powers", "[agent-mail]") {
  // The acknowledgement's id is signed for customers: a forger who received
  // one and writes From: bob with it in In-Reply-To is still a customer.
  Config config = desk();
  Message m = mail_from("bob@example.test");
  m.in_reply_to = make_message_id(1001, 9, "example.test", Signer(config.security.secret), kCustomerMailPurpose);
  AgentMailMatch match = recognise_agent_mail(m, config);
  CHECK_FALSE(match.agent);
  CHECK_FALSE(match.refused.empty());
}

TEST_CASE("another agent's reply address or an altered one is refused", "[agent-mail]") {
  Config config = desk();
  Message m = mail_from("bob@example.test");
  m.to = {Address{"", reply_address(config, 1001, "wang")}};
  AgentMailMatch match = recognise_agent_mail(m, config);
  CHECK_FALSE(match.agent);
  CHECK(match.refused == "reply address of agent wang for ticket #1001, but the mail is from bob@example.test: "
                         "treated as a customer");

  std::string altered = reply_address(config, 1001, "bob");
  auto at = altered.find('@');
  altered[at - 1] = altered[at - 1] == 'a' ? 'b' : 'a';
  m.to = {Address{"", altered}};
  match = recognise_agent_mail(m, config);
  CHECK_FALSE(match.agent);
  CHECK(match.refused.find("has no valid signature") != std::string::npos);

  // A token signed with another key (another installation) is no token.
  Config other = desk();
  other.security.secret = "another-key-0123456789abcdef";
  m.to = {Address{"", reply_address(other, 1001, "bob")}};
  CHECK_FALSE(recognise_agent_mail(m, config).agent);
}

TEST_CASE("a valid reply address with a forged From belongs to nobody", "[agent-mail]") {
  Config config = desk();
  Message m = mail_from("mallory@evil.example");
  m.to = {Address{"", reply_address(config, 1001, "bob")}};
  AgentMailMatch match = recognise_agent_mail(m, config);
  CHECK_FALSE(match.agent);
  CHECK(match.refused.find("but the mail is from mallory@evil.example") != std::string::npos);
}

TEST_CASE("mail from a customer is not an agent's and raises nothing", "[agent-mail]") {
  Config config = desk();
  AgentMailMatch match = recognise_agent_mail(mail_from("alice@example.test"), config);
  CHECK_FALSE(match.agent);
  CHECK(match.refused.empty());
}

TEST_CASE("without a signing key no mail has agent powers", "[agent-mail]") {
  Config config = desk();
  std::string address = reply_address(config, 1001, "bob");
  config.security.secret.clear();
  Message m = mail_from("bob@example.test");
  m.to = {Address{"", address}};
  CHECK_FALSE(recognise_agent_mail(m, config).agent);
}

TEST_CASE("an agent's new text leaves out the quoted notification entirely", "[agent-mail]") {
  Message m;
  m.body = "Hello Alice,\nfixed.\n\nOn Mon, 16 Nov 2026 Example Support wrote:\n> Ticket #1001\n> internal tags\n";
  CHECK(agent_new_text(m) == "Hello Alice,\nfixed.");
  // A mail that is only the quote: nothing to send (Message::reply would
  // fall back to the whole body, quote and all).
  m.body = "On Mon, 16 Nov 2026 Example Support wrote:\n> Ticket #1001\n> internal tags\n";
  std::string text = agent_new_text(m);
  CHECK(text.find("internal tags") == std::string::npos);
  CHECK(text.find_first_not_of(" \n") == std::string::npos);
}

TEST_CASE("notifications go to the assignee, else the group's agents who are not away", "[agent-mail]") {
  Config config = desk();
  Ticket ticket;
  ticket.assignee = "wang";
  auto to = agents_to_notify(ticket, config);
  REQUIRE(to.size() == 1);
  CHECK(to[0]->name == "wang");
  ticket.assignee.clear();
  ticket.group = "support";
  to = agents_to_notify(ticket, config);
  REQUIRE(to.size() == 1);
  CHECK(to[0]->name == "bob");
  ticket.group.clear();
  CHECK(agents_to_notify(ticket, config).size() == 2);
  config.agents[0].away = true;
  to = agents_to_notify(ticket, config);
  REQUIRE(to.size() == 1);
  CHECK(to[0]->name == "wang");
}
