// The HTML alternative of an outgoing plain-text mail.
//
// Promises: everything from the text is HTML-escaped (a customer's "<script>"
// quoted in a reply stays text); blank lines separate paragraphs (<p>), other
// line breaks become <br>; http(s)://, www. and mailto: links become <a>
// links with their text unchanged. The result is a complete UTF-8 document.
#pragma once

#include <string>
#include <string_view>

namespace ticketd {

std::string text_to_html(std::string_view text);

}  // namespace ticketd
