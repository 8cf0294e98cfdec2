#include "daemon/thread_priority.h"

#include <pthread.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string>

namespace ticketd {

void run_in_background(std::string_view thread_name) {
  // PRIO_PROCESS with a thread's id acts on that thread alone (Linux); the
  // calling thread's id, not the process's, which is intake's.
  const auto self = static_cast<id_t>(::syscall(SYS_gettid));
  errno = 0;
  const int now = ::getpriority(PRIO_PROCESS, self);
  if (errno == 0) (void)::setpriority(PRIO_PROCESS, self, std::min(19, now + kBackgroundNice));
  const std::string name(thread_name.substr(0, 15));  // the kernel's limit, 16 with the NUL
  (void)::pthread_setname_np(::pthread_self(), name.c_str());
}

}  // namespace ticketd
