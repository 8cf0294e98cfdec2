// Intake's thread first: the threads that work ahead of it or after it run
// at a lower scheduling priority, and each says what it is in `top -H`.
//
//   fetching ahead (download, prepare) ─▶ intake (critical path) ─▶ sender
//                                             checkpointer ──┘
//
// Why: intake's thread is the pipeline's critical path. On two cores shared
// with the IMAP server and the SMTP relay, it spent almost as long waiting
// for a core as it ran (issue 8, /proc/<pid>/task/<tid>/schedstat at 5,000
// mails: 5.4 s on a core, 4.8 s on the run queue). The other threads have
// slack: the fetching side runs up to its memory budget ahead and then waits
// for intake anyway, the sender and the checkpointer drain what intake left
// them. Given way to, intake ran sooner and the whole run took 7% less
// time, with less CPU (fewer switches).
//
// Contract: run_in_background(name) is called by a thread at its start, for
// itself. It adds kBackgroundNice to the thread's nice value (Linux: nice is
// per thread), up to 19, and names the thread (15 characters at most, the
// rest cut). Both are best effort: a failure changes only speed, so it is
// ignored. Raising a nice value needs no privilege; it is never lowered
// again, so the thread stays in the background until it ends.
//
// Under systemd, a service's cgroup shares the machine with other services
// by its CPU weight; nice orders ticketd's own threads within it, and only
// against other processes where no CPU controller is in place. Nice=
// in the unit file still moves the whole daemon.
#pragma once

#include <string_view>

namespace ticketd {

inline constexpr int kBackgroundNice = 5;

void run_in_background(std::string_view thread_name);

}  // namespace ticketd
