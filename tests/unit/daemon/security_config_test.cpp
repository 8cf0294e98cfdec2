// [security] in the config (issue 6): the signing key for reply tokens.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "daemon/config.h"

using namespace ticketd;

namespace {

struct KeyDir {
  std::filesystem::path path;
  KeyDir() {
    char pattern[] = "/tmp/ticketd-security-XXXXXX";
    path = mkdtemp(pattern);
  }
  ~KeyDir() { std::filesystem::remove_all(path); }
  std::string write(const std::string& name, const std::string& text) {
    auto file = (path / name).string();
    std::ofstream(file, std::ios::binary) << text;
    return file;
  }
};

const char* kBase = R"(
[store]
path = "tickets.db"

[smtp]
url = "smtp://127.0.0.1:2525"

[[mailbox]]
name = "support"
address = "support@example.com"

[[agent]]
name = "bob"
addresses = ["bob@example.com"]
language = "zh-CN"
)";

}  // namespace

TEST_CASE("the signing key is read from the secret file the config names, relative to the config") {
  KeyDir dir;
  dir.write("reply.key", "0123456789abcdef0123456789abcdef\n");
  auto file = dir.write("ticketd.toml", std::string(kBase) + "\n[security]\nsecret_file = \"reply.key\"\n");
  Config config;
  std::vector<std::string> errors;
  REQUIRE(load_config(file, &config, &errors));
  CHECK(config.security.secret == "0123456789abcdef0123456789abcdef");
  CHECK(config.security.secret_file == (dir.path / "reply.key").string());
  REQUIRE(config.agents.size() == 1);
  CHECK(config.agents[0].language == "zh-CN");
}

TEST_CASE("agents without a [security] secret file are a config error, because their replies carry powers") {
  KeyDir dir;
  auto file = dir.write("ticketd.toml", kBase);
  Config config;
  std::vector<std::string> errors;
  CHECK_FALSE(load_config(file, &config, &errors));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].find(":1:1: agents are configured, so [security] secret_file is needed") != std::string::npos);
}

TEST_CASE("a short or missing secret file is refused, naming the file and never its content") {
  KeyDir dir;
  dir.write("short.key", "tiny-secret\n");
  auto file = dir.write("ticketd.toml", std::string(kBase) + "\n[security]\nsecret_file = \"short.key\"\n");
  Config config;
  std::vector<std::string> errors;
  CHECK_FALSE(load_config(file, &config, &errors));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].find("at least 16 bytes") != std::string::npos);
  CHECK(errors[0].find("tiny-secret") == std::string::npos);

  file = dir.write("ticketd.toml", std::string(kBase) + "\n[security]\nsecret_file = \"nowhere.key\"\n");
  errors.clear();
  CHECK_FALSE(load_config(file, &config, &errors));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].find("cannot read secret file") != std::string::npos);
  INFO(errors[0]);
  CHECK(errors[0].find("ticketd.toml:18:") != std::string::npos);  // at the secret_file line
}
