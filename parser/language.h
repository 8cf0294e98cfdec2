// Language of a customer's text, for choosing the template set to answer in.
#pragma once

#include <string>
#include <string_view>

namespace ticketd {

// "zh-CN" (Simplified Chinese), "zh-TW" (Traditional Chinese), "ja", "en",
// or "" when the text gives no clear sign. `charset_hint` is the declared
// charset of the part (Big5 suggests zh-TW, GB* suggests zh-CN) and may be
// empty.
std::string detect_language(std::string_view utf8_text, std::string_view charset_hint = {});

}  // namespace ticketd
