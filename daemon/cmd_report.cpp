// `ticketd report [--since DATE] [--until DATE] [--by day|week|agent|group|tag|mailbox]
//                 [--format table|json|csv|html] [--utc-offset +08:00]`:
// the support figures (daemon/report_figures.h) for a period, default the
// last 30 days up to now. Dates are local days at the UTC offset; --until is
// inclusive of its day ("--until 2026-11-30" reports the 30th too).
// Response and resolution times count the config's [business_hours].
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "daemon/commands.h"
#include "daemon/report_figures.h"
#include "daemon/report_render.h"
#include "daemon/setup.h"

namespace ticketd {

namespace {

struct ReportArgs {
  std::string since, until, by, format = "table", utc_offset;
};

}  // namespace

void add_report_command(CLI::App& app, GlobalOptions& global) {
  auto* cmd = app.add_subcommand("report", "support figures: volume, backlog, response and resolution times, "
                                           "SLA, first-contact resolution, reopen rate, CSAT");
  auto args = std::make_shared<ReportArgs>();
  cmd->add_option("--since", args->since, "first day, YYYY-MM-DD (default: 30 days before --until)");
  cmd->add_option("--until", args->until, "last day, YYYY-MM-DD, included (default: today)");
  cmd->add_option("--by", args->by, "one row per day, week, agent, group, tag or mailbox")
      ->check(CLI::IsMember({"day", "week", "agent", "group", "tag", "mailbox"}));
  cmd->add_option("--format", args->format, "table, json, csv or html")
      ->check(CLI::IsMember({"table", "json", "csv", "html"}))
      ->capture_default_str();
  cmd->add_option("--utc-offset", args->utc_offset,
                  "where days begin, e.g. +08:00 (default: the [business_hours] time zone, else UTC)");
  cmd->callback([&global, args] {
    auto config = load_config_or_report(global.config_path, &global.exit_code);
    if (!config) return;
    ReportOptions options;
    // Times count in the desk's [business_hours] (all day, every day when
    // none are configured); days begin at their local midnight unless
    // --utc-offset says otherwise.
    options.hours = config->business_hours;
    std::int64_t now = now_seconds();
    options.day_offset_minutes = utc_offset_at(options.hours, now);
    if (!args->utc_offset.empty() && !parse_utc_offset(args->utc_offset, &options.day_offset_minutes)) {
      fmt::print(stderr, "--utc-offset: \"{}\" is not an offset like +08:00\n", args->utc_offset);
      global.exit_code = kExitUsage;
      return;
    }
    std::string err;
    options.until = local_midnight(now, options.day_offset_minutes) + 86400;
    if (!args->until.empty()) {
      if (!parse_report_date(args->until, options.day_offset_minutes, &options.until, &err)) {
        fmt::print(stderr, "--until: {}\n", err);
        global.exit_code = kExitUsage;
        return;
      }
      if (args->until.size() == 10) options.until += 86400;  // a day given: through its end
    }
    options.since = options.until - 30 * 86400;
    if (!args->since.empty() && !parse_report_date(args->since, options.day_offset_minutes, &options.since, &err)) {
      fmt::print(stderr, "--since: {}\n", err);
      global.exit_code = kExitUsage;
      return;
    }
    if (options.since >= options.until) {
      fmt::print(stderr, "--since must be before --until\n");
      global.exit_code = kExitUsage;
      return;
    }
    if (!args->by.empty()) parse_report_grouping(args->by, &options.by);

    auto store = open_store_or_report(*config, &global.exit_code);
    if (!store) return;
    Report report;
    try {
      report = compute_report(store->report_tickets(options.until), options);
    } catch (const StoreError& e) {
      fmt::print(stderr, "{}\n", e.what());
      global.exit_code = kExitUnreachable;
      return;
    }
    if (args->format == "json") fmt::print("{}\n", report_json(report).dump(2));
    else if (args->format == "csv") fmt::print("{}", report_csv(report));
    else if (args->format == "html") fmt::print("{}", report_html(report));
    else fmt::print("{}", report_table(report));
  });
}

}  // namespace ticketd
