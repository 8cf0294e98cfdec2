#include "store/store_files.h"

#include <fmt/format.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace ticketd {

namespace {

namespace fs = std::filesystem;

std::string user_name(uid_t uid) {
  const passwd* pw = ::getpwuid(uid);
  return pw ? pw->pw_name : std::to_string(uid);
}

std::string group_name(gid_t gid) {
  const group* gr = ::getgrgid(gid);
  return gr ? gr->gr_name : std::to_string(gid);
}

// Problems of one existing file: not writable by this process, or not the
// database owner's.
void check_file(const std::string& path, const struct stat& database, std::vector<std::string>* problems) {
  struct stat file {};
  if (::stat(path.c_str(), &file) != 0) return;  // not there yet: created by the daemon
  if (::access(path.c_str(), W_OK) != 0) {
    problems->push_back(fmt::format("{}: cannot be written by {} ({}): the daemon cannot store mail", path,
                                    user_name(::geteuid()), std::strerror(errno)));
  }
  if (file.st_uid != database.st_uid) {
    problems->push_back(fmt::format("{}: belongs to {}, the database to {}: the daemon, running as {}, cannot "
                                    "write it; chown -R {}:{} {}",
                                    path, user_name(file.st_uid), user_name(database.st_uid),
                                    user_name(database.st_uid), user_name(database.st_uid),
                                    group_name(database.st_gid), path));
  }
}

}  // namespace

std::vector<std::string> store_file_problems(const std::string& store_path) {
  std::vector<std::string> problems;
  if (store_path.empty() || store_path == ":memory:") return problems;
  const fs::path database(store_path);
  const fs::path folder = database.has_parent_path() ? database.parent_path() : fs::path(".");
  struct stat folder_stat {};
  if (::stat(folder.c_str(), &folder_stat) != 0 || !S_ISDIR(folder_stat.st_mode)) {
    problems.push_back(fmt::format("{}: the store's folder does not exist: create it, owned by the daemon's user",
                                   folder.string()));
    return problems;
  }
  // Where SQLite creates the database, and its -wal and -shm again after a
  // clean close removed them.
  if (::access(folder.c_str(), W_OK) != 0) {
    problems.push_back(fmt::format("{}: the store's folder cannot be written by {} ({}): the database and its "
                                   "-wal file cannot be created there",
                                   folder.string(), user_name(::geteuid()), std::strerror(errno)));
  }
  struct stat database_stat {};
  if (::stat(store_path.c_str(), &database_stat) != 0) return problems;  // created by the daemon
  check_file(store_path, database_stat, &problems);
  for (const std::string& beside : {store_path + "-wal", store_path + "-shm", sent_journal_of(store_path),
                                    mail_log_folder_of(store_path)}) {
    check_file(beside, database_stat, &problems);
  }
  std::error_code ignored;
  for (const auto& entry : fs::directory_iterator(mail_log_folder_of(store_path), ignored)) {
    check_file(entry.path().string(), database_stat, &problems);
  }
  return problems;
}

}  // namespace ticketd
