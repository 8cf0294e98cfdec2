// Case folding used by every case-insensitive rule comparison.
#include "rules/text_fold.h"

#include <catch2/catch.hpp>

namespace ticketd {
namespace {

TEST_CASE("ASCII, Latin-1 and Latin Extended-A letters fold to lower case", "[text_fold]") {
  CHECK(fold_case("Refund INVOICE") == "refund invoice");
  CHECK(fold_case("ÉCHÉANCE ÀÖØÞ") == "échéance àöøþ");
  CHECK(fold_case("× ÷") == "× ÷");  // not letters
  CHECK(fold_case("ŁÓDŹ ŽŠČ Ÿ") == "łódź žšč ÿ");
  CHECK(fold_case("İı") == "İı");  // Turkish dotted/dotless i have no simple folding
}

TEST_CASE("Greek and Cyrillic fold, final sigma included", "[text_fold]") {
  CHECK(fold_case("ΤΙΜΟΛΌΓΙΟ") == "τιμολόγιο");
  CHECK(fold_case("ΟΔΥΣΣΕΥΣ") == fold_case("οδυσσευς"));
  CHECK(fold_case("ς") == "σ");
  CHECK(fold_case("СЧЁТ ЇЖАК Ґ") == "счёт їжак ґ");
}

TEST_CASE("fullwidth letters and digits fold to ASCII, Chinese is left as it is", "[text_fold]") {
  CHECK(fold_case("ＶＩＰ客户＃１２") == "vip客户#12");
  CHECK(fold_case("申请退款。發票") == "申请退款。發票");
  CHECK(fold_case("退款，发票") == "退款,发票");  // the fullwidth comma is fullwidth ASCII
  CHECK(fold_case("😀 emoji") == "😀 emoji");
}

TEST_CASE("invalid UTF-8 is copied, never dropped", "[text_fold]") {
  const std::string bad = std::string("A\xC3") + "B\xFF";
  CHECK(fold_case(bad) == std::string("a\xC3") + "b\xFF");
}

TEST_CASE("a UTF-8 prefix never cuts a character", "[text_fold]") {
  CHECK(utf8_prefix("退款", 4) == "退");
  CHECK(utf8_prefix("退款", 6) == "退款");
  CHECK(utf8_prefix("ab", 1) == "a");
}

}  // namespace
}  // namespace ticketd
