// format=flowed (RFC 3676): soft line breaks joined back into paragraphs.
#pragma once

#include <string>
#include <string_view>

namespace ticketd {

// `text` is the decoded text/plain body (LF line ends). A line ending in a
// space is soft: joined with the next line of the same quote depth; with
// DelSp=yes that trailing space is removed too (§4.2). Space-stuffing (a
// leading space added by the sender) is undone (§4.4); "-- " the signature
// separator is never joined (§4.3). Quote depth (leading '>') is kept.
std::string unflow_text(std::string_view text, bool delsp);

}  // namespace ticketd
