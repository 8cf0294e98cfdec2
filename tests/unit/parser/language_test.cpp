// The language a customer wrote in decides the template set we answer in.
#include <catch2/catch.hpp>

#include <string>

#include "parser/language.h"

using ticketd::detect_language;

TEST_CASE("a Simplified Chinese mail is answered in zh-CN", "[language]") {
  CHECK(detect_language("您好，我的订单还没有收到，请问什么时候发货？谢谢。") == "zh-CN");
  CHECK(detect_language("这个问题怎么处理？") == "zh-CN");
}

TEST_CASE("a Traditional Chinese mail is answered in zh-TW", "[language]") {
  CHECK(detect_language("您好，我的訂單還沒有收到，請問什麼時候會寄出？謝謝。") == "zh-TW");
  CHECK(detect_language("這個問題怎麼處理？") == "zh-TW");
}

TEST_CASE("the charset breaks a tie when no character tells the forms apart", "[language]") {
  // 退款 and 您好 are written the same way in both systems.
  CHECK(detect_language("退款，您好", "big5") == "zh-TW");
  CHECK(detect_language("退款，您好", "Big5-HKSCS") == "zh-TW");
  CHECK(detect_language("退款，您好", "gb2312") == "zh-CN");
  CHECK(detect_language("退款，您好", "") == "zh-CN");
  // The characters outweigh the label: Simplified text sent as Big5 cannot
  // happen, but Traditional text in GB18030 or UTF-8 does.
  CHECK(detect_language("這個問題怎麼處理？", "gb18030") == "zh-TW");
}

TEST_CASE("a Japanese mail is told from Chinese by its kana", "[language]") {
  CHECK(detect_language("お世話になっております。注文の件です。") == "ja");
  CHECK(detect_language("注文した商品がまだ届いていません。") == "ja");
  // One kana in a Chinese text (a shop name) does not make it Japanese.
  CHECK(detect_language("我在の小店买的东西还没有到，请帮我查一下订单。") == "zh-CN");
}

TEST_CASE("an English mail is answered in English", "[language]") {
  CHECK(detect_language("Hello, my order did not arrive. Can you help?") == "en");
  // A Chinese name in the signature of an English mail.
  CHECK(detect_language("Hello, my order #123 did not arrive yet, could you please check the delivery "
                        "status for me? Thanks a lot.\n-- \n张伟") == "en");
}

TEST_CASE("a Chinese mail quoting English product names stays Chinese", "[language]") {
  CHECK(detect_language("你好，我买的 iPhone 15 Pro Max 屏幕有问题，需要退货。") == "zh-CN");
}

TEST_CASE("a text without letters gives no language", "[language]") {
  CHECK(detect_language("").empty());
  CHECK(detect_language("123 456 !!!").empty());
  CHECK(detect_language("\xFF\xFE").empty());
}
