// Header text decoding: subjects and names as clients really encode them.
#include "parser/encoded_words.h"

#include <catch2/catch.hpp>

#include <string>

using ticketd::decode_header_text;
using ticketd::decode_rfc2231_value;

TEST_CASE("a plain ASCII subject is kept, folding removed", "[encoded-words]") {
  CHECK(decode_header_text("  My order did not arrive ") == "My order did not arrive");
  CHECK(decode_header_text("My order\r\n did not arrive") == "My order did not arrive");
  CHECK(decode_header_text("My order\r\n\tdid not arrive") == "My order\tdid not arrive");
}

TEST_CASE("a base64 encoded Chinese subject is decoded", "[encoded-words]") {
  CHECK(decode_header_text("=?UTF-8?B?6YCA5qy+55Sz6K+3?=") == "退款申请");
  CHECK(decode_header_text("=?gb2312?B?xPq6w6OsztK1xLaptaW7ucO709DK1bW9?=") == "您好，我的订单还没有收到");
}

TEST_CASE("a quoted-printable word decodes underscores and hex bytes", "[encoded-words]") {
  CHECK(decode_header_text("=?iso-8859-1?q?Caf=E9_cr=E8me?=") == "Café crème");
  CHECK(decode_header_text("=?utf-8?Q?Re:_=E9=80=80=E6=AC=BE?=") == "Re: 退款");
}

TEST_CASE("adjacent encoded words are joined without the space between them", "[encoded-words]") {
  CHECK(decode_header_text("=?utf-8?q?Hello?= =?utf-8?q?World?=") == "HelloWorld");
  CHECK(decode_header_text("=?utf-8?q?Hello?=\r\n =?utf-8?q?_World?=") == "Hello World");
  // Text between words keeps its spaces (RFC 2047 section 6.2).
  CHECK(decode_header_text("=?utf-8?q?Hello?= dear =?utf-8?q?World?=") == "Hello dear World");
  // Different charsets in adjacent words.
  CHECK(decode_header_text("=?gbk?B?1cXI/Q==?= =?utf-8?B?6YCA5qy+?=") == "张三退款");
}

TEST_CASE("a character split across two encoded words comes back whole", "[encoded-words]") {
  // "退款申请" in UTF-8, cut after the fifth byte (inside 款).
  CHECK(decode_header_text("=?utf-8?B?6YCA5qw=?= =?utf-8?B?vueUs+ivtw==?=") == "退款申请");
  // "您好订单" in GBK, cut after the third byte (inside 好), as Foxmail does.
  CHECK(decode_header_text("=?GBK?B?xPq6?=\r\n =?GBK?B?w7aptaU=?=") == "您好订单");
  // Split inside a Q word.
  CHECK(decode_header_text("=?utf-8?Q?=E4=B8?= =?utf-8?Q?=AD=E6=96=87?=") == "中文");
}

TEST_CASE("an encoded word glued to text is still decoded", "[encoded-words]") {
  CHECK(decode_header_text("Re:=?utf-8?B?6YCA5qy+?=") == "Re:退款");
  CHECK(decode_header_text("[#1234]=?utf-8?B?6YCA5qy+?= please") == "[#1234]退款 please");
}

TEST_CASE("a word labelled with the wrong or an unknown charset is detected", "[encoded-words]") {
  // GBK bytes labelled utf-8.
  CHECK(decode_header_text("=?utf-8?B?xPq6w6OsztK1xLaptaW7ucO709DK1bW9?=") == "您好，我的订单还没有收到");
  // A charset iconv does not know.
  CHECK(decode_header_text("=?x-unknown?B?xPq6w6OsztK1xLaptaW7ucO709DK1bW9?=") == "您好，我的订单还没有收到");
  // RFC 2231 language suffix on the charset.
  CHECK(decode_header_text("=?utf-8*zh-cn?B?6YCA5qy+?=") == "退款");
}

TEST_CASE("Big5 and ISO-2022-JP encoded words decode", "[encoded-words]") {
  CHECK(decode_header_text("=?big5?B?w/ap861xs+Y=?=") == "關於訂單");
  CHECK(decode_header_text("=?ISO-2022-JP?B?GyRCQ21KOCRLJEQkJCRGGyhC?=") == "注文について");
}

TEST_CASE("raw 8-bit header bytes from clients that do not encode are detected", "[encoded-words]") {
  CHECK(decode_header_text("Re: 关于退款") == "Re: 关于退款");  // raw UTF-8
  CHECK(decode_header_text("Re: \xB9\xD8\xD3\xDA\xCD\xCB\xBF\xEE") == "Re: 关于退款");  // raw GBK
}

TEST_CASE("broken encoded words are kept as text, never dropped", "[encoded-words]") {
  CHECK(decode_header_text("=?utf-8?X?abc?=") == "=?utf-8?X?abc?=");
  CHECK(decode_header_text("=?utf-8?B?6YCA5qy+") == "=?utf-8?B?6YCA5qy+");
  CHECK(decode_header_text("price =? 5") == "price =? 5");
  // base64 without padding and with a stray character.
  CHECK(decode_header_text("=?utf-8?B?6YCA5q!y+?=") == "退款");
  CHECK(decode_header_text("=?utf-8?B?5Lit?=") == "中");
  CHECK(decode_header_text("=?utf-8?B?5Lit5paH?=") == "中文");
  CHECK(decode_header_text("=?utf-8?B?5Lit5paH") == "=?utf-8?B?5Lit5paH");
}

TEST_CASE("CR, LF and NUL never survive header decoding, even encoded", "[encoded-words]") {
  std::string decoded = decode_header_text("=?utf-8?Q?Hi=0D=0ABcc:_evil@example.com=00?=");
  CHECK(decoded.find('\r') == std::string::npos);
  CHECK(decoded.find('\n') == std::string::npos);
  CHECK(decoded.find('\0') == std::string::npos);
  CHECK(decoded == "Hi Bcc: evil@example.com");
  CHECK(decode_header_text(std::string("a\0b\rc\nd", 8)) == "ab c d");
}

TEST_CASE("a hostile header of unclosed encoded words decodes in linear time", "[encoded-words]") {
  std::string hostile;
  for (int i = 0; i < 20000; ++i) hostile += "=?utf-8?q?a ";
  std::string decoded = decode_header_text(hostile);
  CHECK(decoded.size() == hostile.size() - 1);  // the trailing space is trimmed
}

TEST_CASE("an RFC 2231 file name with a charset is decoded", "[encoded-words]") {
  CHECK(decode_rfc2231_value("utf-8''%E5%8F%91%E7%A5%A8.pdf") == "发票.pdf");
  CHECK(decode_rfc2231_value("UTF-8'zh-cn'%E5%8F%91%E7%A5%A8.pdf") == "发票.pdf");
  CHECK(decode_rfc2231_value("gb2312''%B7%A2%C6%B1.pdf") == "发票.pdf");
  CHECK(decode_rfc2231_value("iso-8859-1'en'r%E9sum%E9.doc") == "résumé.doc");
  CHECK(decode_rfc2231_value("\"utf-8''%E5%8F%91%E7%A5%A8.pdf\"") == "发票.pdf");
}

TEST_CASE("an RFC 2231 value without a charset is still readable", "[encoded-words]") {
  CHECK(decode_rfc2231_value("report%20final.pdf") == "report final.pdf");
  CHECK(decode_rfc2231_value("=?utf-8?B?5Y+R56WoLnBkZg==?=") == "发票.pdf");
  CHECK(decode_rfc2231_value("utf-8''bad%0D%0Aname") == "bad name");
}
