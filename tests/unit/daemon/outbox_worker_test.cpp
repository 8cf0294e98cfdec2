#include "daemon/outbox_worker.h"

#include <catch2/catch.hpp>

using namespace ticketd;

TEST_CASE("retries back off exponentially with jitter, up to the cap") {
  OutboxConfig config;
  config.first_retry_seconds = 30;
  config.max_retry_seconds = 3600;
  std::mt19937_64 random(42);
  for (int i = 0; i < 100; ++i) {
    auto first = retry_delay(1, config, random);
    CHECK(first >= 24);
    CHECK(first <= 36);
    auto third = retry_delay(3, config, random);
    CHECK(third >= 96);
    CHECK(third <= 144);
    auto late = retry_delay(20, config, random);
    CHECK(late >= 2880);
    CHECK(late <= 4320);
  }
}
