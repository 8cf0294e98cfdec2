// Attachment file names that can never become a path (issue 3, point 4).
//
// A name from a mail is hostile: "../../etc/passwd", "C:\\Users\\x\\a.exe",
// control characters, a right-to-left override hiding "exe" ("photo\u202Egpj.exe"),
// an empty name, 10 KB of text. safe_filename keeps the leaf the sender meant
// and makes it safe to use as one path component on Linux and Windows.
#pragma once

#include <string>
#include <string_view>

namespace ticketd {

// `name` is UTF-8 (already decoded). The result: the last component after '/'
// or '\\'; no control characters, no bidi overrides, no Windows-reserved
// characters (replaced by '_'); no leading or trailing dots or blanks; at most
// 200 bytes (the extension kept); never empty, "." or "..": then `fallback`,
// which must itself be safe.
std::string safe_filename(std::string_view name, std::string_view fallback);

}  // namespace ticketd
