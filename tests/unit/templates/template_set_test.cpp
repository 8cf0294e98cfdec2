#include "templates/template_set.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace ticketd;

namespace {

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    char pattern[] = "/tmp/ticketd-templates-XXXXXX";
    path = mkdtemp(pattern);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  void write(const std::string& name, const std::string& text) {
    std::filesystem::create_directories((path / name).parent_path());
    std::ofstream(path / name) << text;
  }
};

}  // namespace

TEST_CASE("the shipped templates load without errors in English, Simplified and Traditional Chinese") {
  TemplateSet set;
  std::vector<std::string> errors;
  CHECK(set.load(TemplateSet::default_dir(), &errors));
  CHECK(errors.empty());
  for (const char* language : {"en", "zh-CN", "zh-TW"}) CHECK(set.has("ack", language));
}

TEST_CASE("an acknowledgement is rendered in the customer's language with the ticket number") {
  TemplateSet set;
  std::vector<std::string> errors;
  set.load(TemplateSet::default_dir(), &errors);
  auto mail = set.render("ack", "zh-CN", {{"ticket_number", "1001"}, {"subject", "退款失败"}, {"customer_name", "李伟"}});
  CHECK(mail.subject == "[#1001] 退款失败");
  CHECK(mail.body.find("李伟") != std::string::npos);
  CHECK(mail.body.find("工单 #1001") != std::string::npos);
  CHECK(mail.fallback_reason.empty());
}

TEST_CASE("an unknown placeholder is reported with file, line and column") {
  TempDir dir;
  dir.write("en/ack.txt", "Subject: [#{ticket_number}] {subject}\n\nHello {customer_name},\nYour {tickt_number}\n");
  TemplateSet set;
  std::vector<std::string> errors;
  CHECK_FALSE(set.load(dir.path.string(), &errors));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0] == (dir.path / "en/ack.txt").string() + ":4:6: unknown placeholder {tickt_number}");
}

TEST_CASE("a broken template falls back to English, then to the built-in default, and says why") {
  TempDir dir;
  dir.write("en/ack.txt", "Subject: Ticket {ticket_number}\n\nEnglish body\n");
  TemplateSet set;
  std::vector<std::string> errors;
  set.load(dir.path.string(), &errors);
  auto english = set.render("ack", "zh-TW", {{"ticket_number", "7"}});
  CHECK(english.subject == "Ticket 7");
  CHECK(english.fallback_reason.find("zh-TW/ack.txt") != std::string::npos);
  auto builtin = set.render("status_resolved", "en", {{"ticket_number", "7"}, {"subject", "Hi"}});
  CHECK(builtin.subject.rfind("[#7] ", 0) == 0);
  CHECK(builtin.subject.find("Hi") != std::string::npos);
  CHECK(builtin.fallback_reason.find("built-in") != std::string::npos);
}

TEST_CASE("a placeholder value with a line break cannot break the subject line") {
  TemplateSet set;
  std::vector<std::string> errors;
  set.load(TemplateSet::default_dir(), &errors);
  auto mail = set.render("ack", "en", {{"ticket_number", "1"}, {"subject", "Hi\r\nBcc: victim@example.com"}});
  CHECK(mail.subject.find('\n') == std::string::npos);
  CHECK(mail.subject.find('\r') == std::string::npos);
}
