// The one writer of the submission chain. HTTP threads hand it submissions; a single
// thread appends them with group commit: it takes everything queued (up to a batch
// limit) and writes it in ONE transaction. Its COMMIT does not wait for the disk
// (synchronous=NORMAL on this connection only): a second thread syncs the log
// (wal_sync.h) and only then answers the batch's callers. While that sync runs, the
// writer goes on writing what arrives into its next transaction, and commits it when the
// sync has ended: a commit that no sync is free to take would answer nobody sooner, and
// every commit rewrites the last page of each table and index it touched (~27 log pages
// a commit here, docs/performance.md). So there is one commit per sync, a receipt still
// leaves only once its row is durable, and because one thread assigns every seq the
// chain has no gaps and no forks.
//
// A committed batch is visible to other connections for the moment (~2 ms) before its
// sync ends. Whatever shows data outside the server waits for wait_durable() first (the
// HTTP server before every response, the dispatcher before it sends), so nothing a power
// cut could take back is ever shown or sent. If a sync fails the writer stops: the
// batch's callers and every later submission get "storage.sync_failed" (the pages the
// kernel failed to write may be gone, and a later successful fsync would not say so);
// a restart lets SQLite's recovery find what is really on disk.
//
// Receipts are made by the caller's make_receipt (signing lives outside storage): the
// writer tells it the chain position, stores what it returns, and returns it to the
// caller once durable. Semantics in docs/storage.md.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <ctime>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "blankett/error.h"
#include "store.h"
#include "wal_checkpointer.h"
#include "wal_sync.h"

namespace blankett {

// Where a new submission goes in the chain; what its receipt must commit to.
struct ChainPosition {
  int64_t seq = 0;
  std::string previous_receipt_sha256;  // kNoPreviousReceipt (64 zeros) for seq 1
  std::string received_at;              // UTC "YYYY-MM-DDTHH:MM:SS.sssZ", never earlier than seq - 1's
};

// make_receipt returns the signed receipt as canonical JSON text (compact, keys sorted:
// signed_receipt_text in receipt.h), and the reference it names ("" if none; it may
// depend on seq, e.g. "SKOL-2026-000123"). The store keeps exactly that text and chains
// the next receipt to its SHA-256, so that the chain can be checked from the database
// alone (receipt_sha256 in receipt.h is that hash).
// It may be called more than once for one submission (a batch written a second time, see
// docs/storage.md); only the receipt of the transaction that commits is ever returned, so
// it must have no effect beyond what it returns.
struct MadeReceipt {
  std::string text;
  std::string reference;
};
using MakeReceipt = std::function<Result<MadeReceipt>(const ChainPosition&)>;

struct PendingSubmission {
  // Unique, human-readable. May be left empty when the receipt names it (see
  // MakeReceipt); if both are given they must agree.
  std::string reference;
  std::string form_id;
  std::string version;          // a version stored with put_form_version
  std::string idempotency_key;  // the client's; the same key never makes two rows
  std::string canonical;        // canonical submission bytes
  std::string submission_sha256;  // must be sha256_of(canonical)
  std::vector<SubmissionAttachment> attachments;  // each already stored with put_attachment
  CaseIntake intake;                               // the new case's applicant and timing
  MakeReceipt make_receipt;
};

enum class WriteStatus {
  created,   // appended now; durable
  existing,  // the key was already stored with the same submission_sha256: that receipt
  conflict,  // the key was already stored with a different submission_sha256: nothing stored
  failed,    // not stored; `errors` says why
};

struct WriteResult {
  WriteStatus status = WriteStatus::failed;
  int64_t seq = 0;             // created, existing
  std::string reference;       // created, existing (existing: the stored row's reference)
  std::string received_at;     // created, existing
  std::string receipt;         // created, existing: the receipt JSON text as stored
  std::string receipt_sha256;  // created, existing
  Errors errors;               // failed, conflict
};

struct WriterOptions {
  // Most submissions written in one transaction. Bounds how long the first caller of a
  // batch waits behind the others, and the size of a transaction that fails as a whole.
  size_t max_batch = 256;
  // Most submissions waiting at once; more are refused with "storage.busy" (HTTP 503).
  size_t max_queue = 4096;
  // The clock for received_at (UTC "YYYY-MM-DDTHH:MM:SS.sssZ"); tests may fix it.
  std::function<std::string()> now;
  // Makes every commit made so far durable. Empty: fdatasync of the database's log
  // (WalSync); tests may hold it back or fail it.
  std::function<Result<bool>()> sync_log;
  // The nice value of the writer's thread (thread_priority.h). Every submission passes
  // through it one at a time; at the request threads' priority, the 64 of those that feed
  // it took its CPU (docs/performance.md: +9% with -10). Its sync thread stays as it is:
  // raised too, it made p99 worse. 0 leaves the thread as it is. Not being allowed is not
  // an error: see priority_error().
  int thread_nice = 0;
};

// Counters for metrics; read at any time from any thread.
struct WriterStats {
  uint64_t batches = 0;         // transactions committed
  uint64_t rows = 0;            // submissions appended (created)
  uint64_t existing = 0;        // answered from an earlier row with the same key
  uint64_t conflicts = 0;
  uint64_t failed = 0;          // submissions answered with an error
  uint64_t failed_batches = 0;  // transactions that failed as a whole
  uint64_t checkpoints = 0;     // log checkpoints run off the writer's thread (WalCheckpointer)
  uint64_t syncs = 0;           // log syncs that made one or more committed batches durable
  uint64_t pages = 0;           // database pages the writer's commits appended to the log
  uint64_t cpu_ns = 0;          // CPU time of the writer thread: the one thing every submission waits for
};

class SubmissionWriter {
 public:
  // Takes over `store`'s connection; nothing else may write submissions through it.
  explicit SubmissionWriter(Store store, WriterOptions options = {});
  ~SubmissionWriter();  // close()
  SubmissionWriter(const SubmissionWriter&) = delete;
  SubmissionWriter& operator=(const SubmissionWriter&) = delete;

  // Thread-safe. The future is ready once the submission is durable (or refused). After
  // close() it is ready at once, failed with "storage.writer_closed".
  std::future<WriteResult> submit(PendingSubmission pending);

  // Stops taking submissions, writes everything already queued, and stops the thread.
  // Idempotent; the destructor calls it.
  void close();

  WriterStats stats() const;

  // Why thread_nice could not be applied ("" if it was, or was 0), for the start-up log.
  const std::string& priority_error() const { return priority_error_; }

  // Thread-safe. Returns once every batch committed before the call is durable: true,
  // or false if the writer has stopped on a failed sync (nothing it committed since the
  // last good sync can be trusted to be on disk).
  bool wait_durable();

 private:
  struct Queued {
    PendingSubmission pending;
    std::promise<WriteResult> promise;
  };
  struct Committed {  // a batch whose callers wait for the next sync
    std::vector<Queued> batch;
    std::vector<WriteResult> results;
  };

  // The writer thread's transaction while it waits for the sync to be free: what it has
  // written so far and where the chain stands after it. Only the writer thread uses it.
  struct OpenBatch {
    std::optional<sql::Transaction> txn;
    ChainHead head;
    std::vector<Queued> batch;
    std::vector<WriteResult> results;
    void clear() {  // rolls back a transaction still open
      txn.reset();
      head = ChainHead{};
      batch.clear();
      results.clear();
    }
  };
  enum class Written { committed, retry_isolated };

  void run();
  void sync_loop();
  Errors sync_errors();
  // Writes `taken` into the open transaction (beginning one if none is open). A
  // submission that breaks a constraint makes the whole open batch be written again,
  // each submission in its own savepoint, and committed (see write_items).
  void write_into(OpenBatch& open, std::vector<Queued>& taken);
  void commit_open(OpenBatch& open);
  // The batch's callers wait for the next sync (sync_loop), or are told why it failed.
  void hand_to_sync(std::vector<Queued>& batch, std::vector<WriteResult>& results);
  void fail_batch(std::vector<Queued>& batch, const Errors& errors);  // its transaction failed
  void refuse(std::vector<Queued>& batch, const Errors& errors);      // not written at all
  // Writes batch[from..] at `head`, filling `results`. With `each_in_savepoint` a
  // submission that breaks a constraint fails alone; without, the answer is
  // `retry_isolated` and the caller must roll the transaction back.
  Result<Written> write_items(std::vector<Queued>& batch, std::vector<WriteResult>& results, size_t from, ChainHead& head,
                              bool each_in_savepoint);
  // Rolls the open transaction back and writes the whole open batch again in one of its
  // own, each submission in a savepoint, and commits it.
  Result<bool> write_isolated(OpenBatch& open);
  // BEGIN, and the chain's head as of then, into `open`.
  Result<bool> begin(OpenBatch& open);
  std::string now_not_before(const std::string& previous) const;

  Store store_;
  // Checkpoints store_'s log on another thread; null if its connection could not be
  // opened, and then SQLite checkpoints inside the writer's commits as usual.
  std::unique_ptr<WalCheckpointer> checkpointer_;
  WriterOptions options_;

  std::mutex mutex_;  // guards queue_ and closing_
  std::condition_variable wake_;
  std::deque<Queued> queue_;
  bool closing_ = false;

  std::atomic<uint64_t> batches_{0}, rows_{0}, existing_{0}, conflicts_{0}, failed_{0}, failed_batches_{0}, syncs_{0}, pages_{0};
  std::atomic<uint64_t> cpu_ns_at_end_{0};  // the writer thread's CPU time, stored as it ends
  clockid_t cpu_clock_{};                   // the writer thread's CPU-time clock, while it runs
  bool has_cpu_clock_ = false;

  std::unique_ptr<WalSync> wal_sync_;  // the default sync_log; null when tests give one
  std::mutex sync_mutex_;  // guards everything down to sync_errors_
  std::condition_variable sync_wake_;  // a batch committed, or closing
  std::condition_variable synced_;     // a sync ended
  std::deque<Committed> unsynced_;
  uint64_t commits_ = 0;         // batches committed
  uint64_t synced_commits_ = 0;  // of those, the first n are durable
  // A committed batch is waiting for its sync or being synced: the writer keeps its next
  // transaction open meanwhile. Written under sync_mutex_; the writer reads it waiting on wake_.
  std::atomic<bool> sync_busy_{false};
  bool sync_closing_ = false;
  std::atomic<bool> sync_failed_{false};  // written under sync_mutex_; read anywhere
  Errors sync_errors_;                    // why, once sync_failed_

  std::string priority_error_;  // set by the constructor, from what the writer's thread reported

  mutable std::mutex join_mutex_;  // two threads calling close() must not both join; stats() reads thread_ under it
  std::thread sync_thread_;  // both started in the constructor's body, when every member exists
  std::thread thread_;
};

}  // namespace blankett
