// parse_bench: parse throughput of parse_mail on a set of mail files.
//
//   parse_bench [--repeat N] [--json] FILE_OR_DIR...
//
// Reads one mail at a time (so peak memory shows what one mail costs, not the
// sum of the set), parses it N times, and prints mails/s, MB/s (input bytes),
// the largest mail and the process's peak resident memory. Times are CPU
// time of the process. bench/parse_vs_python
// runs it beside Python's email package on the same files.
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "parser/mail_parser.h"

namespace fs = std::filesystem;

namespace {

// One exact-size buffer: a stringstream would hold the mail two or three
// times over and blur the peak memory figure.
std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::string raw(fs::file_size(p), '\0');
  in.read(raw.data(), static_cast<std::streamsize>(raw.size()));
  raw.resize(static_cast<std::size_t>(in.gcount()));
  return raw;
}

// CPU time of this process: the machine is shared, wall time would measure
// the neighbours too. Python's side (bench/parse_vs_python) uses process_time.
std::chrono::duration<double> cpu_now() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return std::chrono::duration<double>(ts.tv_sec + ts.tv_nsec / 1e9);
}

long peak_rss_kb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

}  // namespace

int main(int argc, char** argv) {
  int repeat = 3;
  bool json = false;
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--repeat") == 0 && i + 1 < argc) {
      repeat = std::max(1, std::atoi(argv[++i]));
    } else if (std::strcmp(argv[i], "--json") == 0) {
      json = true;
    } else if (fs::is_directory(argv[i])) {
      for (const auto& e : fs::directory_iterator(argv[i]))
        if (e.is_regular_file()) files.push_back(e.path());
    } else {
      files.emplace_back(argv[i]);
    }
  }
  if (files.empty()) {
    std::fprintf(stderr, "usage: parse_bench [--repeat N] [--json] FILE_OR_DIR...\n");
    return 2;
  }
  std::sort(files.begin(), files.end());
  long rss_before = peak_rss_kb();
  std::uint64_t bytes = 0, mails = 0, largest = 0, checksum = 0;
  double seconds = 0;
  for (const fs::path& path : files) {
    std::string raw = read_file(path);
    largest = std::max<std::uint64_t>(largest, raw.size());
    for (int r = 0; r < repeat; ++r) {
      auto start = cpu_now();
      ticketd::Message m = ticketd::parse_mail(raw, 1700000000);
      seconds += (cpu_now() - start).count();
      checksum += m.body.size() + m.attachments.size();  // keeps the work observable
      bytes += raw.size();
      ++mails;
    }
  }
  double mb = bytes / 1e6;
  long rss = peak_rss_kb();
  if (json) {
    std::printf("{\"mails\": %llu, \"bytes\": %llu, \"seconds\": %.6f, \"mails_per_s\": %.1f, \"mb_per_s\": %.2f, "
                "\"largest_mail_mb\": %.2f, \"peak_rss_mb\": %.1f, \"rss_at_start_mb\": %.1f, \"checksum\": %llu}\n",
                static_cast<unsigned long long>(mails), static_cast<unsigned long long>(bytes), seconds,
                mails / seconds, mb / seconds, largest / 1e6, rss / 1024.0, rss_before / 1024.0,
                static_cast<unsigned long long>(checksum));
  } else {
    std::printf("parse_mail: %llu mails (%zu files x %d), %.1f MB in %.3f s\n", static_cast<unsigned long long>(mails),
                files.size(), repeat, mb, seconds);
    std::printf("  %.1f mails/s, %.1f MB/s\n", mails / seconds, mb / seconds);
    std::printf("  largest mail %.1f MB, peak RSS %.1f MB\n", largest / 1e6, rss / 1024.0);
  }
  return 0;
}
