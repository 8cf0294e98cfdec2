#include "parser/safe_filename.h"

#include <catch2/catch.hpp>

#include <string>

using ticketd::safe_filename;

TEST_CASE("an attachment name never becomes a path", "[safe_filename]") {
  CHECK(safe_filename("../../etc/passwd", "x.bin") == "passwd");
  CHECK(safe_filename("C:\\Users\\bob\\invoice.pdf", "x.bin") == "invoice.pdf");
  CHECK(safe_filename("..", "x.bin") == "x.bin");
  CHECK(safe_filename("", "x.bin") == "x.bin");
  CHECK(safe_filename("dir/", "x.bin") == "x.bin");
  CHECK(safe_filename(".hidden", "x.bin") == "hidden");
}

TEST_CASE("control characters and disguising bidi overrides are removed from names", "[safe_filename]") {
  CHECK(safe_filename("a\nb\tc\x01.txt", "x") == "abc.txt");
  CHECK(safe_filename("photo\u202Egpj.exe", "x") == "photogpj.exe");
  CHECK(safe_filename("what?<>|.doc", "x") == "what____.doc");
}

TEST_CASE("Chinese attachment names are kept, long names keep their extension", "[safe_filename]") {
  CHECK(safe_filename("报价单.xlsx", "x") == "报价单.xlsx");
  std::string long_name;
  for (int i = 0; i < 100; ++i) long_name += "合同";
  long_name += ".pdf";
  std::string safe = safe_filename(long_name, "x");
  CHECK(safe.size() <= 200);
  CHECK(safe.substr(safe.size() - 4) == ".pdf");
  CHECK(safe.substr(0, 6) == "合同");
}
