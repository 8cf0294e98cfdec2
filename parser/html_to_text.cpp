#include "parser/html_to_text.h"

#include <gumbo.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <vector>

namespace ticketd {
namespace {

// gumbo_destroy_output recurses once per level of the tree; deeper input than
// this is read by the plain stripper instead (a mail is never that deep).
constexpr int kMaxGumboDepth = 400;

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

// Accumulates text with collapsed white space, pending line breaks and a
// "> " prefix per blockquote level at the start of each line.
class TextWriter {
 public:
  void text(std::string_view s, bool preformatted) {
    for (char c : s) {
      if (preformatted) {
        if (c == '\r') continue;
        if (c == '\n') {
          flush_breaks();
          out_ += '\n';
          at_line_start_ = true;
          continue;
        }
        put(c);
        continue;
      }
      if (is_blank(c)) {
        if (!at_line_start_ && pending_breaks_ == 0) pending_space_ = true;
        continue;
      }
      put(c);
    }
  }
  // At least `n` line ends before the next text (1: a new line, 2: a blank line).
  void breaks(int n) {
    if (out_.empty()) return;
    if (n > pending_breaks_) pending_breaks_ = n;
    pending_space_ = false;
  }
  void line_break() {
    // <br>: always a new line, even several in a row (but they collapse to
    // one blank line at most when the text is finished).
    flush_breaks();
    out_ += '\n';
    at_line_start_ = true;
    pending_space_ = false;
  }
  void raw(std::string_view s) {
    for (char c : s) put(c);
  }
  void quote_in() { ++quote_depth_; }
  void quote_out() {
    if (quote_depth_ > 0) --quote_depth_;
  }
  std::string finish();

 private:
  void flush_breaks() {
    for (int i = 0; i < pending_breaks_; ++i) out_ += '\n';
    if (pending_breaks_ > 0) at_line_start_ = true;
    pending_breaks_ = 0;
  }
  void put(char c) {
    flush_breaks();
    if (at_line_start_) {
      for (int i = 0; i < quote_depth_; ++i) out_ += "> ";
      at_line_start_ = false;
      pending_space_ = false;
    }
    if (pending_space_) out_ += ' ';
    pending_space_ = false;
    out_ += c;
  }

  std::string out_;
  int pending_breaks_ = 0;
  bool pending_space_ = false;
  bool at_line_start_ = true;
  int quote_depth_ = 0;
};

// Trailing blanks off every line, at most one blank line in a row, no blank
// lines at either end.
std::string tidy_lines(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  int blank_run = 0;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) line.remove_suffix(1);
    if (line.empty()) {
      ++blank_run;
    } else {
      if (!out.empty()) out += blank_run > 0 ? "\n\n" : "\n";
      out.append(line);
      blank_run = 0;
    }
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  return out;
}

std::string TextWriter::finish() { return tidy_lines(out_); }

bool is_block(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_DIV: case GUMBO_TAG_TABLE: case GUMBO_TAG_TR: case GUMBO_TAG_UL: case GUMBO_TAG_OL:
    case GUMBO_TAG_DL: case GUMBO_TAG_DT: case GUMBO_TAG_DD: case GUMBO_TAG_SECTION: case GUMBO_TAG_ARTICLE:
    case GUMBO_TAG_HEADER: case GUMBO_TAG_FOOTER: case GUMBO_TAG_ADDRESS: case GUMBO_TAG_FORM:
    case GUMBO_TAG_CENTER: case GUMBO_TAG_NAV: case GUMBO_TAG_ASIDE: case GUMBO_TAG_MAIN: case GUMBO_TAG_FIGURE:
    case GUMBO_TAG_FIGCAPTION: case GUMBO_TAG_FIELDSET: case GUMBO_TAG_CAPTION: case GUMBO_TAG_TBODY:
    case GUMBO_TAG_THEAD: case GUMBO_TAG_TFOOT: case GUMBO_TAG_BODY: case GUMBO_TAG_HTML:
      return true;
    default:
      return false;
  }
}

bool is_paragraph(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_P: case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3: case GUMBO_TAG_H4:
    case GUMBO_TAG_H5: case GUMBO_TAG_H6: case GUMBO_TAG_PRE: case GUMBO_TAG_BLOCKQUOTE: case GUMBO_TAG_HR:
      return true;
    default:
      return false;
  }
}

bool is_skipped(GumboTag tag) {
  return tag == GUMBO_TAG_SCRIPT || tag == GUMBO_TAG_STYLE || tag == GUMBO_TAG_HEAD || tag == GUMBO_TAG_TITLE ||
         tag == GUMBO_TAG_TEMPLATE || tag == GUMBO_TAG_NOSCRIPT || tag == GUMBO_TAG_OBJECT || tag == GUMBO_TAG_SVG ||
         tag == GUMBO_TAG_MATH || tag == GUMBO_TAG_IFRAME || tag == GUMBO_TAG_SELECT;
}

std::string node_text(const GumboNode* node, int budget = 10000) {
  std::string out;
  std::vector<const GumboNode*> stack{node};
  while (!stack.empty() && budget-- > 0) {
    const GumboNode* n = stack.back();
    stack.pop_back();
    if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE || n->type == GUMBO_NODE_CDATA) {
      out += n->v.text.text;
    } else if (n->type == GUMBO_NODE_ELEMENT) {
      const GumboVector& kids = n->v.element.children;
      for (unsigned i = kids.length; i > 0; --i) stack.push_back(static_cast<const GumboNode*>(kids.data[i - 1]));
    }
  }
  return out;
}

std::string collapse(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (is_blank(c)) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

// The link target to show after the link text, or empty when it adds nothing.
std::string shown_href(const GumboNode* a, const std::string& text) {
  const GumboAttribute* href = gumbo_get_attribute(&a->v.element.attributes, "href");
  if (!href) return {};
  std::string url = collapse(href->value);
  if (url.empty() || url[0] == '#') return {};
  std::string lower;
  for (char c : url.substr(0, 11)) lower += static_cast<char>((c >= 'A' && c <= 'Z') ? c + 32 : c);
  if (lower.starts_with("javascript:") || lower.starts_with("data:") || lower.starts_with("cid:")) return {};
  if (lower.starts_with("mailto:")) url = url.substr(7);
  if (url == text) return {};
  if (lower.starts_with("http") && (url == "http://" + text || url == "https://" + text || url == text + "/")) return {};
  return url;
}

struct Frame {
  const GumboNode* node;
  unsigned next_child = 0;
  int ol_counter = 0;  // for <ol>: the number of the next item
};

void render(const GumboNode* root, TextWriter* w) {
  std::vector<Frame> stack;
  stack.push_back({root});
  int pre_depth = 0;
  auto enter = [&](const GumboNode* node) -> bool {  // true: walk the children
    if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_WHITESPACE || node->type == GUMBO_NODE_CDATA) {
      w->text(node->v.text.text, pre_depth > 0);
      return false;
    }
    if (node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_DOCUMENT && node->type != GUMBO_NODE_TEMPLATE)
      return false;
    if (node->type == GUMBO_NODE_DOCUMENT) return true;
    GumboTag tag = node->v.element.tag;
    if (is_skipped(tag)) return false;
    if (tag == GUMBO_TAG_BR) {
      w->line_break();
      return false;
    }
    if (tag == GUMBO_TAG_A) {
      std::string text = collapse(node_text(node));
      std::string url = shown_href(node, text);
      if (!url.empty()) {
        // Written whole here: "text <url>", or the url alone for an image link.
        if (!text.empty()) {
          w->text(text, false);
          w->text(" ", false);
        }
        w->raw("<" + url + ">");
        return false;
      }
      return true;
    }
    if (tag == GUMBO_TAG_IMG) {
      // Image-only content (a scanned note, a banner) would otherwise vanish.
      const GumboAttribute* alt = gumbo_get_attribute(&node->v.element.attributes, "alt");
      if (alt && *alt->value) w->text(std::string("[") + collapse(alt->value) + "]", false);
      return false;
    }
    if (tag == GUMBO_TAG_LI) {
      w->breaks(1);
      const Frame* parent = stack.size() >= 1 ? &stack.back() : nullptr;
      if (parent && parent->node->type == GUMBO_NODE_ELEMENT && parent->node->v.element.tag == GUMBO_TAG_OL) {
        int number = ++stack.back().ol_counter;
        w->raw(std::to_string(number) + ". ");
      } else {
        w->raw("- ");
      }
      return true;
    }
    if (tag == GUMBO_TAG_TD || tag == GUMBO_TAG_TH) {
      w->text(" ", false);
      return true;
    }
    if (is_paragraph(tag)) {
      w->breaks(2);
      if (tag == GUMBO_TAG_HR) {
        w->raw("----");
        w->breaks(2);
        return false;
      }
      if (tag == GUMBO_TAG_PRE) ++pre_depth;
      if (tag == GUMBO_TAG_BLOCKQUOTE) w->quote_in();
      return true;
    }
    if (is_block(tag)) w->breaks(1);
    return true;
  };
  auto leave = [&](const GumboNode* node) {
    if (node->type != GUMBO_NODE_ELEMENT) return;
    GumboTag tag = node->v.element.tag;
    if (is_paragraph(tag)) {
      if (tag == GUMBO_TAG_PRE) --pre_depth;
      w->breaks(2);
      if (tag == GUMBO_TAG_BLOCKQUOTE) w->quote_out();
    } else if (is_block(tag) || tag == GUMBO_TAG_LI) {
      w->breaks(1);
    }
  };
  if (!enter(root)) return;
  while (!stack.empty()) {
    Frame& frame = stack.back();
    const GumboVector* kids = frame.node->type == GUMBO_NODE_DOCUMENT ? &frame.node->v.document.children
                                                                      : &frame.node->v.element.children;
    if (frame.next_child >= kids->length) {
      leave(frame.node);
      stack.pop_back();
      continue;
    }
    const GumboNode* child = static_cast<const GumboNode*>(kids->data[frame.next_child++]);
    if (enter(child)) stack.push_back({child});
  }
}

// A rough upper bound on the element nesting gumbo will build. A closing
// tag only counts when it closes one of the last few open elements (a stray
// "</b>" must not hide a thousand open <div>s); void elements and the ones
// HTML closes implicitly by their next sibling (<p>, <li>, <td>...) do not
// nest. Erring high only means the plain stripper reads the mail.
int estimated_depth(std::string_view html) {
  static const char* kFlat[] = {"br", "img", "hr", "meta", "link", "input", "col", "area", "base", "wbr", "source",
                                "embed", "param", "track", "p", "li", "dt", "dd", "td", "th", "tr", "option", "!"};
  std::vector<std::string> open;
  std::size_t max_depth = 0;
  for (std::size_t i = 0; i + 1 < html.size(); ++i) {
    if (html[i] != '<') continue;
    bool closing = html[i + 1] == '/';
    std::size_t start = i + 1 + (closing ? 1 : 0);
    std::size_t end = start;
    while (end < html.size() && end - start < 12 && std::isalnum(static_cast<unsigned char>(html[end]))) ++end;
    if (end == start) continue;
    std::string name(html.substr(start, end - start));
    for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    bool flat = false;
    for (const char* f : kFlat) flat |= (name == f);
    if (flat) continue;
    if (closing) {
      for (std::size_t k = 0; k < 8 && k < open.size(); ++k) {
        if (open[open.size() - 1 - k] == name) {
          open.resize(open.size() - 1 - k);
          break;
        }
      }
    } else {
      open.push_back(std::move(name));
      max_depth = std::max(max_depth, open.size());
      if (max_depth > static_cast<std::size_t>(kMaxGumboDepth)) break;
    }
  }
  return static_cast<int>(max_depth);
}

// For pathological nesting: drop tags, keep text, decode nothing but the
// commonest entities.
std::string strip_tags(std::string_view html) {
  std::string out;
  bool in_tag = false;
  for (char c : html) {
    if (in_tag) {
      if (c == '>') {
        in_tag = false;
        out += ' ';
      }
    } else if (c == '<') {
      in_tag = true;
    } else {
      out += c;
    }
  }
  return tidy_lines(collapse(out));
}

}  // namespace

std::string html_to_text(std::string_view html) {
  if (estimated_depth(html) > kMaxGumboDepth) return strip_tags(html);
  GumboOptions options = kGumboDefaultOptions;
  options.max_errors = 0;  // parse errors are not wanted; don't keep them
  std::unique_ptr<GumboOutput, void (*)(GumboOutput*)> output(
      gumbo_parse_with_options(&options, html.data(), html.size()),
      [](GumboOutput* o) { gumbo_destroy_output(&kGumboDefaultOptions, o); });
  if (!output) return strip_tags(html);
  TextWriter writer;
  render(output->document, &writer);
  return writer.finish();
}

}  // namespace ticketd
