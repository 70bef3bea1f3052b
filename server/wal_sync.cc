#include "wal_sync.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace blankett {

namespace {

Errors sync_error(const std::string& what) {
  return Errors{Error{"storage.sync_failed", "", 0, 0, what + ": " + std::strerror(errno)}};
}

bool same_file(int fd, const std::string& path) {
  struct stat open_file {}, at_path {};
  return fstat(fd, &open_file) == 0 && stat(path.c_str(), &at_path) == 0 && open_file.st_dev == at_path.st_dev &&
         open_file.st_ino == at_path.st_ino;
}

}  // namespace

WalSync::WalSync(std::string database_path) : wal_path_(database_path + "-wal") {
  const size_t slash = database_path.find_last_of('/');
  directory_ = slash == std::string::npos ? "." : (slash == 0 ? "/" : database_path.substr(0, slash));
}

WalSync::~WalSync() {
  if (fd_ >= 0) close(fd_);
}

Result<bool> WalSync::sync() {
  bool opened_now = false;
  if (fd_ < 0 || !same_file(fd_, wal_path_)) {
    if (fd_ >= 0) close(fd_);
    fd_ = open(wal_path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) return sync_error("cannot open the log " + wal_path_);
    opened_now = true;
  }
  if (fdatasync(fd_) != 0) return sync_error("cannot sync the log " + wal_path_);
  if (opened_now) {
    const int dir = open(directory_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) return sync_error("cannot open the directory " + directory_);
    const int synced = fsync(dir);
    close(dir);
    if (synced != 0) return sync_error("cannot sync the directory " + directory_);
  }
  return true;
}

}  // namespace blankett
