#include "parser/sha256.h"

#include <catch2/catch.hpp>

#include <string>

using ticketd::Sha256;
using ticketd::sha256_hex;

TEST_CASE("attachment hashes match the FIPS 180-4 test vectors", "[sha256]") {
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(sha256_hex(std::string(1000000, 'a')) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("hashing in pieces gives the same digest as hashing at once", "[sha256]") {
  std::string data;
  for (int i = 0; i < 1000; ++i) data += static_cast<char>(i * 7);
  std::string whole = sha256_hex(data);
  for (std::size_t step : {1u, 3u, 63u, 64u, 65u, 200u}) {
    Sha256 h;
    for (std::size_t i = 0; i < data.size(); i += step) h.update(std::string_view(data).substr(i, step));
    auto digest = h.finish();
    std::string hex;
    for (auto b : digest) {
      const char* k = "0123456789abcdef";
      hex += k[b >> 4];
      hex += k[b & 15];
    }
    CHECK(hex == whole);
  }
}
