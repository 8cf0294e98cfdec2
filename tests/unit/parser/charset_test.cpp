// Charset conversion: the bytes real clients send, labelled right or wrong.
// Byte literals were produced with Python's codecs (e.g.
// "您好".encode("gbk")) and are split ("\xE9" "F") where a hex escape would
// otherwise swallow the next letter.
#include "parser/charset.h"

#include <catch2/catch.hpp>

#include <string>

using ticketd::detect_charset;
using ticketd::is_valid_utf8;
using ticketd::sanitize_utf8;
using ticketd::to_utf8;

namespace {

// "您好，我的订单还没有收到，请问什么时候发货？谢谢。" in GBK.
const std::string kGbkOrder =
    "\xC4\xFA\xBA\xC3\xA3\xAC\xCE\xD2\xB5\xC4\xB6\xA9\xB5\xA5\xBB\xB9\xC3\xBB\xD3\xD0\xCA\xD5\xB5\xBD\xA3\xAC"
    "\xC7\xEB\xCE\xCA\xCA\xB2\xC3\xB4\xCA\xB1\xBA\xF2\xB7\xA2\xBB\xF5\xA3\xBF\xD0\xBB\xD0\xBB\xA1\xA3";
const std::string kOrderText = "您好，我的订单还没有收到，请问什么时候发货？谢谢。";

// A longer Simplified Chinese paragraph in GBK, for detection.
const std::string kGbkParagraph =
    "\xCE\xD2\xC3\xC7\xB5\xC4\xB2\xFA\xC6\xB7\xD6\xCA\xC1\xBF\xBA\xDC\xBA\xC3\xA3\xAC\xBB\xB6\xD3\xAD\xC4\xFA"
    "\xD4\xD9\xB4\xCE\xB9\xE2\xC1\xD9\xB1\xBE\xB5\xEA\xA1\xA3\xC8\xE7\xB9\xFB\xD3\xD0\xC8\xCE\xBA\xCE\xCE\xCA"
    "\xCC\xE2\xA3\xAC\xC7\xEB\xCB\xE6\xCA\xB1\xC1\xAA\xCF\xB5\xCE\xD2\xC3\xC7\xB5\xC4\xBF\xCD\xB7\xFE\xC8\xCB"
    "\xD4\xB1\xA3\xAC\xCE\xD2\xC3\xC7\xBB\xE1\xBE\xA1\xBF\xEC\xCE\xAA\xC4\xFA\xB4\xA6\xC0\xED\xA1\xA3";
const std::string kParagraphText =
    "我们的产品质量很好，欢迎您再次光临本店。如果有任何问题，请随时联系我们的客服人员，我们会尽快为您处理。";

// The same paragraph in Traditional Chinese, Big5.
const std::string kBig5Paragraph =
    "\xA7\xDA\xAD\xCC\xAA\xBA\xB2\xA3\xAB~\xAB~\xBD\xE8\xAB\xDC\xA6n\xA1"
    "A\xC5w\xAA\xEF\xB1z\xA6"
    "A\xA6\xB8\xA5\xFA\xC1{\xA5\xBB\xA9\xB1\xA1"
    "C\xA6p\xAAG\xA6\xB3\xA5\xF4\xA6\xF3\xB0\xDD\xC3"
    "D\xA1"
    "A\xBD\xD0\xC0H\xAE\xC9\xC1p\xC3\xB4\xA7\xDA\xAD\xCC\xAA\xBA\xAB\xC8\xAA"
    "A\xA4H\xAD\xFB\xA1"
    "A\xA7\xDA\xAD\xCC\xB7|\xBA\xC9\xA7\xD6\xAC\xB0\xB1z\xB3"
    "B\xB2z\xA1"
    "C";
const std::string kBig5ParagraphText =
    "我們的產品品質很好，歡迎您再次光臨本店。如果有任何問題，請隨時聯繫我們的客服人員，我們會盡快為您處理。";

// "お世話になっております。注文の件です。"
const std::string kJapaneseText = "お世話になっております。注文の件です。";
const std::string kShiftJis =
    "\x82\xA8\x90\xA2\x98"
    "b\x82\xC9\x82\xC8\x82\xC1\x82\xC4\x82\xA8\x82\xE8\x82\xDC\x82\xB7\x81"
    "B\x92\x8D\x95\xB6\x82\xCC\x8C\x8F\x82\xC5\x82\xB7\x81"
    "B";
const std::string kIso2022Jp = "\x1B$B$*@$OC$K$J$C$F$*$j$^$9!#CmJ8$N7o$G$9!#\x1B(B";

}  // namespace

TEST_CASE("a Chinese mail labelled GBK reads as the customer wrote it", "[charset]") {
  std::string note;
  CHECK(to_utf8(kGbkOrder, "gbk", &note) == kOrderText);
  CHECK(note.empty());
  CHECK(to_utf8(kGbkOrder, "x-gbk") == kOrderText);
  CHECK(to_utf8(kGbkOrder, "CP936") == kOrderText);
}

TEST_CASE("a mail labelled GB2312 with a GBK-only character keeps that character", "[charset]") {
  // 镕 (GBK E9 46) is outside GB2312; Foxmail and Outlook still label it gb2312.
  std::string note;
  CHECK(to_utf8("\xE9" "F\xBD\xF0", "GB2312", &note) == "镕金");
  CHECK(note.empty());
}

TEST_CASE("GB18030 four-byte sequences decode to characters outside the BMP", "[charset]") {
  // U+20000 (𠀀, CJK Extension B) is 95 32 82 36 in GB18030.
  CHECK(to_utf8("\x95" "2\x82" "6", "gb18030") == "𠀀");
  // Labelled GBK, the four-byte form is still read (GB18030 is the superset).
  CHECK(to_utf8("\x95" "2\x82" "6", "gbk") == "𠀀");
}

TEST_CASE("a Traditional Chinese mail in Big5 reads correctly, HKSCS characters included", "[charset]") {
  CHECK(to_utf8(kBig5Paragraph, "big5") == kBig5ParagraphText);
  // 㗎 and 嘅 are Hong Kong (HKSCS) characters a Big5 label does not cover.
  CHECK(to_utf8("\x9D\xEE\x9D\xEF", "Big5") == "㗎嘅");
}

TEST_CASE("a Japanese mail in Shift_JIS or ISO-2022-JP reads correctly", "[charset]") {
  CHECK(to_utf8(kShiftJis, "Shift_JIS") == kJapaneseText);
  CHECK(to_utf8(kIso2022Jp, "ISO-2022-JP") == kJapaneseText);
  // Shift_JIS 0x5C is a backslash in mail, never a yen sign.
  CHECK(to_utf8("C:\\tmp \x82\xA0", "shift_jis") == "C:\\tmp あ");
}

TEST_CASE("Outlook's circled digits in ISO-2022-JP are read, not replaced", "[charset]") {
  // ① is CP932 row 13 (JIS 2D21), outside JIS X 0208 proper.
  CHECK(to_utf8("\x1B$B-!\x1B(B test", "iso-2022-jp") == "① test");
}

TEST_CASE("ISO-8859-1 mail from Windows keeps its curly quotes and euro sign", "[charset]") {
  const std::string bytes = "Caf\xE9 \x93quoted\x94 \x96 \x80" "5";
  CHECK(to_utf8(bytes, "iso-8859-1") == "Café “quoted” – €5");
  CHECK(to_utf8(bytes, "windows-1252") == "Café “quoted” – €5");
  CHECK(to_utf8(bytes, "\"ISO-8859-1\"") == "Café “quoted” – €5");
}

TEST_CASE("a Korean mail labelled ks_c_5601-1987 reads as CP949", "[charset]") {
  // "안녕하세요" in CP949 (Outlook's label for it is ks_c_5601-1987).
  CHECK(to_utf8("\xBE\xC8\xB3\xE7\xC7\xCF\xBC\xBC\xBF\xE4", "ks_c_5601-1987") == "안녕하세요");
}

TEST_CASE("a mail with no charset is detected instead of shown as mojibake", "[charset]") {
  std::string note;
  CHECK(to_utf8(kGbkParagraph, "", &note) == kParagraphText);
  CHECK(note.find("GB18030") != std::string::npos);
  CHECK(to_utf8(kBig5Paragraph, "") == kBig5ParagraphText);
  CHECK(to_utf8(kShiftJis + kShiftJis + kShiftJis, "") == kJapaneseText + kJapaneseText + kJapaneseText);
  CHECK(to_utf8(kIso2022Jp, "") == kJapaneseText);
  CHECK(to_utf8("déjà vu", "") == "déjà vu");
}

TEST_CASE("a short unlabelled Chinese name is read as GBK", "[charset]") {
  // Too short for a statistical detector; GB18030 reading as CJK text wins.
  CHECK(to_utf8("\xD5\xC5\xC8\xFD", "") == "张三");
  CHECK(to_utf8("\xCD\xF5\xD0\xA1\xC3\xF7", "") == "王小明");
}

TEST_CASE("an unknown charset label is detected and the guess is noted", "[charset]") {
  std::string note;
  CHECK(to_utf8(kGbkParagraph, "x-no-such-charset", &note) == kParagraphText);
  CHECK(note.find("x-no-such-charset") != std::string::npos);
  CHECK(to_utf8(kGbkParagraph, "unknown-8bit") == kParagraphText);
}

TEST_CASE("a wrong charset label is overruled when the bytes do not fit it", "[charset]") {
  std::string note;
  // UTF-8 text labelled GB2312: common from web forms.
  CHECK(to_utf8(kParagraphText, "gb2312", &note) == kParagraphText);
  CHECK_FALSE(note.empty());
  // GBK text labelled UTF-8.
  CHECK(to_utf8(kGbkParagraph, "utf-8") == kParagraphText);
  // UTF-8 labelled ISO-8859-1 would never fail to convert, yet is UTF-8.
  CHECK(to_utf8("Müller – ok", "iso-8859-1") == "Müller – ok");
}

TEST_CASE("bytes that cannot be converted become U+FFFD and the rest of the text is kept", "[charset]") {
  std::string note;
  // A stray 0xFF in the middle of GBK text.
  std::string text = to_utf8("\xC4\xFA\xBA\xC3\xFF\xCE\xD2\xB5\xC4" " end", "gbk", &note);
  CHECK(text == "您好\xEF\xBF\xBD我的 end");
  CHECK_FALSE(note.empty());
  // A sequence cut by the end of the part.
  CHECK(to_utf8("\xC4\xFA\xBA", "gbk") == "您\xEF\xBF\xBD");
  // Mostly-UTF-8 text with one broken byte stays UTF-8.
  CHECK(to_utf8(kParagraphText + "\xC3" + kOrderText, "utf-8") == kParagraphText + "\xEF\xBF\xBD" + kOrderText);
}

TEST_CASE("plain ASCII passes through unchanged whatever the label", "[charset]") {
  CHECK(to_utf8("Hello, my order #123 did not arrive.", "gb2312") == "Hello, my order #123 did not arrive.");
  CHECK(to_utf8("", "utf-8").empty());
  CHECK(to_utf8("Hello", "") == "Hello");
}

TEST_CASE("UTF-7 labelled text is decoded, not passed through as ASCII", "[charset]") {
  CHECK(to_utf8("Hi +AOk-", "utf-7") == "Hi é");
}

TEST_CASE("the detector names the charset of a paragraph", "[charset]") {
  CHECK(detect_charset(kGbkParagraph) == "GB18030");
  CHECK(detect_charset(kBig5Paragraph).rfind("BIG5", 0) == 0);
  CHECK(detect_charset(kParagraphText) == "UTF-8");
}

TEST_CASE("UTF-8 validation rejects overlongs, surrogates and truncated sequences", "[charset]") {
  CHECK(is_valid_utf8("plain"));
  CHECK(is_valid_utf8(kOrderText));
  CHECK(is_valid_utf8("𠀀"));
  CHECK_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong '/'
  CHECK_FALSE(is_valid_utf8("\xED\xA0\x80"));      // surrogate U+D800
  CHECK_FALSE(is_valid_utf8("\xE4\xBD"));          // truncated 你
  CHECK_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
}

TEST_CASE("sanitising UTF-8 replaces each broken sequence by one U+FFFD", "[charset]") {
  CHECK(sanitize_utf8("a\xE4\xBD" "b") == "a\xEF\xBF\xBD" "b");
  CHECK(sanitize_utf8("a\xFF\xFE" "b") == "a\xEF\xBF\xBD\xEF\xBF\xBD" "b");
  CHECK(sanitize_utf8(kOrderText) == kOrderText);
}

TEST_CASE("a Japanese text cut in its kanji shift does not garble the next one", "[charset]") {
  // The first text ends inside ESC $ B (JIS X 0208) without shifting back;
  // the converter is reused, and must start the next text in ASCII.
  to_utf8("\x1B$B$*@$", "iso-2022-jp");
  CHECK(to_utf8("abc", "iso-2022-jp") == "abc");
  CHECK(to_utf8(kIso2022Jp, "iso-2022-jp") == kJapaneseText);
}

TEST_CASE("a French mail wrongly labelled GB2312 is read as Latin-1", "[charset]") {
  std::string note;
  CHECK(to_utf8("Bonjour, merci beaucoup \xE0 vous. Ma commande num\xE9ro 12 est arriv\xE9"
                "e cass\xE9"
                "e, pouvez-vous me r\xE9pondre \xE0 ce sujet? \xC0 bient\xF4t, H\xE9l\xE8ne",
                "gb2312", &note) ==
        "Bonjour, merci beaucoup à vous. Ma commande numéro 12 est arrivée cassée, pouvez-vous me répondre à ce "
        "sujet? À bientôt, Hélène");
  CHECK(note.find("gb2312") != std::string::npos);
}

TEST_CASE("detection looks past a long English quote to the Chinese text", "[charset]") {
  std::string english;
  for (int i = 0; i < 2000; ++i) english += "The quick brown fox jumps over the lazy dog. ";
  CHECK(to_utf8(english + kGbkParagraph, "") == english + kParagraphText);
}
