// libFuzzer target: any bytes through parse_mail, under ASan and UBSan, with
// the promises of parser/message.h checked on every result. Small limits make
// the depth, part and header bounds reachable from small inputs.
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "../unit/parser/message_promises.h"
#include "parser/mail_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view raw(reinterpret_cast<const char*>(data), size);
  for (int round = 0; round < 2; ++round) {
    ticketd::ParseLimits limits;
    if (round == 1) {
      limits.max_header_bytes = 64;
      limits.max_header_count = 8;
      limits.max_mime_depth = 3;
      limits.max_mime_parts = 6;
      limits.max_attachment_bytes = 16;
      limits.max_body_bytes = 100;
    }
    ticketd::Message m = ticketd::parse_mail(raw, 1700000000, limits);
    std::string broken = ticketd::testing::broken_promise(m);
    if (!broken.empty()) {
      std::fprintf(stderr, "broken promise: %s\n", broken.c_str());
      std::abort();
    }
  }
  return 0;
}
