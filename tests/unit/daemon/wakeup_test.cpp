// Wakeup: the daemon's sleep between cycles ends on a signal, on news from a
// source (what an IMAP IDLE connection is to the daemon), or at the next
// poll, and never loses news a source already holds.
#include "daemon/wakeup.h"

#include <catch2/catch.hpp>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <thread>

namespace ticketd {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// A source fed through a pipe, like an IDLE socket; `held` stands for news
// already read into a buffer, where poll() cannot see it.
class PipeSource : public WakeSource {
 public:
  PipeSource() {
    REQUIRE(::pipe2(fds_, O_NONBLOCK | O_CLOEXEC) == 0);
  }
  ~PipeSource() override {
    ::close(fds_[0]);
    ::close(fds_[1]);
  }
  void announce() { REQUIRE(::write(fds_[1], "x", 1) == 1); }

  int fd() const override { return fds_[0]; }
  bool check(Clock::time_point now) override {
    ++checks;
    bool news = held;
    held = false;
    char buffer[64];
    while (::read(fds_[0], buffer, sizeof buffer) > 0) news = true;
    if (now >= due_at) {
      news = true;
      due_at = Clock::time_point::max();
    }
    return news;
  }
  Clock::time_point due() const override { return due_at; }

  bool held = false;
  Clock::time_point due_at = Clock::time_point::max();
  int checks = 0;

 private:
  int fds_[2];
};

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

TEST_CASE("with no mail and no signal the daemon sleeps until the next poll") {
  Wakeup wakeup;
  PipeSource quiet;
  auto start = Clock::now();
  auto woken = wakeup.wait(start + 200ms, {&quiet});
  CHECK(woken.reason == Wakeup::Reason::deadline);
  CHECK(seconds_since(start) >= 0.2);
  CHECK(seconds_since(start) < 1.0);
}

TEST_CASE("new mail announced while the daemon sleeps wakes it at once") {
  Wakeup wakeup;
  PipeSource idle;
  auto start = Clock::now();
  std::thread server([&] {
    std::this_thread::sleep_for(100ms);
    idle.announce();
  });
  auto woken = wakeup.wait(start + 10s, {&idle});
  server.join();
  CHECK(woken.reason == Wakeup::Reason::news);
  CHECK(seconds_since(start) < 1.0);
  // Taken: the same news does not wake the next sleep.
  CHECK(wakeup.wait(Clock::now() + 50ms, {&idle}).reason == Wakeup::Reason::deadline);
}

TEST_CASE("news a source already holds ends the sleep though its socket is quiet") {
  Wakeup wakeup;
  PipeSource idle;
  idle.held = true;  // e.g. an EXISTS line read together with an earlier line
  auto start = Clock::now();
  CHECK(wakeup.wait(start + 10s, {&idle}).reason == Wakeup::Reason::news);
  CHECK(seconds_since(start) < 0.5);
}

TEST_CASE("mail announced during a cycle ends the next sleep at once") {
  Wakeup wakeup;
  PipeSource idle;
  idle.announce();  // nobody was waiting
  auto start = Clock::now();
  CHECK(wakeup.wait(start + 10s, {&idle}).reason == Wakeup::Reason::news);
  CHECK(seconds_since(start) < 0.5);
}

TEST_CASE("every source is asked, so news from two mailboxes wakes the daemon once") {
  Wakeup wakeup;
  PipeSource first, second;
  first.announce();
  second.announce();
  CHECK(wakeup.wait(Clock::now() + 10s, {&first, nullptr, &second}).reason == Wakeup::Reason::news);
  CHECK(wakeup.wait(Clock::now() + 50ms, {&first, &second}).reason == Wakeup::Reason::deadline);
}

TEST_CASE("a source is asked at its due time even when its socket stays quiet") {
  Wakeup wakeup;
  PipeSource reconnecting;
  auto start = Clock::now();
  reconnecting.due_at = start + 150ms;  // e.g. the next IDLE reconnect
  CHECK(wakeup.wait(start + 10s, {&reconnecting}).reason == Wakeup::Reason::news);
  CHECK(seconds_since(start) >= 0.15);
  CHECK(seconds_since(start) < 1.0);
}

TEST_CASE("a signal sent while the daemon sleeps wakes it and says which") {
  Wakeup wakeup;
  PipeSource idle;
  auto start = Clock::now();
  // To this thread: a process-wide signal could land in another thread of
  // the test binary that does not block it.
  const pthread_t daemon_thread = ::pthread_self();
  std::thread systemd([daemon_thread] {
    std::this_thread::sleep_for(100ms);
    ::pthread_kill(daemon_thread, SIGHUP);
  });
  auto woken = wakeup.wait(start + 10s, {&idle});
  systemd.join();
  CHECK(woken.reason == Wakeup::Reason::signal);
  CHECK(woken.signal == SIGHUP);
  CHECK(seconds_since(start) < 1.0);
}

TEST_CASE("SIGTERM during a cycle is seen between mails and ends the next sleep") {
  Wakeup wakeup;
  ::raise(SIGTERM);  // blocked: stays pending
  CHECK(wakeup.stop_pending());
  CHECK(wakeup.stop_pending());  // looking does not take it
  auto woken = wakeup.wait(Clock::now() + 10s, {});
  CHECK(woken.reason == Wakeup::Reason::signal);
  CHECK(woken.signal == SIGTERM);
  CHECK_FALSE(wakeup.stop_pending());
}

TEST_CASE("a signal wins over news at the same moment, and the news is kept") {
  Wakeup wakeup;
  PipeSource idle;
  idle.announce();
  ::raise(SIGHUP);
  auto first = wakeup.wait(Clock::now() + 10s, {&idle});
  CHECK(first.reason == Wakeup::Reason::signal);
  CHECK(first.signal == SIGHUP);
  CHECK(wakeup.wait(Clock::now() + 10s, {&idle}).reason == Wakeup::Reason::news);
}

}  // namespace
}  // namespace ticketd
