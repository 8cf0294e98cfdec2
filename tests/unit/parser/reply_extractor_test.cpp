#include "parser/reply_extractor.h"

#include <catch2/catch.hpp>

using ticketd::extract_reply;

TEST_CASE("a Gmail reply keeps only the text above \"On ... wrote:\"", "[reply_extractor]") {
  CHECK(extract_reply("Thanks, that worked!\n\nOn Mon, 13 Nov 2023 at 10:00, Support <support@shop.example> wrote:\n"
                      "> Please restart the router.\n") == "Thanks, that worked!");
  // Gmail wraps a long attribution over two lines.
  CHECK(extract_reply("Yes.\n\nOn Mon, Nov 13, 2023 at 10:00 AM Support Team of Shop <\nsupport@shop.example> wrote:\n"
                      "> Question?\n") == "Yes.");
}

TEST_CASE("an Outlook reply stops at the quoted From/Sent/To/Subject block", "[reply_extractor]") {
  CHECK(extract_reply("Please call me.\n\nBest regards\nBob\n\n________________________________\n"
                      "From: Support <support@shop.example>\nSent: Monday, November 13, 2023 10:00 AM\n"
                      "To: Bob <bob@x.example>\nSubject: RE: [#12] Router\n\nOld text\n") ==
        "Please call me.\n\nBest regards\nBob");
  CHECK(extract_reply("Ok\n-----Original Message-----\nFrom: a\nold\n") == "Ok");
}

TEST_CASE("a QQ Mail or Foxmail reply stops at the 原始邮件 separator", "[reply_extractor]") {
  CHECK(extract_reply("好的，谢谢！\n\n------------------ 原始邮件 ------------------\n发件人: \"客服\"<support@shop.example>;\n"
                      "发送时间: 2023年11月13日(星期一) 上午10:00\n收件人: \"张三\"<zs@qq.com>;\n主题: 回复: 退款\n\n旧内容\n") ==
        "好的，谢谢！");
}

TEST_CASE("an Outlook-zh reply stops at the 发件人/发送时间 block with full-width colons", "[reply_extractor]") {
  CHECK(extract_reply("已收到。\n\n发件人： 客服 <support@shop.example>\n发送时间： 2023年11月13日 10:00\n"
                      "收件人： 张三\n主题： 退款\n\n旧内容\n") == "已收到。");
}

TEST_CASE("Big5 and Chinese attributions end the reply", "[reply_extractor]") {
  CHECK(extract_reply("收到\n\n寄件者: 客服\n寄件日期: 2023年11月13日\n收件者: 王小明\n主旨: 退款\n\n舊內容\n") == "收到");
  CHECK(extract_reply("好\n\n在 2023年11月13日，客服 <support@shop.example> 写道：\n> 旧\n") == "好");
}

TEST_CASE("our own marker ends the reply wherever it is", "[reply_extractor]") {
  CHECK(extract_reply("New text\n-- reply above this line --\nTicket history\n") == "New text");
}

TEST_CASE("mobile signatures and the signature separator are not part of the reply", "[reply_extractor]") {
  CHECK(extract_reply("On my way\n\nSent from my iPhone\n") == "On my way");
  CHECK(extract_reply("马上到\n\n发自我的iPhone\n") == "马上到");
  CHECK(extract_reply("Thanks\n-- \nBob Smith\nACME Corp\n") == "Thanks");
}

TEST_CASE("inline answers between quotes are kept, the quotes dropped", "[reply_extractor]") {
  CHECK(extract_reply("> Which model?\nX200\n> Which year?\n2021\n") == "X200\n2021");
}

TEST_CASE("a mail with nothing quoted is its own reply, and an all-quote mail is kept whole", "[reply_extractor]") {
  CHECK(extract_reply("Hello\nworld\n") == "Hello\nworld\n");
  CHECK(extract_reply("> only a quote\n") == "> only a quote\n");
}
