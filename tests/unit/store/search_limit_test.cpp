// Search indexes the first 20,000 characters of a message (migration 8):
// FTS5's trigram tokenizer holds every distinct trigram of a text in memory
// until commit, so a huge body of garbage must not be indexed whole.
#include <catch2/catch.hpp>
#include <filesystem>
#include <unistd.h>

#include "store/store.h"

using namespace ticketd;

TEST_CASE("a customer's words at the start of a huge mail are found, its far tail is not indexed") {
  char pattern[] = "/tmp/ticketd-search-limit-XXXXXX";
  std::filesystem::path dir = mkdtemp(pattern);
  {
    Store store((dir / "t.db").string());
    auto tx = store.begin();
    Ticket t;
    t.subject = "log attached";
    t.status = "open";
    t.requester_address = "c@example.com";
    t.mailbox = "support";
    t.created_at = 1763000000;
    t = tx.create_ticket(t);
    StoredMessage m;
    m.ticket_id = t.id;
    m.direction = "in";
    m.author = {"customer", "c@example.com"};
    m.subject = t.subject;
    m.body = "printer jams every morning\n" + std::string(100000, 'x') + "\nzebracorn";
    m.created_at = t.created_at;
    tx.add_message(m, "", {});
    tx.commit();
    CHECK(store.search_tickets("printer jams", 10).size() == 1);
    CHECK(store.search_tickets("zebracorn", 10).empty());
    // The message itself keeps its whole text.
    CHECK(store.messages_of(t.id).at(0).body.size() == m.body.size());
  }
  std::filesystem::remove_all(dir);
}
