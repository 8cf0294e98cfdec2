// TemplateSet: the mail templates, one file per event and language.
//
// Layout: <dir>/<language>/<event>.txt, e.g. templates/zh-CN/ack.txt. A file
// is a "Subject: ..." line, an empty line, then the body. Placeholders are
// written {name} (fmt syntax; "{{" and "}}" are literal braces) and must be
// among known_placeholders(); load() reports any other as an error with
// file:line. Rendering never fails and never sends a broken mail: a missing
// or broken template falls back to the same event in English, then to the
// built-in default, and says why in `RenderedMail::fallback_reason`.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace ticketd {

using Placeholders = std::map<std::string, std::string>;

struct RenderedMail {
  std::string subject;  // one line, no CR/LF
  std::string body;     // UTF-8, '\n' line ends
  std::string fallback_reason;  // empty when the requested template was used
};

class TemplateSet {
 public:
  // The template set shipped in the source tree (used when the config names none).
  static std::string default_dir();
  static const std::vector<std::string>& known_placeholders();
  static const std::vector<std::string>& known_events();

  // Loads every <language>/<event>.txt under `dir`. Returns false and fills
  // `errors` (file:line:column: message) when any file is broken; the good
  // files are still loaded, so the set is usable with fallbacks.
  bool load(const std::string& dir, std::vector<std::string>* errors);

  RenderedMail render(std::string_view event, std::string_view language, const Placeholders& values) const;

  bool has(std::string_view event, std::string_view language) const;

 private:
  struct Template {
    std::string file;
    std::string subject;
    std::string body;
  };
  std::map<std::string, Template> templates_;  // key "<language>/<event>"
};

}  // namespace ticketd
