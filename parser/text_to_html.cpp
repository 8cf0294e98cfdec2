// The HTML alternative of an outgoing plain-text mail; see text_to_html.h.
#include "parser/text_to_html.h"

#include <string>
#include <string_view>
#include <vector>

namespace ticketd {

namespace {

void append_escaped(std::string* out, std::string_view text) {
  // Runs of ordinary characters in one append: most of a mail is text.
  std::size_t run = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char* entity = nullptr;
    switch (text[i]) {
      case '&': entity = "&amp;"; break;
      case '<': entity = "&lt;"; break;
      case '>': entity = "&gt;"; break;
      case '"': entity = "&quot;"; break;
      case '\'': entity = "&#39;"; break;
      default: continue;
    }
    out->append(text.substr(run, i - run));
    *out += entity;
    run = i + 1;
  }
  out->append(text.substr(run));
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

// Length of a link starting at `i`, or 0. A link ends at white space, at
// characters that cannot be in a URL unescaped, or at the first non-ASCII
// byte (Chinese text runs straight on after a URL: "见https://x.cn/a。谢谢");
// trailing punctuation is left to the sentence, and a closing bracket too
// unless the link opened one (Wikipedia-style "/Foo_(bar)").
std::size_t link_length(std::string_view s, std::size_t i) {
  std::string_view rest = s.substr(i);
  if (!(starts_with_ci(rest, "http://") || starts_with_ci(rest, "https://") || starts_with_ci(rest, "mailto:") ||
        starts_with_ci(rest, "www."))) {
    return 0;
  }
  // Only at a word start: "xhttp://" is not a link.
  if (i > 0) {
    unsigned char prev = static_cast<unsigned char>(s[i - 1]);
    if ((prev >= 'a' && prev <= 'z') || (prev >= 'A' && prev <= 'Z') || (prev >= '0' && prev <= '9')) return 0;
  }
  std::size_t n = 0;
  while (n < rest.size()) {
    unsigned char c = static_cast<unsigned char>(rest[n]);
    if (c <= 0x20 || c >= 0x7F || c == '<' || c == '>' || c == '"' || c == '\'' || c == '`') break;
    ++n;
  }
  int open = 0;
  for (std::size_t k = 0; k < n; ++k) open += rest[k] == '(' ? 1 : rest[k] == ')' ? -1 : 0;
  while (n > 0) {
    char last = rest[n - 1];
    if (std::string_view(".,;:!?").find(last) != std::string_view::npos) {
      --n;
    } else if (last == ')' && open < 0) {
      --n;
      ++open;
    } else {
      break;
    }
  }
  // A scheme alone is not a link.
  std::size_t scheme = starts_with_ci(rest, "https://") ? 8 : starts_with_ci(rest, "http://") ? 7 : starts_with_ci(rest, "mailto:") ? 7 : 4;
  if (n <= scheme) return 0;
  return n;
}

void append_line(std::string* out, std::string_view line) {
  // Leading spaces (indented lists, signatures) would collapse in HTML.
  std::size_t i = 0;
  while (i < line.size() && line[i] == ' ') {
    *out += "&nbsp;";
    ++i;
  }
  std::size_t plain = i;
  while (i < line.size()) {
    // Every link starts with h, m or w (link_length()); other characters
    // need not be looked at further.
    const char first = static_cast<char>(line[i] | 0x20);
    if (first != 'h' && first != 'm' && first != 'w') {
      ++i;
      continue;
    }
    std::size_t n = link_length(line, i);
    if (n == 0) {
      ++i;
      continue;
    }
    append_escaped(out, line.substr(plain, i - plain));
    std::string_view link = line.substr(i, n);
    *out += "<a href=\"";
    if (starts_with_ci(link, "www.")) *out += "http://";
    append_escaped(out, link);
    *out += "\">";
    append_escaped(out, link);
    *out += "</a>";
    i += n;
    plain = i;
  }
  append_escaped(out, line.substr(plain));
}

}  // namespace

std::string text_to_html(std::string_view text) {
  std::vector<std::string_view> lines;
  for (std::size_t start = 0; start <= text.size();) {
    std::size_t nl = text.find('\n', start);
    std::string_view line = text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }

  std::string out;
  out.reserve(text.size() + text.size() / 8 + 128);
  out += "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n</head>\n<body>\n";
  bool in_paragraph = false;
  for (std::string_view line : lines) {
    bool blank = line.find_first_not_of(" \t") == std::string_view::npos;
    if (blank) {
      if (in_paragraph) out += "</p>\n";
      in_paragraph = false;
      continue;
    }
    if (in_paragraph) {
      out += "<br>\n";
    } else {
      out += "<p>";
      in_paragraph = true;
    }
    append_line(&out, line);
  }
  if (in_paragraph) out += "</p>\n";
  out += "</body>\n</html>\n";
  return out;
}

}  // namespace ticketd
