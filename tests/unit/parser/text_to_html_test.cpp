// The HTML alternative: the customer's text, safe, with paragraphs and links.
#include <catch2/catch.hpp>

#include <string>

#include "parser/text_to_html.h"

using ticketd::text_to_html;

namespace {

// The part between <body> and </body>.
std::string body_of(const std::string& html) {
  std::size_t start = html.find("<body>\n") + 7;
  return html.substr(start, html.find("</body>") - start);
}

}  // namespace

TEST_CASE("the HTML is a complete UTF-8 document", "[text-to-html]") {
  std::string html = text_to_html("Hi");
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(html.find("<meta charset=\"utf-8\">") != std::string::npos);
  CHECK(body_of(html) == "<p>Hi</p>\n");
}

TEST_CASE("blank lines make paragraphs and line breaks make <br>", "[text-to-html]") {
  CHECK(body_of(text_to_html("Dear Jane,\n\nline one\nline two\n\n\n-- \nSupport")) ==
        "<p>Dear Jane,</p>\n<p>line one<br>\nline two</p>\n<p>-- <br>\nSupport</p>\n");
}

TEST_CASE("markup in the text is escaped, never run", "[text-to-html]") {
  CHECK(body_of(text_to_html("<script>alert(1)</script> & \"q\" 'a'")) ==
        "<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot; &#39;a&#39;</p>\n");
}

TEST_CASE("URLs become links and keep the sentence's punctuation outside", "[text-to-html]") {
  CHECK(body_of(text_to_html("See https://example.com/a?b=1&c=2.")) ==
        "<p>See <a href=\"https://example.com/a?b=1&amp;c=2\">https://example.com/a?b=1&amp;c=2</a>.</p>\n");
  CHECK(body_of(text_to_html("(see www.example.com)")) ==
        "<p>(see <a href=\"http://www.example.com\">www.example.com</a>)</p>\n");
  CHECK(body_of(text_to_html("请访问https://example.cn/x。谢谢")) ==
        "<p>请访问<a href=\"https://example.cn/x\">https://example.cn/x</a>。谢谢</p>\n");
  CHECK(body_of(text_to_html("mailto:support+csat-1@example.com?subject=1")) ==
        "<p><a href=\"mailto:support+csat-1@example.com?subject=1\">mailto:support+csat-1@example.com?subject=1</a></p>\n");
}

TEST_CASE("a scheme alone or a javascript: text is not a link", "[text-to-html]") {
  CHECK(body_of(text_to_html("http:// and https://")) == "<p>http:// and https://</p>\n");
  CHECK(body_of(text_to_html("javascript:alert(1)")) == "<p>javascript:alert(1)</p>\n");
  CHECK(body_of(text_to_html("xhttps://example.com")) == "<p>xhttps://example.com</p>\n");
}

TEST_CASE("leading spaces of indented lines are kept", "[text-to-html]") {
  CHECK(body_of(text_to_html("List:\n  - one")) == "<p>List:<br>\n&nbsp;&nbsp;- one</p>\n");
}
