// Makes a database's write-ahead log durable from outside SQLite: fdatasync on the log
// file ("<database>-wal"). The submission writer commits with synchronous=NORMAL (no
// fsync inside COMMIT, so its next batch need not wait for the disk) and a thread of its
// own calls sync() before any caller of the batch is answered (submission_writer.h).
// In WAL mode a commit only appends frames, so syncing the file afterwards makes exactly
// the commits before the call durable; SQLite's recovery ignores frames after the last
// whole commit, which are the ones nobody was told about.
#pragma once
#include <string>

#include "blankett/error.h"

namespace blankett {

class WalSync {
 public:
  explicit WalSync(std::string database_path);
  ~WalSync();
  WalSync(const WalSync&) = delete;
  WalSync& operator=(const WalSync&) = delete;

  // fdatasync of the log as it is now. The file is opened on first use and again when
  // SQLite has replaced it (another inode at the same path); a file opened anew also
  // has its directory synced, so that the file itself survives a power cut.
  Result<bool> sync();

 private:
  std::string wal_path_;
  std::string directory_;
  int fd_ = -1;
};

}  // namespace blankett
