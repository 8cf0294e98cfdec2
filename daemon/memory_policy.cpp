#include "daemon/memory_policy.h"

#include <malloc.h>

namespace ticketd {

void keep_freed_memory_for_reuse() {
  mallopt(M_ARENA_MAX, 2);
  mallopt(M_MMAP_THRESHOLD, static_cast<int>(kMapAbove));
  mallopt(M_TRIM_THRESHOLD, static_cast<int>(kTrimAbove));
}

void give_back_freed_memory() { malloc_trim(0); }

}  // namespace ticketd
