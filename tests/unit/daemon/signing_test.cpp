#include "daemon/signing.h"

#include <catch2/catch.hpp>

#include "daemon/reply_tokens.h"

using namespace ticketd;

namespace {

std::string bytes(std::size_t n, unsigned char value) { return std::string(n, static_cast<char>(value)); }

std::string unhex(std::string_view hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) out += static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16));
  return out;
}

// Changes one character of a token to another of the same alphabet.
std::string one_changed(std::string token, std::size_t position) {
  token[position] = token[position] == 'a' ? 'b' : 'a';
  return token;
}

}  // namespace

TEST_CASE("HMAC-SHA256 matches the RFC 4231 test vectors", "[signing]") {
  // Test case 1
  CHECK(to_hex(hmac_sha256(bytes(20, 0x0b), "Hi There")) ==
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  // Test case 2: a key shorter than the output
  CHECK(to_hex(hmac_sha256("Jefe", "what do ya want for nothing?")) ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // Test case 3: 50 bytes of 0xdd
  CHECK(to_hex(hmac_sha256(bytes(20, 0xaa), bytes(50, 0xdd))) ==
        "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
  // Test case 4
  CHECK(to_hex(hmac_sha256(unhex("0102030405060708090a0b0c0d0e0f10111213141516171819"), bytes(50, 0xcd))) ==
        "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
  // Test case 6: a key longer than the block size is hashed first
  CHECK(to_hex(hmac_sha256(bytes(131, 0xaa), "Test Using Larger Than Block-Size Key - Hash Key First")) ==
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  // Test case 7
  CHECK(to_hex(hmac_sha256(bytes(131, 0xaa),
                           "This is a test using a larger than block-size key and a larger than block-size data. "
                           "The key needs to be hashed before being used by the HMAC algorithm.")) ==
        "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
}

TEST_CASE("base32 follows RFC 4648 in lower case without padding", "[signing]") {
  auto enc = [](std::string_view s) { return base32_lower(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()); };
  CHECK(enc("") == "");
  CHECK(enc("f") == "my");
  CHECK(enc("fo") == "mzxq");
  CHECK(enc("foo") == "mzxw6");
  CHECK(enc("foob") == "mzxw6yq");
  CHECK(enc("fooba") == "mzxw6ytb");
  CHECK(enc("foobar") == "mzxw6ytboi");
}

TEST_CASE("constant-time comparison tells equal from different strings", "[signing]") {
  CHECK(constant_time_equal("abcdef", "abcdef"));
  CHECK_FALSE(constant_time_equal("abcdef", "abcdeg"));
  CHECK_FALSE(constant_time_equal("abcdef", "bbcdef"));
  CHECK_FALSE(constant_time_equal("abcdef", "abcde"));
  CHECK(constant_time_equal("", ""));
}

TEST_CASE("a signature verifies for its purpose and payload only", "[signing]") {
  Signer signer("0123456789abcdef-test-key");
  std::string sig = signer.sign("csat", "1001:5");
  CHECK(sig.size() == Signer::kDefaultLength);
  CHECK(signer.verify("csat", "1001:5", sig));
  CHECK(signer.verify("csat", "1001:5", std::string(sig.begin(), sig.begin() + 10)));  // a shorter cut
  CHECK_FALSE(signer.verify("csat", "1001:1", sig));
  CHECK_FALSE(signer.verify("message-id", "1001:5", sig));
  CHECK_FALSE(signer.verify("csat", "1001:5", sig.substr(0, 7)));  // too short to mean anything
  CHECK_FALSE(Signer("another-key-0123456789").verify("csat", "1001:5", sig));
  for (std::size_t i = 0; i < sig.size(); ++i) CHECK_FALSE(signer.verify("csat", "1001:5", one_changed(sig, i)));
  // Separating purpose and payload: "ab"+"c" is not "a"+"bc".
  CHECK(signer.sign("ab", "c") != signer.sign("a", "bc"));
}

TEST_CASE("a Signer without a key signs nothing and trusts nothing", "[signing]") {
  Signer none;
  CHECK_FALSE(none.usable());
  CHECK(none.sign("csat", "1").empty());
  CHECK_FALSE(none.verify("csat", "1", Signer("k0123456789abcdef").sign("csat", "1")));
}

TEST_CASE("an agent's reply address names the ticket and verifies for that agent only", "[signing]") {
  Signer signer("0123456789abcdef-test-key");
  std::string address = agent_reply_address(signer, "support@example.test", 1001, "bob");
  CHECK(address.rfind("support+a1001-", 0) == 0);
  CHECK(address.size() < 64 + 13);  // the local part stays under RFC 5321's 64 characters
  CHECK(address.substr(address.find('@')) == "@example.test");
  auto token = parse_reply_address(address);
  REQUIRE(token);
  CHECK(token->ticket_number == 1001);
  CHECK(token->base_address == "support@example.test");
  CHECK(verify_reply_address(signer, *token, "bob"));
  CHECK_FALSE(verify_reply_address(signer, *token, "alice"));

  // Upper-cased by a mail system on the way: still the same token.
  std::string upper = address;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  REQUIRE(parse_reply_address(upper));
  CHECK(verify_reply_address(signer, *parse_reply_address(upper), "bob"));

  // Every single changed character of the signature or the number is refused.
  auto at = address.find('@');
  for (std::size_t i = address.rfind('-') + 1; i < at; ++i) {
    auto changed = parse_reply_address(one_changed(address, i));
    REQUIRE(changed);
    CHECK_FALSE(verify_reply_address(signer, *changed, "bob"));
  }
  std::string other_ticket = address;
  other_ticket.replace(other_ticket.find("1001"), 4, "1002");
  CHECK_FALSE(verify_reply_address(signer, *parse_reply_address(other_ticket), "bob"));
}

TEST_CASE("addresses that are not reply addresses are not taken for one", "[signing]") {
  CHECK_FALSE(parse_reply_address("support@example.test"));
  CHECK_FALSE(parse_reply_address("support+t1001@example.test"));
  CHECK_FALSE(parse_reply_address("support+a1001@example.test"));
  CHECK_FALSE(parse_reply_address("support+a10x1-abcdef-abcdefghijklmnop@example.test"));
  CHECK_FALSE(parse_reply_address("support+a1001-abc-abcdefghijklmnop@example.test"));
  CHECK_FALSE(parse_reply_address("+a1001-abcdef-abcdefghijklmnop@example.test"));
  CHECK_FALSE(parse_reply_address("support+a99999999999999999-abcdef-abcdefghijklmnop@example.test"));
}

TEST_CASE("our Message-IDs carry a signature for whom they were sent to", "[signing]") {
  Signer signer("0123456789abcdef-test-key");
  std::string to_customer = make_message_id(1001, 0x1234abcd, "example.test", signer, kCustomerMailPurpose);
  std::string to_bob = make_message_id(1001, 0x1234abcd, "example.test", signer, agent_mail_purpose("bob"));
  CHECK(to_customer.rfind("ticketd.1001.000000001234abcd.", 0) == 0);
  CHECK(to_customer.substr(to_customer.find('@')) == "@example.test");
  auto token = parse_message_id(to_bob);
  REQUIRE(token);
  CHECK(token->ticket_number == 1001);
  CHECK(verify_message_id(signer, *token, agent_mail_purpose("bob")));
  CHECK_FALSE(verify_message_id(signer, *token, agent_mail_purpose("alice")));
  CHECK_FALSE(verify_message_id(signer, *parse_message_id(to_customer), agent_mail_purpose("bob")));
  CHECK(verify_message_id(signer, *parse_message_id(to_customer), kCustomerMailPurpose));
  auto at = to_bob.find('@');
  for (std::size_t i = to_bob.rfind('.', at) + 1; i < at; ++i) {
    auto changed = parse_message_id(one_changed(to_bob, i));
    REQUIRE(changed);
    CHECK_FALSE(verify_message_id(signer, *changed, agent_mail_purpose("bob")));
  }
}

TEST_CASE("unsigned Message-IDs of ours still parse but prove nothing", "[signing]") {
  std::string id = make_message_id(7, 42, "", Signer(), kCustomerMailPurpose);
  CHECK(id == "ticketd.7.000000000000002a@localhost");
  auto token = parse_message_id(id);
  REQUIRE(token);
  CHECK(token->signature.empty());
  CHECK_FALSE(verify_message_id(Signer("0123456789abcdef-key"), *token, kCustomerMailPurpose));
  CHECK_FALSE(parse_message_id("CAHx1234@mail.gmail.com"));
  CHECK_FALSE(parse_message_id("ticketd.x.12@host"));
}
