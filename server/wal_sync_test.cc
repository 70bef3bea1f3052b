// WalSync: fdatasync of a database's log file, reopened when SQLite replaces the file.
#include "wal_sync.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "store_testing.h"

namespace blankett {
namespace {

namespace fs = std::filesystem;

TEST(WalSync, SyncsTheLogOfADatabase) {
  TempDir dir;
  const std::string path = dir.file("blankett.db");
  Store store = must_open_store(path);  // WAL mode: the log file exists while it is open
  ASSERT_TRUE(fs::exists(path + "-wal"));
  WalSync sync(path);
  Result<bool> first = sync.sync();
  ASSERT_TRUE(first.ok()) << to_string(first.errors().front());
  EXPECT_TRUE(sync.sync().ok());  // the same file, kept open
}

TEST(WalSync, ALogThatIsNotThereIsAnErrorThatNamesIt) {
  TempDir dir;
  WalSync sync(dir.file("nothing.db"));
  Result<bool> synced = sync.sync();
  ASSERT_FALSE(synced.ok());
  EXPECT_EQ(synced.errors().front().code, "storage.sync_failed");
  EXPECT_NE(synced.errors().front().message.find("nothing.db-wal"), std::string::npos) << synced.errors().front().message;
}

// A log deleted and made anew (SQLite does so when the last connection closes and the
// next one opens) is another file: the next sync opens it instead of syncing the old one.
TEST(WalSync, FollowsALogThatWasReplaced) {
  TempDir dir;
  const std::string path = dir.file("x.db");
  std::ofstream(path + "-wal") << "first";
  WalSync sync(path);
  ASSERT_TRUE(sync.sync().ok());
  fs::remove(path + "-wal");
  EXPECT_FALSE(sync.sync().ok());  // gone: not silently "synced" through the old handle
  std::ofstream(path + "-wal") << "second";
  EXPECT_TRUE(sync.sync().ok());
}

}  // namespace
}  // namespace blankett
