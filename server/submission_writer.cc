#include "submission_writer.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <exception>
#include <optional>
#include <pthread.h>
#include <utility>

#include "blankett/submission.h"
#include "clock.h"
#include "thread_priority.h"

namespace blankett {

namespace {

Error error(const char* code, std::string message) { return Error{code, "", 0, 0, std::move(message)}; }

WriteResult failed(Errors errors) {
  WriteResult r;
  r.status = WriteStatus::failed;
  r.errors = std::move(errors);
  return r;
}

WriteResult from_row(WriteStatus status, const StoredSubmission& row) {
  WriteResult r;
  r.status = status;
  r.seq = row.seq;
  r.reference = row.reference;
  r.received_at = row.received_at;
  r.receipt = row.receipt;
  r.receipt_sha256 = row.receipt_sha256;
  return r;
}

// make_receipt is the caller's code: whatever it does wrong (an error, an exception, a
// receipt that is not a JSON object) is that submission's failure, never the writer thread's.
Result<MadeReceipt> call_make_receipt(const MakeReceipt& make_receipt, const ChainPosition& position) {
  if (!make_receipt) return Errors{error("storage.receipt_failed", "no make_receipt given")};
  try {
    Result<MadeReceipt> made = make_receipt(position);
    if (!made) return made;
    const std::string& text = made.value().text;
    if (text.size() < 2 || text.front() != '{' || text.back() != '}') {
      return Errors{error("storage.receipt_failed", "make_receipt returned a receipt that is not a JSON object")};
    }
    return made;
  } catch (const std::exception& e) {
    return Errors{error("storage.receipt_failed", std::string("make_receipt threw: ") + e.what())};
  } catch (...) {
    return Errors{error("storage.receipt_failed", "make_receipt threw")};
  }
}

// sync_log is a callback like make_receipt: what it throws is a failed sync, never the
// end of the thread that called it.
Result<bool> call_sync(const std::function<Result<bool>()>& sync_log) {
  try {
    Result<bool> synced = sync_log();
    if (!synced && synced.errors().empty()) return Errors{error("storage.sync_failed", "syncing the log failed")};
    return synced;
  } catch (const std::exception& e) {
    return Errors{error("storage.sync_failed", std::string("syncing the log failed: ") + e.what())};
  } catch (...) {
    return Errors{error("storage.sync_failed", "syncing the log failed")};
  }
}

// The row's reference: the receipt's, which is what the citizen sees, else the one the
// caller chose before the chain position was known.
Result<std::string> reference_of(const PendingSubmission& p, const MadeReceipt& receipt) {
  if (receipt.reference.empty()) {
    if (p.reference.empty()) return Errors{error("storage.bad_submission", "the submission has no reference")};
    return p.reference;
  }
  if (!p.reference.empty() && p.reference != receipt.reference) {
    return Errors{error("storage.bad_submission",
                        "the receipt names reference '" + receipt.reference + "' but the submission '" + p.reference + "'")};
  }
  return receipt.reference;
}

// A CPU-time clock's reading in nanoseconds; 0 if it cannot be read (a thread that ended).
uint64_t cpu_ns_of(clockid_t clock) {
  timespec t{};
  if (clock_gettime(clock, &t) != 0) return 0;
  return static_cast<uint64_t>(t.tv_sec) * 1000000000u + static_cast<uint64_t>(t.tv_nsec);
}

// insert_submission's errors that concern one submission (a constraint it breaks), as
// opposed to the database itself failing, which fails the whole batch.
bool is_item_error(const Errors& errors) { return !errors.empty() && errors.front().code != "storage.sqlite"; }

}  // namespace

SubmissionWriter::SubmissionWriter(Store store, WriterOptions options)
    : store_(std::move(store)), options_(std::move(options)) {
  if (!options_.now) options_.now = utc_now;
  if (options_.max_batch == 0) options_.max_batch = 1;
  // Each submission of a batch is written under its own savepoint (so that one bad row
  // fails alone), and SQLite copies every page a savepoint touches into a sub-journal,
  // a temporary file once it passes 64 KB: in the benchmark that was more pwrite calls
  // than the WAL's own (docs/performance.md). In memory it is a copy. Only this connection:
  // elsewhere large sorts (the inbox export) keep spilling temporary data to disk.
  (void)sql::exec(store_.db.get(), "PRAGMA temp_store = MEMORY");
  // A log that grew during a burst is cut back to this size when it is started over.
  (void)sql::exec(store_.db.get(), "PRAGMA journal_size_limit = 33554432");
  const char* path = sqlite3_db_filename(store_.db.get(), "main");
  const bool on_disk = path != nullptr && *path != '\0';
  if (on_disk) {
    Result<std::unique_ptr<WalCheckpointer>> checkpointer = WalCheckpointer::start(path);
    if (checkpointer) {
      checkpointer_ = std::move(checkpointer).value();
      checkpointer_->watch(store_.db.get());
    }
  }
  if (!options_.sync_log) {
    if (on_disk) {
      wal_sync_ = std::make_unique<WalSync>(path);
      options_.sync_log = [sync = wal_sync_.get()] { return sync->sync(); };
    } else {
      options_.sync_log = [] { return Result<bool>(true); };  // an in-memory database has no disk to wait for
    }
  }
  // COMMIT only appends the batch to the log; sync_loop() makes it durable before
  // anyone is answered (see the header). Only this connection: every other one still
  // syncs inside its own COMMIT, which also syncs whatever this one appended before.
  (void)sql::exec(store_.db.get(), "PRAGMA synchronous = NORMAL");
  sync_thread_ = std::thread([this] { sync_loop(); });
  // The thread sets its own priority (a nice value is per thread) before it writes.
  std::promise<std::string> priority;
  std::future<std::string> priority_set = priority.get_future();
  thread_ = std::thread([this, nice = options_.thread_nice, &priority] {
    priority.set_value(nice == 0 ? "" : set_this_thread_nice(nice));
    run();
    cpu_ns_at_end_.store(cpu_ns_of(CLOCK_THREAD_CPUTIME_ID));  // stats() reads it once the thread is gone
  });
  priority_error_ = priority_set.get();
  has_cpu_clock_ = pthread_getcpuclockid(thread_.native_handle(), &cpu_clock_) == 0;
}

SubmissionWriter::~SubmissionWriter() {
  close();
  if (checkpointer_) checkpointer_->unwatch(store_.db.get());
  checkpointer_.reset();
}

std::future<WriteResult> SubmissionWriter::submit(PendingSubmission pending) {
  // Checked here, on the caller's thread, rather than by the one writer thread that every
  // submission waits for: what can be checked without the database is (docs/performance.md).
  const bool hash_matches = sha256_of(pending.canonical) == pending.submission_sha256;
  Queued queued{std::move(pending), std::promise<WriteResult>()};
  std::future<WriteResult> future = queued.promise.get_future();
  if (!hash_matches) {
    failed_.fetch_add(1);
    queued.promise.set_value(failed({error("storage.bad_submission", "submission_sha256 is not the SHA-256 of the canonical bytes")}));
    return future;
  }
  bool full = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    full = queue_.size() >= options_.max_queue;
    if (!closing_ && !full && !sync_failed_.load()) {
      queue_.push_back(std::move(queued));
      wake_.notify_one();
      return future;
    }
  }
  failed_.fetch_add(1);
  // Overload is refused at once (the client retries with the same key) rather than
  // queued without bound, which would only turn into memory and minutes of latency.
  if (sync_failed_.load()) {
    queued.promise.set_value(failed(sync_errors()));
  } else {
    queued.promise.set_value(full ? failed({error("storage.busy", "too many submissions are waiting to be stored; try again shortly")})
                                  : failed({error("storage.writer_closed", "the submission writer is shut down")}));
  }
  return future;
}

void SubmissionWriter::close() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closing_ = true;
  }
  wake_.notify_one();
  std::lock_guard<std::mutex> lock(join_mutex_);
  if (thread_.joinable()) thread_.join();
  // The writer has handed over its last batch; the sync thread answers it and ends.
  {
    std::lock_guard<std::mutex> sync_lock(sync_mutex_);
    sync_closing_ = true;
  }
  sync_wake_.notify_one();
  if (sync_thread_.joinable()) sync_thread_.join();
}

bool SubmissionWriter::wait_durable() {
  std::unique_lock<std::mutex> lock(sync_mutex_);
  const uint64_t committed = commits_;
  synced_.wait(lock, [&] { return sync_failed_.load() || synced_commits_ >= committed; });
  return !sync_failed_.load();
}

Errors SubmissionWriter::sync_errors() {
  std::lock_guard<std::mutex> lock(sync_mutex_);
  return sync_errors_;
}

void SubmissionWriter::sync_loop() {
  std::unique_lock<std::mutex> lock(sync_mutex_);
  for (;;) {
    sync_wake_.wait(lock, [this] { return sync_closing_ || !unsynced_.empty(); });
    if (unsynced_.empty()) return;  // closing, and every committed batch is answered
    std::deque<Committed> batches;
    batches.swap(unsynced_);
    const uint64_t committed = commits_;
    const bool failed_before = sync_failed_.load();
    lock.unlock();
    // Once a sync has failed no later one is believed: the kernel may have dropped the
    // pages it could not write and report the next fsync as a success.
    bool durable = false;
    if (!failed_before) {
      Result<bool> synced = call_sync(options_.sync_log);
      durable = synced.ok();
      lock.lock();
      if (durable) {
        synced_commits_ = committed;
        syncs_.fetch_add(1);
      } else {
        sync_errors_ = synced.errors();
        sync_failed_.store(true);
      }
      lock.unlock();
    }
    const Errors errors = durable ? Errors{} : sync_errors();
    synced_.notify_all();
    for (Committed& c : batches) {
      if (!durable) failed_.fetch_add(c.batch.size());
      for (size_t i = 0; i < c.batch.size(); ++i) {
        c.batch[i].promise.set_value(durable ? std::move(c.results[i]) : failed(errors));
      }
    }
    lock.lock();
    if (unsynced_.empty()) {
      // The writer may be holding its next transaction open for this moment (run()).
      sync_busy_.store(false);
      { std::lock_guard<std::mutex> writer_lock(mutex_); }  // it is waiting, or will see the flag
      wake_.notify_one();
    }
  }
}

WriterStats SubmissionWriter::stats() const {
  WriterStats s;
  s.batches = batches_.load();
  s.rows = rows_.load();
  s.existing = existing_.load();
  s.conflicts = conflicts_.load();
  s.failed = failed_.load();
  s.failed_batches = failed_batches_.load();
  s.checkpoints = checkpointer_ ? checkpointer_->checkpoints() : 0;
  s.syncs = syncs_.load();
  s.pages = pages_.load();
  // Read from the thread's CPU clock here, when someone asks (a /metrics scrape), rather
  // than by the writer after every batch: a system call on the one thread every
  // submission waits for. Under join_mutex_ the thread is not joined meanwhile.
  {
    std::lock_guard<std::mutex> lock(join_mutex_);
    if (thread_.joinable() && has_cpu_clock_) s.cpu_ns = cpu_ns_of(cpu_clock_);
  }
  if (s.cpu_ns == 0) s.cpu_ns = cpu_ns_at_end_.load();  // ended (its clock is gone with it)
  return s;
}

void SubmissionWriter::run() {
  OpenBatch open;
  for (;;) {
    std::vector<Queued> taken;
    bool closing = false;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      // With a transaction open, the end of the sync wakes the writer too (sync_loop).
      wake_.wait(lock, [&] { return closing_ || !queue_.empty() || (open.txn && !sync_busy_.load()); });
      closing = closing_;
      if (queue_.empty() && !open.txn) return;  // closing, and everything queued has been written
      // No waiting for more to arrive: what queues up while a batch is being written or
      // synced is taken next, so batches grow with load and a lone submission is not delayed.
      while (!queue_.empty() && open.batch.size() + taken.size() < options_.max_batch) {
        taken.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    if (sync_failed_.load()) {  // stopped: nothing more is written (see the header)
      const Errors errors = sync_errors();
      refuse(open.batch, errors);
      refuse(taken, errors);
      open.clear();  // rolls back a transaction still open: no sync would make it durable
      continue;
    }
    if (!taken.empty()) write_into(open, taken);
    // The sync is free (or the batch cannot grow, or the writer is closing): commit, so
    // that the next sync takes this batch.
    if (open.txn && (!sync_busy_.load() || open.batch.size() >= options_.max_batch || closing)) commit_open(open);
  }
}

Result<bool> SubmissionWriter::begin(OpenBatch& open) {
  Result<sql::Transaction> txn = sql::Transaction::begin(store_.db.get());
  if (!txn) return txn.errors();
  // Read inside the transaction, under the write lock: nobody can move the head meanwhile.
  Result<ChainHead> head = chain_head(store_);
  if (!head) return head.errors();  // the guard rolls back
  open.txn.emplace(std::move(txn).value());
  open.head = std::move(head).value();
  return true;
}

void SubmissionWriter::write_into(OpenBatch& open, std::vector<Queued>& taken) {
  const size_t from = open.batch.size();
  for (Queued& q : taken) open.batch.push_back(std::move(q));
  taken.clear();
  Errors errors;
  try {
    Result<bool> begun = open.txn ? Result<bool>(true) : begin(open);
    if (!begun) {
      errors = begun.errors();
    } else {
      // First without a savepoint per submission: SQLite copies every page a savepoint
      // touches (some fifteen per submission, one per table and index) so that it could
      // undo them, and almost no submission breaks a constraint that the checks before it
      // let through. If one does, the whole open batch is written again, each submission
      // in its own savepoint, so that only that one fails (docs/storage.md). Receipts are
      // made again then; none was shown to anyone.
      Result<Written> written = write_items(open.batch, open.results, from, open.head, false);
      if (written && written.value() == Written::committed) return;
      Result<bool> isolated = written ? write_isolated(open) : Result<bool>(written.errors());
      if (isolated) {
        hand_to_sync(open.batch, open.results);
        open.clear();
        return;
      }
      errors = isolated.errors();
    }
  } catch (const std::exception& e) {  // bad_alloc and the like
    errors = {error("storage.sqlite", std::string("writing the batch failed: ") + e.what())};
  } catch (...) {
    errors = {error("storage.sqlite", "writing the batch failed")};
  }
  open.txn.reset();  // rolled back: nothing of the open batch is kept
  fail_batch(open.batch, errors);
  open.clear();
}

void SubmissionWriter::commit_open(OpenBatch& open) {
  // synchronous=NORMAL on this connection: COMMIT appends the batch to the log without
  // waiting for the disk. Its callers are answered by sync_loop() once it is synced.
  Result<bool> committed = open.txn->commit();
  if (committed) hand_to_sync(open.batch, open.results);
  else fail_batch(open.batch, committed.errors());
  open.clear();
  // Between two transactions: the only moment a checkpoint can copy the whole log, so
  // that the next batch starts it over (wal_checkpointer.h). SQLITE_BUSY (a run of
  // the checkpointer still going) is tried again after the next batch.
  if (checkpointer_ && checkpointer_->log_is_long()) {
    (void)sqlite3_wal_checkpoint_v2(store_.db.get(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  }
}

void SubmissionWriter::refuse(std::vector<Queued>& batch, const Errors& errors) {
  failed_.fetch_add(batch.size());
  for (Queued& q : batch) q.promise.set_value(failed(errors));
  batch.clear();
}

void SubmissionWriter::fail_batch(std::vector<Queued>& batch, const Errors& errors) {
  if (batch.empty()) return;
  failed_batches_.fetch_add(1);
  refuse(batch, errors);
}

void SubmissionWriter::hand_to_sync(std::vector<Queued>& batch, std::vector<WriteResult>& results) {
  // Counted before the futures are fulfilled, so a caller that has its result also sees it
  // in the stats. Pages per batch is what the log, its sync and its checkpoints cost: each
  // index a row enters adds pages to it (docs/performance.md).
  batches_.fetch_add(1);
  int pages_written = 0, unused_high_water = 0;
  if (sqlite3_db_status(store_.db.get(), SQLITE_DBSTATUS_CACHE_WRITE, &pages_written, &unused_high_water, 1) == SQLITE_OK) {
    pages_.fetch_add(static_cast<uint64_t>(pages_written));
  }
  for (const WriteResult& r : results) {
    switch (r.status) {
      case WriteStatus::created: rows_.fetch_add(1); break;
      case WriteStatus::existing: existing_.fetch_add(1); break;
      case WriteStatus::conflict: conflicts_.fetch_add(1); break;
      case WriteStatus::failed: failed_.fetch_add(1); break;
    }
  }
  // Answered by sync_loop() once the log is synced past this commit.
  {
    std::lock_guard<std::mutex> lock(sync_mutex_);
    unsynced_.push_back(Committed{std::move(batch), std::move(results)});
    ++commits_;
    sync_busy_.store(true);
  }
  sync_wake_.notify_one();
}

Result<bool> SubmissionWriter::write_isolated(OpenBatch& open) {
  open.txn.reset();  // rolls back the attempt without savepoints
  Result<bool> begun = begin(open);
  if (!begun) return begun;
  Result<Written> written = write_items(open.batch, open.results, 0, open.head, true);
  if (!written) return written.errors();
  return open.txn->commit();
}

Result<SubmissionWriter::Written> SubmissionWriter::write_items(std::vector<Queued>& batch, std::vector<WriteResult>& results,
                                                                 size_t from, ChainHead& head, bool each_in_savepoint) {
  sqlite3* db = store_.db.get();
  results.resize(batch.size());
  for (size_t i = from; i < batch.size(); ++i) {
    const PendingSubmission& p = batch[i].pending;
    WriteResult& result = results[i];
    result = WriteResult{};

    // Idempotency. The lookup sees this transaction's own rows, so a key repeated inside
    // one batch behaves exactly as if the two submissions had come one after the other.
    Result<std::optional<StoredSubmission>> earlier = find_by_idempotency_key(store_, p.idempotency_key);
    if (!earlier) return earlier.errors();
    if (earlier.value()) {
      if (earlier.value()->submission_sha256 == p.submission_sha256) {
        result = from_row(WriteStatus::existing, *earlier.value());
      } else {
        result.status = WriteStatus::conflict;
        result.errors = {error("storage.idempotency_conflict",
                               "idempotency key '" + p.idempotency_key + "' was used for a different submission")};
      }
      continue;
    }

    // Checked before make_receipt, so that receipts are made only for what will be stored.
    if (p.idempotency_key.empty()) {
      result = failed({error("storage.bad_submission", "a submission needs an idempotency key")});
      continue;
    }
    Result<bool> known = has_form_version(store_, p.form_id, p.version);
    if (!known) return known.errors();
    if (!known.value()) {
      result = failed({error("storage.unknown_form_version",
                             "form '" + p.form_id + "' has no published version " + p.version)});
      continue;
    }

    ChainPosition position{head.seq + 1, head.receipt_sha256, now_not_before(head.received_at)};
    Result<MadeReceipt> made = call_make_receipt(p.make_receipt, position);
    if (!made) {
      result = failed(made.errors());
      continue;
    }
    Result<std::string> reference = reference_of(p, made.value());
    if (!reference) {
      result = failed(reference.errors());
      continue;
    }
    StoredSubmission row{position.seq,        std::move(reference).value(), p.form_id,
                         p.version,           p.idempotency_key,            p.canonical,
                         p.submission_sha256, position.received_at,          std::move(made.value().text),
                         std::string(),       position.previous_receipt_sha256};
    // The link the next receipt will hold: recomputable from what is stored, so the chain
    // can be audited from the database.
    row.receipt_sha256 = sha256_of(row.receipt);

    // In a savepoint, a submission that breaks a constraint (an unknown attachment, a
    // reference already used) has only its own rows undone and the batch goes on.
    std::optional<sql::Savepoint> savepoint;
    if (each_in_savepoint) {
      Result<sql::Savepoint> begun = sql::Savepoint::begin(db, store_.statements.get());
      if (!begun) return begun.errors();
      savepoint.emplace(std::move(begun).value());
    }
    Result<bool> inserted = insert_submission(store_, row, p.attachments, p.intake);
    if (!inserted) {
      // SQLite ends the whole transaction on some errors (disk full, I/O); then nothing of
      // the batch can be kept.
      if (!is_item_error(inserted.errors()) || sqlite3_get_autocommit(db) != 0) return inserted.errors();
      // Without a savepoint some of its rows may be in: the caller rolls back.
      if (!savepoint) return Written::retry_isolated;
      result = failed(inserted.errors());
      continue;  // the savepoint's destructor undoes this submission's rows
    }
    if (savepoint) {
      Result<bool> released = savepoint->release();
      if (!released) return released.errors();
    }

    result = from_row(WriteStatus::created, row);
    head = ChainHead{row.seq, row.receipt_sha256, row.received_at};
  }
  return Written::committed;
}

std::string SubmissionWriter::now_not_before(const std::string& previous) const {
  // Timestamps of this fixed format compare as strings. A wall clock stepped back (NTP)
  // must not make a later seq look earlier than the one before it.
  std::string now = options_.now();
  return now < previous ? previous : now;
}

}  // namespace blankett
