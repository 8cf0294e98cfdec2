// Full-text search over tickets and messages (issue 7): Chinese and English,
// short Chinese words, ranking, and similar resolved tickets.
#include <algorithm>
#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <filesystem>
#include <unistd.h>

#include "store/search_query.h"
#include "store/store.h"

using namespace ticketd;

namespace {

struct SearchStore {
  std::filesystem::path dir;
  std::unique_ptr<Store> store;
  SearchStore() {
    char pattern[] = "/tmp/ticketd-search-XXXXXX";
    dir = mkdtemp(pattern);
    store = std::make_unique<Store>((dir / "t.db").string());
  }
  ~SearchStore() { std::filesystem::remove_all(dir); }

  // One ticket with one customer message; returns its number.
  std::int64_t add(const std::string& subject, const std::string& text, const std::string& status = "open",
                   const std::string& direction = "in", const std::string& author_kind = "customer") {
    auto tx = store->begin();
    Ticket t;
    t.subject = subject;
    t.status = status;
    t.requester_address = "c@example.com";
    t.mailbox = "support";
    t.created_at = 1763000000;
    t = tx.create_ticket(t);
    StoredMessage m;
    m.ticket_id = t.id;
    m.direction = direction;
    m.author = {author_kind, "someone"};
    m.subject = subject;
    m.body = "> quoted history that must not count\n" + text;
    m.reply = text;
    m.created_at = t.created_at;
    tx.add_message(m, "", {});
    tx.commit();
    return t.number;
  }
};

std::vector<std::int64_t> numbers(const std::vector<SearchHit>& hits) {
  std::vector<std::int64_t> out;
  for (const auto& h : hits) out.push_back(h.number);
  return out;
}

}  // namespace

TEST_CASE("a search for two short Chinese words finds the ticket that has both") {
  SearchStore s;
  auto refund_failed = s.add("退款问题", "我的退款一直失败，请帮忙处理。");
  s.add("退款进度", "请问退款什么时候到账？");
  s.add("登录失败", "密码正确但是登录失败。");
  CHECK(numbers(s.store->search_tickets("退款 失败", 10)) == std::vector<std::int64_t>{refund_failed});
}

TEST_CASE("a Chinese phrase of three or more characters is found through the trigram index") {
  SearchStore s;
  s.add("发票", "请开具增值税发票");
  auto wanted = s.add("咨询", "你们的退款流程是什么？");
  auto hits = s.store->search_tickets("退款流程", 10);
  REQUIRE(numbers(hits) == std::vector<std::int64_t>{wanted});
  CHECK(hits[0].excerpt.find("[退款流程]") != std::string::npos);
}

TEST_CASE("English search ignores case and needs every word") {
  SearchStore s;
  auto both = s.add("Refund failed", "My REFUND failed twice with card ending 4242.");
  s.add("Refund status", "When will my refund arrive?");
  s.add("Login failed", "The login failed again.");
  CHECK(numbers(s.store->search_tickets("refund FAILED", 10)) == std::vector<std::int64_t>{both});
  CHECK(numbers(s.store->search_tickets("refund", 10)).size() == 2);
}

TEST_CASE("the ticket that mentions the term most closely ranks first") {
  SearchStore s;
  auto passing = s.add("Question about my account settings and other things",
                       "I have many questions about settings, profile, colours, language, and an invoice.");
  auto focused = s.add("Invoice", "Invoice invoice: the invoice is wrong.");
  auto hits = s.store->search_tickets("invoice", 10);
  CHECK(numbers(hits) == std::vector<std::int64_t>{focused, passing});
}

TEST_CASE("quoted history and our own template mail are not searched") {
  SearchStore s;
  s.add("Hello", "new text only");
  s.add("Ack", "Thank you, we received your mail about shipping.", "open", "out", "system");
  CHECK(s.store->search_tickets("quoted history", 10).empty());
  CHECK(s.store->search_tickets("shipping", 10).empty());
}

TEST_CASE("a term with LIKE wildcards or FTS5 syntax is searched literally") {
  SearchStore s;
  auto percent = s.add("Discount", "I expected 50% off");
  s.add("Other", "I expected 50 off");
  CHECK(numbers(s.store->search_tickets("0%", 10)) == std::vector<std::int64_t>{percent});
  CHECK(s.store->search_tickets("\"unbalanced OR NEAR(", 10).empty());
}

TEST_CASE("similar resolved tickets share the new ticket's words and are resolved") {
  SearchStore s;
  auto resolved_refund = s.add("退款失败怎么办", "银行卡退款失败，已经三天了", "resolved");
  s.add("退款失败", "退款失败了", "open");  // not resolved: not offered as a past answer
  auto resolved_login = s.add("Cannot log in", "The password reset email never arrives", "closed");
  s.add("发票抬头", "发票抬头写错了", "resolved");
  CHECK(numbers(s.store->similar_resolved_tickets("我的退款失败了，怎么办？", 3)) ==
        std::vector<std::int64_t>{resolved_refund});
  CHECK(numbers(s.store->similar_resolved_tickets("Password reset email does not arrive", 3)) ==
        std::vector<std::int64_t>{resolved_login});
  CHECK(s.store->similar_resolved_tickets("", 3).empty());
}

TEST_CASE("mail stored since the last search or batch is found by the next search") {
  // New messages are indexed in batches (migration 10): by the daemon before
  // it marks mails processed, and by every search before it looks.
  SearchStore s;
  auto jam = s.add("Printer jam", "The printer on floor three jams every morning.");
  CHECK(numbers(s.store->search_tickets("printer", 10)) == std::vector<std::int64_t>{jam});
  auto offline = s.add("Printer offline", "Our printer shows offline since the update.");
  s.store->index_pending_search();
  s.store->index_pending_search();  // nothing left: indexes nothing twice
  auto toner = s.add("Toner", "打印机的墨粉用完了，printer toner empty.");
  auto found = numbers(s.store->search_tickets("printer", 10));
  std::sort(found.begin(), found.end());
  CHECK(found == std::vector<std::int64_t>{jam, offline, toner});
  CHECK(numbers(s.store->search_tickets("打印机", 10)) == std::vector<std::int64_t>{toner});
  CHECK(numbers(s.store->search_tickets("墨粉", 10)) == std::vector<std::int64_t>{toner});
  CHECK(numbers(s.store->search_tickets("Toner", 10)) == std::vector<std::int64_t>{toner});
}

TEST_CASE("query building: short terms use LIKE, long ones FTS5 phrases") {
  auto q = all_terms_query("退款　失败 refund \"x");
  CHECK(q.fts_match == "\"refund\"");
  CHECK(q.like_terms == std::vector<std::string>{"%退款%", "%失败%", "%\"x%"});
  CHECK(any_terms_query("The refund FAILED: 退款失败了", 10) == "\"refund\" OR \"failed\" OR \"退款失\" OR \"款失败\" OR \"失败了\"");
  CHECK(utf8_length("退款") == 2);
}

TEST_CASE("the search index's segments are merged when the daemon is idle, and searches find the same") {
  SearchStore s;
  auto index_rows = [&] {
    SQLite::Database db((s.dir / "t.db").string());
    return db.execAndGet("SELECT count(*) FROM search_text_data").getInt();
  };
  // Twelve batches, as intake indexes them (one per 100 mails). Each adds a
  // segment, and none rewrites the segments before it: a merge during
  // intake would leave fewer rows than the batch before.
  std::vector<std::int64_t> invoices;
  int rows = index_rows();
  for (int batch = 0; batch < 12; ++batch) {
    for (int i = 0; i < 3; ++i) {
      invoices.push_back(s.add(fmt::format("Invoice {} of batch {}", i, batch),
                               fmt::format("Please resend invoice INV-{}-{}; 发票没有收到。", batch, i)));
    }
    s.add(fmt::format("Password reset {}", batch), "I cannot log in after the password reset.");
    s.store->index_pending_search();
    const int rows_now = index_rows();
    INFO("batch " << batch);
    CHECK(rows_now > rows);
    rows = rows_now;
  }
  std::sort(invoices.begin(), invoices.end());
  auto found = [&](std::string_view query) {
    auto hits = numbers(s.store->search_tickets(query, 100));
    std::sort(hits.begin(), hits.end());
    return hits;
  };
  REQUIRE(found("invoice") == invoices);
  const auto chinese_before = found("发票没有");
  REQUIRE(chinese_before.size() == invoices.size());

  // Idle: merged in steps until there is nothing left to merge.
  int steps = 0;
  while (s.store->tidy_search_index()) REQUIRE(++steps < 100);
  CHECK(steps >= 1);
  CHECK(index_rows() < rows);
  CHECK_FALSE(s.store->tidy_search_index());
  CHECK(found("invoice") == invoices);
  CHECK(found("发票没有") == chinese_before);
  CHECK(found("password reset").size() == 12);
}
