// The log checkpointer: a watched connection's commits wake it, it copies the log into
// the database file from its own connection, and unwatching gives the connection back
// SQLite's own automatic checkpoint.
#include "wal_checkpointer.h"

#include <chrono>
#include <filesystem>
#include <thread>

#include <gtest/gtest.h>

#include "store_testing.h"

namespace blankett {
namespace {

namespace fs = std::filesystem;

// Commits `rows` rows of ~4 KB each (one or more log pages apiece) on `store`.
void commit_rows(Store& store, int rows) {
  for (int i = 0; i < rows; ++i) {
    ASSERT_TRUE(sql::exec(store.db.get(), "INSERT INTO scratch (bytes) VALUES (randomblob(4000))").ok());
  }
}

bool eventually(const std::function<bool()>& condition) {
  for (int i = 0; i < 500; ++i) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return condition();
}

TEST(WalCheckpointer, CopiesAWatchedConnectionsLogIntoTheDatabaseFile) {
  TempDir dir;
  const std::string path = dir.file("blankett.db");
  Store store = must_open_store(path);
  ASSERT_TRUE(sql::exec(store.db.get(), "CREATE TABLE scratch (bytes BLOB)").ok());
  // Never past the restart threshold: the thread copies everything, as below it.
  Result<std::unique_ptr<WalCheckpointer>> checkpointer = WalCheckpointer::start(path, 8, 1000000);
  ASSERT_TRUE(checkpointer.ok()) << to_string(checkpointer.errors().front());
  // Everything so far into the file, so that its size is the baseline.
  ASSERT_TRUE(sql::exec(store.db.get(), "PRAGMA wal_checkpoint(TRUNCATE)").ok());
  const auto before = fs::file_size(path);

  checkpointer.value()->watch(store.db.get());
  commit_rows(store, 40);  // ~160 KB: many times the threshold of 8 pages
  ASSERT_TRUE(eventually([&] { return checkpointer.value()->checkpoints() > 0 && fs::file_size(path) > before + 100000; }))
      << "checkpoints " << checkpointer.value()->checkpoints() << ", file " << fs::file_size(path) << " bytes";

  // What the checkpointer copied is what was committed.
  Result<sql::Statement> count = sql::prepare(store.db.get(), "SELECT COUNT(*) FROM scratch");
  ASSERT_TRUE(count.ok());
  ASSERT_TRUE(sql::step(count.value()).value());
  EXPECT_EQ(sql::column_int64(count.value(), 0), 40);
  checkpointer.value()->unwatch(store.db.get());
}

TEST(WalCheckpointer, AWatchedConnectionNoLongerCheckpointsItself) {
  TempDir dir;
  const std::string path = dir.file("blankett.db");
  Store store = must_open_store(path);
  ASSERT_TRUE(sql::exec(store.db.get(), "CREATE TABLE scratch (bytes BLOB)").ok());
  ASSERT_TRUE(sql::exec(store.db.get(), "PRAGMA wal_checkpoint(TRUNCATE)").ok());
  // A threshold the commits below never reach: nobody may checkpoint them.
  Result<std::unique_ptr<WalCheckpointer>> checkpointer = WalCheckpointer::start(path, 1000000);
  ASSERT_TRUE(checkpointer.ok());
  checkpointer.value()->watch(store.db.get());
  const auto before = fs::file_size(path);
  // Far past SQLite's own automatic threshold of 1,000 pages (4 MB).
  commit_rows(store, 1500);
  EXPECT_EQ(fs::file_size(path), before);
  EXPECT_EQ(checkpointer.value()->checkpoints(), 0u);

  // Unwatched, the next commit past the threshold checkpoints on the connection again.
  checkpointer.value()->unwatch(store.db.get());
  commit_rows(store, 1);
  EXPECT_GT(fs::file_size(path), before + 4000000);
}

// Commits back to back, as the submission writer does under load: a transaction never
// begins with the whole log copied, so SQLite never starts the log over by itself. A
// checkpoint between two commits once the log is long (what the writer does) lets it
// start over, and the file stops growing.
TEST(WalCheckpointer, CatchingUpBetweenCommitsKeepsTheLogFromGrowing) {
  TempDir dir;
  const std::string path = dir.file("blankett.db");
  Store store = must_open_store(path);
  ASSERT_TRUE(sql::exec(store.db.get(), "CREATE TABLE scratch (bytes BLOB)").ok());
  ASSERT_TRUE(sql::exec(store.db.get(), "PRAGMA wal_checkpoint(TRUNCATE)").ok());  // the migrations' frames
  constexpr int kThreshold = 8, kRestart = 32;
  Result<std::unique_ptr<WalCheckpointer>> checkpointer = WalCheckpointer::start(path, kThreshold, kRestart);
  ASSERT_TRUE(checkpointer.ok());
  checkpointer.value()->watch(store.db.get());
  int checkpoints = 0;
  for (int i = 0; i < 400; ++i) {  // ~2 log pages a commit: 25 times the restart threshold
    commit_rows(store, 1);
    if (checkpointer.value()->log_is_long()) {
      // SQLITE_BUSY while a run of the checkpointer finishes: tried after the next commit.
      if (sqlite3_wal_checkpoint_v2(store.db.get(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr) == SQLITE_OK) {
        ++checkpoints;
      }
    }
  }
  EXPECT_GT(checkpoints, 0);
  // A frame is a 24-byte header and a 4 KB page. The log restarts within a few commits
  // of kRestart frames (more while a run of the thread holds the checkpoint lock); never
  // started over, the 400 commits make it ~4.9 MB.
  const auto wal = fs::file_size(path + "-wal");
  EXPECT_LE(wal, 32 + 4 * kRestart * (24 + 4096)) << "the log grew to " << wal << " bytes";
  Result<sql::Statement> count = sql::prepare(store.db.get(), "SELECT COUNT(*) FROM scratch");
  ASSERT_TRUE(count.ok());
  ASSERT_TRUE(sql::step(count.value()).value());
  EXPECT_EQ(sql::column_int64(count.value(), 0), 400);
  checkpointer.value()->unwatch(store.db.get());
}

}  // namespace
}  // namespace blankett
