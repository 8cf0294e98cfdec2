// The support report (daemon/report_figures.h) in the four formats of
// `ticketd report --format`:
//  - table: aligned columns for a terminal, times in hours, rates in %;
//  - json: every figure, times in seconds, rates 0..1, empty figures null;
//  - csv: one header line, one line per row plus "total" (RFC 4180 quoting),
//    times in hours, rates in %; empty figures are empty cells;
//  - html: one self-contained page (inline CSS and SVG charts: created and
//    resolved per day, backlog over time, the chosen grouping as bars; no
//    script, no network) that opens from a mail attachment or a file share.
// Pure functions of the Report.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "daemon/report_figures.h"

namespace ticketd {

std::string report_table(const Report& report);
nlohmann::json report_json(const Report& report);
std::string report_csv(const Report& report);
std::string report_html(const Report& report);

// The report as cells: a header line, one line per row, then "total";
// an empty cell is a figure with no data. Shared by table, csv and html.
std::vector<std::vector<std::string>> report_cells(const Report& report);

// Shared by the formats: "3.5" hours, "42%" (empty string for no figure).
std::string hours_text(const std::optional<double>& seconds);
std::string percent_text(const std::optional<double>& share);

}  // namespace ticketd
