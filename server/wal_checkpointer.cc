#include "wal_checkpointer.h"

#include <utility>

namespace blankett {

Result<std::unique_ptr<WalCheckpointer>> WalCheckpointer::start(const std::string& path, int threshold_pages,
                                                                 int restart_pages) {
  Result<Store> store = open_store(path);
  if (!store) return store.errors();
  return std::unique_ptr<WalCheckpointer>(new WalCheckpointer(std::move(store).value(), threshold_pages, restart_pages));
}

WalCheckpointer::WalCheckpointer(Store store, int threshold_pages, int restart_pages)
    : store_(std::move(store)),
      threshold_pages_(threshold_pages > 0 ? threshold_pages : 1),
      restart_pages_(restart_pages > 0 ? restart_pages : 4 * threshold_pages_) {
  // This connection only reads the log to copy it; it must never hand the work back.
  sqlite3_wal_autocheckpoint(store_.db.get(), 0);
  thread_ = std::thread([this] { run(); });
}

WalCheckpointer::~WalCheckpointer() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void WalCheckpointer::watch(sqlite3* db) { sqlite3_wal_hook(db, &WalCheckpointer::on_commit, this); }

void WalCheckpointer::unwatch(sqlite3* db) {
  constexpr int kSqliteDefaultPages = 1000;  // SQLITE_DEFAULT_WAL_AUTOCHECKPOINT
  sqlite3_wal_autocheckpoint(db, kSqliteDefaultPages);
}

int WalCheckpointer::on_commit(void* self, sqlite3*, const char*, int pages) {
  auto* checkpointer = static_cast<WalCheckpointer*>(self);
  checkpointer->log_pages_.store(pages);
  // Past restart_pages the writer copies the rest between its transactions; a run here
  // would only hold the checkpoint lock when it tries.
  if (pages < checkpointer->threshold_pages_ || pages >= checkpointer->restart_pages_) return SQLITE_OK;
  {
    std::lock_guard<std::mutex> lock(checkpointer->mutex_);
    checkpointer->due_ = true;
  }
  checkpointer->wake_.notify_one();
  return SQLITE_OK;  // the commit itself succeeded whatever happens here
}

void WalCheckpointer::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || due_; });
    if (stopping_) return;
    due_ = false;
    lock.unlock();
    // PASSIVE: copies what it can without waiting for readers or the writer. A failure
    // (SQLITE_BUSY from another checkpoint, I/O) is retried at the next wake-up; the log
    // only grows meanwhile, as it would behind a long reader.
    if (sqlite3_wal_checkpoint_v2(store_.db.get(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr) == SQLITE_OK) {
      checkpoints_.fetch_add(1);
    }
    lock.lock();
  }
}

}  // namespace blankett
