// run_in_background: the thread that calls it, and only that thread, gives
// way to intake's (a higher nice value) and carries a name `top -H` shows.
#include "daemon/thread_priority.h"

#include <catch2/catch.hpp>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string>
#include <thread>

namespace ticketd {
namespace {

int nice_of(pid_t thread) {
  errno = 0;
  const int nice = ::getpriority(PRIO_PROCESS, static_cast<id_t>(thread));
  REQUIRE(errno == 0);
  return nice;
}

pid_t this_thread_id() { return static_cast<pid_t>(::syscall(SYS_gettid)); }

std::string this_thread_name() {
  char name[16] = {};
  REQUIRE(::pthread_getname_np(::pthread_self(), name, sizeof name) == 0);
  return name;
}

TEST_CASE("a background thread runs at a lower priority, under its name, and the others do not") {
  const pid_t caller = this_thread_id();
  const int caller_nice = nice_of(caller);
  const std::string caller_name = this_thread_name();
  int before = 0, after = 0;
  std::string name;
  std::thread helper([&] {
    before = nice_of(this_thread_id());
    run_in_background("ticketd-fetch");
    after = nice_of(this_thread_id());
    name = this_thread_name();
  });
  helper.join();
  CHECK(after == std::min(19, before + kBackgroundNice));
  CHECK(after > before);  // kBackgroundNice is positive, and tests do not run at 19
  CHECK(name == "ticketd-fetch");
  // The process's other threads (intake's among them) keep their own.
  CHECK(nice_of(caller) == caller_nice);
  CHECK(this_thread_name() == caller_name);
}

TEST_CASE("a name longer than the kernel keeps is cut, not refused") {
  std::string name;
  std::thread helper([&] {
    run_in_background("ticketd-a-very-long-thread-name");
    name = this_thread_name();
  });
  helper.join();
  CHECK(name == "ticketd-a-very-");
}

}  // namespace
}  // namespace ticketd
