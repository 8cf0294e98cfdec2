#include "daemon/report_render.h"

#include <fmt/format.h>

#include <algorithm>

namespace ticketd {

namespace {

struct Column {
  const char* title;
  std::string (*cell)(const ReportFigures&);
};

std::string n(std::int64_t v) { return std::to_string(v); }

const std::vector<Column>& columns() {
  static const std::vector<Column> list = {
      {"created", [](const ReportFigures& f) { return n(f.created); }},
      {"resolved", [](const ReportFigures& f) { return n(f.resolved); }},
      {"backlog", [](const ReportFigures& f) { return n(f.backlog); }},
      {"1st resp median h", [](const ReportFigures& f) { return hours_text(f.first_response.median); }},
      {"1st resp p90 h", [](const ReportFigures& f) { return hours_text(f.first_response.p90); }},
      {"resolution median h", [](const ReportFigures& f) { return hours_text(f.resolution.median); }},
      {"resolution p90 h", [](const ReportFigures& f) { return hours_text(f.resolution.p90); }},
      {"reopen", [](const ReportFigures& f) { return percent_text(f.reopen_rate); }},
      {"FCR", [](const ReportFigures& f) { return percent_text(f.first_contact_resolution); }},
      {"SLA", [](const ReportFigures& f) { return percent_text(f.sla_attainment); }},
      {"CSAT", [](const ReportFigures& f) { return percent_text(f.csat_score); }},
      {"CSAT resp", [](const ReportFigures& f) { return percent_text(f.csat_response_rate); }},
  };
  return list;
}

nlohmann::json optional_number(const std::optional<double>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

nlohmann::json figures_json(const ReportFigures& f) {
  auto dist = [](const Distribution& d) {
    return nlohmann::json{{"count", d.count}, {"median_seconds", optional_number(d.median)},
                          {"p90_seconds", optional_number(d.p90)}};
  };
  return {{"created", f.created},
          {"resolved", f.resolved},
          {"backlog", f.backlog},
          {"first_response", dist(f.first_response)},
          {"resolution", dist(f.resolution)},
          {"reopen_rate", optional_number(f.reopen_rate)},
          {"first_contact_resolution", optional_number(f.first_contact_resolution)},
          {"sla", {{"met", f.sla_met}, {"breached", f.sla_breached},
                   {"attainment", optional_number(f.sla_attainment)}}},
          {"csat", {{"surveys_sent", f.surveys_sent}, {"answered", f.surveys_answered},
                    {"response_rate", optional_number(f.csat_response_rate)},
                    {"score", optional_number(f.csat_score)}, {"mean_rating", optional_number(f.csat_mean)}}}};
}

std::string csv_cell(const std::string& v) {
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string period_text(const Report& r) {
  int offset = r.options.day_offset_minutes;
  return fmt::format("{} .. {} (UTC{:+03}:{:02})", local_date(r.options.since, offset),
                     local_date(r.options.until - 1, offset), offset / 60, std::abs(offset % 60));
}

}  // namespace

std::string hours_text(const std::optional<double>& seconds) {
  return seconds ? fmt::format("{:.1f}", *seconds / 3600.0) : std::string();
}

std::string percent_text(const std::optional<double>& share) {
  return share ? fmt::format("{:.0f}%", *share * 100.0) : std::string();
}

std::vector<std::vector<std::string>> report_cells(const Report& report) {
  std::vector<std::vector<std::string>> lines;
  std::vector<std::string> head = {report.options.by == ReportGrouping::none
                                       ? std::string("period")
                                       : std::string(grouping_name(report.options.by))};
  for (const auto& c : columns()) head.push_back(c.title);
  lines.push_back(head);
  auto line = [&](const std::string& key, const ReportFigures& f) {
    std::vector<std::string> cells = {key};
    for (const auto& c : columns()) cells.push_back(c.cell(f));
    lines.push_back(cells);
  };
  for (const auto& row : report.rows) line(row.key, row.figures);
  line("total", report.total);
  return lines;
}

std::string report_table(const Report& report) {
  auto lines = report_cells(report);
  for (auto& l : lines)
    for (auto& c : l)
      if (c.empty()) c = "-";
  std::vector<std::size_t> width(lines.front().size(), 0);
  auto display_width = [](const std::string& s) {
    // Chinese agent and tag names are two columns wide in a terminal.
    std::size_t w = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
      unsigned char c = static_cast<unsigned char>(s[i]);
      if ((c & 0xC0) == 0x80) continue;
      w += c >= 0xE3 && c < 0xF0 ? 2 : 1;  // U+3000 and up: CJK, wide
    }
    return w;
  };
  for (const auto& l : lines)
    for (std::size_t i = 0; i < l.size(); ++i) width[i] = std::max(width[i], display_width(l[i]));
  std::string out = fmt::format("ticketd report {}\n", period_text(report));
  for (const auto& l : lines) {
    std::string text;
    for (std::size_t i = 0; i < l.size(); ++i) {
      std::string pad(width[i] - display_width(l[i]), ' ');
      text += i == 0 ? l[i] + pad : "  " + pad + l[i];
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out += text + "\n";
  }
  out += "Times in hours (business hours when configured); FCR: first-contact resolution; '-': no data.\n";
  return out;
}

nlohmann::json report_json(const Report& report) {
  auto rows = nlohmann::json::array();
  for (const auto& row : report.rows) {
    auto j = figures_json(row.figures);
    j["key"] = row.key;
    j["start"] = row.start;
    j["end"] = row.end;
    rows.push_back(j);
  }
  auto daily = nlohmann::json::array();
  for (const auto& d : report.daily) {
    daily.push_back({{"date", d.key}, {"created", d.figures.created}, {"resolved", d.figures.resolved},
                     {"backlog", d.figures.backlog}});
  }
  return {{"since", report.options.since},
          {"until", report.options.until},
          {"by", report.options.by == ReportGrouping::none ? nlohmann::json(nullptr)
                                                            : nlohmann::json(grouping_name(report.options.by))},
          {"total", figures_json(report.total)},
          {"rows", rows},
          {"daily", daily}};
}

std::string report_csv(const Report& report) {
  std::string out;
  for (const auto& line : report_cells(report)) {
    for (std::size_t i = 0; i < line.size(); ++i) out += (i ? "," : "") + csv_cell(line[i]);
    out += "\r\n";
  }
  return out;
}

}  // namespace ticketd
