#include "parser/format_flowed.h"

namespace ticketd {

std::string unflow_text(std::string_view text, bool delsp) {
  std::string out;
  out.reserve(text.size());
  bool joining = false;    // the previous line was soft
  int joining_depth = 0;   // its quote depth
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    bool last = nl == std::string_view::npos;
    pos = last ? text.size() + 1 : nl + 1;
    if (last && line.empty()) break;
    int depth = 0;
    while (depth < static_cast<int>(line.size()) && line[depth] == '>') ++depth;
    std::string_view content = line.substr(depth);
    if (!content.empty() && content[0] == ' ') content.remove_prefix(1);  // stuffing
    bool signature = content == "-- ";
    bool soft = !signature && !content.empty() && content.back() == ' ';
    if (joining && depth != joining_depth) {
      // RFC 3676 §4.5: a quote depth change ends the paragraph.
      out += '\n';
      joining = false;
    }
    if (!joining) {
      out.append(static_cast<std::size_t>(depth), '>');
      if (depth > 0 && !content.empty()) out += ' ';
    }
    if (soft && delsp) content.remove_suffix(1);
    out.append(content);
    if (soft) {
      joining = true;
      joining_depth = depth;
    } else {
      joining = false;
      if (!last) out += '\n';
    }
  }
  return out;
}

}  // namespace ticketd
