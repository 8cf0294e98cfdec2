// How `ticketd run` asks the C library's malloc to manage memory: few
// arenas, and freed mail buffers kept for the next mail while a cycle runs,
// given back to the system when the daemon goes idle.
//
// Why: a mail's buffers are large (its raw bytes, its text, attachments of
// several MB), and malloc by default maps each one over 128 KB to fresh
// pages and unmaps it on free, so every mail faulted in its memory page by
// page again (16% of the download thread's time at 5,000 mails, issue 8),
// and freed memory at the top of a heap went back to the system only to be
// asked for again. Kept and reused instead, the run took 0.3-0.6 s less
// (bench/README.md), and peak RSS was no higher (51-52 MiB against 58).
//
// Contract:
//  - keep_freed_memory_for_reuse() is called once, before any thread
//    starts: at most two malloc arenas (each thread's arena kept its own
//    freed multi-MB buffers: peak RSS 82 MiB at 5,000 mails with one per
//    thread, 70 with two); blocks up to kMapAbove come from the heaps and
//    are reused, larger ones are mapped and unmapped as before; the heaps
//    shrink only past kTrimAbove of free memory at their top.
//  - give_back_freed_memory() returns what the heaps hold free to the
//    system; the daemon calls it before it sleeps between cycles, so a
//    burst of large mail does not leave the process large while idle.
#pragma once

#include <cstddef>

namespace ticketd {

inline constexpr std::size_t kMapAbove = std::size_t{32} << 20;   // glibc's largest allowed on 64-bit
inline constexpr std::size_t kTrimAbove = std::size_t{64} << 20;

void keep_freed_memory_for_reuse();
void give_back_freed_memory();

}  // namespace ticketd
