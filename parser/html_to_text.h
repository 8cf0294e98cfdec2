// HTML mail bodies made readable as plain text, with gumbo (HTML5 parsing,
// so the tag soup Outlook and webmail write is read as a browser would).
//
// What a reader of the text sees:
//  - paragraphs and headings separated by a blank line, <br> as a line break,
//    block elements (div, tr, li...) on their own lines;
//  - list items as "- item" (numbered "1. item" in <ol>);
//  - links as "text <url>" (the url alone when it is the text; mailto: shown
//    as the bare address; "#" anchors and javascript: dropped);
//  - <blockquote> lines prefixed with "> " (Gmail, Apple Mail and Thunderbird
//    quote replies this way, so the reply extractor can strip them);
//  - nothing from <script>, <style>, <head>, <template>, comments;
//  - <pre> white space kept; elsewhere runs of white space collapsed;
//  - at most one blank line in a row; no trailing blanks.
// Input and output are UTF-8. Never throws. Nesting deeper than gumbo can
// safely tear down (its destructor recurses) is read by a plain tag stripper.
#pragma once

#include <string>
#include <string_view>

namespace ticketd {

std::string html_to_text(std::string_view html);

}  // namespace ticketd
