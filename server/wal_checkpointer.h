// Checkpoints the write-ahead log from its own thread and connection. SQLite's automatic
// checkpoint runs inside the COMMIT that crosses its threshold, on the committing
// connection: for the submission writer that is a batch whose callers wait while pages
// are copied into the database file and synced (~9% of the writer's time in the server
// benchmark, docs/performance.md). Watching a connection replaces its automatic
// checkpoint with a wake-up of this thread, which runs PASSIVE checkpoints: they copy
// what no reader still needs, never block a writer, and leave the log to be restarted by
// the next write once everything is copied. Durability is unchanged: a commit is synced
// into the log before anyone hears of it (by COMMIT itself, or for the submission writer
// by its sync thread), whoever checkpoints it later.
//
// Under sustained load "once everything is copied" never comes by itself: SQLite starts
// the log over only when a write transaction begins with every frame already copied, and
// the submission writer begins its next batch the moment the last one commits. The log
// then grew by ~30 MB a second in the server benchmark (docs/performance.md) and was
// never reused. So once a commit leaves restart_pages in the log this thread stops
// being woken, and the writer, between two batches, checkpoints the rest itself
// (log_is_long()): nothing is being written meanwhile, so that copies the whole log and
// the writer's next transaction starts it over.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <sqlite3.h>

#include "blankett/error.h"
#include "store.h"

namespace blankett {

class WalCheckpointer {
 public:
  // Opens its own connection to the database at `path` (already created and migrated)
  // and starts the thread. `threshold_pages` is SQLite's default automatic threshold.
  // `restart_pages` is where log_is_long() begins (0: four times threshold_pages).
  static Result<std::unique_ptr<WalCheckpointer>> start(const std::string& path, int threshold_pages = 1000,
                                                        int restart_pages = 0);
  ~WalCheckpointer();  // stops the thread; call unwatch() on watched connections first
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  // From now on, a commit on `db` that leaves threshold_pages or more in the log wakes
  // this thread instead of checkpointing on `db`. Call from the thread that uses `db`.
  void watch(sqlite3* db);
  // Gives `db` back SQLite's automatic checkpoint, at SQLite's default threshold.
  void unwatch(sqlite3* db);

  // Whether a watched connection's last commit left restart_pages or more in the log;
  // this thread is then no longer woken, and the writer checkpoints between transactions.
  bool log_is_long() const { return log_pages_.load() >= restart_pages_; }

  uint64_t checkpoints() const { return checkpoints_.load(); }  // completed runs, for tests and metrics

 private:
  WalCheckpointer(Store store, int threshold_pages, int restart_pages);
  static int on_commit(void* self, sqlite3* db, const char* schema, int pages);
  void run();

  Store store_;  // used by run() only
  const int threshold_pages_;
  const int restart_pages_;
  std::atomic<int> log_pages_{0};  // as a watched connection's last commit left it
  std::mutex mutex_;
  std::condition_variable wake_;
  bool due_ = false;
  bool stopping_ = false;
  std::atomic<uint64_t> checkpoints_{0};
  std::thread thread_;  // last: starts once everything above exists
};

}  // namespace blankett
