#include "parser/html_to_text.h"

#include <catch2/catch.hpp>

#include <string>

using ticketd::html_to_text;

TEST_CASE("HTML paragraphs, line breaks and lists read as text", "[html_to_text]") {
  CHECK(html_to_text("<p>One</p><p>Two<br>Three</p>") == "One\n\nTwo\nThree");
  CHECK(html_to_text("<ul><li>apples</li><li>pears</li></ul>") == "- apples\n- pears");
  CHECK(html_to_text("<ol><li>first</li><li>second</li></ol>") == "1. first\n2. second");
  CHECK(html_to_text("<div>a</div><div>b</div>") == "a\nb");
}

TEST_CASE("HTML links show their address after the text", "[html_to_text]") {
  CHECK(html_to_text("Go <a href=\"https://x.example/a\">here</a>.") == "Go here <https://x.example/a>.");
  CHECK(html_to_text("<a href=\"https://x.example\">https://x.example</a>") == "https://x.example");
  CHECK(html_to_text("<a href=\"mailto:bob@x.example\">bob@x.example</a>") == "bob@x.example");
  CHECK(html_to_text("<a href=\"#top\">top</a>") == "top");
}

TEST_CASE("scripts, styles and the head never show in the text", "[html_to_text]") {
  CHECK(html_to_text("<html><head><title>T</title><style>b{}</style></head>"
                     "<body>Hi<script>evil()</script><!-- c --></body></html>") == "Hi");
}

TEST_CASE("an HTML blockquote reads as a quote, entities are decoded", "[html_to_text]") {
  CHECK(html_to_text("<div>Yes.</div><blockquote>Can you?<br>Please</blockquote>") == "Yes.\n\n> Can you?\n> Please");
  CHECK(html_to_text("Fish &amp; chips&nbsp;&lt;3") == "Fish & chips\u00a0<3");
}

TEST_CASE("pathologically nested HTML is read without exhausting the stack", "[html_to_text]") {
  std::string html;
  for (int i = 0; i < 100000; ++i) html += "<div>";
  html += "deep";
  CHECK(html_to_text(html) == "deep");
}

TEST_CASE("stray closing tags cannot hide deep nesting, unclosed paragraphs keep their breaks", "[html_to_text]") {
  std::string stray;
  for (int i = 0; i < 50000; ++i) stray += "<div></b>";
  stray += "x";
  CHECK(html_to_text(stray) == "x");
  std::string paragraphs;
  for (int i = 0; i < 1000; ++i) paragraphs += "<p>line";
  std::string text = html_to_text(paragraphs);
  CHECK(text.substr(0, 12) == "line\n\nline\n\n");
}
