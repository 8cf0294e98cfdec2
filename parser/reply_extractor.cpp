#include "parser/reply_extractor.h"

#include <vector>

namespace ticketd {
namespace {

// A line made easy to match: trimmed, ASCII lower-cased, full-width colon
// "：" made ':', Markdown-ish "*From:*" (HTML bold made text) unstarred,
// leading no-break and ideographic spaces (Chinese clients indent with
// U+3000) dropped. Only the first 400 bytes matter. Written into `out`, a
// buffer reused from line to line: this runs once per line of every mail.
void normalize_into(std::string_view line, std::string* out) {
  out->clear();
  line = line.substr(0, 400);
  for (std::size_t i = 0; i < line.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(line[i]);
    if (c == 0xEF && i + 2 < line.size() && static_cast<unsigned char>(line[i + 1]) == 0xBC &&
        static_cast<unsigned char>(line[i + 2]) == 0x9A) {
      *out += ':';
      i += 2;
      continue;
    }
    if (c == '*') continue;
    *out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : static_cast<char>(c);
  }
  std::size_t start = 0;
  for (;;) {
    if (start < out->size() && ((*out)[start] == ' ' || (*out)[start] == '\t' || (*out)[start] == '\r')) {
      ++start;
    } else if (out->compare(start, 2, "\xC2\xA0") == 0) {
      start += 2;
    } else if (out->compare(start, 3, "\xE3\x80\x80") == 0) {
      start += 3;
    } else {
      break;
    }
  }
  std::size_t end = out->size();
  while (end > start && ((*out)[end - 1] == ' ' || (*out)[end - 1] == '\t' || (*out)[end - 1] == '\r')) --end;
  out->resize(end);
  out->erase(0, start);
}

std::string normalized(std::string_view line) {
  std::string out;
  normalize_into(line, &out);
  return out;
}

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool ends_with(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}
bool contains(std::string_view s, std::string_view p) { return s.find(p) != std::string_view::npos; }

bool is_our_marker(std::string_view n) { return contains(n, "reply above this line") || contains(n, "请在此行上方回复"); }

bool is_separator(std::string_view n) {
  // "-----Original Message-----", "----- Original Message -----",
  // "------------------ 原始邮件 ------------------" (QQ Mail, Foxmail),
  // "------------------ Original ------------------" (QQ Mail in English).
  if (!starts_with(n, "---") && !starts_with(n, "___")) return false;
  for (std::string_view word : {"original message", "原始邮件", "原始郵件", "ursprüngliche nachricht",
                                "message d'origine", "mensaje original", "original ---", "元のメッセージ",
                                "reply message", "回复的原邮件"})
    if (contains(n, word)) return true;
  return false;
}

bool is_attribution(std::string_view n, std::string_view next) {
  if (starts_with(n, "on ") && (ends_with(n, "wrote:") || ends_with(next, "wrote:"))) return true;
  if (starts_with(n, "am ") && ends_with(n, "schrieb:")) return true;
  if (starts_with(n, "le ") && (ends_with(n, "a écrit :") || ends_with(n, "a écrit:"))) return true;
  if (starts_with(n, "el ") && ends_with(n, "escribió:")) return true;
  // Apple Mail and Gmail in Chinese: "在 2024年1月2日，张三 <a@b> 写道："
  if (starts_with(n, "在") && (ends_with(n, "写道:") || ends_with(next, "写道:"))) return true;
  if (starts_with(n, "於") && (ends_with(n, "寫道:") || ends_with(next, "寫道:"))) return true;
  if (ends_with(n, "wrote:") && contains(n, "@")) return true;  // "john@x.com wrote:"
  return false;
}

bool has_field(std::string_view n, std::initializer_list<std::string_view> names) {
  for (std::string_view name : names)
    if (starts_with(n, name)) {
      std::string_view rest = n.substr(name.size());
      while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
      if (starts_with(rest, ":")) return true;
    }
  return false;
}

// "From:" (or 发件人:, 寄件者:) starting a block of a quoted mail's headers:
// at least two more of its fields within the next lines.
bool is_header_block(const std::vector<std::string_view>& lines, std::size_t i, std::string_view n) {
  if (!has_field(n, {"from", "发件人", "寄件者", "寄件人", "von", "de", "van"})) return false;
  int fields = 0;
  std::string next;
  for (std::size_t j = i + 1; j < lines.size() && j <= i + 7; ++j) {
    normalize_into(lines[j], &next);
    if (has_field(next, {"sent", "date", "to", "cc", "subject", "发送时间", "时间", "日期", "收件人", "抄送",
                         "主题", "寄件日期", "收件者", "副本", "主旨", "gesendet", "an", "betreff", "envoyé",
                         "à", "objet", "enviado", "para", "asunto"}))
      ++fields;
  }
  return fields >= 2;
}

bool is_mobile_signature(std::string_view n) {
  for (std::string_view p : {"sent from my ", "sent from mail for windows", "sent from outlook", "get outlook for ",
                             "sent from yahoo mail", "sent via ", "sent from samsung", "von meinem iphone",
                             "envoyé de mon", "enviado desde mi", "发自我的", "从我的iphone发送", "从我的 iphone 发送",
                             "來自我的", "從我的 iphone 傳送", "从我的手机发送", "发自网易邮箱", "发自 网易邮箱",
                             "iphoneから送信"})
    if (starts_with(n, p)) return n.size() < 80;
  return false;
}

bool is_quoted(std::string_view line) {
  std::size_t i = line.find_first_not_of(" \t");
  return i != std::string_view::npos && line[i] == '>';
}

bool is_blank(std::string_view line) { return line.find_first_not_of(" \t\r") == std::string_view::npos; }

}  // namespace

std::string extract_reply(std::string_view body) {
  std::vector<std::string_view> lines;
  for (std::size_t pos = 0; pos <= body.size();) {
    std::size_t nl = body.find('\n', pos);
    if (nl == std::string_view::npos) {
      lines.push_back(body.substr(pos));
      break;
    }
    lines.push_back(body.substr(pos, nl - pos));
    pos = nl + 1;
  }
  // Our own marker wins wherever it is: everything below it is history.
  std::size_t cut = lines.size();
  std::string n;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    // Cheap first look: the marker needs "above this line" or our Chinese text.
    if (lines[i].find("above") == std::string_view::npos && lines[i].find("ABOVE") == std::string_view::npos &&
        lines[i].find("Above") == std::string_view::npos && lines[i].find("请在此行上方回复") == std::string_view::npos)
      continue;
    normalize_into(lines[i], &n);
    if (is_our_marker(n)) {
      cut = i;
      break;
    }
  }
  bool found = cut < lines.size();
  std::string next;
  for (std::size_t i = 0; i < cut; ++i) {
    normalize_into(lines[i], &n);
    if (n.empty()) continue;
    // The attribution may be wrapped: its "wrote:" can end the next line.
    next.clear();
    if (starts_with(n, "on ") || starts_with(n, "在") || starts_with(n, "於"))
      if (i + 1 < lines.size()) normalize_into(lines[i + 1], &next);
    bool stop = is_separator(n) || is_attribution(n, next) || is_header_block(lines, i, n) || n == "--" ||
                lines[i] == "-- " || lines[i] == "-- \r" || is_mobile_signature(n);
    if (stop) {
      cut = i;
      found = true;
      // Outlook puts a line of underscores before its From: block.
      while (cut > 0 && (is_blank(lines[cut - 1]) || normalized(lines[cut - 1]).find_first_not_of('_') == std::string::npos))
        --cut;
      break;
    }
  }
  std::string reply;
  bool dropped_quote = false;
  for (std::size_t i = 0; i < cut; ++i) {
    if (is_quoted(lines[i])) {
      dropped_quote = true;
      continue;
    }
    reply.append(lines[i]);
    reply += '\n';
  }
  if (!found && !dropped_quote) return std::string(body);
  // Trailing and leading blank lines go; blank runs left by removed quotes
  // collapse to one.
  std::string tidy;
  std::size_t pos = 0;
  int blanks = 0;
  while (pos < reply.size()) {
    std::size_t nl = reply.find('\n', pos);
    std::string_view line = std::string_view(reply).substr(pos, nl - pos);
    pos = nl + 1;
    if (is_blank(line)) {
      ++blanks;
      continue;
    }
    if (!tidy.empty()) tidy += blanks > 0 ? "\n\n" : "\n";
    blanks = 0;
    tidy.append(line);
  }
  if (tidy.empty()) return std::string(body);
  return tidy;
}

}  // namespace ticketd
