// The one writer of the submission chain. HTTP threads hand it submissions; a single
// thread appends them with group commit: it takes everything queued (up to a batch
// limit), writes it in ONE transaction, waits for that COMMIT to be durable, and only
// then answers each caller. One fsync thus serves a whole batch, and because one thread
// assigns every seq the chain has no gaps and no forks.
//
// Receipts are made by the caller's make_receipt (signing lives outside storage): the
// writer tells it the chain position, stores what it returns, and returns it to the
// caller once durable. Semantics in docs/storage.md.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "blankett/error.h"
#include "store.h"
#include "wal_checkpointer.h"

namespace blankett {

// Where a new submission goes in the chain; what its receipt must commit to.
struct ChainPosition {
  int64_t seq = 0;
  std::string previous_receipt_sha256;  // kNoPreviousReceipt (64 zeros) for seq 1
  std::string received_at;              // UTC "YYYY-MM-DDTHH:MM:SS.sssZ", never earlier than seq - 1's
};

// make_receipt returns the signed receipt, a JSON object. The store keeps its canonical
// JSON (receipt.dump(): compact, keys sorted) and chains the next receipt to the SHA-256
// of exactly those bytes, so that the chain can be checked from the database alone
// (receipt_sha256 in receipt.h is that hash). If the receipt has a string "reference",
// that is the submission's reference (it may depend on seq, e.g. "SKOL-2026-000123").
using MakeReceipt = std::function<Result<nlohmann::json>(const ChainPosition&)>;

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

 private:
  struct Queued {
    PendingSubmission pending;
    std::promise<WriteResult> promise;
  };

  void run();
  void write_batch(std::vector<Queued>& batch);
  // Writes the batch in one transaction; on success fills `results`. On failure nothing
  // was written.
  Result<bool> write_transaction(std::vector<Queued>& batch, std::vector<WriteResult>& results);
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

  std::atomic<uint64_t> batches_{0}, rows_{0}, existing_{0}, conflicts_{0}, failed_{0}, failed_batches_{0};

  std::mutex join_mutex_;  // two threads calling close() must not both join
  std::thread thread_;     // started in the constructor's body, when every member exists
};

}  // namespace blankett
