// Normalised subjects: what threading and display compare.
#include <catch2/catch.hpp>

#include "parser/header_fields.h"

using ticketd::normalize_subject;

TEST_CASE("English reply and forward prefixes are dropped", "[subject]") {
  CHECK(normalize_subject("Re: Order 123 not delivered") == "Order 123 not delivered");
  CHECK(normalize_subject("RE: Order") == "Order");
  CHECK(normalize_subject("Fwd: Order") == "Order");
  CHECK(normalize_subject("FW: Order") == "Order");
  CHECK(normalize_subject("fwd:Order") == "Order");
}

TEST_CASE("repeated and mixed prefixes are all dropped", "[subject]") {
  CHECK(normalize_subject("Re: Re: RE: Fwd: FW: Order") == "Order");
  CHECK(normalize_subject("回复: Re: 转发: Order") == "Order");
  CHECK(normalize_subject("AW: WG: SV: VS: Antw: Order") == "Order");
}

TEST_CASE("counted prefixes like RE[2]: are dropped", "[subject]") {
  CHECK(normalize_subject("RE[2]: Order") == "Order");
  CHECK(normalize_subject("Re(3): Order") == "Order");
  CHECK(normalize_subject("Re^2: Order") == "Order");
}

TEST_CASE("Chinese prefixes with ASCII or full-width colons are dropped", "[subject]") {
  CHECK(normalize_subject("回复：关于退款") == "关于退款");
  CHECK(normalize_subject("回覆：關於退款") == "關於退款");
  CHECK(normalize_subject("答复: 关于退款") == "关于退款");
  CHECK(normalize_subject("转发：关于退款") == "关于退款");
  CHECK(normalize_subject("轉寄: 關於退款") == "關於退款");
  CHECK(normalize_subject("Re：关于退款") == "关于退款");
  CHECK(normalize_subject("回复： 回复：关于退款") == "关于退款");
}

TEST_CASE("a French space before the colon is tolerated", "[subject]") {
  CHECK(normalize_subject("Re : TR : Commande") == "Commande");
}

TEST_CASE("words that merely start like a prefix are kept", "[subject]") {
  CHECK(normalize_subject("Review of my order") == "Review of my order");
  CHECK(normalize_subject("Response time") == "Response time");
  CHECK(normalize_subject("Forward planning") == "Forward planning");
  CHECK(normalize_subject("R2-D2 repair") == "R2-D2 repair");
  CHECK(normalize_subject("Invoice: April") == "Invoice: April");
}

TEST_CASE("ticket tags stay and white space is tidied", "[subject]") {
  CHECK(normalize_subject("Re: [#1234]   Order\tlate ") == "[#1234] Order late");
  CHECK(normalize_subject("   ") == "");
  CHECK(normalize_subject("Re:") == "");
}
