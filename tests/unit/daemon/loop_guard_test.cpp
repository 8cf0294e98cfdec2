#include "daemon/loop_guard.h"

#include <catch2/catch.hpp>

using namespace ticketd;

TEST_CASE("our own addresses are recognised with plus details and any case") {
  Config config;
  MailboxConfig m;
  m.address = "support@example.com";
  config.mailboxes.push_back(m);
  CHECK(is_own_address(config, "support@example.com"));
  CHECK(is_own_address(config, "Support+t1001@Example.COM"));
  CHECK_FALSE(is_own_address(config, "supporter@example.com"));
  CHECK_FALSE(is_own_address(config, "support@example.co"));
}
