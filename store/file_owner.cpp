// give_to_owner_of: see store/file_owner.h.
#include "store/file_owner.h"

#include <sys/stat.h>
#include <unistd.h>

namespace ticketd {

void give_to_owner_of(const std::string& model, int fd, const std::string& path) noexcept {
  struct stat owner {};
  if (model.empty() || ::geteuid() != 0 || ::stat(model.c_str(), &owner) != 0) return;
  if (owner.st_uid == 0 && owner.st_gid == 0) return;
  if (fd >= 0) {
    (void)!::fchown(fd, owner.st_uid, owner.st_gid);
  } else {
    (void)!::chown(path.c_str(), owner.st_uid, owner.st_gid);
  }
}

}  // namespace ticketd
