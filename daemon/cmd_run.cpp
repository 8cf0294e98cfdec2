// `ticketd run [--once]`: the daemon. Each cycle polls every mailbox
// while a second thread sends what intake has queued
// (daemon/background_sender.h), then runs the timers and sends what is still
// due; between cycles it sleeps until the next poll, new
// mail announced by IMAP IDLE (daemon/mailbox_watch.h), or a signal
// (daemon/wakeup.h). SIGTERM/SIGINT finish the mail in hand and exit; SIGHUP reloads
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
#include <optional>
#include <random>

#include "daemon/background_sender.h"
#include "daemon/commands.h"
#include "daemon/imap_session.h"
#include "daemon/mail_intake.h"
#include "daemon/mailbox_account.h"
#include "daemon/mailbox_poller.h"
#include "daemon/mailbox_watch.h"
#include "daemon/memory_policy.h"
#include "daemon/metrics.h"
#include "daemon/outbox_worker.h"
#include "daemon/rules_loader.h"
#include "daemon/setup.h"
#include "daemon/smtp_session.h"
#include "daemon/timers.h"
#include "daemon/wakeup.h"
#include "daemon/wal_checkpointer.h"

namespace ticketd {

namespace {

// Everything built from one config; rebuilt whole on SIGHUP.
struct Runtime {
  Config config;
  // Declared before the stores whose commits wake it, so it outlives them.
  std::unique_ptr<Store> checkpoint_store;  // the checkpointer's own connection to the same file
  std::unique_ptr<WalCheckpointer> checkpointer;
  std::unique_ptr<Store> store;
  std::unique_ptr<Store> sender_store;  // the background sender's own connection to the same file
  TemplateSet templates;
  LoadedRules rules;
  std::string rules_fingerprint;  // of config.rules_dir when `rules` was loaded
  std::unique_ptr<MailIntake> intake;
  std::map<std::string, std::unique_ptr<ImapSession>> imap;  // by mailbox name
  std::map<std::string, std::unique_ptr<ImapSession>> imap_ahead;  // the same accounts, for fetching ahead
  std::unique_ptr<SmtpSession> smtp;
  std::vector<std::unique_ptr<MailboxWatch>> watches;  // daemon mode: IDLE per mailbox with `idle = true`
};

std::unique_ptr<Runtime> build_runtime(Config config, LoadedRules previous_rules, Log& log, int* exit_code) {
  auto runtime = std::make_unique<Runtime>();
  runtime->config = std::move(config);
  runtime->store = open_store_or_report(runtime->config, exit_code);
  if (!runtime->store) return nullptr;
  runtime->sender_store = open_store_or_report(runtime->config, exit_code);
  if (!runtime->sender_store) return nullptr;
  runtime->checkpoint_store = open_store_or_report(runtime->config, exit_code);
  if (!runtime->checkpoint_store) return nullptr;
  runtime->checkpointer = std::make_unique<WalCheckpointer>(*runtime->checkpoint_store, log);
  auto wal_grew = [checkpointer = runtime->checkpointer.get()](int frames) { checkpointer->wal_grew(frames); };
  runtime->store->on_commit_leave_checkpoints_to(wal_grew, WalCheckpointer::kCatchUpFrames);
  runtime->sender_store->on_commit_leave_checkpoints_to(wal_grew, WalCheckpointer::kCatchUpFrames);
  runtime->templates = load_templates_with_warnings(runtime->config);
  if (!runtime->config.rules_dir.empty()) runtime->rules_fingerprint = rules_fingerprint(runtime->config.rules_dir);
  runtime->rules = load_rules_or_keep(runtime->config, std::move(previous_rules), log);
  runtime->intake = std::make_unique<MailIntake>(runtime->config, *runtime->store, runtime->templates,
                                                 runtime->rules.get(), log);
  for (const auto& m : runtime->config.mailboxes) {
    if (m.url.empty()) continue;
    runtime->imap[m.name] = std::make_unique<ImapSession>(imap_account_of(m));
    runtime->imap_ahead[m.name] = std::make_unique<ImapSession>(runtime->imap[m.name]->account());
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
  bool server_failed = false;  // the last failure was the server's, not the store's

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
  bool mail_left_due = false;  // the last pass stopped after a full batch: more is due now
};

bool idling(const Runtime& rt, const std::string& mailbox) {
  for (const auto& watch : rt.watches) {
    if (watch->name() == mailbox) return watch->idling();
  }
  return false;
}

// What a send stage did (the background sender's, or the cycle's last
// pass), into the cycle's result and the SMTP server's backoff.
void take_send_result(const BackgroundSender::Result& sent, Runtime& rt, Backoff& smtp_state, CycleResult& result,
                      Log& log) {
  result.send_retries += sent.run.retried;
  if (sent.error) {
    result.store_trouble = true;
    log.error("outbox: the ticket store failed: {}", *sent.error);
  }
  if (sent.run.server_unreachable) {
    smtp_state.failed(now_seconds(), rt.config.poll_seconds);
    result.server_trouble = true;
    // The mail's own "retrying in" is not the whole story: the server
    // itself is backed off, and every queued mail waits for it.
    log.error("outbox: the SMTP server {} cannot be reached; queued mail waits (next try in {}s)",
              rt.config.smtp.url, smtp_state.next_try - now_seconds());
  } else if (!sent.error) {
    smtp_state.succeeded();
  }
}

// `drain`: the last pass sends everything due (`run --once`, which has no
// next cycle), not one batch.
CycleResult run_cycle(Runtime& rt, Log& log, Wakeup& signals, std::map<std::string, Backoff>& backoff,
                      std::mt19937_64& random, bool drain) {
  CycleResult result;
  Backoff& smtp_state = backoff["\x01smtp"];
  // Stage: send, beside the polling, unless the SMTP server is backed off.
  std::optional<BackgroundSender> sender;
  if (now_seconds() >= smtp_state.next_try && !signals.stop_pending()) {
    sender.emplace(*rt.sender_store, *rt.smtp, rt.config.outbox, log, random(),
                   [&signals] { return signals.stop_pending(); }, now_seconds);
  }
  for (const auto& mailbox : rt.config.mailboxes) {
    auto session = rt.imap.find(mailbox.name);
    if (session == rt.imap.end()) continue;
    if (signals.stop_pending()) return result;
    Backoff& state = backoff[mailbox.name];
    // An IDLE connection that is up proves the server is back: waiting out
    // the backoff would hold new mail for minutes after a server restart.
    if (now_seconds() < state.next_try && !(state.server_failed && idling(rt, mailbox.name))) continue;
    sd_notifyf(0, "WATCHDOG=1\nSTATUS=Polling %s", mailbox.name.c_str());
    try {
      PollRun run = poll_mailbox(
          mailbox, *session->second, rt.imap_ahead.at(mailbox.name).get(), *rt.store, *rt.intake, log,
          [&] {
            // A batch of thousands of mails can outlast WatchdogSec; each
            // mail taken is proof of life (sd_notify is one datagram).
            sd_notify(0, "WATCHDOG=1");
            if (sender) sender->mail_queued();
            return signals.stop_pending();
          },
          now_seconds);
      result.fetched += run.fetched;
      if (run.ok) {
        state.succeeded();
      } else {
        state.failed(now_seconds(), rt.config.poll_seconds);
        // A store that cannot write is not cured by the server being up:
        // it keeps its backoff even while IDLE is connected.
        state.server_failed = !run.store_failed;
        (run.store_failed ? result.store_trouble : result.server_trouble) = true;
        log.error("{}: {} (next try in {}s)", mailbox.name, run.error, state.next_try - now_seconds());
      }
    } catch (const StoreError& e) {
      result.store_trouble = true;
      state.failed(now_seconds(), rt.config.poll_seconds);
      state.server_failed = false;
      log.error("{}: the ticket store failed, nothing marked processed: {} (next try in {}s)", mailbox.name,
                e.what(), state.next_try - now_seconds());
    }
  }
  if (sender) {
    take_send_result(sender->finish(), rt, smtp_state, result, log);
    sender.reset();
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
  // Stage: the cycle's last pass: the timers' mail, and intake's last. A
  // full batch means more is due (a backlog the background sender did not
  // finish, or a queue held by an SMTP outage): `run --once` goes on until
  // it is sent; the daemon starts its next cycle at once instead of
  // sleeping, so the queue drains batch by batch with a poll for new mail
  // between batches, not one batch per poll interval.
  while (now_seconds() >= smtp_state.next_try && !signals.stop_pending()) {
    sd_notify(0, "WATCHDOG=1\nSTATUS=Sending outbox");
    BackgroundSender::Result sent;
    try {
      sent.run = send_due_mail(*rt.store, *rt.smtp, rt.config.outbox, log, now_seconds(), random);
    } catch (const StoreError& e) {
      sent.error = e.what();
    }
    take_send_result(sent, rt, smtp_state, result, log);
    const auto handled = static_cast<std::size_t>(sent.run.sent + sent.run.retried + sent.run.failed);
    if (sent.error || sent.run.server_unreachable || handled < rt.config.outbox.batch) break;
    if (!drain) {
      result.mail_left_due = true;
      break;
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

// Daemon mode: one IMAP IDLE watch per mailbox that has a server and does
// not say `idle = false`. They connect at the first wait.
void watch_mailboxes(Runtime& rt, Log& log) {
  rt.watches.clear();
  for (const auto& m : rt.config.mailboxes) {
    if (m.url.empty() || !m.idle) continue;
    rt.watches.push_back(std::make_unique<MailboxWatch>(m, rt.config.poll_seconds, log));
  }
}

// Between two cycles: sleeps until the next poll (poll_seconds after the
// last cycle ended), new mail on an IDLE connection, or a signal. The sleep
// is cut into slices of half the watchdog interval (when systemd set one),
// pinging between slices: a poll_seconds longer than WatchdogSec must not
// get an idle daemon killed.
Wakeup::Woken sleep_between_cycles(Runtime& rt, Wakeup& wakeup) {
  using Clock = std::chrono::steady_clock;
  const auto next_poll = Clock::now() + std::chrono::seconds(rt.config.poll_seconds);
  auto slice = std::chrono::seconds(rt.config.poll_seconds);
  std::uint64_t watchdog_usec = 0;
  if (sd_watchdog_enabled(0, &watchdog_usec) > 0) {
    slice = std::chrono::seconds(std::max<std::int64_t>(1, static_cast<std::int64_t>(watchdog_usec / 2000000)));
  }
  std::vector<WakeSource*> sources;
  for (auto& watch : rt.watches) sources.push_back(watch.get());
  for (;;) {
    Wakeup::Woken woken = wakeup.wait(std::min(next_poll, Clock::now() + slice), sources);
    if (woken.reason != Wakeup::Reason::deadline || Clock::now() >= next_poll) return woken;
    sd_notify(0, "WATCHDOG=1");
  }
}

// Going idle: merges what intake left of the search index's segments
// (store.h, tidy_search_index), a bounded number of steps (a few tens of
// milliseconds) so that new mail or a signal waits at most that long; the
// next idle moment goes on where this one stopped.
void tidy_search_index_a_while(Store& store, Log& log) {
  constexpr int kStepsPerIdle = 16;
  try {
    for (int step = 0; step < kStepsPerIdle && store.tidy_search_index(); ++step) {
    }
  } catch (const StoreError& e) {
    log.warning("search index not tidied (searches still find everything; tried again when next idle): {}", e.what());
  }
}

}  // namespace

void add_run_command(CLI::App& app, GlobalOptions& global) {
  auto* cmd = app.add_subcommand("run", "the daemon: poll mailboxes, make tickets, send mail");
  auto once = std::make_shared<bool>(false);
  cmd->add_flag("--once", *once, "one full cycle (poll every mailbox, send the outbox), then exit");
  cmd->callback([&global, once] {
    keep_freed_memory_for_reuse();  // before any thread starts (daemon/memory_policy.h)
    Log log;
    Wakeup signals;
    auto config = load_config_or_report(global.config_path, &global.exit_code);
    if (!config) return;
    auto runtime = build_runtime(*config, nullptr, log, &global.exit_code);
    // Daemon mode: a store that cannot be opened (a file system full or
    // read-only, a mount not there yet) is tried again, saying so, instead
    // of exiting; no mail is taken meanwhile, so none can be lost. The wait
    // stays under half of the unit's WatchdogSec (120 s), pinging after it.
    for (int failures = 0; !runtime && !*once && global.exit_code == kExitUnreachable;) {
      const std::int64_t delay = std::min<std::int64_t>(30, config->poll_seconds << std::min(failures++, 10));
      log.error("the ticket store cannot be opened; no mail is taken until it can (next try in {}s)", delay);
      sd_notifyf(0, "READY=1\nWATCHDOG=1\nSTATUS=Waiting for the ticket store %s", config->store_path.c_str());
      Wakeup::Woken woken = signals.wait(std::chrono::steady_clock::now() + std::chrono::seconds(delay), {});
      if (woken.reason == Wakeup::Reason::signal && woken.signal != SIGHUP) {
        global.exit_code = 0;  // stopped on request
        return;
      }
      global.exit_code = 0;
      runtime = build_runtime(*config, nullptr, log, &global.exit_code);
    }
    if (!runtime) return;
    std::map<std::string, Backoff> backoff;
    std::mt19937_64 random{std::random_device{}()};
    if (*once) {
      RunCounters counters;
      auto started = std::chrono::steady_clock::now();
      CycleResult result = run_cycle(*runtime, log, signals, backoff, random, /*drain=*/true);
      publish_metrics(*runtime, counters, result, seconds_since(started), log);
      if (result.server_trouble || result.store_trouble) global.exit_code = kExitUnreachable;
      return;
    }
    log.info("ticketd running: {} mailbox(es), polling every {}s", runtime->config.mailboxes.size(),
             runtime->config.poll_seconds);
    watch_mailboxes(*runtime, log);
    sd_notify(0, "READY=1");
    RunCounters counters;
    for (;;) {
      auto started = std::chrono::steady_clock::now();
      CycleResult cycle = run_cycle(*runtime, log, signals, backoff, random, /*drain=*/false);
      publish_metrics(*runtime, counters, cycle, seconds_since(started), log);
      sd_notify(0, "WATCHDOG=1\nSTATUS=Waiting for mail");
      // More mail due to be sent: only a pending signal is taken, no sleep.
      // Otherwise the daemon goes idle, and gives back what it freed first.
      int signal = 0;
      if (cycle.mail_left_due) {
        signal = signals.wait(std::chrono::steady_clock::now(), {}).signal;
      } else {
        tidy_search_index_a_while(*runtime->store, log);
        give_back_freed_memory();
        signal = sleep_between_cycles(*runtime, signals).signal;
      }
      sd_notify(0, "WATCHDOG=1");
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
          if (rebuilt) {
            runtime = std::move(rebuilt);
            watch_mailboxes(*runtime, log);
          } else log.error("new config refused: its store cannot be opened; the running config stays in force");
        }
        sd_notify(0, "READY=1");
      }
    }
    sd_notify(0, "STOPPING=1");
    log.info("ticketd stopping");
  });
}

}  // namespace ticketd
