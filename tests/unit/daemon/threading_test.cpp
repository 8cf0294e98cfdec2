#include "daemon/threading.h"

#include <catch2/catch.hpp>

using namespace ticketd;

TEST_CASE("a ticket tag is found anywhere in the subject") {
  CHECK(subject_ticket_tag("Re: [#1001] Broken printer") == 1001);
  CHECK(subject_ticket_tag("回复：[#42]退款") == 42);
  CHECK(subject_ticket_tag("[Support] [#77] x") == 77);
}

TEST_CASE("text that only looks like a ticket tag is not one") {
  CHECK_FALSE(subject_ticket_tag("Order #1001"));
  CHECK_FALSE(subject_ticket_tag("[#] nothing"));
  CHECK_FALSE(subject_ticket_tag("[#12a]"));
  CHECK_FALSE(subject_ticket_tag("[#1001"));
}
