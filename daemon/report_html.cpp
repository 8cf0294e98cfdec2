// report_html(): the manager's page. Everything inline (CSS, SVG), no
// script, no fonts or images from the network, so it renders the same from
// a mail attachment, a file share or an air-gapped desk. Names (agents,
// tags, groups) are admin or rule data and are HTML-escaped.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "daemon/report_render.h"

namespace ticketd {

namespace {

std::string esc(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

// A "nice" step (1, 2, 5 x 10^k) at or above `v`.
double nice_step(double v) {
  if (v <= 0) return 1;
  double p = std::pow(10.0, std::floor(std::log10(v)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * p >= v) return m * p;
  return 10 * p;
}

// The axis maximum: four nice steps, whole numbers for counts of tickets.
double nice_max(double v) { return 4 * std::max(1.0, nice_step(v / 4)); }

constexpr int kWidth = 1000, kHeight = 260, kLeft = 50, kRight = 20, kTop = 30, kBottom = 40;

std::string axes(double max, const std::string& title) {
  std::string svg = fmt::format(R"(<text class="chart-title" x="{}" y="18">{}</text>)", kLeft, esc(title));
  int plot_h = kHeight - kTop - kBottom;
  for (int i = 0; i <= 4; ++i) {
    double v = max * i / 4;
    int y = kTop + plot_h - plot_h * i / 4;
    svg += fmt::format(R"(<line class="grid" x1="{}" x2="{}" y1="{}" y2="{}"/>)", kLeft, kWidth - kRight, y, y);
    svg += fmt::format(R"(<text class="tick" x="{}" y="{}" text-anchor="end">{}</text>)", kLeft - 6, y + 4,
                       v == std::floor(v) ? fmt::format("{:.0f}", v) : fmt::format("{:.1f}", v));
  }
  return svg;
}

// Side-by-side bars per label for two series (created, resolved).
std::string bar_chart(const std::string& id, const std::string& title, const std::vector<std::string>& labels,
                      const std::vector<double>& a, const std::vector<double>& b, const char* a_name,
                      const char* b_name) {
  double max = 0;
  for (double v : a) max = std::max(max, v);
  for (double v : b) max = std::max(max, v);
  max = nice_max(max);
  std::string svg = fmt::format(R"(<svg class="chart" id="{}" xmlns="http://www.w3.org/2000/svg" )"
                                R"(viewBox="0 0 {} {}" role="img" aria-label="{}"><title>{}</title>)",
                                id, kWidth, kHeight, esc(title), esc(title));
  svg += axes(max, title);
  int plot_w = kWidth - kLeft - kRight, plot_h = kHeight - kTop - kBottom;
  double slot = labels.empty() ? plot_w : static_cast<double>(plot_w) / static_cast<double>(labels.size());
  double bar = std::clamp(slot * 0.38, 1.0, 40.0);  // one wide key must not become a wall of colour
  std::size_t every = std::max<std::size_t>(1, labels.size() / 12);  // at most ~12 labels on the axis
  for (std::size_t i = 0; i < labels.size(); ++i) {
    double x = kLeft + slot * static_cast<double>(i) + (slot - 2 * bar) / 2;  // the pair centred in its slot
    auto rect = [&](double v, double dx, const char* cls, const char* name) {
      double h = plot_h * v / max;
      svg += fmt::format(R"(<rect class="bar {}" x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}">)"
                         R"(<title>{}: {} {:.0f}</title></rect>)",
                         cls, x + dx, kTop + plot_h - h, bar, h, esc(labels[i]), name, v);
    };
    rect(a[i], 0, "created", a_name);
    rect(b[i], bar, "resolved", b_name);
    if (i % every == 0) {
      svg += fmt::format(R"(<text class="tick" x="{:.1f}" y="{}" text-anchor="middle">{}</text>)", x + bar,
                         kHeight - kBottom + 16, esc(labels[i]));
    }
  }
  svg += fmt::format(R"(<rect class="bar created" x="{}" y="{}" width="10" height="10"/>)"
                     R"(<text class="legend" x="{}" y="{}">{}</text>)"
                     R"(<rect class="bar resolved" x="{}" y="{}" width="10" height="10"/>)"
                     R"(<text class="legend" x="{}" y="{}">{}</text>)",
                     kWidth - 220, 8, kWidth - 205, 17, a_name, kWidth - 120, 8, kWidth - 105, 17, b_name);
  return svg + "</svg>\n";
}

std::string line_chart(const std::string& id, const std::string& title, const std::vector<std::string>& labels,
                       const std::vector<double>& values) {
  double max = 0;
  for (double v : values) max = std::max(max, v);
  max = nice_max(max);
  std::string svg = fmt::format(R"(<svg class="chart" id="{}" xmlns="http://www.w3.org/2000/svg" )"
                                R"(viewBox="0 0 {} {}" role="img" aria-label="{}"><title>{}</title>)",
                                id, kWidth, kHeight, esc(title), esc(title));
  svg += axes(max, title);
  int plot_w = kWidth - kLeft - kRight, plot_h = kHeight - kTop - kBottom;
  std::string points;
  std::size_t count = values.size();
  std::size_t every = std::max<std::size_t>(1, count / 12);
  for (std::size_t i = 0; i < count; ++i) {
    double x = kLeft + (count == 1 ? plot_w / 2.0 : plot_w * static_cast<double>(i) / static_cast<double>(count - 1));
    double y = kTop + plot_h - plot_h * values[i] / max;
    points += fmt::format("{}{:.1f},{:.1f}", points.empty() ? "" : " ", x, y);
    svg += fmt::format(R"(<circle class="point" cx="{:.1f}" cy="{:.1f}" r="3"><title>{}: {:.0f}</title></circle>)", x,
                       y, esc(labels[i]), values[i]);
    if (i % every == 0) {
      svg += fmt::format(R"(<text class="tick" x="{:.1f}" y="{}" text-anchor="middle">{}</text>)", x,
                         kHeight - kBottom + 16, esc(labels[i]));
    }
  }
  svg += fmt::format(R"(<polyline class="line backlog" points="{}"/>)", points);
  return svg + "</svg>\n";
}

std::string tile(const char* label, const std::string& value, const std::string& note) {
  return fmt::format(R"(<div class="tile"><div class="label">{}</div><div class="value">{}</div>)"
                     R"(<div class="note">{}</div></div>)",
                     label, value.empty() ? "&ndash;" : esc(value), esc(note));
}

constexpr const char* kStyle = R"(
body{font-family:system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:24px;color:#222;background:#fafafa}
h1{font-size:22px;margin:0 0 4px} .period{color:#666;margin-bottom:16px}
.tiles{display:flex;flex-wrap:wrap;gap:12px;margin-bottom:20px}
.tile{background:#fff;border:1px solid #ddd;border-radius:6px;padding:10px 14px;min-width:130px}
.tile .label{font-size:12px;color:#666}.tile .value{font-size:24px;font-weight:600}.tile .note{font-size:11px;color:#888}
svg.chart{width:100%;max-width:1000px;height:auto;background:#fff;border:1px solid #ddd;border-radius:6px;margin-bottom:16px}
.chart-title{font-size:14px;font-weight:600;fill:#333}.tick{font-size:11px;fill:#666}.legend{font-size:12px;fill:#333}
.grid{stroke:#eee}.bar.created{fill:#4c78a8}.bar.resolved{fill:#59a14f}
.line{fill:none;stroke:#e15759;stroke-width:2}.point{fill:#e15759}
table{border-collapse:collapse;background:#fff;font-size:13px}th,td{border:1px solid #ddd;padding:4px 8px;text-align:right}
th:first-child,td:first-child{text-align:left}tr.total td{font-weight:600}
)";

}  // namespace

std::string report_html(const Report& report) {
  const ReportFigures& t = report.total;
  int offset = report.options.day_offset_minutes;
  std::string period = fmt::format("{} to {}", local_date(report.options.since, offset),
                                   local_date(report.options.until - 1, offset));
  std::string html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                     "<title>ticketd support report " + esc(period) + "</title><style>" + kStyle +
                     "</style></head>\n<body>\n<h1>Support report</h1><div class=\"period\">" + esc(period) +
                     "</div>\n<div class=\"tiles\">";
  html += tile("Created", std::to_string(t.created), "tickets");
  html += tile("Resolved", std::to_string(t.resolved), "resolutions");
  html += tile("Backlog", std::to_string(t.backlog), "open at the end");
  html += tile("First response", hours_text(t.first_response.median).empty() ? "" : hours_text(t.first_response.median) + " h",
               "median; p90 " + (hours_text(t.first_response.p90).empty() ? "-" : hours_text(t.first_response.p90) + " h"));
  html += tile("Resolution", hours_text(t.resolution.median).empty() ? "" : hours_text(t.resolution.median) + " h",
               "median; p90 " + (hours_text(t.resolution.p90).empty() ? "-" : hours_text(t.resolution.p90) + " h"));
  html += tile("SLA attained", percent_text(t.sla_attainment), fmt::format("{} met, {} breached", t.sla_met, t.sla_breached));
  html += tile("First-contact resolution", percent_text(t.first_contact_resolution), "one agent reply, not reopened");
  html += tile("Reopened", percent_text(t.reopen_rate), "of resolved tickets");
  html += tile("CSAT", percent_text(t.csat_score),
               fmt::format("rating 4-5; {} of {} surveys answered", t.surveys_answered, t.surveys_sent));
  html += "</div>\n";

  std::vector<std::string> days;
  std::vector<double> created, resolved, backlog;
  for (const auto& d : report.daily) {
    days.push_back(d.key.substr(5));  // "11-16": the year is in the heading
    created.push_back(static_cast<double>(d.figures.created));
    resolved.push_back(static_cast<double>(d.figures.resolved));
    backlog.push_back(static_cast<double>(d.figures.backlog));
  }
  html += bar_chart("chart-daily", "Tickets created and resolved per day", days, created, resolved, "created",
                    "resolved");
  html += line_chart("chart-backlog", "Backlog (open tickets) at the end of each day", days, backlog);

  if (!report.rows.empty() && report.options.by != ReportGrouping::day) {
    std::vector<std::string> keys;
    std::vector<double> rc, rr;
    for (const auto& r : report.rows) {
      keys.push_back(r.key);
      rc.push_back(static_cast<double>(r.figures.created));
      rr.push_back(static_cast<double>(r.figures.resolved));
    }
    html += bar_chart("chart-by", fmt::format("Created and resolved by {}", grouping_name(report.options.by)), keys,
                      rc, rr, "created", "resolved");
  }

  // The figures as a table, the same columns as --format table.
  auto cells = report_cells(report);
  html += "<table>\n";
  for (std::size_t i = 0; i < cells.size(); ++i) {
    html += i + 1 == cells.size() ? "<tr class=\"total\">" : "<tr>";
    for (const auto& c : cells[i]) {
      std::string text = c.empty() ? "&ndash;" : esc(c);
      html += i == 0 ? "<th>" + text + "</th>" : "<td>" + text + "</td>";
    }
    html += "</tr>\n";
  }
  html += "</table>\n<p class=\"period\">Times in hours (business hours when configured). "
          "A dash means there is no data for that figure yet.</p>\n</body></html>\n";
  return html;
}

}  // namespace ticketd
