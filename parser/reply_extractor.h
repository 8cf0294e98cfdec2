// The reply without the quote (issue 3, point 5): what is new in a follow-up.
//
// The new text ends at the first of these, found line by line:
//  - our own marker "-- reply above this line --" (any case, any dashes);
//  - an attribution line: "On ... wrote:" (also wrapped over two lines, as
//    Gmail does), "Am ... schrieb", "Le ... a écrit", "El ... escribió",
//    "在 ... 写道:", "於 ... 寫道:";
//  - an original-message separator: Outlook's "-----Original Message-----",
//    QQ Mail and Foxmail's "------------------ 原始邮件 ------------------",
//    "------------------ Original ------------------", "原始郵件";
//  - a header block of the quoted mail: "From:" followed within a few lines
//    by Sent:/Date:/To:/Subject: (Outlook, also after its line of
//    underscores), "发件人:" with 发送时间:/时间:/收件人:/主题: (Outlook-zh,
//    Foxmail, NetEase), Big5 "寄件者:" with 寄件日期:/收件者:/主旨:;
//    half-width and full-width colons alike;
//  - a signature: the "-- " separator (RFC 3676 §4.3), a mobile signature
//    ("Sent from my iPhone", "发自我的iPhone", "Get Outlook for iOS"...).
// Lines quoted with '>' before that point are dropped too (inline replies
// keep the text written between the quotes).
//
// Promises: the result is never longer than `body`; it is `body` itself when
// nothing was found; when stripping would leave nothing (a bare forward, a
// mail that is only a quote), `body` is returned rather than an empty reply.
#pragma once

#include <string>
#include <string_view>

namespace ticketd {

std::string extract_reply(std::string_view body);

}  // namespace ticketd
