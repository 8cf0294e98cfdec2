#include "templates/template_set.h"

#include <fmt/args.h>
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "templates/builtin_templates.h"

namespace ticketd {

namespace {

namespace fs = std::filesystem;

using Arguments = fmt::dynamic_format_arg_store<fmt::format_context>;

// The values as named arguments, each a view of its string, not a copy:
// a notice's values hold the customer's whole mail. With `every_known`,
// the placeholders `values` lacks are there too, empty.
Arguments arguments_of(const Placeholders& values, bool every_known) {
  Arguments args;
  for (const auto& [name, value] : values) args.push_back(fmt::arg(name.c_str(), std::string_view(value)));
  if (every_known) {
    for (const auto& name : TemplateSet::known_placeholders()) {
      if (!values.count(name)) args.push_back(fmt::arg(name.c_str(), std::string_view()));
    }
  }
  return args;
}

// Renders `text` with the named values; throws fmt::format_error on an
// unknown placeholder or a stray brace.
std::string render_text(const std::string& text, const Arguments& args) { return fmt::vformat(text, args); }

std::string render_text(const std::string& text, const Placeholders& values) {
  return render_text(text, arguments_of(values, false));
}

// One line: a subject must never carry a line break into a header.
std::string one_line(std::string text) {
  for (auto& c : text) {
    if (c == '\r' || c == '\n' || c == '\0' || c == '\t') c = ' ';
  }
  return text;
}

Placeholders sample_values() {
  Placeholders values;
  for (const auto& name : TemplateSet::known_placeholders()) values[name] = "x";
  return values;
}

// Finds the line and column of the first placeholder that fails to render,
// so the admin is pointed at it.
std::string locate_error(const std::string& text, int first_line, const Placeholders& values) {
  int line = first_line;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string one = text.substr(start, end - start);
    try {
      render_text(one, values);
    } catch (const fmt::format_error& e) {
      auto brace = one.find_first_of("{}");
      std::size_t column = brace == std::string::npos ? 1 : brace + 1;
      auto open = one.find('{');
      std::string detail = e.what();
      if (open != std::string::npos) {
        auto close = one.find('}', open);
        std::string name = one.substr(open + 1, close == std::string::npos ? std::string::npos : close - open - 1);
        if (close != std::string::npos && std::find(TemplateSet::known_placeholders().begin(),
                                                    TemplateSet::known_placeholders().end(),
                                                    name) == TemplateSet::known_placeholders().end()) {
          detail = fmt::format("unknown placeholder {{{}}}", name);
          column = open + 1;
        }
      }
      return fmt::format("{}:{}: {}", line, column, detail);
    }
    ++line;
    start = end + 1;
  }
  return fmt::format("{}:1: cannot render", first_line);
}

}  // namespace

std::string TemplateSet::default_dir() { return TICKETD_SOURCE_TEMPLATES; }

const std::vector<std::string>& TemplateSet::known_placeholders() {
  static const std::vector<std::string> names = {
      "ticket_number", "customer_name", "customer_address", "subject",       "status",
      "priority",      "group",         "agent_name",       "reply",         "survey_links",
      "support_address", "support_name", "customer_text",   "due",           "tags",
      "reason",        "canned_name",   "similar_tickets"};
  return names;
}

const std::vector<std::string>& TemplateSet::known_events() {
  static const std::vector<std::string> events = {"ack",           "agent_reply",  "status_pending",
                                                  "status_resolved", "status_closed", "status_reopened",
                                                  "assigned",      "customer_message", "sla_reminder",
                                                  "sla_breach",    "csat_survey",  "command_error",
                                                  "pending_reminder"};
  return events;
}

bool TemplateSet::load(const std::string& dir, std::vector<std::string>* errors) {
  std::size_t before = errors->size();
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    errors->push_back(fmt::format("{}: template folder not found", dir));
    return false;
  }
  std::vector<fs::path> files;
  for (const auto& language : fs::directory_iterator(dir, ec)) {
    if (!language.is_directory()) continue;
    for (const auto& file : fs::directory_iterator(language.path(), ec)) {
      if (file.path().extension() == ".txt") files.push_back(file.path());
    }
    // Canned answers for rules' auto replies: <language>/canned/<name>.txt.
    for (const auto& file : fs::directory_iterator(language.path() / "canned", ec)) {
      if (file.path().extension() == ".txt") files.push_back(file.path());
    }
  }
  std::sort(files.begin(), files.end());
  for (const auto& path : files) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream content;
    content << in.rdbuf();
    std::string text = content.str();
    std::string name = path.string();
    if (text.rfind("Subject:", 0) != 0) {
      errors->push_back(fmt::format("{}:1:1: a template starts with a \"Subject:\" line", name));
      continue;
    }
    auto line_end = text.find('\n');
    std::string subject = text.substr(8, line_end == std::string::npos ? std::string::npos : line_end - 8);
    while (!subject.empty() && (subject.front() == ' ')) subject.erase(0, 1);
    while (!subject.empty() && (subject.back() == '\r' || subject.back() == ' ')) subject.pop_back();
    std::string body = line_end == std::string::npos ? "" : text.substr(line_end + 1);
    if (!body.empty() && body.front() == '\n') body.erase(0, 1);
    else if (body.rfind("\r\n", 0) == 0) body.erase(0, 2);
    else if (!body.empty()) {
      errors->push_back(fmt::format("{}:2:1: an empty line must follow the Subject line", name));
      continue;
    }
    bool canned = path.parent_path().filename() == "canned";
    std::string event = canned ? "canned/" + path.stem().string() : path.stem().string();
    if (!canned && std::find(known_events().begin(), known_events().end(), event) == known_events().end()) {
      errors->push_back(fmt::format("{}:1:1: unknown template event \"{}\"", name, event));
      continue;
    }
    Placeholders values = sample_values();
    bool ok = true;
    try {
      render_text(subject, values);
    } catch (const fmt::format_error&) {
      errors->push_back(fmt::format("{}:{}", name, locate_error(subject, 1, values)));
      ok = false;
    }
    try {
      render_text(body, values);
    } catch (const fmt::format_error&) {
      errors->push_back(fmt::format("{}:{}", name, locate_error(body, 3, values)));
      ok = false;
    }
    if (!ok) continue;
    std::string language = (canned ? path.parent_path().parent_path() : path.parent_path()).filename().string();
    templates_[language + "/" + event] = Template{name, subject, body};
  }
  return errors->size() == before;
}

bool TemplateSet::has(std::string_view event, std::string_view language) const {
  return templates_.count(fmt::format("{}/{}", language, event)) > 0;
}

RenderedMail TemplateSet::render(std::string_view event, std::string_view language,
                                 const Placeholders& values) const {
  const Arguments complete = arguments_of(values, true);
  std::string reason;
  for (std::string_view lang : {language, std::string_view("en")}) {
    auto it = templates_.find(fmt::format("{}/{}", lang, event));
    if (it == templates_.end()) {
      if (reason.empty()) reason = fmt::format("no template {}/{}.txt", language, event);
      continue;
    }
    try {
      return {one_line(render_text(it->second.subject, complete)), render_text(it->second.body, complete), reason};
    } catch (const fmt::format_error& e) {
      reason = fmt::format("{}: {}", it->second.file, e.what());
    }
  }
  const BuiltinTemplate& builtin = builtin_template(event);
  if (reason.empty()) reason = "no template";
  try {
    return {one_line(render_text(builtin.subject, complete)), render_text(builtin.body, complete),
            reason + "; used the built-in default"};
  } catch (const fmt::format_error&) {
    auto value = [&values](const std::string& name) {
      auto it = values.find(name);
      return it == values.end() ? std::string() : it->second;
    };
    return {one_line(value("subject")), value("reply"), reason + "; used the bare text"};
  }
}

}  // namespace ticketd
