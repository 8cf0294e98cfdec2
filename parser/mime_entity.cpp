#include "parser/mime_entity.h"

#include <algorithm>
#include <cstring>
#include <map>

#include "parser/encoded_words.h"
#include "parser/transfer_encoding.h"

namespace ticketd {
namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = lower(c);
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// One line of `raw` starting at `pos`: the text without its line end, and the
// offset of the next line. A lone CR is not a line end (RFC 5322 §2.3 forbids
// it; treating it as text keeps the walk simple and linear).
struct Line {
  std::string_view text;
  std::size_t next = 0;
};

Line line_at(std::string_view raw, std::size_t pos) {
  const char* start = raw.data() + pos;
  const void* nl = std::memchr(start, '\n', raw.size() - pos);
  std::size_t end = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - raw.data()) : raw.size();
  Line line;
  line.next = nl ? end + 1 : end;
  std::string_view text = raw.substr(pos, end - pos);
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  line.text = text;
  return line;
}

// A field name is printable US-ASCII without ':' (RFC 5322 §2.2); some
// clients leave a space before the colon ("Subject : hi"), which is accepted.
bool split_field(std::string_view line, std::string_view* name, std::string_view* value) {
  std::size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  std::string_view n = line.substr(0, colon);
  while (!n.empty() && (n.back() == ' ' || n.back() == '\t')) n.remove_suffix(1);
  if (n.empty()) return false;
  for (char c : n)
    if (c <= 32 || c >= 127) return false;
  *name = n;
  *value = line.substr(colon + 1);
  return true;
}

void add_note(MimeReport* report, std::string note) {
  if (std::find(report->notes.begin(), report->notes.end(), note) == report->notes.end())
    report->notes.push_back(std::move(note));
}

// Removes RFC 5322 comments "(...)" from a structured value, outside quotes.
std::string strip_comments(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  int depth = 0;
  bool quoted = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (quoted) {
      out += c;
      if (c == '\\' && i + 1 < s.size()) out += s[++i];
      else if (c == '"') quoted = false;
    } else if (depth > 0) {
      if (c == '\\') ++i;
      else if (c == '(') ++depth;
      else if (c == ')') --depth;
    } else if (c == '(') {
      depth = 1;
    } else {
      if (c == '"') quoted = true;
      out += c;
    }
  }
  return out;
}

struct RawParam {
  std::string name;  // lower case, as written ("filename*0*")
  std::string value;
};

// "; a=b; c="d;e"" -> {a,b},{c,d;e}. Values keep their bytes; quotes and
// backslash escapes are removed.
std::vector<RawParam> split_params(std::string_view s) {
  std::vector<RawParam> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (is_space(s[i]) || s[i] == ';')) ++i;
    std::size_t name_start = i;
    while (i < s.size() && s[i] != '=' && s[i] != ';') ++i;
    std::string_view name = trim(s.substr(name_start, i - name_start));
    if (i >= s.size() || s[i] == ';') continue;  // a bare token: ignored
    ++i;                                          // '='
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    std::string value;
    if (i < s.size() && s[i] == '"') {
      ++i;
      while (i < s.size() && s[i] != '"') {
        if (s[i] == '\\' && i + 1 < s.size()) ++i;
        value += s[i++];
      }
      if (i < s.size()) ++i;  // closing quote
      while (i < s.size() && s[i] != ';') ++i;
    } else {
      std::size_t start = i;
      while (i < s.size() && s[i] != ';') ++i;
      value = std::string(trim(s.substr(start, i - start)));
    }
    if (!name.empty()) out.push_back({to_lower(name), std::move(value)});
  }
  return out;
}

// Joins RFC 2231 sections (name*0, name*1*, ...) and decodes every value.
std::vector<MimeParam> decode_params(const std::vector<RawParam>& raw) {
  struct Sections {
    std::map<unsigned, std::pair<std::string, bool>> parts;  // index -> (value, extended)
  };
  std::vector<std::string> order;
  std::map<std::string, std::string> plain;
  std::map<std::string, Sections> extended;
  for (const RawParam& p : raw) {
    std::string_view name = p.name;
    std::size_t star = name.find('*');
    if (star == std::string_view::npos) {
      std::string key(name);
      if (!plain.count(key) && !extended.count(key)) order.push_back(key);
      if (!plain.count(key)) plain[key] = p.value;
      continue;
    }
    std::string key(name.substr(0, star));
    std::string_view rest = name.substr(star + 1);
    bool is_extended = false;
    unsigned index = 0;
    if (rest.empty()) {
      is_extended = true;  // name*=charset'lang'value
    } else {
      if (rest.back() == '*') {
        is_extended = true;
        rest.remove_suffix(1);
      }
      if (rest.empty() || rest.size() > 4 ||
          !std::all_of(rest.begin(), rest.end(), [](char c) { return c >= '0' && c <= '9'; }))
        continue;
      index = static_cast<unsigned>(std::stoul(std::string(rest)));
    }
    if (!plain.count(key) && !extended.count(key)) order.push_back(key);
    extended[key].parts.emplace(index, std::make_pair(p.value, is_extended));
  }
  std::vector<MimeParam> out;
  for (const std::string& key : order) {
    auto ext = extended.find(key);
    if (ext != extended.end()) {
      // RFC 2231 wins over a plain parameter of the same name (RFC 2231 §4.1
      // lets senders give both for old readers).
      bool any_extended = false;
      for (auto& [i, part] : ext->second.parts) any_extended |= part.second;
      std::string joined;
      for (auto& [i, part] : ext->second.parts) {
        if (!any_extended || part.second) {
          joined += part.first;
        } else {
          for (char c : part.first) joined += (c == '%') ? std::string("%25") : std::string(1, c);
        }
      }
      if (any_extended) {
        // The charset'lang' prefix belongs to the first section; when the
        // first section was not extended, there is none.
        if (!ext->second.parts.begin()->second.second) joined = "''" + joined;
        out.push_back({key, decode_rfc2231_value(joined)});
      } else {
        out.push_back({key, decode_header_text(joined)});
      }
    } else {
      // Outlook and many Chinese clients put RFC 2047 words or raw GBK/UTF-8
      // bytes into plain parameters, against RFC 2047 §5 but everywhere.
      out.push_back({key, decode_header_text(plain[key])});
    }
  }
  return out;
}

std::string find_param(const std::vector<MimeParam>& params, std::string_view name) {
  for (const MimeParam& p : params)
    if (p.name == name) return p.value;
  return {};
}

struct WalkState {
  const ParseLimits& limits;
  MimeReport* report;
  std::uint32_t parts = 0;
};

void parse_entity(std::string_view raw, std::uint32_t depth, WalkState* state, MimeEntity* entity);

void split_multipart(MimeEntity* entity, std::uint32_t depth, WalkState* state) {
  std::string boundary = entity->type_param("boundary");
  if (boundary.empty()) {
    add_note(state->report, "multipart without a boundary read as plain text");
    entity->type = "text";
    entity->subtype = "plain";
    return;
  }
  if (depth >= state->limits.max_mime_depth) {
    add_note(state->report, "MIME nesting deeper than " + std::to_string(state->limits.max_mime_depth) +
                                " levels not read");
    state->report->over_limits = true;
    return;
  }
  std::string_view body = entity->body;
  std::size_t pos = 0;
  std::size_t part_start = std::string_view::npos;
  bool closed = false;
  bool stopped = false;
  auto add_part = [&](std::size_t end) {
    if (part_start == std::string_view::npos || stopped) return;
    if (state->parts >= state->limits.max_mime_parts) {
      add_note(state->report, "more than " + std::to_string(state->limits.max_mime_parts) + " MIME parts: the rest not read");
      state->report->over_limits = true;
      stopped = true;
      return;
    }
    // The line end before a delimiter belongs to the delimiter (RFC 2046 §5.1.1).
    std::size_t stop = end;
    if (stop > part_start && body[stop - 1] == '\n') --stop;
    if (stop > part_start && body[stop - 1] == '\r') --stop;
    if (stop < part_start) stop = part_start;
    entity->children.emplace_back();
    parse_entity(body.substr(part_start, stop - part_start), depth + 1, state, &entity->children.back());
  };
  while (pos < body.size() && !stopped) {
    Line line = line_at(body, pos);
    std::string_view t = line.text;
    if (t.size() >= boundary.size() + 2 && t[0] == '-' && t[1] == '-' &&
        t.compare(2, boundary.size(), boundary) == 0) {
      std::string_view rest = t.substr(2 + boundary.size());
      bool is_close = rest.size() >= 2 && rest[0] == '-' && rest[1] == '-';
      if (is_close) rest.remove_prefix(2);
      if (trim(rest).empty()) {
        add_part(pos);
        if (is_close) {
          closed = true;
          break;
        }
        part_start = line.next;
      }
    }
    pos = line.next;
  }
  if (!closed && !stopped) {
    if (part_start == std::string_view::npos) {
      // No delimiter at all: Python's email reads such a body as text too.
      add_note(state->report, "multipart body without its boundary read as plain text");
      entity->type = "text";
      entity->subtype = "plain";
      return;
    }
    add_note(state->report, "multipart closing boundary missing");
    add_part(body.size());
  }
}

void parse_entity(std::string_view raw, std::uint32_t depth, WalkState* state, MimeEntity* entity) {
  ++state->parts;
  std::size_t body_start = parse_header_block(raw, state->limits, &entity->headers, state->report);
  entity->body = raw.substr(body_start);
  if (const std::string* ct = entity->header("content-type"))
    parse_content_type(*ct, &entity->type, &entity->subtype, &entity->type_params);
  if (const std::string* cd = entity->header("content-disposition"))
    parse_disposition(*cd, &entity->disposition, &entity->disposition_params);
  if (const std::string* cte = entity->header("content-transfer-encoding")) {
    std::string enc = to_lower(trim(strip_comments(*cte)));
    if (enc != "7bit" && enc != "8bit" && enc != "binary") entity->transfer_encoding = enc;
  }
  if (entity->is_multipart()) {
    split_multipart(entity, depth, state);
  } else if (entity->type == "message" && (entity->subtype == "rfc822" || entity->subtype == "global")) {
    if (depth >= state->limits.max_mime_depth) {
      add_note(state->report, "MIME nesting deeper than " + std::to_string(state->limits.max_mime_depth) +
                                  " levels not read");
      state->report->over_limits = true;
      return;
    }
    if (state->parts >= state->limits.max_mime_parts) {
      add_note(state->report, "more than " + std::to_string(state->limits.max_mime_parts) + " MIME parts: the rest not read");
      state->report->over_limits = true;
      return;
    }
    std::string_view inner = entity->body;
    // RFC 2046 §5.2.1 forbids encoding message/rfc822, but some gateways
    // base64 it anyway.
    if (entity->transfer_encoding == "base64" || entity->transfer_encoding == "quoted-printable") {
      entity->owned_body = std::make_unique<std::string>(decode_transfer_encoding(inner, entity->transfer_encoding));
      inner = *entity->owned_body;
    }
    entity->children.emplace_back();
    parse_entity(inner, depth + 1, state, &entity->children.back());
  }
}

}  // namespace

const std::string* MimeEntity::header(std::string_view name) const {
  for (const RawHeaderField& f : headers)
    if (iequals(f.name, name)) return &f.value;
  return nullptr;
}

std::string MimeEntity::type_param(std::string_view name) const { return find_param(type_params, name); }
std::string MimeEntity::disposition_param(std::string_view name) const {
  return find_param(disposition_params, name);
}

std::size_t parse_header_block(std::string_view raw, const ParseLimits& limits,
                               std::vector<RawHeaderField>* fields, MimeReport* report) {
  std::size_t pos = 0;
  // An mbox "From " separator line before the first header.
  if (raw.starts_with("From ")) pos = line_at(raw, 0).next;
  bool current_open = false;  // the last field can still take continuation lines
  bool dropped_fields = false;
  while (pos < raw.size()) {
    Line line = line_at(raw, pos);
    std::string_view t = line.text;
    if (t.empty()) return line.next;  // the blank line ends the header block
    if (t[0] == ' ' || t[0] == '\t') {
      if (current_open && !fields->empty()) {
        std::string& value = fields->back().value;
        if (value.size() + t.size() > limits.max_header_bytes) {
          value.append(t.substr(0, limits.max_header_bytes - std::min<std::size_t>(value.size(), limits.max_header_bytes)));
          add_note(report, "header " + fields->back().name + " over " + std::to_string(limits.max_header_bytes) +
                               " bytes truncated");
          report->over_limits = true;
          current_open = false;
        } else {
          value.append(t);
        }
      }
      pos = line.next;
      continue;
    }
    std::string_view name;
    std::string_view value;
    if (!split_field(t, &name, &value)) {
      // Neither a field nor a continuation: the body begins here without
      // the blank line (Python's email does the same, as a defect).
      return pos;
    }
    if (fields->size() >= limits.max_header_count) {
      if (!dropped_fields)
        add_note(report, "more than " + std::to_string(limits.max_header_count) + " header fields: the rest dropped");
      dropped_fields = true;
      report->over_limits = true;
      current_open = false;
      pos = line.next;
      continue;
    }
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    RawHeaderField field;
    field.name = std::string(name.substr(0, std::min<std::size_t>(name.size(), 256)));
    current_open = true;
    if (value.size() > limits.max_header_bytes) {
      value = value.substr(0, limits.max_header_bytes);
      add_note(report, "header " + field.name + " over " + std::to_string(limits.max_header_bytes) + " bytes truncated");
      report->over_limits = true;
      current_open = false;
    }
    field.value = std::string(value);
    fields->push_back(std::move(field));
    pos = line.next;
  }
  return raw.size();
}

void parse_content_type(std::string_view raw, std::string* type, std::string* subtype,
                        std::vector<MimeParam>* params) {
  // Comments are removed from the type only: unquoted file names such as
  // "name=report (1).pdf" are common and their parentheses are not comments.
  std::size_t semi = raw.find(';');
  std::string clean = strip_comments(raw.substr(0, semi));
  std::string_view mime = trim(clean);
  std::size_t slash = mime.find('/');
  std::string t = to_lower(trim(mime.substr(0, slash)));
  std::string st = slash == std::string_view::npos ? std::string() : to_lower(trim(mime.substr(slash + 1)));
  bool token_ok = !t.empty() && !st.empty();
  for (char c : t + st)
    if (c <= 32 || c >= 127 || c == '"' || c == '/') token_ok = false;
  if (token_ok) {
    *type = std::move(t);
    *subtype = std::move(st);
  } else if (t == "text") {
    *type = "text";  // "Content-Type: text" is seen from old mailers
    *subtype = "plain";
  }  // else: an unreadable type keeps the default text/plain (RFC 2045 §5.2)
  if (semi != std::string_view::npos) *params = decode_params(split_params(raw.substr(semi + 1)));
}

void parse_disposition(std::string_view raw, std::string* disposition, std::vector<MimeParam>* params) {
  std::size_t semi = raw.find(';');
  *disposition = to_lower(trim(strip_comments(raw.substr(0, semi))));
  if (semi != std::string_view::npos) *params = decode_params(split_params(raw.substr(semi + 1)));
}

MimeEntity parse_mime(std::string_view raw, const ParseLimits& limits, MimeReport* report) {
  WalkState state{limits, report};
  MimeEntity root;
  parse_entity(raw, 0, &state, &root);
  return root;
}

}  // namespace ticketd
