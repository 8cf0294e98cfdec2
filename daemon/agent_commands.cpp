#include "daemon/agent_commands.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <optional>

namespace ticketd {

namespace {

constexpr std::array<const char*, 5> kStatusValues = {"open", "pending", "on-hold", "resolved", "closed"};
constexpr std::array<const char*, 4> kPriorityValues = {"low", "normal", "high", "urgent"};

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool iequal(std::string_view a, std::string_view b) { return lower(a) == lower(b); }

// Trims ASCII blanks and the invisible characters mail clients put around
// lines: U+00A0 (Outlook's &nbsp;), U+3000 (ideographic space), U+FEFF (BOM).
std::string_view trim(std::string_view s) {
  static constexpr std::string_view kWide[] = {"\xC2\xA0", "\xE3\x80\x80", "\xEF\xBB\xBF"};
  bool changed = true;
  while (changed && !s.empty()) {
    changed = false;
    if (s.front() == ' ' || s.front() == '\t' || s.front() == '\r') {
      s.remove_prefix(1);
      changed = true;
    } else if (s.back() == ' ' || s.back() == '\t' || s.back() == '\r') {
      s.remove_suffix(1);
      changed = true;
    }
    for (auto w : kWide) {
      if (s.substr(0, w.size()) == w) {
        s.remove_prefix(w.size());
        changed = true;
      }
      if (s.size() >= w.size() && s.substr(s.size() - w.size()) == w) {
        s.remove_suffix(w.size());
        changed = true;
      }
    }
  }
  return s;
}

// "#status x" -> "status x"; also the full-width '＃' a Chinese input method
// types. Nothing when the line is not a command (no letter after the '#').
std::optional<std::string_view> command_body(std::string_view line) {
  static constexpr std::string_view kFullWidthHash = "\xEF\xBC\x83";
  std::string_view rest;
  if (!line.empty() && line.front() == '#') rest = line.substr(1);
  else if (line.substr(0, kFullWidthHash.size()) == kFullWidthHash) rest = line.substr(kFullWidthHash.size());
  else return std::nullopt;
  if (rest.empty() || !std::isalpha(static_cast<unsigned char>(rest.front()))) return std::nullopt;
  return rest;
}

std::vector<std::string> words(std::string_view text) {
  std::vector<std::string> out;
  std::string word;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == ',') {
      if (!word.empty()) out.push_back(std::move(word));
      word.clear();
    } else {
      word += c;
    }
  }
  if (!word.empty()) out.push_back(std::move(word));
  return out;
}

std::string joined(const auto& values) {
  std::string out;
  for (const auto& v : values) out += (out.empty() ? "" : ", ") + std::string(v);
  return out;
}

// Tags stay data: printable, no spaces (they are split on them), no '#'.
bool valid_tag(std::string_view tag) {
  if (tag.empty() || tag.size() > 64) return false;
  return std::none_of(tag.begin(), tag.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f || c == '#' || c == '"' || c == '\'' || c == '[' || c == ']';
  });
}

struct LineParser {
  const CommandVocabulary& vocabulary;
  CommandParse& out;

  void problem(std::string_view line, const std::string& what) { out.problems.push_back(fmt::format("{}: {}", line, what)); }

  bool given(AgentCommand::Kind kind) const {
    return std::any_of(out.commands.begin(), out.commands.end(), [&](const auto& c) { return c.kind == kind; });
  }

  // One value from a fixed list.
  std::optional<std::string> choice(std::string_view line, std::string_view args, const auto& allowed,
                                    const char* what) {
    std::string value = lower(trim(args));
    std::replace(value.begin(), value.end(), ' ', '-');
    std::replace(value.begin(), value.end(), '_', '-');
    if (value == "onhold" || value == "hold") value = "on-hold";
    if (value.empty()) {
      problem(line, fmt::format("which {}? (use one of: {})", what, joined(allowed)));
      return std::nullopt;
    }
    if (std::find(allowed.begin(), allowed.end(), value) == allowed.end()) {
      problem(line, fmt::format("unknown {} \"{}\" (use one of: {})", what, trim(args), joined(allowed)));
      return std::nullopt;
    }
    return value;
  }

  // A name from the config, matched without regard to case.
  std::optional<std::string> name(std::string_view line, std::string_view args, const std::vector<std::string>& known,
                                  const char* what) {
    std::string_view wanted = trim(args);
    if (wanted.empty()) {
      problem(line, fmt::format("which {}? (known: {})", what, joined(known)));
      return std::nullopt;
    }
    for (const auto& k : known) {
      if (iequal(k, wanted)) return k;
    }
    problem(line, fmt::format("unknown {} \"{}\" (known: {})", what, wanted, known.empty() ? "none" : joined(known)));
    return std::nullopt;
  }

  void add(AgentCommand::Kind kind, std::vector<std::string> values, std::string_view line) {
    out.commands.push_back(AgentCommand{kind, std::move(values), std::string(line)});
  }

  void once(AgentCommand::Kind kind, std::string_view line, const std::optional<std::string>& value) {
    if (given(kind)) {
      problem(line, fmt::format("#{} is given twice", command_name(kind)));
      return;
    }
    if (value) add(kind, {*value}, line);
  }

  void command(std::string_view line, std::string_view body) {
    auto space = body.find_first_of(" \t");
    std::string name_written(body.substr(0, space));
    std::string name = lower(name_written);
    std::string_view args = space == std::string_view::npos ? std::string_view() : trim(body.substr(space));
    using K = AgentCommand::Kind;
    if (name == "status") {
      once(K::status, line, choice(line, args, kStatusValues, "status"));
    } else if (name == "priority") {
      once(K::priority, line, choice(line, args, kPriorityValues, "priority"));
    } else if (name == "assign") {
      std::optional<std::string> agent;
      if (iequal(args, "me")) agent = vocabulary.self;
      else agent = this->name(line, args, vocabulary.agents, "agent");
      once(K::assign, line, agent);
    } else if (name == "group") {
      once(K::group, line, this->name(line, args, vocabulary.groups, "group"));
    } else if (name == "tag" || name == "untag") {
      auto tags = words(args);
      if (tags.empty()) problem(line, fmt::format("#{} needs at least one tag", name));
      for (const auto& tag : tags) {
        if (!valid_tag(tag)) problem(line, fmt::format("\"{}\" cannot be a tag", tag));
      }
      add(name == "tag" ? K::tag : K::untag, std::move(tags), line);
    } else if (name == "note") {
      if (out.note) {
        problem(line, "#note is given twice");
        return;
      }
      out.note = true;
      out.note_text = std::string(args);
      add(K::note, {}, line);
    } else if (name == "canned") {
      std::string_view canned = trim(args);
      if (canned.empty()) {
        problem(line, "which canned answer? (#canned NAME)");
      } else if (canned.find_first_of("/\\ ") != std::string_view::npos || canned.substr(0, 1) == "." ||
                 (vocabulary.canned_exists && !vocabulary.canned_exists(canned))) {
        problem(line, fmt::format("no canned answer \"{}\"", canned));
      } else {
        add(K::canned, {std::string(canned)}, line);
      }
    } else {
      problem(line, fmt::format("unknown command #{} (known: #status, #priority, #assign, #group, #tag, #untag, "
                                "#note, #canned)",
                                name_written));
    }
  }

  // Checks that need every command: contradictions.
  void across() {
    if (out.note && given(AgentCommand::Kind::canned)) {
      problems_add("#note and #canned together: a note is never sent, so the canned answer would go nowhere");
    }
    std::vector<std::string> added, removed;
    for (const auto& c : out.commands) {
      auto& list = c.kind == AgentCommand::Kind::tag ? added : removed;
      if (c.kind == AgentCommand::Kind::tag || c.kind == AgentCommand::Kind::untag) {
        list.insert(list.end(), c.values.begin(), c.values.end());
      }
    }
    for (const auto& tag : added) {
      if (std::find(removed.begin(), removed.end(), tag) != removed.end()) {
        problems_add(fmt::format("tag \"{}\" is both added and removed", tag));
      }
    }
  }

  void problems_add(std::string what) { out.problems.push_back(std::move(what)); }
};

}  // namespace

const char* command_name(AgentCommand::Kind kind) {
  switch (kind) {
    case AgentCommand::Kind::status: return "status";
    case AgentCommand::Kind::priority: return "priority";
    case AgentCommand::Kind::assign: return "assign";
    case AgentCommand::Kind::group: return "group";
    case AgentCommand::Kind::tag: return "tag";
    case AgentCommand::Kind::untag: return "untag";
    case AgentCommand::Kind::note: return "note";
    case AgentCommand::Kind::canned: return "canned";
  }
  return "?";
}

CommandParse parse_agent_commands(std::string_view reply, const CommandVocabulary& vocabulary) {
  CommandParse out;
  LineParser parser{vocabulary, out};
  std::size_t pos = 0;
  std::size_t text_start = 0;
  while (pos < reply.size()) {
    auto end = reply.find('\n', pos);
    if (end == std::string_view::npos) end = reply.size();
    std::string_view line = trim(reply.substr(pos, end - pos));
    std::size_t next = end == reply.size() ? end : end + 1;
    if (line.empty()) {
      pos = text_start = next;
      continue;
    }
    auto body = command_body(line);
    if (!body) break;  // the first line of text ends the commands
    parser.command(line, *body);
    pos = text_start = next;
  }
  parser.across();
  std::string_view text = reply.substr(std::min(text_start, reply.size()));
  // Drop trailing blank lines and spaces; keep the text's own line breaks.
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  out.text = std::string(text);
  return out;
}

}  // namespace ticketd
