// MailPrefetcher and ImapSession::sizes() against a real Dovecot (tag
// [live]; see smtp_imap_live.h).
#include "daemon/mail_prefetcher.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include "parser/mail_parser.h"
#include "parser/sha256.h"
#include "tests/unit/daemon/smtp_imap_live.h"

namespace ticketd {
namespace {

using live::unique;

struct Folder {
  std::string name;
  Uidvalidity uidvalidity = 0;
  std::vector<std::uint32_t> uids;
  std::vector<std::string> raws;  // as appended, in UID order
};

// A fresh folder holding one mail per body size, selected on `imap`.
Folder folder_with_mails(ImapSession& imap, const std::vector<std::size_t>& body_sizes) {
  Folder f;
  f.name = unique("prefetch");
  std::string err;
  INFO(err);
  REQUIRE(imap.create_folder(f.name, &err));
  for (std::size_t i = 0; i < body_sizes.size(); ++i) {
    std::string body;
    for (std::size_t line = 0; body.size() < body_sizes[i]; ++line) body += "line " + std::to_string(line) + " of mail " + std::to_string(i) + "\r\n";
    f.raws.push_back(live::mail(unique("p" + std::to_string(i)), body));
    REQUIRE(imap.append(f.name, f.raws.back(), &err));
  }
  REQUIRE(imap.select(f.name, &f.uidvalidity, &err));
  REQUIRE(imap.search_unflagged("$Ticketd", &f.uids, &err));
  REQUIRE(f.uids.size() == body_sizes.size());
  return f;
}

TEST_CASE("the server tells each mail's size before it is downloaded", "[live][imap]") {
  ImapSession imap(live::imap_account());
  Folder f = folder_with_mails(imap, {10, 5000, 200000});
  std::vector<std::size_t> sizes;
  std::string err;
  INFO(err);
  REQUIRE(imap.sizes(f.uids, &sizes, &err));
  REQUIRE(sizes.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) CHECK(sizes[i] == f.raws[i].size());
}

TEST_CASE("the sizes of a backlog of thousands of mails are read", "[live][imap]") {
  // A size query answers one line per mail, which libcurl counts against
  // its cap on response headers: asked in one piece, a backlog of a few
  // hundred mails failed (and fetching ahead with it).
  ImapSession imap(live::imap_account());
  Folder f = folder_with_mails(imap, std::vector<std::size_t>(2500, 10));
  std::vector<std::size_t> sizes;
  std::string err;
  const bool ok = imap.sizes(f.uids, &sizes, &err);
  INFO(err);
  REQUIRE(ok);
  REQUIRE(sizes.size() == f.uids.size());
  for (std::size_t i = 0; i < sizes.size(); ++i) CHECK(sizes[i] == f.raws[i].size());
}

TEST_CASE("mails fetched ahead arrive in UID order, byte for byte", "[live][imap]") {
  ImapSession imap(live::imap_account());
  Folder f = folder_with_mails(imap, {100, 300000, 100, 2000000, 5000, 100});
  ImapSession second(live::imap_account());
  MailPrefetcher ahead(second, f.name, f.uidvalidity, f.uids);
  for (std::size_t i = 0; i < f.uids.size(); ++i) {
    std::string raw, why;
    std::optional<PreparedMail> prepared;
    INFO("mail " << i << ": " << why);
    REQUIRE(ahead.next(f.uids[i], &raw, &prepared, &why));
    CHECK(raw == f.raws[i]);
  }
}

TEST_CASE("fetching ahead holds no more than its budget, or one large mail alone", "[live][imap]") {
  ImapSession imap(live::imap_account());
  // Twenty 60 KB mails and one of 400 KB, with a budget of 200 KB: at most
  // three small ones are held at once, and the large one only by itself.
  std::vector<std::size_t> sizes(20, 60000);
  sizes.insert(sizes.begin() + 10, 400000);
  Folder f = folder_with_mails(imap, sizes);
  const std::size_t budget = 200000;
  ImapSession second(live::imap_account());
  MailPrefetcher ahead(second, f.name, f.uidvalidity, f.uids, {}, budget);
  for (std::size_t i = 0; i < f.uids.size(); ++i) {
    // A slow intake: the thread has every chance to run ahead.
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::string raw, why;
    std::optional<PreparedMail> prepared;
    INFO("mail " << i << ": " << why);
    REQUIRE(ahead.next(f.uids[i], &raw, &prepared, &why));
    CHECK(raw == f.raws[i]);
  }
  CHECK(ahead.peak_held_bytes() >= f.raws[10].size());  // the large mail was fetched, alone
  CHECK(ahead.peak_held_bytes() <= f.raws[10].size());
  CHECK(ahead.peak_held_bytes() > 2 * f.raws[0].size());  // small ones were queued ahead
}

TEST_CASE("mails prepared ahead come with their own parse and hash, and their text counts against the budget", "[live][imap]") {
  ImapSession imap(live::imap_account());
  std::vector<std::size_t> sizes(8, 60000);
  sizes.insert(sizes.begin() + 3, 100);
  Folder f = folder_with_mails(imap, sizes);
  const std::size_t budget = 100000;
  ImapSession second(live::imap_account());
  std::atomic<int> parsed_elsewhere{0};
  const auto intake_thread = std::this_thread::get_id();
  MailPrefetcher ahead(
      second, f.name, f.uidvalidity, f.uids,
      [&](std::string_view raw) {
        if (std::this_thread::get_id() != intake_thread) ++parsed_elsewhere;
        return PreparedMail{parse_mail(raw, 1700000000), sha256_hex(raw), std::nullopt};
      },
      budget);
  for (std::size_t i = 0; i < f.uids.size(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::string raw, why;
    std::optional<PreparedMail> prepared;
    INFO("mail " << i << ": " << why);
    REQUIRE(ahead.next(f.uids[i], &raw, &prepared, &why));
    CHECK(raw == f.raws[i]);
    REQUIRE(prepared);
    const Message expected = parse_mail(f.raws[i], 1700000000);
    CHECK(prepared->message.subject == expected.subject);
    CHECK(prepared->message.message_id == expected.message_id);
    CHECK(prepared->message.body == expected.body);
    CHECK(prepared->raw_sha256 == sha256_hex(f.raws[i]));
  }
  CHECK(parsed_elsewhere == static_cast<int>(f.uids.size()));
  // A 60 KB mail prepared ahead costs its raw bytes and its text (the body,
  // and the reply, which here is the whole body again): about 175 KB, more
  // than the budget of 100 KB by itself (counted by its raw bytes alone, it
  // would be 60 KB). A download starts when its raw size fits; the text it
  // turns out to have may then take what is held past the budget, by one
  // mail's text at most.
  auto text_bytes = [](const std::string& raw) {
    const Message m = parse_mail(raw, 1700000000);
    return m.body.size() + m.reply.size();
  };
  std::size_t largest_text = 0;
  for (const auto& raw : f.raws) largest_text = std::max(largest_text, text_bytes(raw));
  CHECK(ahead.peak_held_bytes() <= budget + largest_text);
  CHECK(ahead.peak_held_bytes() >= f.raws[0].size() + text_bytes(f.raws[0]));
}

TEST_CASE("mails kept ahead let their raw bytes go, and a large mail does not wait for their text to be taken", "[live][imap]") {
  ImapSession imap(live::imap_account());
  // Two 60 KB mails, then one of 400 KB, with a budget of 200 KB. Kept in the
  // mail log as they are prepared (as intake's prepare_and_keep() does), the
  // small ones hold only their text; the large one may start while that
  // text waits, instead of after intake took every mail before it.
  Folder f = folder_with_mails(imap, {60000, 60000, 400000, 100});
  const std::size_t budget = 200000;
  ImapSession second(live::imap_account());
  MailPrefetcher ahead(
      second, f.name, f.uidvalidity, f.uids,
      [&](std::string_view raw) {
        PreparedMail prepared{parse_mail(raw, 1700000000), sha256_hex(raw), KeptRawMail{}};
        // A short text, as most mails have beside their attachments.
        prepared.message.body.resize(std::min<std::size_t>(prepared.message.body.size(), 20000));
        prepared.message.reply.clear();
        prepared.kept->size = static_cast<std::int64_t>(raw.size());
        prepared.kept->sha256 = prepared.raw_sha256;
        return prepared;
      },
      budget);
  // Intake busy elsewhere: nothing is taken until the large mail is being
  // downloaded (the text of the two small ones and its raw bytes held at
  // once), or ten seconds passed.
  for (int waited = 0; waited < 1000 && ahead.peak_held_bytes() <= f.raws[2].size(); ++waited) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(ahead.peak_held_bytes() > f.raws[2].size());
  for (std::size_t i = 0; i < f.uids.size(); ++i) {
    std::string raw, why;
    std::optional<PreparedMail> prepared;
    INFO("mail " << i << ": " << why);
    REQUIRE(ahead.next(f.uids[i], &raw, &prepared, &why));
    CHECK(raw.empty());  // in the mail log: not held twice
    REQUIRE(prepared);
    REQUIRE(prepared->kept);
    CHECK(prepared->kept->size == static_cast<std::int64_t>(f.raws[i].size()));
    CHECK(prepared->message.message_id == parse_mail(f.raws[i], 1700000000).message_id);
  }
  // Never more than the budget beside the one large mail's raw bytes.
  CHECK(ahead.peak_held_bytes() <= budget + f.raws[2].size());
}

TEST_CASE("the session fetching ahead logs in once for many cycles", "[live][imap]") {
  ImapSession imap(live::imap_account());
  ImapSession second(live::imap_account());
  for (int cycle = 0; cycle < 3; ++cycle) {
    Folder f = folder_with_mails(imap, {100, 2000, 100});
    MailPrefetcher ahead(second, f.name, f.uidvalidity, f.uids);
    for (std::size_t i = 0; i < f.uids.size(); ++i) {
      std::string raw, why;
      std::optional<PreparedMail> prepared;
      INFO("cycle " << cycle << ", mail " << i << ": " << why);
      REQUIRE(ahead.next(f.uids[i], &raw, &prepared, &why));
      CHECK(raw == f.raws[i]);
    }
  }
  CHECK(second.connections_opened() == 1);
}

TEST_CASE("when the folder was recreated, fetching ahead stops and says so", "[live][imap]") {
  ImapSession imap(live::imap_account());
  Folder f = folder_with_mails(imap, {100, 100});
  ImapSession second(live::imap_account());
  MailPrefetcher ahead(second, f.name, f.uidvalidity + 1, f.uids);
  std::string raw, why;
  std::optional<PreparedMail> prepared;
  CHECK_FALSE(ahead.next(f.uids[0], &raw, &prepared, &why));
  CHECK_THAT(why, Catch::Contains("UIDVALIDITY"));
}

TEST_CASE("a mail someone moved away meanwhile stops fetching ahead at that mail", "[live][imap]") {
  ImapSession imap(live::imap_account());
  Folder f = folder_with_mails(imap, {100, 100, 100});
  std::string err;
  INFO(err);
  REQUIRE(imap.move(f.uids[1], unique("elsewhere"), &err));
  ImapSession second(live::imap_account());
  MailPrefetcher ahead(second, f.name, f.uidvalidity, f.uids);
  std::string raw, why;
  std::optional<PreparedMail> prepared;
  REQUIRE(ahead.next(f.uids[0], &raw, &prepared, &why));
  CHECK(raw == f.raws[0]);
  CHECK_FALSE(ahead.next(f.uids[1], &raw, &prepared, &why));
  CHECK_THAT(why, Catch::Contains("UID " + std::to_string(f.uids[1])));
}

}  // namespace
}  // namespace ticketd
