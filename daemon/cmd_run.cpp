// `ticketd run [--once]`: the daemon. Each cycle polls every mailbox, then
// sends the due outbox mail; between cycles it sleeps until the next poll or
// a signal. SIGTERM/SIGINT finish the mail in hand and exit; SIGHUP reloads
// config, templates and rules, keeping the running ones when the new ones are
// broken. A server that is down is retried with backoff and the daemon keeps
// running.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <signal.h>
#include <systemd/sd-daemon.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <random>

#include "daemon/commands.h"
#include "daemon/imap_session.h"
#include "daemon/mail_intake.h"
#include "daemon/mailbox_poller.h"
#include "daemon/metrics.h"
#include "daemon/outbox_worker.h"
#include "daemon/rules_loader.h"
#include "daemon/setup.h"
#include "daemon/smtp_session.h"
#include "daemon/timers.h"

namespace ticketd {

namespace {

// Signals are blocked and read synchronously (sigtimedwait), so no handler
// and no global flag is needed.
class SignalWaiter {
 public:
  SignalWaiter() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGTERM);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set_, &previous_);
  }
  ~SignalWaiter() { pthread_sigmask(SIG_SETMASK, &previous_, nullptr); }

  bool stop_pending() const {
    sigset_t pending;
    sigpending(&pending);
    return sigismember(&pending, SIGTERM) || sigismember(&pending, SIGINT);
  }

  // Waits up to `seconds`; returns the signal received, or 0.
  int wait(std::int64_t seconds) {
    timespec timeout{static_cast<time_t>(seconds), 0};
    int signal = sigtimedwait(&set_, nullptr, &timeout);
    return signal > 0 ? signal : 0;
  }

 private:
  sigset_t set_;
  sigset_t previous_;
};

// Everything built from one config; rebuilt whole on SIGHUP.
struct Runtime {
  Config config;
  std::unique_ptr<Store> store;
  TemplateSet templates;
  LoadedRules rules;
  std::string rules_fingerprint;  // of config.rules_dir when `rules` was loaded
  std::unique_ptr<MailIntake> intake;
  std::map<std::string, std::unique_ptr<ImapSession>> imap;  // by mailbox name
  std::unique_ptr<SmtpSession> smtp;
};

std::unique_ptr<Runtime> build_runtime(Config config, LoadedRules previous_rules, Log& log, int* exit_code) {
  auto runtime = std::make_unique<Runtime>();
  runtime->config = std::move(config);
  runtime->store = open_store_or_report(runtime->config, exit_code);
  if (!runtime->store) return nullptr;
  runtime->templates = load_templates_with_warnings(runtime->config);
  if (!runtime->config.rules_dir.empty()) runtime->rules_fingerprint = rules_fingerprint(runtime->config.rules_dir);
  runtime->rules = load_rules_or_keep(runtime->config, std::move(previous_rules), log);
  runtime->intake = std::make_unique<MailIntake>(runtime->config, *runtime->store, runtime->templates,
                                                 runtime->rules.get(), log);
  for (const auto& m : runtime->config.mailboxes) {
    if (m.url.empty()) continue;
    runtime->imap[m.name] = std::make_unique<ImapSession>(ImapAccount{m.url, m.user, m.password, m.verify_tls});
  }
  const auto& s = runtime->config.smtp;
  runtime->smtp = std::make_unique<SmtpSession>(SmtpAccount{s.url, s.user, s.password, s.verify_tls, s.require_tls});
  return runtime;
}

// Rules edited on disk are reloaded at the next cycle; a broken edit is
// refused (logged with file:line:column) and the running rules stay.
void reload_rules_if_changed(Runtime& runtime, Log& log) {
  if (runtime.config.rules_dir.empty()) return;
  std::string fingerprint = rules_fingerprint(runtime.config.rules_dir);
  if (fingerprint == runtime.rules_fingerprint) return;
  runtime.rules_fingerprint = fingerprint;
  log.info("rules in {} changed on disk: reloading", runtime.config.rules_dir);
  runtime.rules = load_rules_or_keep(runtime.config, runtime.rules, log);
  runtime.intake->set_rules(runtime.rules.get());
}

// When a server fails, the next attempt waits poll_seconds * 2^(failures-1),
// at most 10 minutes, so a long outage is not hammered.
struct Backoff {
  int failures = 0;
  std::int64_t next_try = 0;

  void failed(std::int64_t now, std::int64_t poll_seconds) {
    ++failures;
    std::int64_t delay = std::min<std::int64_t>(600, poll_seconds << std::min(failures - 1, 10));
    next_try = now + delay;
  }
  void succeeded() { *this = Backoff{}; }
};

struct CycleResult {
  bool server_trouble = false;
  bool store_trouble = false;
  int fetched = 0;       // mails taken from IMAP (for the metrics file)
  int send_retries = 0;  // temporary SMTP failures
};

CycleResult run_cycle(Runtime& rt, Log& log, SignalWaiter& signals, std::map<std::string, Backoff>& backoff,
                      std::mt19937_64& random) {
  CycleResult result;
  for (const auto& mailbox : rt.config.mailboxes) {
    auto session = rt.imap.find(mailbox.name);
    if (session == rt.imap.end()) continue;
    if (signals.stop_pending()) return result;
    Backoff& state = backoff[mailbox.name];
    if (now_seconds() < state.next_try) continue;
    sd_notifyf(0, "WATCHDOG=1\nSTATUS=Polling %s", mailbox.name.c_str());
    try {
      PollRun run = poll_mailbox(
          mailbox, *session->second, *rt.store, *rt.intake, log,
          [&] {
            // A batch of thousands of mails can outlast WatchdogSec; each
            // mail taken is proof of life (sd_notify is one datagram).
            sd_notify(0, "WATCHDOG=1");
            return signals.stop_pending();
          },
          now_seconds);
      result.fetched += run.fetched;
      if (run.ok) {
        state.succeeded();
      } else {
        state.failed(now_seconds(), rt.config.poll_seconds);
        result.server_trouble = true;
        log.error("{}: {} (next try in {}s)", mailbox.name, run.error, state.next_try - now_seconds());
      }
    } catch (const StoreError& e) {
      result.store_trouble = true;
      state.failed(now_seconds(), rt.config.poll_seconds);
      log.error("{}: the ticket store failed, nothing marked processed: {}", mailbox.name, e.what());
    }
  }
  // Stage: timers (SLA, pending, auto-close, surveys): everything due now,
  // before the outbox so their mail goes out in this cycle.
  if (!signals.stop_pending()) {
    try {
      TimerRun timers = run_timers(rt.config, *rt.store, rt.templates, log, now_seconds());
      if (timers.total() > 0) log.info("timers: {}", timers.summary());
    } catch (const StoreError& e) {
      result.store_trouble = true;
      log.error("timers: the ticket store failed: {}", e.what());
    }
  }
  Backoff& smtp_state = backoff["\x01smtp"];
  if (now_seconds() >= smtp_state.next_try && !signals.stop_pending()) {
    sd_notify(0, "WATCHDOG=1\nSTATUS=Sending outbox");
    try {
      OutboxRun sent = send_due_mail(*rt.store, *rt.smtp, rt.config.outbox, log, now_seconds(), random);
      result.send_retries += sent.retried;
      if (sent.server_unreachable) {
        smtp_state.failed(now_seconds(), rt.config.poll_seconds);
        result.server_trouble = true;
      } else {
        smtp_state.succeeded();
      }
    } catch (const StoreError& e) {
      result.store_trouble = true;
      log.error("outbox: the ticket store failed: {}", e.what());
    }
  }
  return result;
}

// After each cycle: the Prometheus file, when [metrics] file is set. A
// failure to write it is logged and never stops the daemon.
void publish_metrics(Runtime& rt, RunCounters& counters, const CycleResult& cycle, double seconds, Log& log) {
  ++counters.cycles;
  counters.mails_fetched += cycle.fetched;
  counters.send_retries += cycle.send_retries;
  if (cycle.server_trouble) ++counters.server_failures;
  counters.last_cycle_at = now_seconds();
  counters.last_cycle_seconds = seconds;
  if (rt.config.metrics_file.empty()) return;
  std::string err;
  try {
    if (!write_file_atomically(rt.config.metrics_file,
                               prometheus_text(rt.store->totals(), counters, counters.last_cycle_at), &err)) {
      log.warning("metrics: {}", err);
    }
  } catch (const StoreError& e) {
    log.warning("metrics not written: {}", e.what());
  }
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

void add_run_command(CLI::App& app, GlobalOptions& global) {
  auto* cmd = app.add_subcommand("run", "the daemon: poll mailboxes, make tickets, send mail");
  auto once = std::make_shared<bool>(false);
  cmd->add_flag("--once", *once, "one full cycle (poll every mailbox, send the outbox), then exit");
  cmd->callback([&global, once] {
    Log log;
    SignalWaiter signals;
    auto config = load_config_or_report(global.config_path, &global.exit_code);
    if (!config) return;
    auto runtime = build_runtime(std::move(*config), nullptr, log, &global.exit_code);
    if (!runtime) return;
    std::map<std::string, Backoff> backoff;
    std::mt19937_64 random{std::random_device{}()};
    if (*once) {
      RunCounters counters;
      auto started = std::chrono::steady_clock::now();
      CycleResult result = run_cycle(*runtime, log, signals, backoff, random);
      publish_metrics(*runtime, counters, result, seconds_since(started), log);
      if (result.server_trouble || result.store_trouble) global.exit_code = kExitUnreachable;
      return;
    }
    log.info("ticketd running: {} mailbox(es), polling every {}s", runtime->config.mailboxes.size(),
             runtime->config.poll_seconds);
    sd_notify(0, "READY=1");
    RunCounters counters;
    for (;;) {
      auto started = std::chrono::steady_clock::now();
      CycleResult cycle = run_cycle(*runtime, log, signals, backoff, random);
      publish_metrics(*runtime, counters, cycle, seconds_since(started), log);
      sd_notify(0, "WATCHDOG=1\nSTATUS=Idle");
      // Sleep until the next poll in slices of half the watchdog interval
      // (when systemd set one), pinging between slices: a poll_seconds longer
      // than WatchdogSec must not get an idle daemon killed.
      std::uint64_t watchdog_usec = 0;
      std::int64_t slice = runtime->config.poll_seconds;
      if (sd_watchdog_enabled(0, &watchdog_usec) > 0) {
        slice = std::max<std::int64_t>(1, static_cast<std::int64_t>(watchdog_usec / 2000000));
      }
      int signal = 0;
      for (std::int64_t waited = 0; signal == 0 && waited < runtime->config.poll_seconds; waited += slice) {
        signal = signals.wait(std::min(slice, runtime->config.poll_seconds - waited));
        if (signal == 0) sd_notify(0, "WATCHDOG=1");
      }
      if (signal == SIGTERM || signal == SIGINT) break;
      reload_rules_if_changed(*runtime, log);
      if (signal == SIGHUP) {
        sd_notify(0, "RELOADING=1");
        log.info("SIGHUP: reloading {}", global.config_path);
        Config fresh;
        std::vector<std::string> errors;
        if (!load_config(global.config_path, &fresh, &errors)) {
          for (const auto& e : errors) log.error("{}", e);
          log.error("new config refused; the running config stays in force");
        } else {
          int code = 0;
          auto rebuilt = build_runtime(std::move(fresh), runtime->rules, log, &code);
          if (rebuilt) runtime = std::move(rebuilt);
          else log.error("new config refused: its store cannot be opened; the running config stays in force");
        }
        sd_notify(0, "READY=1");
      }
    }
    sd_notify(0, "STOPPING=1");
    log.info("ticketd stopping");
  });
}

}  // namespace ticketd
