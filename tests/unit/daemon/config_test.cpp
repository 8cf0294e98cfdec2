#include "daemon/config.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace ticketd;

namespace {

struct ConfigDir {
  std::filesystem::path path;
  ConfigDir() {
    char pattern[] = "/tmp/ticketd-config-XXXXXX";
    path = mkdtemp(pattern);
    std::ofstream(path / "support.pass") << "s3cret-imap\n";
  }
  ~ConfigDir() { std::filesystem::remove_all(path); }
  std::string write(const std::string& text) {
    auto file = (path / "ticketd.toml").string();
    std::ofstream(file) << text;
    return file;
  }
};

const char* kValid = R"(
[store]
path = "tickets.db"

[smtp]
url = "smtp://127.0.0.1:2525"

[[mailbox]]
name = "support"
url = "imaps://mail.example.com"
user = "support"
password_file = "support.pass"
folder = "已处理"
address = "support@example.com"
)";

}  // namespace

TEST_CASE("a valid config is read, with relative paths resolved and the password read from its file") {
  ConfigDir dir;
  auto file = dir.write(kValid);
  Config config;
  std::vector<std::string> errors;
  REQUIRE(load_config(file, &config, &errors));
  CHECK(config.store_path == (dir.path / "tickets.db").string());
  REQUIRE(config.mailboxes.size() == 1);
  CHECK(config.mailboxes[0].password == "s3cret-imap");
  CHECK(config.mailboxes[0].folder == "已处理");
  CHECK(config.hostname == "example.com");
}

TEST_CASE("a mailbox uses IMAP IDLE unless its config says idle = false") {
  ConfigDir dir;
  Config config;
  std::vector<std::string> errors;
  REQUIRE(load_config(dir.write(kValid), &config, &errors));
  CHECK(config.mailboxes.at(0).idle);
  Config polled;
  REQUIRE(load_config(dir.write(std::string(kValid) + "idle = false\n"), &polled, &errors));
  CHECK_FALSE(polled.mailboxes.at(0).idle);
}

TEST_CASE("a mailbox's size limit is 64 MB unless max_message_mb says otherwise, within 1 to 1024") {
  ConfigDir dir;
  Config config;
  std::vector<std::string> errors;
  REQUIRE(load_config(dir.write(kValid), &config, &errors));
  CHECK(config.mailboxes.at(0).max_message_mb == 64);
  Config small;
  REQUIRE(load_config(dir.write(std::string(kValid) + "max_message_mb = 5\n"), &small, &errors));
  CHECK(small.mailboxes.at(0).max_message_mb == 5);
  Config wrong;
  auto file = dir.write(std::string(kValid) + "max_message_mb = 0\n");
  CHECK_FALSE(load_config(file, &wrong, &errors));
  REQUIRE(errors.size() == 1);
  CHECK_THAT(errors[0], Catch::StartsWith(file + ":15:"));
  CHECK_THAT(errors[0], Catch::Contains("max_message_mb"));
}

TEST_CASE("an unknown key is an error with file, line and column") {
  ConfigDir dir;
  auto file = dir.write(std::string(kValid) + "\n[daemon]\npoll_secs = 5\n");
  Config config;
  std::vector<std::string> errors;
  CHECK_FALSE(load_config(file, &config, &errors));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0] == file + ":17:1: unknown key \"daemon.poll_secs\"");
}

TEST_CASE("a missing required key is an error naming the key") {
  ConfigDir dir;
  auto file = dir.write("[store]\npath = \"x.db\"\n[smtp]\nurl = \"smtp://h\"\n[[mailbox]]\nname = \"support\"\n");
  Config config;
  std::vector<std::string> errors;
  CHECK_FALSE(load_config(file, &config, &errors));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0] == file + ":5:1: missing required key \"mailbox.address\"");
}

TEST_CASE("a TOML syntax error is reported at its line and column") {
  ConfigDir dir;
  auto file = dir.write("[store]\npath = \"x.db\n");
  Config config;
  std::vector<std::string> errors;
  CHECK_FALSE(load_config(file, &config, &errors));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].rfind(file + ":2:", 0) == 0);
}

TEST_CASE("a wrong URL scheme and an unreadable password file are errors that never show a password") {
  ConfigDir dir;
  std::string text = kValid;
  text.replace(text.find("imaps://"), 8, "http://");
  text.replace(text.find("support.pass"), 12, "missing.pass");
  auto file = dir.write(text);
  Config config;
  std::vector<std::string> errors;
  CHECK_FALSE(load_config(file, &config, &errors));
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].find("must start with imap:// or imaps://") != std::string::npos);
  CHECK(errors[1].find("cannot read password file") != std::string::npos);
  for (const auto& e : errors) CHECK(e.find("s3cret") == std::string::npos);
}

TEST_CASE("agents and groups are read from the config") {
  ConfigDir dir;
  std::ofstream(dir.path / "reply.key") << "0123456789abcdef0123456789abcdef\n";  // agents need a signing key
  auto file = dir.write(std::string(kValid) + R"(
[security]
secret_file = "reply.key"

[[agent]]
name = "wang.fang"
addresses = ["wang.fang@example.com"]
groups = ["billing"]
skills = ["chinese"]
away = true

[[group]]
name = "billing"
lead = "wang.fang"
)");
  Config config;
  std::vector<std::string> errors;
  REQUIRE(load_config(file, &config, &errors));
  REQUIRE(config.agent("wang.fang"));
  CHECK(config.agent("wang.fang")->away);
  CHECK(config.agent("wang.fang")->skills == std::vector<std::string>{"chinese"});
  CHECK(config.groups.at(0).lead == "wang.fang");
}
