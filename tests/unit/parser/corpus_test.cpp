// The test mails of tests/corpus/mail/ (written by generate.py there, one per
// client and charset a support desk meets) against what a person must see,
// NAME.expected.json beside each NAME.eml. Only the keys present are checked.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "parser/mail_parser.h"
#include "parser/delivery_status.h"
#include "parser/sha256.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string iso8601(std::int64_t seconds) {
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

std::vector<std::string> addresses(const std::vector<ticketd::Address>& list) {
  std::vector<std::string> out;
  for (const auto& a : list) out.push_back(a.address);
  return out;
}

void check_mail(const std::string& name, const ticketd::Message& m, const json& want) {
  INFO("mail " << name);
  auto str = [&](const char* key) { return want.at(key).get<std::string>(); };
  if (want.contains("subject")) CHECK(m.subject == str("subject"));
  if (want.contains("normalized_subject")) CHECK(m.normalized_subject == str("normalized_subject"));
  if (want.contains("message_id")) CHECK(m.message_id == str("message_id"));
  if (want.contains("in_reply_to")) CHECK(m.in_reply_to == str("in_reply_to"));
  if (want.contains("references")) CHECK(m.references == want["references"].get<std::vector<std::string>>());
  if (want.contains("from")) {
    CHECK(m.from.name == want["from"]["name"].get<std::string>());
    CHECK(m.from.address == want["from"]["address"].get<std::string>());
  }
  if (want.contains("to")) CHECK(addresses(m.to) == want["to"].get<std::vector<std::string>>());
  if (want.contains("cc")) CHECK(addresses(m.cc) == want["cc"].get<std::vector<std::string>>());
  if (want.contains("return_path")) CHECK(m.return_path == str("return_path"));
  if (want.contains("date")) {
    CHECK(m.date_from_header);
    CHECK(iso8601(m.date_utc) == str("date"));
  }
  if (want.contains("body")) CHECK(m.body == str("body"));
  if (want.contains("body_contains"))
    for (const auto& piece : want["body_contains"]) CHECK_THAT(m.body, Catch::Contains(piece.get<std::string>()));
  if (want.contains("body_excludes"))
    for (const auto& piece : want["body_excludes"])
      CHECK_THAT(m.body, !Catch::Contains(piece.get<std::string>()));
  if (want.contains("reply")) CHECK(m.reply == str("reply"));
  if (want.contains("attachments")) {
    const json& list = want["attachments"];
    REQUIRE(m.attachments.size() == list.size());
    for (std::size_t i = 0; i < list.size(); ++i) {
      const auto& a = m.attachments[i];
      CHECK(a.filename == list[i]["filename"].get<std::string>());
      CHECK(a.content_type == list[i]["content_type"].get<std::string>());
      CHECK(a.is_inline == list[i]["inline"].get<bool>());
      if (list[i].contains("size")) CHECK(a.size == list[i]["size"].get<std::uint64_t>());
      if (list[i].contains("sha256")) CHECK(a.sha256 == list[i]["sha256"].get<std::string>());
    }
  }
  if (want.contains("auto_generated") && want["auto_generated"].is_null()) {
    INFO("auto_generated: " << m.auto_generated.value_or(""));
    CHECK_FALSE(m.auto_generated.has_value());
  }
  if (want.contains("auto_generated_contains")) {
    REQUIRE(m.auto_generated.has_value());
    CHECK_THAT(*m.auto_generated, Catch::Contains(str("auto_generated_contains")));
  }
  if (want.contains("bounced_message_id")) CHECK(m.bounced_message_id == str("bounced_message_id"));
  if (want.contains("language")) CHECK(m.language == str("language"));
  if (want.contains("over_limits")) CHECK(m.over_limits == want["over_limits"].get<bool>());
}

}  // namespace

TEST_CASE("every test mail from real clients reads as its sender meant it", "[corpus]") {
  fs::path dir = fs::path(TICKETD_TEST_DATA) / "corpus" / "mail";
  std::vector<fs::path> mails;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.path().extension() == ".eml") mails.push_back(entry.path());
  std::sort(mails.begin(), mails.end());
  REQUIRE(mails.size() >= 20);
  for (const fs::path& eml : mails) {
    fs::path expected = eml;
    expected.replace_extension(".expected.json");
    REQUIRE(fs::exists(expected));
    json want = json::parse(read_file(expected));
    ticketd::Message m = ticketd::parse_mail(read_file(eml), 1700000000);
    check_mail(eml.stem().string(), m, want);
  }
}

TEST_CASE("parsed for intake, every test mail lists the same attachments without holding their bytes", "[corpus]") {
  // Intake keeps attachment bytes only inside the raw mail and asks the
  // parser for their size and hash alone (ParseLimits::keep_attachment_bytes).
  fs::path dir = fs::path(TICKETD_TEST_DATA) / "corpus" / "mail";
  ticketd::ParseLimits for_intake;
  for_intake.keep_attachment_bytes = false;
  std::size_t attachments = 0, delivery_results = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".eml") continue;
    const std::string raw = read_file(entry.path());
    const ticketd::Message full = ticketd::parse_mail(raw, 1700000000);
    const ticketd::Message lean = ticketd::parse_mail(raw, 1700000000, for_intake);
    INFO(entry.path().filename().string());
    REQUIRE(lean.attachments.size() == full.attachments.size());
    for (std::size_t i = 0; i < full.attachments.size(); ++i, ++attachments) {
      CHECK(lean.attachments[i].filename == full.attachments[i].filename);
      CHECK(lean.attachments[i].content_type == full.attachments[i].content_type);
      CHECK(lean.attachments[i].size == full.attachments[i].size);
      CHECK(lean.attachments[i].sha256 == full.attachments[i].sha256);
      CHECK(lean.attachments[i].sha256 == ticketd::sha256_hex(full.attachments[i].data));
      CHECK(lean.attachments[i].is_inline == full.attachments[i].is_inline);
      // A delivery report's status part is read from its bytes, and kept.
      if (!ticketd::is_delivery_status_type(full.attachments[i].content_type)) CHECK(lean.attachments[i].data.empty());
    }
    CHECK(lean.body == full.body);
    CHECK(lean.notes == full.notes);
    CHECK(lean.delivery_results.size() == full.delivery_results.size());
    delivery_results += lean.delivery_results.size();
  }
  CHECK(attachments >= 5);
  CHECK(delivery_results >= 1);  // the corpus has bounces
}
