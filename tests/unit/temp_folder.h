// TempFolder: a fresh folder under /tmp for one test, removed with all it
// holds when the test ends. Tests that write real files (the store, its mail
// log and sent journal) each get their own, so that they can run side by
// side and leave nothing behind.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

namespace ticketd::testing {

struct TempFolder {
  // `name` is part of the folder's name, to tell which test left one
  // behind (a test killed before its end).
  explicit TempFolder(std::string_view name) {
    std::string pattern = "/tmp/ticketd-" + std::string(name) + "-XXXXXX";
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("cannot make a folder like " + pattern);
    dir = pattern;
  }
  ~TempFolder() {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;

  std::filesystem::path dir;
};

}  // namespace ticketd::testing
