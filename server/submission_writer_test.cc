// Tests of the group-committing submission writer: receipts and chain links,
// idempotency (also inside one batch), failures that touch one submission or a whole
// batch, many threads at once, shutdown, durability across a reopen, and the thread's priority.
#include "submission_writer.h"

#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <filesystem>
#include <iostream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "store_testing.h"
#include "thread_priority.h"

#include "blankett/submission.h"

namespace blankett {
namespace {

namespace fs = std::filesystem;

Store must_open(const std::string& path) { return must_open_store(path); }

const std::string kDefinition = R"({"id":"bygglov","title":"Bygglov"})";

// A store with one published form version, ready for submissions.
Store fresh_store(const std::string& path) {
  Store store = must_open(path);
  if (!put_form_version(store, FormVersion{"bygglov", sha256_of(kDefinition), kDefinition, ""}).ok()) {
    throw std::runtime_error("put_form_version failed");
  }
  return store;
}

// A receipt as make_receipt returns one: its canonical text and the reference it names.
MadeReceipt made(const nlohmann::json& receipt) {
  return MadeReceipt{receipt.dump(), receipt.is_object() ? receipt.value("reference", "") : ""};
}

// The receipt a real signer would make, minus the signature: it commits to the chain
// position and the submission, and its hash is over the bytes the store keeps.
MakeReceipt plain_receipt(const std::string& reference, const std::string& submission_sha256) {
  return [reference, submission_sha256](const ChainPosition& at) -> Result<MadeReceipt> {
    nlohmann::json receipt = {{"seq", at.seq},
                              {"previous_receipt_sha256", at.previous_receipt_sha256},
                              {"received_at", at.received_at},
                              {"reference", reference},
                              {"submission_sha256", submission_sha256}};
    return made(receipt);
  };
}

PendingSubmission pending(const std::string& key, const std::string& answer = "ja") {
  PendingSubmission p;
  p.reference = "BYGG-" + key;
  p.form_id = "bygglov";
  p.version = sha256_of(kDefinition);
  p.idempotency_key = key;
  p.canonical = R"({"answers":{"a":")" + answer + R"("},"form":"bygglov"})";
  p.submission_sha256 = sha256_of(p.canonical);
  p.make_receipt = plain_receipt(p.reference, p.submission_sha256);
  return p;
}

// Holds the writer inside one submission's make_receipt until open() is called, so that
// what is submitted meanwhile is queued and then written as one batch.
struct Gate {
  std::promise<void> opened;
  std::shared_future<void> wait = opened.get_future().share();
  std::promise<void> entered_promise;
  std::future<void> entered = entered_promise.get_future();
  std::once_flag entered_once;

  PendingSubmission submission() {
    PendingSubmission p = pending("gate");
    MakeReceipt inner = p.make_receipt;
    // Called again if the writer writes the batch a second time (one submission of it
    // broke a constraint): then the gate is open already.
    p.make_receipt = [this, inner](const ChainPosition& at) {
      std::call_once(entered_once, [this] { entered_promise.set_value(); });
      wait.wait();
      return inner(at);
    };
    return p;
  }
  void open() { opened.set_value(); }
};

int64_t count(Store& store, const char* sql) {
  Result<sql::Statement> s = sql::prepare(store.db.get(), sql);
  EXPECT_TRUE(s.ok());
  EXPECT_TRUE(sql::step(s.value()).value());
  return sql::column_int64(s.value(), 0);
}

TEST(SubmissionWriter, ReturnsTheStoredReceiptOfANewSubmission) {
  TempDir dir;
  SubmissionWriter writer(fresh_store(dir.file("blankett.db")));
  const PendingSubmission p = pending("k1");
  WriteResult r = writer.submit(p).get();
  ASSERT_EQ(r.status, WriteStatus::created) << (r.errors.empty() ? "" : to_string(r.errors.front()));
  EXPECT_EQ(r.seq, 1);
  EXPECT_EQ(r.reference, "BYGG-k1");
  nlohmann::json receipt = nlohmann::json::parse(r.receipt);
  EXPECT_EQ(receipt["seq"], 1);
  EXPECT_EQ(receipt["previous_receipt_sha256"], kNoPreviousReceipt);
  EXPECT_EQ(receipt["received_at"], r.received_at);
  EXPECT_EQ(r.receipt_sha256, sha256_of(r.receipt));

  WriteResult second = writer.submit(pending("k2")).get();
  ASSERT_EQ(second.status, WriteStatus::created);
  EXPECT_EQ(second.seq, 2);
  EXPECT_EQ(nlohmann::json::parse(second.receipt)["previous_receipt_sha256"], r.receipt_sha256);
  writer.close();
  EXPECT_EQ(writer.stats().rows, 2u);

  Store store = must_open(dir.file("blankett.db"));
  std::optional<StoredSubmission> row = get_submission(store, 1).value();
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->canonical, p.canonical);
  EXPECT_EQ(row->receipt, r.receipt);
  EXPECT_EQ(row->previous_receipt_sha256, kNoPreviousReceipt);
}

TEST(SubmissionWriter, RunsAtTheNiceValueItIsGivenAndTheCallerKeepsItsOwn) {
  TempDir dir;
  const int caller = this_thread_nice();
  WriterOptions options;
  options.thread_nice = caller + 2;  // a lower priority: allowed without any privilege
  SubmissionWriter writer(fresh_store(dir.file("blankett.db")), options);
  EXPECT_EQ(writer.priority_error(), "");
  PendingSubmission p = pending("k1");
  int writer_nice = -100;
  MakeReceipt inner = p.make_receipt;
  p.make_receipt = [&writer_nice, inner](const ChainPosition& at) {  // runs on the writer's thread
    writer_nice = this_thread_nice();
    return inner(at);
  };
  ASSERT_EQ(writer.submit(p).get().status, WriteStatus::created);
  EXPECT_EQ(writer_nice, caller + 2);
  EXPECT_EQ(this_thread_nice(), caller);
}

TEST(SubmissionWriter, RefusesBytesThatAreNotWhatTheirHashSays) {
  TempDir dir;
  SubmissionWriter writer(fresh_store(dir.file("blankett.db")));
  PendingSubmission lying = pending("k1");
  lying.canonical = R"({"answers":{"a":"nej"},"form":"bygglov"})";  // the hash is still that of "ja"
  WriteResult refused = writer.submit(lying).get();
  EXPECT_EQ(refused.status, WriteStatus::failed);
  ASSERT_FALSE(refused.errors.empty());
  EXPECT_EQ(refused.errors.front().code, "storage.bad_submission");
  // Nothing was stored and nothing was taken: the honest submission with the same key is
  // the chain's first.
  WriteResult honest = writer.submit(pending("k1")).get();
  ASSERT_EQ(honest.status, WriteStatus::created);
  EXPECT_EQ(honest.seq, 1);
  writer.close();
  EXPECT_EQ(writer.stats().rows, 1u);
  EXPECT_EQ(writer.stats().failed, 1u);
}

TEST(SubmissionWriter, SameKeySameHashIsExistingDifferentHashIsConflict) {
  TempDir dir;
  SubmissionWriter writer(fresh_store(dir.file("blankett.db")));
  WriteResult created = writer.submit(pending("k1")).get();
  ASSERT_EQ(created.status, WriteStatus::created);

  PendingSubmission retry = pending("k1");
  retry.reference = "BYGG-other";  // a retry may come with a fresh reference; the stored one wins
  WriteResult existing = writer.submit(retry).get();
  EXPECT_EQ(existing.status, WriteStatus::existing);
  EXPECT_EQ(existing.seq, created.seq);
  EXPECT_EQ(existing.reference, created.reference);
  EXPECT_EQ(existing.receipt, created.receipt);
  EXPECT_EQ(existing.receipt_sha256, created.receipt_sha256);

  WriteResult conflict = writer.submit(pending("k1", "nej")).get();
  EXPECT_EQ(conflict.status, WriteStatus::conflict);
  ASSERT_FALSE(conflict.errors.empty());
  EXPECT_EQ(conflict.errors.front().code, "storage.idempotency_conflict");
  EXPECT_TRUE(conflict.receipt.empty());

  writer.close();
  const WriterStats stats = writer.stats();
  EXPECT_EQ(stats.rows, 1u);
  EXPECT_EQ(stats.existing, 1u);
  EXPECT_EQ(stats.conflicts, 1u);
  Store store = must_open(dir.file("blankett.db"));
  EXPECT_EQ(count(store, "SELECT COUNT(*) FROM submissions"), 1);
}

TEST(SubmissionWriter, DuplicateKeysInOneBatchBehaveAsIfSequential) {
  TempDir dir;
  SubmissionWriter writer(fresh_store(dir.file("blankett.db")));
  Gate gate;
  std::future<WriteResult> held = writer.submit(gate.submission());
  gate.entered.wait();
  std::future<WriteResult> first = writer.submit(pending("dup"));
  std::future<WriteResult> again = writer.submit(pending("dup"));
  std::future<WriteResult> changed = writer.submit(pending("dup", "nej"));
  std::future<WriteResult> other = writer.submit(pending("other"));
  gate.open();

  ASSERT_EQ(held.get().status, WriteStatus::created);
  WriteResult a = first.get();
  WriteResult b = again.get();
  ASSERT_EQ(a.status, WriteStatus::created);
  EXPECT_EQ(a.seq, 2);
  EXPECT_EQ(b.status, WriteStatus::existing);
  EXPECT_EQ(b.receipt, a.receipt);
  EXPECT_EQ(changed.get().status, WriteStatus::conflict);
  WriteResult d = other.get();
  ASSERT_EQ(d.status, WriteStatus::created);
  EXPECT_EQ(d.seq, 3);
  EXPECT_EQ(writer.stats().batches, 2u);  // the gate's batch, then the four together
}

TEST(SubmissionWriter, TheReceiptMayNameTheReference) {
  TempDir dir;
  SubmissionWriter writer(fresh_store(dir.file("blankett.db")));
  // A reference that depends on the chain position, known only inside make_receipt.
  PendingSubmission numbered = pending("k1");
  numbered.reference.clear();
  numbered.make_receipt = [](const ChainPosition& at) -> Result<MadeReceipt> {
    return made({{"reference", "BYGG-2026-" + std::to_string(at.seq)}, {"sequence", at.seq}});
  };
  WriteResult r = writer.submit(numbered).get();
  ASSERT_EQ(r.status, WriteStatus::created);
  EXPECT_EQ(r.reference, "BYGG-2026-1");

  PendingSubmission disagreeing = pending("k2");
  disagreeing.make_receipt = plain_receipt("BYGG-something-else", disagreeing.submission_sha256);
  EXPECT_EQ(writer.submit(disagreeing).get().errors.front().code, "storage.bad_submission");

  PendingSubmission nameless = pending("k3");
  nameless.reference.clear();
  nameless.make_receipt = [](const ChainPosition&) -> Result<MadeReceipt> { return made({{"sequence", 1}}); };
  EXPECT_EQ(writer.submit(nameless).get().errors.front().code, "storage.bad_submission");

  writer.close();
  EXPECT_EQ(writer.stats().rows, 1u);
}

TEST(SubmissionWriter, UnknownFormVersionFailsAndStoresNothing) {
  TempDir dir;
  SubmissionWriter writer(fresh_store(dir.file("blankett.db")));
  PendingSubmission p = pending("k1");
  p.version = std::string(64, 'f');
  bool receipt_made = false;
  p.make_receipt = [&](const ChainPosition&) -> Result<MadeReceipt> {
    receipt_made = true;
    return Errors{Error{"test", "", 0, 0, "should not be called"}};
  };
  WriteResult r = writer.submit(p).get();
  EXPECT_EQ(r.status, WriteStatus::failed);
  ASSERT_FALSE(r.errors.empty());
  EXPECT_EQ(r.errors.front().code, "storage.unknown_form_version");
  EXPECT_FALSE(receipt_made);  // no receipt is ever signed for what will not be stored

  PendingSubmission bad_hash = pending("k2");
  bad_hash.submission_sha256 = std::string(64, '0');
  EXPECT_EQ(writer.submit(bad_hash).get().errors.front().code, "storage.bad_submission");

  PendingSubmission bad_attachment = pending("k3");
  bad_attachment.attachments.push_back({"docs/0", std::string(64, 'c'), "x.pdf"});
  EXPECT_EQ(writer.submit(bad_attachment).get().errors.front().code, "storage.unknown_attachment");

  WriteResult after = writer.submit(pending("k4")).get();
  ASSERT_EQ(after.status, WriteStatus::created);
  EXPECT_EQ(after.seq, 1);  // nothing before it was stored, so no gap either
}

TEST(SubmissionWriter, LinksAttachments) {
  TempDir dir;
  Store store = fresh_store(dir.file("blankett.db"));
  const std::string sha = put_attachment(store, "image/png", "\x89PNG").value();
  SubmissionWriter writer(std::move(store));
  PendingSubmission p = pending("k1");
  p.attachments.push_back({"photos/0", sha, "fasad.png"});
  ASSERT_EQ(writer.submit(p).get().status, WriteStatus::created);
  writer.close();
  Store reopened = must_open(dir.file("blankett.db"));
  std::vector<SubmissionAttachment> links = list_submission_attachments(reopened, 1).value();
  ASSERT_EQ(links.size(), 1u);
  EXPECT_EQ(links[0].field_path, "photos/0");
  EXPECT_EQ(links[0].sha256, sha);
}

TEST(SubmissionWriter, FailingMakeReceiptLeavesTheDatabaseUnchanged) {
  TempDir dir;
  SubmissionWriter writer(fresh_store(dir.file("blankett.db")));
  ASSERT_EQ(writer.submit(pending("before")).get().status, WriteStatus::created);

  Gate gate;
  std::future<WriteResult> held = writer.submit(gate.submission());
  gate.entered.wait();
  std::vector<std::future<WriteResult>> failing;
  for (int i = 0; i < 6; ++i) {
    PendingSubmission p = pending("bad" + std::to_string(i));
    if (i % 2 == 0) {
      p.make_receipt = [](const ChainPosition&) -> Result<MadeReceipt> { throw std::runtime_error("signing key gone"); };
    } else {
      p.make_receipt = [](const ChainPosition&) -> Result<MadeReceipt> {
        return Errors{Error{"signing.unavailable", "", 0, 0, "no key"}};
      };
    }
    failing.push_back(writer.submit(std::move(p)));
  }
  gate.open();
  const WriteResult gate_result = held.get();
  ASSERT_EQ(gate_result.status, WriteStatus::created);

  for (size_t i = 0; i < failing.size(); ++i) {
    WriteResult r = failing[i].get();
    EXPECT_EQ(r.status, WriteStatus::failed);
    ASSERT_FALSE(r.errors.empty());
    EXPECT_EQ(r.errors.front().code, i % 2 == 0 ? "storage.receipt_failed" : "signing.unavailable");
    EXPECT_EQ(r.seq, 0);
  }
  // The failed batch left no trace, and the chain goes on from where it was.
  WriteResult next = writer.submit(pending("after")).get();
  ASSERT_EQ(next.status, WriteStatus::created);
  EXPECT_EQ(next.seq, 3);
  EXPECT_EQ(nlohmann::json::parse(next.receipt)["previous_receipt_sha256"], gate_result.receipt_sha256);
  writer.close();
  EXPECT_EQ(writer.stats().failed, 6u);

  Store store = must_open(dir.file("blankett.db"));
  EXPECT_EQ(count(store, "SELECT COUNT(*) FROM submissions"), 3);
  EXPECT_EQ(count(store, "SELECT COUNT(*) FROM submissions WHERE idempotency_key LIKE 'bad%'"), 0);
}

TEST(SubmissionWriter, OneFailingSubmissionDoesNotFailItsBatch) {
  TempDir dir;
  SubmissionWriter writer(fresh_store(dir.file("blankett.db")));
  Gate gate;
  std::future<WriteResult> held = writer.submit(gate.submission());
  gate.entered.wait();
  std::future<WriteResult> a = writer.submit(pending("a"));
  PendingSubmission bad = pending("b");
  bad.make_receipt = [](const ChainPosition&) -> Result<MadeReceipt> {
    return made(nlohmann::json::array());  // not a receipt
  };
  std::future<WriteResult> b = writer.submit(bad);
  PendingSubmission reused_reference = pending("c");
  reused_reference.reference = "BYGG-a";
  reused_reference.make_receipt = plain_receipt("BYGG-a", reused_reference.submission_sha256);
  std::future<WriteResult> c = writer.submit(reused_reference);
  std::future<WriteResult> d = writer.submit(pending("d"));
  gate.open();

  held.get();
  const WriteResult ra = a.get();
  EXPECT_EQ(ra.seq, 2);
  EXPECT_EQ(b.get().errors.front().code, "storage.receipt_failed");
  EXPECT_EQ(c.get().errors.front().code, "storage.duplicate_reference");
  const WriteResult rd = d.get();
  ASSERT_EQ(rd.status, WriteStatus::created);
  EXPECT_EQ(rd.seq, 3);  // b and c took no place in the chain
  EXPECT_EQ(nlohmann::json::parse(rd.receipt)["previous_receipt_sha256"], ra.receipt_sha256);
}

// The batch above was written twice (the second time with a savepoint per submission);
// a batch in which nothing breaks a constraint is written once, each receipt made once.
TEST(SubmissionWriter, ABatchWithoutFailuresMakesEachReceiptOnce) {
  TempDir dir;
  SubmissionWriter writer(fresh_store(dir.file("blankett.db")));
  Gate gate;
  std::future<WriteResult> held = writer.submit(gate.submission());
  gate.entered.wait();
  std::atomic<int> made{0};
  std::vector<std::future<WriteResult>> results;
  for (const char* key : {"a", "b", "c"}) {
    PendingSubmission p = pending(key);
    MakeReceipt inner = p.make_receipt;
    p.make_receipt = [&made, inner](const ChainPosition& at) {
      made.fetch_add(1);
      return inner(at);
    };
    results.push_back(writer.submit(p));
  }
  gate.open();
  ASSERT_EQ(held.get().status, WriteStatus::created);
  for (std::future<WriteResult>& r : results) EXPECT_EQ(r.get().status, WriteStatus::created);
  EXPECT_EQ(made.load(), 3);
  EXPECT_EQ(writer.stats().batches, 2u);  // the gate's submission alone, then the three
}

TEST(SubmissionWriter, AFailedTransactionFailsTheWholeBatch) {
  TempDir dir;
  Store store = fresh_store(dir.file("blankett.db"));
  // A database that may not grow past a few pages: the large submission in the middle of
  // the batch fails with SQLITE_FULL after the two before it were written in the same
  // transaction. Neither may survive.
  const int64_t pages = count(store, "PRAGMA page_count");
  Result<sql::Statement> limit = sql::prepare(store.db.get(), ("PRAGMA max_page_count = " + std::to_string(pages + 8)).c_str());
  ASSERT_TRUE(limit.ok());
  ASSERT_TRUE(sql::run(limit.value()).ok());
  SubmissionWriter writer(std::move(store));

  Gate gate;
  std::future<WriteResult> held = writer.submit(gate.submission());
  gate.entered.wait();
  std::vector<std::future<WriteResult>> batch;
  batch.push_back(writer.submit(pending("small1")));
  batch.push_back(writer.submit(pending("small2")));
  batch.push_back(writer.submit(pending("huge", std::string(1 << 20, 'x'))));
  batch.push_back(writer.submit(pending("small3")));
  gate.open();
  ASSERT_EQ(held.get().status, WriteStatus::created);
  for (std::future<WriteResult>& f : batch) {
    WriteResult r = f.get();
    EXPECT_EQ(r.status, WriteStatus::failed);
    ASSERT_FALSE(r.errors.empty());
    EXPECT_EQ(r.errors.front().code, "storage.sqlite");
    EXPECT_NE(r.errors.front().message.find("full"), std::string::npos) << r.errors.front().message;
  }
  EXPECT_EQ(writer.stats().failed_batches, 1u);

  WriteResult next = writer.submit(pending("next")).get();
  ASSERT_EQ(next.status, WriteStatus::created) << to_string(next.errors.front());
  EXPECT_EQ(next.seq, 2);
  writer.close();
  Store reopened = must_open(dir.file("blankett.db"));
  EXPECT_EQ(count(reopened, "SELECT COUNT(*) FROM submissions"), 2);
  EXPECT_FALSE(find_by_idempotency_key(reopened, "small1").value().has_value());
}

TEST(SubmissionWriter, ABusyDatabaseFailsTheBatchAndRecovers) {
  TempDir dir;
  Result<Store> opened = open_store(dir.file("blankett.db"), StoreOptions{30});
  ASSERT_TRUE(opened.ok());
  ASSERT_TRUE(put_form_version(opened.value(), FormVersion{"bygglov", sha256_of(kDefinition), kDefinition, ""}).ok());
  SubmissionWriter writer(std::move(opened).value());
  Store other = must_open(dir.file("blankett.db"));
  {
    Result<sql::Transaction> lock = sql::Transaction::begin(other.db.get());  // holds the write lock
    ASSERT_TRUE(lock.ok());
    WriteResult r = writer.submit(pending("k1")).get();
    EXPECT_EQ(r.status, WriteStatus::failed);
    ASSERT_FALSE(r.errors.empty());
    EXPECT_NE(r.errors.front().message.find("locked"), std::string::npos) << r.errors.front().message;
  }
  WriteResult retried = writer.submit(pending("k1")).get();
  EXPECT_EQ(retried.status, WriteStatus::created);
  EXPECT_EQ(retried.seq, 1);
}

TEST(SubmissionWriter, ReceivedAtNeverGoesBackwards) {
  TempDir dir;
  std::vector<std::string> clock = {"2024-05-01T10:00:05.000Z", "2024-05-01T10:00:01.000Z", "2024-05-01T10:00:07.000Z"};
  size_t tick = 0;
  WriterOptions options;
  options.now = [&] { return clock[tick++ % clock.size()]; };
  SubmissionWriter writer(fresh_store(dir.file("blankett.db")), options);
  EXPECT_EQ(writer.submit(pending("a")).get().received_at, "2024-05-01T10:00:05.000Z");
  EXPECT_EQ(writer.submit(pending("b")).get().received_at, "2024-05-01T10:00:05.000Z");  // clock stepped back
  EXPECT_EQ(writer.submit(pending("c")).get().received_at, "2024-05-01T10:00:07.000Z");
}

TEST(SubmissionWriter, CloseDrainsTheQueueAndRefusesLaterSubmissions) {
  TempDir dir;
  auto writer = std::make_unique<SubmissionWriter>(fresh_store(dir.file("blankett.db")));
  Gate gate;
  std::future<WriteResult> held = writer->submit(gate.submission());
  gate.entered.wait();
  std::vector<std::future<WriteResult>> queued;
  for (int i = 0; i < 50; ++i) queued.push_back(writer->submit(pending("q" + std::to_string(i))));
  std::thread closer([&] { writer->close(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // let close() begin while the queue is full
  gate.open();
  closer.join();
  EXPECT_EQ(held.get().status, WriteStatus::created);
  for (std::future<WriteResult>& f : queued) {
    ASSERT_EQ(f.wait_for(std::chrono::seconds(0)), std::future_status::ready);
    EXPECT_EQ(f.get().status, WriteStatus::created);
  }
  WriteResult late = writer->submit(pending("late")).get();
  EXPECT_EQ(late.status, WriteStatus::failed);
  EXPECT_EQ(late.errors.front().code, "storage.writer_closed");
  writer->close();  // again: harmless
  writer.reset();
  Store store = must_open(dir.file("blankett.db"));
  EXPECT_EQ(chain_head(store).value().seq, 51);
}

TEST(SubmissionWriter, ManyThreadsGetOneContiguousDurableChain) {
  TempDir dir;
  constexpr int kThreads = 8;
  constexpr int kPerThread = 200;
  constexpr int kTotal = kThreads * kPerThread;
  WriterStats stats;
  {
    SubmissionWriter writer(fresh_store(dir.file("blankett.db")));
    std::vector<std::thread> threads;
    std::vector<int> created(kThreads, 0);
    const auto start = std::chrono::steady_clock::now();
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        // Like an HTTP handler: submit, wait for the durable receipt, answer, next.
        for (int i = 0; i < kPerThread; ++i) {
          WriteResult r = writer.submit(pending("t" + std::to_string(t) + "-" + std::to_string(i))).get();
          if (r.status == WriteStatus::created) ++created[t];
        }
      });
    }
    for (std::thread& th : threads) th.join();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    for (int t = 0; t < kThreads; ++t) EXPECT_EQ(created[t], kPerThread);
    stats = writer.stats();
    std::cout << "[ writer   ] " << kTotal << " submissions in " << seconds << " s = " << kTotal / seconds
              << " rows/s, " << stats.batches << " batches (" << static_cast<double>(stats.rows) / stats.batches
              << " rows per commit)\n";
  }
  EXPECT_EQ(stats.rows, static_cast<uint64_t>(kTotal));
  EXPECT_LT(stats.batches, stats.rows);  // group commit happened
  EXPECT_EQ(stats.failed, 0u);

  // Reopened from disk: every row there, seq 1..N, each linked to the one before.
  Store store = must_open(dir.file("blankett.db"));
  int64_t expected_seq = 1;
  std::string previous = kNoPreviousReceipt;
  std::string previous_received_at;
  Result<int64_t> walked = for_each_submission(store, 1, [&](const StoredSubmission& s) {
    EXPECT_EQ(s.seq, expected_seq);
    EXPECT_EQ(s.previous_receipt_sha256, previous);
    EXPECT_EQ(s.receipt_sha256, sha256_of(s.receipt));
    EXPECT_EQ(s.submission_sha256, sha256_of(s.canonical));
    EXPECT_GE(s.received_at, previous_received_at);
    nlohmann::json receipt = nlohmann::json::parse(s.receipt);
    EXPECT_EQ(receipt["seq"], s.seq);
    EXPECT_EQ(receipt["previous_receipt_sha256"], previous);
    previous = s.receipt_sha256;
    previous_received_at = s.received_at;
    ++expected_seq;
    return true;
  });
  ASSERT_TRUE(walked.ok());
  EXPECT_EQ(walked.value(), kTotal);
  EXPECT_EQ(chain_head(store).value().seq, kTotal);
  EXPECT_EQ(chain_head(store).value().receipt_sha256, previous);

  Result<sql::Statement> check = sql::prepare(store.db.get(), "PRAGMA integrity_check");
  ASSERT_TRUE(check.ok());
  ASSERT_TRUE(sql::step(check.value()).value());
  EXPECT_EQ(sql::column_text(check.value(), 0), "ok");
  Result<sql::Statement> fk_check = sql::prepare(store.db.get(), "PRAGMA foreign_key_check");
  ASSERT_TRUE(fk_check.ok());
  EXPECT_FALSE(sql::step(fk_check.value()).value());  // no rows: no violations
}


// A log sync that tests hold back and release, or make fail.
struct HeldSync {
  std::mutex mutex;
  std::condition_variable changed;
  bool released = false;
  bool fail = false;
  int calls = 0;

  std::function<Result<bool>()> function() {
    return [this]() -> Result<bool> {
      std::unique_lock<std::mutex> lock(mutex);
      ++calls;
      changed.notify_all();
      changed.wait(lock, [this] { return released; });
      if (fail) return Errors{Error{"storage.sync_failed", "", 0, 0, "cannot sync the log: Input/output error"}};
      return true;
    };
  }
  void wait_for_call() {
    std::unique_lock<std::mutex> lock(mutex);
    changed.wait(lock, [this] { return calls > 0; });
  }
  void release(bool failing = false) {
    std::lock_guard<std::mutex> lock(mutex);
    released = true;
    fail = failing;
    changed.notify_all();
  }
};

int64_t stored_rows(const std::string& path) {
  Store store = must_open(path);
  Result<sql::Statement> count = sql::prepare(store.db.get(), "SELECT COUNT(*) FROM submissions");
  if (!count || !sql::step(count.value()).value()) return -1;
  return sql::column_int64(count.value(), 0);
}

// A writer whose log sync the test holds back (HeldSync).
class HeldSyncWriter : public ::testing::Test {
 protected:
  WriterOptions held_options() {
    WriterOptions options;
    options.sync_log = sync.function();
    return options;
  }
  TempDir dir;
  HeldSync sync;
  SubmissionWriter writer{fresh_store(dir.file("blankett.db")), held_options()};  // after dir and sync
};

// The batch is committed (another connection sees the row) while its sync is held back,
// and only the sync's end answers the caller: a receipt never leaves before its row is
// on disk. What arrives meanwhile goes into the writer's next transaction, which it
// commits only once the sync is free: one commit per sync, not one per batch, because a
// commit no sync can take answers nobody sooner and rewrites pages (submission_writer.h).
TEST_F(HeldSyncWriter, ACallerIsAnsweredOnlyOnceTheLogIsSynced) {
  const std::string path = dir.file("blankett.db");
  std::future<WriteResult> first = writer.submit(pending("s1"));
  sync.wait_for_call();
  EXPECT_EQ(stored_rows(path), 1);
  EXPECT_EQ(first.wait_for(std::chrono::milliseconds(100)), std::future_status::timeout);
  std::future<WriteResult> second = writer.submit(pending("s2"));
  std::future<WriteResult> third = writer.submit(pending("s3"));
  EXPECT_EQ(second.wait_for(std::chrono::milliseconds(100)), std::future_status::timeout);
  EXPECT_EQ(stored_rows(path), 1);  // written, not committed: the sync is still busy
  EXPECT_EQ(writer.stats().batches, 1u);
  sync.release();
  EXPECT_EQ(first.get().status, WriteStatus::created);
  EXPECT_EQ(second.get().status, WriteStatus::created);
  EXPECT_EQ(third.get().status, WriteStatus::created);
  EXPECT_EQ(writer.stats().batches, 2u);  // s2 and s3 in one commit, after s1's sync
  EXPECT_EQ(writer.stats().rows, 3u);
  EXPECT_EQ(stored_rows(path), 3);
  EXPECT_GE(writer.stats().syncs, 2u);
}

// wait_durable() returns only once what was committed before it is synced.
TEST_F(HeldSyncWriter, WaitDurableWaitsForTheSyncOfEarlierCommits) {
  EXPECT_TRUE(writer.wait_durable());  // nothing committed: at once
  std::future<WriteResult> r = writer.submit(pending("w1"));
  sync.wait_for_call();
  std::future<bool> durable = std::async(std::launch::async, [&] { return writer.wait_durable(); });
  EXPECT_EQ(durable.wait_for(std::chrono::milliseconds(100)), std::future_status::timeout);
  sync.release();
  EXPECT_TRUE(durable.get());
  EXPECT_EQ(r.get().status, WriteStatus::created);
}

// A failed sync fails its batch's callers and stops the writer: what it had written into
// its next transaction meanwhile is rolled back and failed, later submissions are
// refused at once, wait_durable() says false, and nothing more is written.
TEST_F(HeldSyncWriter, AFailedSyncStopsTheWriter) {
  std::future<WriteResult> r = writer.submit(pending("f1"));
  sync.wait_for_call();
  std::future<WriteResult> waiting = writer.submit(pending("f1b"));
  EXPECT_EQ(waiting.wait_for(std::chrono::milliseconds(50)), std::future_status::timeout);
  sync.release(/*failing=*/true);
  WriteResult failed = r.get();
  EXPECT_EQ(failed.status, WriteStatus::failed);
  ASSERT_FALSE(failed.errors.empty());
  EXPECT_EQ(failed.errors.front().code, "storage.sync_failed");
  WriteResult rolled_back = waiting.get();
  EXPECT_EQ(rolled_back.status, WriteStatus::failed);
  ASSERT_FALSE(rolled_back.errors.empty());
  EXPECT_EQ(rolled_back.errors.front().code, "storage.sync_failed");
  EXPECT_FALSE(writer.wait_durable());
  WriteResult later = writer.submit(pending("f2")).get();
  EXPECT_EQ(later.status, WriteStatus::failed);
  ASSERT_FALSE(later.errors.empty());
  EXPECT_EQ(later.errors.front().code, "storage.sync_failed");
  writer.close();
  EXPECT_EQ(stored_rows(dir.file("blankett.db")), 1);  // f1 was committed; whether it is on disk is not known
  EXPECT_EQ(sync.calls, 1);
  EXPECT_EQ(writer.stats().syncs, 0u);
}

// The default sync is fdatasync of the real log file (WalSync): a receipt comes back
// and the row is there after a reopen.
TEST(SubmissionWriter, TheDefaultSyncIsTheLogFiles) {
  TempDir dir;
  SubmissionWriter writer(fresh_store(dir.file("blankett.db")));
  EXPECT_EQ(writer.submit(pending("d1")).get().status, WriteStatus::created);
  EXPECT_TRUE(writer.wait_durable());
  writer.close();
  EXPECT_EQ(stored_rows(dir.file("blankett.db")), 1);
}

}  // namespace
}  // namespace blankett
