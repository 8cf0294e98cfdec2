// The daemon's malloc policy: mail-sized buffers freed during a cycle stay
// in the process for the next mail, and go back to the system when the
// daemon gives them back before it sleeps. Measured as the process's
// resident memory, which is what an admin's `top` shows.
#include "daemon/memory_policy.h"

#include <catch2/catch.hpp>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

namespace ticketd {
namespace {

// AddressSanitizer replaces malloc, whose policy then cannot be seen: the
// sanitizer build of the tests leaves this one out, the plain build runs it.
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TICKETD_MALLOC_REPLACED 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define TICKETD_MALLOC_REPLACED 1
#endif

#ifndef TICKETD_MALLOC_REPLACED
double resident_mib() {
  long pages_total = 0, pages_resident = 0;
  std::FILE* statm = std::fopen("/proc/self/statm", "r");
  REQUIRE(statm != nullptr);
  REQUIRE(std::fscanf(statm, "%ld %ld", &pages_total, &pages_resident) == 2);
  std::fclose(statm);
  return static_cast<double>(pages_resident) * static_cast<double>(::sysconf(_SC_PAGESIZE)) / (1 << 20);
}

TEST_CASE("freed mail buffers stay for the next mail until the daemon gives them back") {
  keep_freed_memory_for_reuse();
  constexpr int kBuffers = 24;  // 1 MiB each: over malloc's default 128 KB mapping threshold
  give_back_freed_memory();     // what earlier tests freed would otherwise serve these buffers
  const double before = resident_mib();
  {
    std::vector<std::unique_ptr<char[]>> buffers;
    for (int i = 0; i < kBuffers; ++i) {
      buffers.push_back(std::make_unique<char[]>(1 << 20));
      std::memset(buffers.back().get(), 'x', 1 << 20);  // resident, as a downloaded mail is
    }
  }
  const double freed = resident_mib();
  // Kept: by default each buffer was its own mapping, unmapped on free.
  CHECK(freed - before > kBuffers * 0.75);
  give_back_freed_memory();
  const double given_back = resident_mib();
  CHECK(freed - given_back > kBuffers * 0.75);
}
#endif

}  // namespace
}  // namespace ticketd
