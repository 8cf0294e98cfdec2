// Every input the fuzzer ever crashed on (tests/corpus/regressions/) and
// every test mail is parsed again, with the default limits and with tiny
// ones, and must keep every promise of parser/message.h.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "parser/mail_parser.h"
#include "message_promises.h"

namespace fs = std::filesystem;

namespace {

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void check_folder(const fs::path& dir) {
  if (!fs::exists(dir)) return;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (!entry.is_regular_file() || entry.path().filename() == "README" || entry.path().extension() == ".json")
      continue;
    std::string raw = read_file(entry.path());
    ticketd::ParseLimits tiny;
    tiny.max_header_bytes = 64;
    tiny.max_header_count = 8;
    tiny.max_mime_depth = 3;
    tiny.max_mime_parts = 6;
    tiny.max_attachment_bytes = 16;
    tiny.max_body_bytes = 100;
    for (const ticketd::ParseLimits& limits : {ticketd::ParseLimits{}, tiny}) {
      ticketd::Message m = ticketd::parse_mail(raw, 1700000000, limits);
      INFO(entry.path().string());
      CHECK(ticketd::testing::broken_promise(m) == "");
    }
  }
}

}  // namespace

TEST_CASE("inputs that once crashed the parser now parse and keep every promise", "[regressions]") {
  check_folder(fs::path(TICKETD_TEST_DATA) / "corpus" / "regressions");
}

TEST_CASE("every test mail keeps every promise, whatever the limits", "[regressions]") {
  check_folder(fs::path(TICKETD_TEST_DATA) / "corpus" / "mail");
}
