// `ticketd check` on the store's files: silent when the daemon's user can
// write them all, one sentence naming the file and the fix otherwise.
#include "store/store_files.h"

#include <catch2/catch.hpp>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "store/store.h"
#include "tests/unit/temp_folder.h"

namespace ticketd {
namespace {

namespace fs = std::filesystem;

struct TempFolder : testing::TempFolder {
  TempFolder() : testing::TempFolder("store-files") {}
};

bool mentions(const std::vector<std::string>& problems, const std::string& text) {
  for (const auto& p : problems) {
    if (p.find(text) != std::string::npos) return true;
  }
  return false;
}

TEST_CASE("a store the daemon made itself has no problem, nor one not yet created") {
  TempFolder t;
  const std::string db = (t.dir / "tickets.db").string();
  CHECK(store_file_problems(db).empty());  // the folder is there and writable
  {
    Store store(db);
    std::string err;
    REQUIRE(store.keep_raw_mail_ahead("Subject: x\r\n\r\nhello\r\n", std::string(64, 'a'), &err));
  }
  CHECK(fs::exists(t.dir / "tickets.db-mails"));
  CHECK(store_file_problems(db).empty());
}

TEST_CASE("a store whose folder is missing is named with what to do") {
  TempFolder t;
  auto problems = store_file_problems((t.dir / "nowhere" / "tickets.db").string());
  REQUIRE(problems.size() == 1);
  CHECK(mentions(problems, "nowhere: the store's folder does not exist"));
}

TEST_CASE("a file beside the database that is not its owner's is named, with the chown that fixes it") {
  if (::geteuid() != 0) {
    WARN("not root: cannot give a file to another user here");
    return;
  }
  TempFolder t;
  const std::string db = (t.dir / "tickets.db").string();
  { Store store(db); }
  // The database is the daemon's user's (here uid 65534, nobody); the sent
  // journal was left by an admin's command as root.
  REQUIRE(::chown(db.c_str(), 65534, 65534) == 0);
  std::ofstream(db + "-sent") << "sent 1 1700000000\n";
  auto problems = store_file_problems(db);
  REQUIRE(problems.size() == 1);
  CHECK(mentions(problems, db + "-sent: belongs to root, the database to "));
  CHECK(mentions(problems, "chown -R "));
  CHECK(mentions(problems, " " + db + "-sent"));
}

}  // namespace
}  // namespace ticketd
