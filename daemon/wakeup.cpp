#include "daemon/wakeup.h"

#include <poll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace ticketd {
namespace {

// Without a signalfd, poll() cannot see signals: sleep in slices this long
// and look for them between slices.
constexpr auto kSliceWithoutSignalFd = std::chrono::milliseconds(100);

// Milliseconds for poll(), rounded up so a wait never spins just short of
// its deadline.
int poll_millis(Wakeup::Clock::time_point now, Wakeup::Clock::time_point until) {
  if (until <= now) return 0;
  auto left = std::chrono::ceil<std::chrono::milliseconds>(until - now).count();
  return static_cast<int>(std::min<std::int64_t>(left, 1 << 30));
}

}  // namespace

Wakeup::Wakeup() {
  sigemptyset(&set_);
  sigaddset(&set_, SIGTERM);
  sigaddset(&set_, SIGINT);
  sigaddset(&set_, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set_, &previous_);
  signal_fd_ = signalfd(-1, &set_, SFD_NONBLOCK | SFD_CLOEXEC);
}

Wakeup::~Wakeup() {
  if (signal_fd_ >= 0) ::close(signal_fd_);
  pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
}

bool Wakeup::stop_pending() const {
  sigset_t pending;
  sigpending(&pending);
  return sigismember(&pending, SIGTERM) || sigismember(&pending, SIGINT);
}

// Takes one pending signal of the set, or returns 0. sigtimedwait rather
// than read(signal_fd_): it works whether or not the signalfd exists, and a
// signal taken this way no longer makes the signalfd readable.
int Wakeup::take_signal() {
  timespec zero{0, 0};
  int signal = sigtimedwait(&set_, nullptr, &zero);
  return signal > 0 ? signal : 0;
}

Wakeup::Woken Wakeup::wait(Clock::time_point deadline, const std::vector<WakeSource*>& sources) {
  std::vector<pollfd> fds;
  for (;;) {
    if (int signal = take_signal()) return {Reason::signal, signal};
    auto now = Clock::now();
    bool news = false;
    for (WakeSource* source : sources) {
      if (source && source->check(now)) news = true;  // every source drains, even after news
    }
    if (news) return {Reason::news, 0};
    now = Clock::now();
    if (now >= deadline) return {Reason::deadline, 0};

    Clock::time_point until = deadline;
    fds.clear();
    if (signal_fd_ >= 0) {
      fds.push_back({signal_fd_, POLLIN, 0});
    } else {
      until = std::min(until, now + kSliceWithoutSignalFd);
    }
    for (WakeSource* source : sources) {
      if (!source) continue;
      until = std::min(until, source->due());
      if (source->fd() >= 0) fds.push_back({source->fd(), POLLIN, 0});
    }
    // EINTR (a signal outside our set, e.g. SIGCHLD) or a readable fd: both
    // just lead to the checks at the top.
    ::poll(fds.data(), fds.size(), poll_millis(now, until));
  }
}

}  // namespace ticketd
