// The audit log: appending keeps the chain, the database refuses edits, and
// verification (also through `blankett audit verify` and `audit list`) finds rows that
// were changed, removed or reordered by someone who dropped the triggers.
#include "audit_log.h"

#include <sstream>

#include <gtest/gtest.h>

#include "audit_command.h"
#include "blankett/submission.h"
#include "signing_keys.h"
#include "store_testing.h"

namespace blankett {
namespace {

using nlohmann::json;

class AuditLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // audit verify also checks the receipts, which needs the server's keys.
    ASSERT_TRUE(load_or_create_keys(dir_.path, "2026-08-15T10:00:00.000Z").ok());
    store_ = std::make_unique<Store>(must_open_store(dir_.file("blankett.db")));
  }

  AuditEntry append(const std::string& action, const std::string& target, json detail = json::object()) {
    AuditEntry e;
    e.actor = "user:1";
    e.action = action;
    e.target = target;
    e.detail = std::move(detail);
    Result<AuditEntry> done = append_audit(*store_, e);
    EXPECT_TRUE(done.ok()) << (done.ok() ? "" : to_string(done.errors().front()));
    return done.ok() ? done.value() : AuditEntry{};
  }

  void append_five() {
    for (int i = 1; i <= 5; ++i) append("case.status", "case:REF-" + std::to_string(i), {{"from", "new"}, {"to", "in_progress"}});
  }

  // Tampering as someone with the file would: drop the append-only triggers, then edit.
  void tamper(const char* sql) {
    Result<sql::Db> db = sql::open_db(dir_.file("blankett.db"));
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(sql::exec(db.value().get(),
                          "DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete; "
                          "DROP TRIGGER IF EXISTS audit_log_continue_chain;")
                    .ok());
    ASSERT_TRUE(sql::exec(db.value().get(), sql).ok()) << sql;
  }

  std::vector<int64_t> problem_seqs() {
    Result<std::vector<AuditProblem>> p = verify_audit_chain(*store_);
    EXPECT_TRUE(p.ok());
    std::vector<int64_t> seqs;
    if (p.ok()) for (const AuditProblem& q : p.value()) seqs.push_back(q.seq);
    return seqs;
  }

  std::string verify_output(int expected_exit) {
    std::ostringstream out, err;
    EXPECT_EQ(audit_command({"verify", "--data", dir_.path}, out, err), expected_exit) << out.str() << err.str();
    return out.str();
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(AuditLogTest, AppendingChainsEntriesFromSeqOne) {
  const AuditEntry first = append("login", "user:1");
  const AuditEntry second = append("case.view", "case:SKOL-2026-000001", {{"tab", "answers"}});
  EXPECT_EQ(first.seq, 1);
  EXPECT_EQ(first.previous_sha256, std::string(64, '0'));
  EXPECT_EQ(second.seq, 2);
  EXPECT_EQ(second.previous_sha256, first.entry_sha256);
  EXPECT_EQ(first.entry_sha256, audit_entry_sha256(first));
  EXPECT_EQ(first.at.size(), 24u) << first.at;  // utc_now() when not given

  // The hash is of the canonical JSON of every field but entry_sha256, keys sorted.
  const json canonical = {{"seq", 2},           {"at", second.at},        {"actor", "user:1"},
                          {"action", "case.view"}, {"target", "case:SKOL-2026-000001"}, {"detail", {{"tab", "answers"}}},
                          {"previous_sha256", first.entry_sha256}};
  EXPECT_EQ(second.entry_sha256, sha256_of(canonical.dump()));
  AuditEntry changed = second;
  changed.detail["tab"] = "history";
  EXPECT_NE(audit_entry_sha256(changed), second.entry_sha256);
}

TEST_F(AuditLogTest, ListsNewestFirstWithKeysetPages) {
  append_five();
  Result<std::vector<AuditEntry>> page = list_audit(*store_, 0, 2);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page.value().size(), 2u);
  EXPECT_EQ(page.value()[0].seq, 5);
  EXPECT_EQ(page.value()[1].seq, 4);
  EXPECT_EQ(page.value()[0].detail, (json{{"from", "new"}, {"to", "in_progress"}}));
  page = list_audit(*store_, 4, 10);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page.value().size(), 3u);
  EXPECT_EQ(page.value()[0].seq, 3);
  EXPECT_EQ(page.value()[2].seq, 1);
}

TEST_F(AuditLogTest, RefusesBadEntries) {
  AuditEntry no_actor;
  no_actor.action = "login";
  EXPECT_EQ(append_audit(*store_, no_actor).errors().front().code, "audit.bad_entry");
  AuditEntry not_utf8;
  not_utf8.actor = "cli";
  not_utf8.action = "login";
  not_utf8.target = "user:\xff";
  EXPECT_EQ(append_audit(*store_, not_utf8).errors().front().code, "audit.bad_entry");
  AuditEntry array_detail;
  array_detail.actor = "cli";
  array_detail.action = "login";
  array_detail.detail = json::array();
  EXPECT_EQ(append_audit(*store_, array_detail).errors().front().code, "audit.bad_entry");
  EXPECT_TRUE(list_audit(*store_, 0, 10).value().empty());
}

TEST_F(AuditLogTest, InTheCallersTransactionItRollsBackWithIt) {
  append("login", "user:1");
  {
    Result<sql::Transaction> txn = sql::Transaction::begin(store_->db.get());
    ASSERT_TRUE(txn.ok());
    AuditEntry e;
    e.actor = "cli";
    e.action = "user.add";
    ASSERT_TRUE(append_audit(*store_, e, true).ok());
    // not committed: the transaction rolls back here
  }
  EXPECT_EQ(list_audit(*store_, 0, 10).value().size(), 1u);
  EXPECT_TRUE(problem_seqs().empty());
}

TEST_F(AuditLogTest, TheDatabaseRefusesEditsAndForeignLinks) {
  append_five();
  sqlite3* db = store_->db.get();
  EXPECT_FALSE(sql::exec(db, "UPDATE audit_log SET actor = 'cli' WHERE seq = 2").ok());
  EXPECT_FALSE(sql::exec(db, "DELETE FROM audit_log WHERE seq = 5").ok());
  EXPECT_FALSE(sql::exec(db, "INSERT INTO audit_log VALUES (7, 'x', 'cli', 'login', '', '{}', 'aa', 'bb')").ok());
  EXPECT_TRUE(problem_seqs().empty());
}

TEST_F(AuditLogTest, AnIntactLogVerifies) {
  append_five();
  int64_t checked = 0;
  Result<std::vector<AuditProblem>> p = verify_audit_chain(*store_, &checked);
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p.value().empty());
  EXPECT_EQ(checked, 5);
  const std::string out = verify_output(0);
  EXPECT_NE(out.find("audit: 0 submissions, chain intact"), std::string::npos) << out;
  EXPECT_NE(out.find("audit: 5 audit log entries, chain intact, head " + list_audit(*store_, 0, 1).value()[0].entry_sha256),
            std::string::npos)
      << out;
}

TEST_F(AuditLogTest, CatchesAChangedEntry) {
  append_five();
  tamper("UPDATE audit_log SET detail = '{\"from\":\"new\",\"to\":\"decided\"}' WHERE seq = 3;");
  EXPECT_EQ(problem_seqs(), (std::vector<int64_t>{3}));
  const std::string out = verify_output(1);
  EXPECT_NE(out.find("audit.log_broken at /audit_log/3"), std::string::npos) << out;
  EXPECT_NE(out.find("entry 3 was changed"), std::string::npos) << out;
  EXPECT_NE(out.find("the audit log is NOT intact"), std::string::npos) << out;
}

TEST_F(AuditLogTest, CatchesAChangedEntryWhoseHashWasRecomputed) {
  append_five();
  // Rewriting the hash too breaks the next entry's link instead.
  AuditEntry e = list_audit(*store_, 3, 1).value()[0];
  e.actor = "user:2";
  const std::string forged = audit_entry_sha256(e);
  tamper(("UPDATE audit_log SET actor = 'user:2', entry_sha256 = '" + forged + "' WHERE seq = 2;").c_str());
  EXPECT_EQ(problem_seqs(), (std::vector<int64_t>{3}));
}

TEST_F(AuditLogTest, CatchesARemovedEntry) {
  append_five();
  tamper("DELETE FROM audit_log WHERE seq = 2;");
  // Entry 3 follows a gap and names a hash that is no longer there.
  EXPECT_EQ(problem_seqs(), (std::vector<int64_t>{3, 3}));
  const std::string out = verify_output(1);
  EXPECT_NE(out.find("entry 3 follows entry 1"), std::string::npos) << out;
}

TEST_F(AuditLogTest, CatchesReorderedEntries) {
  append_five();
  tamper("UPDATE audit_log SET seq = 100 WHERE seq = 2; UPDATE audit_log SET seq = 2 WHERE seq = 3; "
         "UPDATE audit_log SET seq = 3 WHERE seq = 100;");
  const std::vector<int64_t> seqs = problem_seqs();
  EXPECT_NE(std::find(seqs.begin(), seqs.end(), 2), seqs.end()) << ::testing::PrintToString(seqs);
  EXPECT_NE(std::find(seqs.begin(), seqs.end(), 3), seqs.end()) << ::testing::PrintToString(seqs);
  verify_output(1);
}

TEST_F(AuditLogTest, AuditListPrintsTheNewestEntries) {
  append_five();
  std::ostringstream out, err;
  ASSERT_EQ(audit_command({"list", "--limit", "2", "--data", dir_.path}, out, err), 0) << err.str();
  std::istringstream lines(out.str());
  std::string line;
  std::vector<std::string> all;
  while (std::getline(lines, line)) all.push_back(line);
  ASSERT_EQ(all.size(), 2u) << out.str();
  EXPECT_EQ(all[0].rfind("5  ", 0), 0u) << all[0];
  EXPECT_NE(all[0].find("  user:1  case.status  case:REF-5  {\"from\":\"new\",\"to\":\"in_progress\"}"), std::string::npos) << all[0];
  EXPECT_EQ(all[1].rfind("4  ", 0), 0u) << all[1];

  std::ostringstream out2, err2;
  EXPECT_EQ(audit_command({"list", "--limit", "0", "--data", dir_.path}, out2, err2), 2);
  EXPECT_EQ(audit_command({"list", "--frobnicate"}, out2, err2), 2);
  EXPECT_EQ(audit_command({"list", "--data", dir_.file("nowhere")}, out2, err2), 1);
}

}  // namespace
}  // namespace blankett
