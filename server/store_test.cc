// Tests of the store: pragmas, migrations, form versions, attachments, the database's
// own guards on the chain (foreign keys, append-only triggers) and the read API.
#include "store.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "store_testing.h"

#include "blankett/submission.h"
#include "migrations.h"

namespace blankett {
namespace {

namespace fs = std::filesystem;

Store must_open(const std::string& path) { return must_open_store(path); }

std::string query_text(sqlite3* db, const char* sql) {
  Result<sql::Statement> s = sql::prepare(db, sql);
  if (!s) throw std::runtime_error(to_string(s.errors().front()));
  Result<bool> row = sql::step(s.value());
  if (!row) throw std::runtime_error(to_string(row.errors().front()));
  return row.value() ? sql::column_text(s.value(), 0) : "";
}

FormVersion form_version(const std::string& form_id, const std::string& title) {
  const std::string definition = R"({"id":")" + form_id + R"(","title":")" + title + R"("})";
  return FormVersion{form_id, sha256_of(definition), definition, ""};
}

// A row that continues the chain after `head`, for tests that write without the writer.
StoredSubmission next_row(const ChainHead& head, const FormVersion& form, const std::string& key) {
  StoredSubmission row;
  row.seq = head.seq + 1;
  row.reference = "REF-" + key;
  row.form_id = form.form_id;
  row.version = form.version;
  row.idempotency_key = key;
  row.canonical = R"({"answers":{"k":")" + key + R"("}})";
  row.submission_sha256 = sha256_of(row.canonical);
  row.received_at = "2024-05-01T10:00:00.000Z";
  row.receipt = R"({"seq":)" + std::to_string(row.seq) + "}";
  row.receipt_sha256 = sha256_of(row.receipt);
  row.previous_receipt_sha256 = head.receipt_sha256;
  return row;
}

TEST(Store, PragmasAreWalFullAndForeignKeys) {
  TempDir dir;
  Store store = must_open(dir.file("blankett.db"));
  EXPECT_EQ(query_text(store.db.get(), "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(query_text(store.db.get(), "PRAGMA synchronous"), "2");  // FULL
  EXPECT_EQ(query_text(store.db.get(), "PRAGMA foreign_keys"), "1");
  EXPECT_EQ(query_text(store.db.get(), "PRAGMA busy_timeout"), "5000");
  EXPECT_TRUE(fs::exists(dir.file("blankett.db-wal")));
}

TEST(Store, TheDatabaseFileIsTheServersUserOnly) {
  TempDir dir;
  const std::string path = dir.file("blankett.db");
  { std::ofstream(path) << ""; }
  std::filesystem::permissions(path, std::filesystem::perms::all);  // as if left 0777
  Store store = must_open(path);
  EXPECT_EQ(std::filesystem::status(path).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

TEST(Store, RefusesADatabaseWithoutWal) {
  Result<Store> store = open_store(":memory:");
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.errors().front().code, "storage.not_wal");
}

TEST(Store, MigrationsAppliedOnceAndReopenIsIdempotent) {
  TempDir dir;
  const std::string path = dir.file("blankett.db");
  std::string applied_at;
  {
    Store store = must_open(path);
    EXPECT_EQ(current_schema_version(store.db.get()).value(), latest_schema_version());
    EXPECT_EQ(query_text(store.db.get(), "SELECT COUNT(*) FROM schema_migrations"),
              std::to_string(schema_migrations().size()));
    applied_at = query_text(store.db.get(), "SELECT applied_at FROM schema_migrations WHERE version = 1");
    EXPECT_EQ(applied_at.size(), 24u) << applied_at;  // 2024-05-01T10:00:00.000Z
    ASSERT_TRUE(put_form_version(store, form_version("f", "x")).ok());
  }
  for (int i = 0; i < 3; ++i) {
    Store store = must_open(path);
    EXPECT_EQ(query_text(store.db.get(), "SELECT COUNT(*) FROM schema_migrations"),
              std::to_string(schema_migrations().size()));
    EXPECT_EQ(query_text(store.db.get(), "SELECT applied_at FROM schema_migrations WHERE version = 1"), applied_at);
    EXPECT_EQ(list_form_versions(store, "f").value().size(), 1u);  // data kept
  }
  // The known migrations are numbered 1..N without gaps.
  for (size_t i = 0; i < schema_migrations().size(); ++i) EXPECT_EQ(schema_migrations()[i].version, static_cast<int>(i + 1));
}

// A database file at schema `version`, as an older blankett left it: the migrations up to
// it applied and recorded (a rebuild with foreign keys off, as migrate() does), foreign
// keys on. Throws if one fails.
sql::Db database_at_version(const std::string& path, int version) {
  sql::Db db = sql::open_db(path).value();
  auto run = [&](const std::string& sql) {
    Result<bool> done = sql::exec(db.get(), sql.c_str());
    if (!done) throw std::runtime_error(to_string(done.errors().front()));
  };
  run("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT)");
  for (const Migration& m : schema_migrations()) {
    if (m.version > version) break;
    run(m.rebuilds_tables ? "PRAGMA foreign_keys = OFF" : "PRAGMA foreign_keys = ON");
    run(m.sql);
    run("INSERT INTO schema_migrations VALUES (" + std::to_string(m.version) + ", 'then')");
  }
  run("PRAGMA foreign_keys = ON");
  return db;
}

// The rows a migration test's cases refer to: a form version, its first submission
// (F-2026-000001, seq 1) and the user anna (id 7). Valid at every schema version since 3.
const char* const kFirstSubmissionAndUser = R"sql(
  INSERT INTO form_versions VALUES ('f', 'v', x'7b7d', '2026-01-01T00:00:00.000Z');
  INSERT INTO submissions VALUES (1, 'F-2026-000001', 'f', 'v', 'key-0001', x'7b7d', 'h', '2026-01-02T00:00:00.000Z', '{}', 'r1',
    '0000000000000000000000000000000000000000000000000000000000000000');
  INSERT INTO users VALUES (7, 'anna', 'Anna', 'x', 0, '2026-01-01T00:00:00.000Z');
)sql";

// Version 4 rebuilds the cases table (a CHECK cannot be altered): a database at version 3
// with cases, their search terms, history and an assignee must keep every row and every
// reference, and accept the new status afterwards.
TEST(Store, MigrationToV4KeepsCasesAndTheirReferences) {
  TempDir dir;
  const std::string path = dir.file("blankett.db");
  {
    sql::Db db = database_at_version(path, 3);
    ASSERT_TRUE(sql::exec(db.get(), kFirstSubmissionAndUser).ok());
    const char* rows = R"sql(
      INSERT INTO cases (seq, form_id, reference, received_at, status, assignee, applicant_name, applicant_number, updated_at)
        VALUES (1, 'f', 'F-2026-000001', '2026-01-02T00:00:00.000Z', 'in_progress', 7, 'Eva Ek', '20100101-1234', '2026-01-03T00:00:00.000Z');
      INSERT INTO case_terms VALUES ('eva', 1);
      INSERT INTO case_events (seq, at, user_id, kind, detail) VALUES (1, '2026-01-03T00:00:00.000Z', 7, 'status', '{}');
    )sql";
    ASSERT_TRUE(sql::exec(db.get(), rows).ok());
  }
  Store store = must_open(path);
  EXPECT_EQ(current_schema_version(store.db.get()).value(), latest_schema_version());
  EXPECT_EQ(query_text(store.db.get(), "SELECT status || ' ' || assignee || ' ' || applicant_name || ' ' || applicant_number FROM cases"),
            "in_progress 7 Eva Ek 20100101-1234");
  EXPECT_EQ(query_text(store.db.get(), "SELECT applicant_email || '|' || flag || '|' || COALESCE(signing_deadline, 'none') FROM cases"),
            "||none");
  EXPECT_EQ(query_text(store.db.get(), "SELECT COUNT(*) FROM case_terms t JOIN cases c ON c.seq = t.seq"), "1");
  EXPECT_EQ(query_text(store.db.get(), "SELECT COUNT(*) FROM case_events e JOIN cases c ON c.seq = e.seq"), "1");
  EXPECT_EQ(query_text(store.db.get(), "SELECT COUNT(*) FROM pragma_foreign_key_check"), "0");
  EXPECT_EQ(query_text(store.db.get(), "PRAGMA foreign_keys"), "1");  // switched back on after the rebuild
  EXPECT_EQ(query_text(store.db.get(), "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'cases' AND name LIKE 'cases_by_%'"),
            "4");
  EXPECT_TRUE(sql::exec(store.db.get(), "UPDATE cases SET status = 'awaiting_signatures'").ok());
  EXPECT_FALSE(sql::exec(store.db.get(), "UPDATE cases SET status = 'lost'").ok());
  // References into the rebuilt table are still enforced.
  EXPECT_FALSE(sql::exec(store.db.get(), "INSERT INTO case_terms VALUES ('x', 99)").ok());
}

// Version 5: a new submission enters no index that nothing reads, and "my cases" still
// has an index to search.
TEST(Store, NewSubmissionsSkipTheIndexesNothingReads) {
  TempDir dir;
  Store store = must_open(dir.file("blankett.db"));
  EXPECT_EQ(query_text(store.db.get(), "SELECT COUNT(*) FROM sqlite_master WHERE name = 'submissions_by_form_received'"), "0");
  EXPECT_EQ(query_text(store.db.get(), "SELECT sql FROM sqlite_master WHERE name = 'cases_by_assignee'"),
            "CREATE INDEX cases_by_assignee ON cases (assignee, seq) WHERE assignee IS NOT NULL");
  // The inbox's query for one caseworker's cases (case_store.cc), planned.
  Result<sql::Statement> plan = sql::prepare(store.db.get(),
                                             "EXPLAIN QUERY PLAN SELECT c.seq FROM cases c WHERE c.seq < ?1 "
                                             "AND c.form_id IN (?2, ?3) AND c.assignee = ?4 ORDER BY c.seq DESC LIMIT 50");
  ASSERT_TRUE(plan.ok());
  ASSERT_TRUE(sql::step(plan.value()).value());
  EXPECT_EQ(sql::column_text(plan.value(), 3), "SEARCH c USING INDEX cases_by_assignee (assignee=? AND seq<?)");
}

// Version 6 rebuilds the tables a submission adds rows to, so that their allowed-value
// CHECKs need no temporary table per row. A database at version 5 keeps every row and
// every reference, still refuses a value outside the list, and inserting into those tables
// no longer opens an ephemeral table (what `x IN (...)` costs in a CHECK).
TEST(Store, MigrationToV6KeepsRowsAndChecksWithoutTemporaryTables) {
  TempDir dir;
  const std::string path = dir.file("blankett.db");
  {
    sql::Db db = database_at_version(path, 5);
    ASSERT_TRUE(sql::exec(db.get(), kFirstSubmissionAndUser).ok());
    const char* rows = R"sql(
      INSERT INTO cases (seq, form_id, reference, received_at, status, assignee, applicant_name, applicant_number, updated_at,
                         applicant_email, signing_deadline, flag)
        VALUES (1, 'f', 'F-2026-000001', '2026-01-02T00:00:00.000Z', 'awaiting_signatures', 7, 'Eva Ek', '20100101-1234',
                '2026-01-03T00:00:00.000Z', 'eva@example.se', '2026-01-30', 'signature_deadline_passed');
      INSERT INTO case_terms VALUES ('eva', 1);
      INSERT INTO signature_requests (id, seq, signer_id, title, email, token_sha256, created_at, expires_at, state, lang)
        VALUES (3, 1, 'guardian2', '"Vårdnadshavare 2"', 'per@example.se', 'tok', '2026-01-02T00:00:00.000Z', '2026-01-30T00:00:00.000Z',
                'signed', 'en');
      INSERT INTO notifications (id, recipient, subject, body, link, created_at, state, attempts)
        VALUES (4, 'per@example.se', 'Sign', 'Sign at https://x/sign/t', 'https://x/sign/t', '2026-01-02T00:00:00.000Z', 'sent', 1);
      INSERT INTO webhooks (id, form_id, url, secret, events, created_by, created_at)
        VALUES (5, 'f', 'https://hook.example/', 's', 'submission.created', 'admin', '2026-01-01T00:00:00.000Z');
      INSERT INTO webhook_deliveries (id, webhook_id, event, event_key, payload, state, last_status)
        VALUES (6, 5, 'case.created', 'case:1', '{}', 'delivered', 204);
    )sql";
    ASSERT_TRUE(sql::exec(db.get(), rows).ok());
  }
  Store store = must_open(path);
  sqlite3* db = store.db.get();
  EXPECT_EQ(current_schema_version(db).value(), latest_schema_version());
  EXPECT_EQ(query_text(db, "SELECT status || ' ' || assignee || ' ' || applicant_email || ' ' || signing_deadline || ' ' || flag FROM cases"),
            "awaiting_signatures 7 eva@example.se 2026-01-30 signature_deadline_passed");
  EXPECT_EQ(query_text(db, "SELECT id || ' ' || state || ' ' || lang || ' ' || title FROM signature_requests"),
            "3 signed en \"Vårdnadshavare 2\"");
  EXPECT_EQ(query_text(db, "SELECT id || ' ' || state || ' ' || attempts FROM notifications"), "4 sent 1");
  EXPECT_EQ(query_text(db, "SELECT id || ' ' || state || ' ' || last_status FROM webhook_deliveries"), "6 delivered 204");
  EXPECT_EQ(query_text(db, "SELECT COUNT(*) FROM case_terms t JOIN cases c ON c.seq = t.seq"), "1");
  EXPECT_EQ(query_text(db, "SELECT COUNT(*) FROM pragma_foreign_key_check"), "0");
  EXPECT_EQ(query_text(db, "SELECT COUNT(*) FROM sqlite_master WHERE sql LIKE '%\\_v6%' ESCAPE '\\'"), "0");
  EXPECT_EQ(query_text(db, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name IN ('cases_by_form', "
                           "'cases_by_form_status', 'cases_by_assignee', 'cases_by_form_received', 'signature_requests_by_state', "
                           "'notifications_due', 'webhook_deliveries_due')"),
            "7");
  // The rules still hold, and references into the rebuilt tables are still enforced.
  EXPECT_FALSE(sql::exec(db, "UPDATE cases SET status = 'lost'").ok());
  EXPECT_FALSE(sql::exec(db, "UPDATE signature_requests SET state = 'lost'").ok());
  EXPECT_FALSE(sql::exec(db, "UPDATE notifications SET state = 'lost'").ok());
  EXPECT_FALSE(sql::exec(db, "UPDATE webhook_deliveries SET state = 'lost'").ok());
  EXPECT_TRUE(sql::exec(db, "UPDATE cases SET status = 'closed'").ok());
  EXPECT_FALSE(sql::exec(db, "INSERT INTO case_terms VALUES ('x', 99)").ok());
  EXPECT_FALSE(sql::exec(db, "INSERT INTO signature_requests (seq, signer_id, title, email, token_sha256, created_at, expires_at) "
                             "VALUES (99, 's', '\"\"', 'a@b.se', 't2', 'now', 'later')").ok());
  // What each insert runs: no ephemeral table.
  for (const char* insert : {"INSERT INTO cases (seq, form_id, reference, received_at, updated_at) VALUES (2, 'f', 'R', 'a', 'b')",
                             "INSERT INTO signature_requests (seq, signer_id, title, email, token_sha256, created_at, expires_at) "
                             "VALUES (1, 's', 't', 'e', 'k', 'a', 'b')",
                             "INSERT INTO notifications (recipient, subject, body, link, created_at) VALUES ('r', 's', 'b', 'l', 'c')",
                             "INSERT INTO webhook_deliveries (webhook_id, event, event_key, payload) VALUES (5, 'e', 'k', 'p')"}) {
    Result<sql::Statement> program = sql::prepare(db, std::string("EXPLAIN ") + insert);
    ASSERT_TRUE(program.ok()) << insert;
    bool ephemeral = false, any = false;
    for (;;) {
      Result<bool> op = sql::step(program.value());
      ASSERT_TRUE(op.ok());
      if (!op.value()) break;
      any = true;
      if (sql::column_text(program.value(), 1) == "OpenEphemeral") ephemeral = true;
    }
    EXPECT_TRUE(any) << insert;
    EXPECT_FALSE(ephemeral) << insert;
  }
}

// Version 7 gives notifications a "cancelled" state. Version 6 stored a withdrawn signing
// e-mail as "failed" with last_error "notification.cancelled: <reason>": a database at
// version 6 with such a row becomes "cancelled" with the reason alone, while a real
// failure (even one whose text mentions cancelling) and every other row stay as they were.
TEST(Store, MigrationToV7TurnsWithdrawnMailsIntoCancelled) {
  TempDir dir;
  const std::string path = dir.file("blankett.db");
  {
    sql::Db db = database_at_version(path, 6);
    const char* rows = R"sql(
      INSERT INTO notifications (id, recipient, subject, body, link, created_at, state, attempts, next_attempt_at, last_error)
        VALUES (1, 'per@example.se', 'Sign', 'Sign at https://x/sign/a', 'https://x/sign/a', '2026-01-02T00:00:00.000Z',
                'failed', 0, 0, 'notification.cancelled: the request is signed');
      INSERT INTO notifications (id, recipient, subject, body, link, created_at, state, attempts, next_attempt_at, last_error)
        VALUES (2, 'eva@example.se', 'Sign', 'Sign at https://x/sign/b', 'https://x/sign/b', '2026-01-02T00:00:00.000Z',
                'failed', 10, 1767312000, 'smtp.rejected: 550 notification.cancelled: by the server');
      INSERT INTO notifications (id, recipient, subject, body, link, created_at, state, attempts, next_attempt_at, last_error, sent_at)
        VALUES (3, 'bo@example.se', 'Sign', 'Sign at https://x/sign/c', 'https://x/sign/c', '2026-01-02T00:00:00.000Z',
                'sent', 1, 0, '', '2026-01-02T00:00:01.000Z');
      INSERT INTO notifications (id, recipient, subject, body, link, created_at, state, attempts, next_attempt_at)
        VALUES (4, 'al@example.se', 'Sign', 'Sign at https://x/sign/d', 'https://x/sign/d', '2026-01-02T00:00:00.000Z',
                'pending', 2, 1767312040);
    )sql";
    ASSERT_TRUE(sql::exec(db.get(), rows).ok());
  }
  Store store = must_open(path);
  sqlite3* db = store.db.get();
  EXPECT_EQ(current_schema_version(db).value(), latest_schema_version());
  EXPECT_EQ(query_text(db, "SELECT group_concat(id || ' ' || state || ' ' || attempts || ' ' || next_attempt_at || ' ' || last_error || ' ' || "
                           "COALESCE(sent_at, '-'), '|') FROM (SELECT * FROM notifications ORDER BY id)"),
            "1 cancelled 0 0 the request is signed -|"
            "2 failed 10 1767312000 smtp.rejected: 550 notification.cancelled: by the server -|"
            "3 sent 1 0  2026-01-02T00:00:01.000Z|"
            "4 pending 2 1767312040  -");
  EXPECT_EQ(query_text(db, "SELECT COUNT(*) FROM sqlite_master WHERE sql LIKE '%\\_v7%' ESCAPE '\\'"), "0");
  EXPECT_EQ(query_text(db, "SELECT sql FROM sqlite_master WHERE name = 'notifications_due'"),
            "CREATE INDEX notifications_due ON notifications (state, next_attempt_at)");
  // The new state is allowed, anything else still refused, and the CHECK needs no
  // temporary table (docs/performance.md).
  EXPECT_TRUE(sql::exec(db, "UPDATE notifications SET state = 'cancelled' WHERE id = 4").ok());
  EXPECT_FALSE(sql::exec(db, "UPDATE notifications SET state = 'lost'").ok());
  Result<sql::Statement> program =
      sql::prepare(db, "EXPLAIN INSERT INTO notifications (recipient, subject, body, link, created_at) VALUES ('r', 's', 'b', 'l', 'c')");
  ASSERT_TRUE(program.ok());
  for (;;) {
    Result<bool> op = sql::step(program.value());
    ASSERT_TRUE(op.ok());
    if (!op.value()) break;
    EXPECT_NE(sql::column_text(program.value(), 1), "OpenEphemeral");
  }
}

TEST(Store, TwoStoresOnOneFileBothOpen) {
  TempDir dir;
  const std::string path = dir.file("blankett.db");
  Store first = must_open(path);
  Store second = must_open(path);
  // Each migration applied once, whichever store got there first.
  EXPECT_EQ(query_text(second.db.get(), "SELECT COUNT(*) FROM schema_migrations"), std::to_string(latest_schema_version()));
}

TEST(Store, RefusesANewerSchema) {
  TempDir dir;
  const std::string path = dir.file("blankett.db");
  {
    Store store = must_open(path);
    Result<sql::Statement> s = sql::prepare(store.db.get(), "INSERT INTO schema_migrations (version, applied_at) VALUES (?1, 'later')");
    ASSERT_TRUE(s.ok());
    sql::bind_int64(s.value(), 1, latest_schema_version() + 1);
    ASSERT_TRUE(sql::run(s.value()).ok());
  }
  Result<Store> reopened = open_store(path);
  ASSERT_FALSE(reopened.ok());
  EXPECT_EQ(reopened.errors().front().code, "storage.schema_too_new");
}

TEST(Store, FormVersionsArePutIdempotentlyAndListed) {
  TempDir dir;
  Store store = must_open(dir.file("blankett.db"));
  FormVersion v1 = form_version("bygglov", "one");
  v1.published_at = "2024-01-01T00:00:00.000Z";
  FormVersion v2 = form_version("bygglov", "two");
  v2.published_at = "2024-02-01T00:00:00.000Z";

  EXPECT_TRUE(put_form_version(store, v1).value());
  EXPECT_FALSE(put_form_version(store, v1).value());  // already there: fine, nothing changes
  EXPECT_TRUE(put_form_version(store, v2).value());
  EXPECT_TRUE(put_form_version(store, form_version("other", "one")).value());

  std::optional<FormVersion> got = get_form_version(store, "bygglov", v1.version).value();
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->definition, v1.definition);
  EXPECT_EQ(got->published_at, v1.published_at);
  EXPECT_FALSE(get_form_version(store, "bygglov", std::string(64, 'a')).value().has_value());
  EXPECT_TRUE(has_form_version(store, "bygglov", v2.version).value());
  EXPECT_FALSE(has_form_version(store, "other", v2.version).value());

  std::vector<FormVersion> list = list_form_versions(store, "bygglov").value();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].version, v1.version);  // oldest first
  EXPECT_EQ(list[1].version, v2.version);

  // published_at defaults to now.
  EXPECT_EQ(list_form_versions(store, "other").value().front().published_at.size(), 24u);

  // A version that is not the definition's hash is refused.
  FormVersion forged = v1;
  forged.definition = R"({"id":"bygglov","title":"forged"})";
  Result<bool> refused = put_form_version(store, forged);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.errors().front().code, "storage.bad_form_version");
}

TEST(Store, AttachmentsAreStoredByContentHash) {
  TempDir dir;
  Store store = must_open(dir.file("blankett.db"));
  const std::string bytes("%PDF-1.7\0\x01\x02", 11);
  Result<std::string> first = put_attachment(store, "application/pdf", bytes);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first.value(), sha256_of(bytes));
  Result<std::string> again = put_attachment(store, "application/octet-stream", bytes);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again.value(), first.value());
  EXPECT_EQ(query_text(store.db.get(), "SELECT COUNT(*) FROM attachments"), "1");

  std::optional<Attachment> got = get_attachment(store, first.value()).value();
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->bytes, bytes);
  EXPECT_EQ(got->size, 11);
  EXPECT_EQ(got->media_type, "application/pdf");  // the first one stays
  EXPECT_FALSE(get_attachment(store, std::string(64, '0')).value().has_value());
}

TEST(Store, ForeignKeyViolationFails) {
  TempDir dir;
  Store store = must_open(dir.file("blankett.db"));
  const FormVersion unknown = form_version("never-published", "x");
  Result<bool> inserted = insert_submission(store, next_row(ChainHead{}, unknown, "k1"), {});
  ASSERT_FALSE(inserted.ok());
  EXPECT_EQ(inserted.errors().front().code, "storage.unknown_form_version");
  EXPECT_EQ(chain_head(store).value().seq, 0);

  // The same for an attachment that was never stored: the whole insert is refused when
  // run in a savepoint, as the writer does.
  const FormVersion known = form_version("f", "x");
  ASSERT_TRUE(put_form_version(store, known).ok());
  {
    Result<sql::Savepoint> sp = sql::Savepoint::begin(store.db.get());
    ASSERT_TRUE(sp.ok());
    Result<bool> linked =
        insert_submission(store, next_row(ChainHead{}, known, "k2"), {{"docs/0", std::string(64, 'b'), "a.pdf"}});
    ASSERT_FALSE(linked.ok());
    EXPECT_EQ(linked.errors().front().code, "storage.unknown_attachment");
  }
  EXPECT_EQ(chain_head(store).value().seq, 0);
}

TEST(Store, ReadsSubmissionsAndWalksTheChain) {
  TempDir dir;
  Store store = must_open(dir.file("blankett.db"));
  const FormVersion form = form_version("f", "x");
  ASSERT_TRUE(put_form_version(store, form).ok());
  const std::string pdf = "%PDF";
  const std::string pdf_sha = put_attachment(store, "application/pdf", pdf).value();

  EXPECT_EQ(chain_head(store).value().seq, 0);
  EXPECT_EQ(chain_head(store).value().receipt_sha256, kNoPreviousReceipt);
  std::vector<StoredSubmission> rows;
  for (int i = 0; i < 5; ++i) {
    StoredSubmission row = next_row(chain_head(store).value(), form, "key" + std::to_string(i));
    std::vector<SubmissionAttachment> links;
    if (i == 2) links.push_back({"docs/0", pdf_sha, "plan.pdf"});
    ASSERT_TRUE(insert_submission(store, row, links).ok());
    rows.push_back(row);
  }
  const ChainHead head = chain_head(store).value();
  EXPECT_EQ(head.seq, 5);
  EXPECT_EQ(head.receipt_sha256, rows.back().receipt_sha256);

  std::optional<StoredSubmission> by_key = find_by_idempotency_key(store, "key3").value();
  ASSERT_TRUE(by_key.has_value());
  EXPECT_EQ(by_key->seq, 4);
  EXPECT_EQ(by_key->canonical, rows[3].canonical);
  EXPECT_EQ(get_submission(store, 2).value()->reference, "REF-key1");
  EXPECT_EQ(get_submission_by_reference(store, "REF-key4").value()->seq, 5);
  EXPECT_FALSE(get_submission(store, 6).value().has_value());
  EXPECT_FALSE(find_by_idempotency_key(store, "nope").value().has_value());

  std::vector<SubmissionAttachment> links = list_submission_attachments(store, 3).value();
  ASSERT_EQ(links.size(), 1u);
  EXPECT_EQ(links[0].sha256, pdf_sha);
  EXPECT_EQ(links[0].name, "plan.pdf");
  EXPECT_TRUE(list_submission_attachments(store, 2).value().empty());

  std::vector<int64_t> seen;
  EXPECT_EQ(for_each_submission(store, 2, [&](const StoredSubmission& s) {
              seen.push_back(s.seq);
              return s.seq < 4;
            }).value(),
            3);
  EXPECT_EQ(seen, (std::vector<int64_t>{2, 3, 4}));
}

TEST(Store, TheChainIsAppendOnlyInTheDatabase) {
  TempDir dir;
  Store store = must_open(dir.file("blankett.db"));
  const FormVersion form = form_version("f", "x");
  ASSERT_TRUE(put_form_version(store, form).ok());
  const StoredSubmission first = next_row(ChainHead{}, form, "a");
  ASSERT_TRUE(insert_submission(store, first, {}).ok());

  // A gap in seq, or a link to the wrong receipt, is refused by the trigger.
  ChainHead gap{5, first.receipt_sha256, ""};
  Result<bool> gapped = insert_submission(store, next_row(gap, form, "b"), {});
  ASSERT_FALSE(gapped.ok());
  EXPECT_EQ(gapped.errors().front().code, "storage.constraint");
  ChainHead wrong_link{1, std::string(64, 'e'), ""};
  EXPECT_FALSE(insert_submission(store, next_row(wrong_link, form, "c"), {}).ok());

  // Another key but a reference already used.
  StoredSubmission same_reference = next_row(chain_head(store).value(), form, "d");
  same_reference.reference = first.reference;
  Result<bool> duplicate = insert_submission(store, same_reference, {});
  ASSERT_FALSE(duplicate.ok());
  EXPECT_EQ(duplicate.errors().front().code, "storage.duplicate_reference");

  EXPECT_FALSE(sql::exec(store.db.get(), "UPDATE submissions SET receipt = '{}'").ok());
  EXPECT_FALSE(sql::exec(store.db.get(), "DELETE FROM submissions").ok());
  EXPECT_FALSE(sql::exec(store.db.get(), "UPDATE form_versions SET definition = x'00'").ok());
  EXPECT_EQ(get_submission(store, 1).value()->receipt, first.receipt);
  EXPECT_EQ(chain_head(store).value().seq, 1);
}

TEST(Store, Sha256HexShape) {
  EXPECT_TRUE(is_sha256_hex(std::string(64, 'a')));
  EXPECT_TRUE(is_sha256_hex(sha256_of("x")));
  EXPECT_FALSE(is_sha256_hex(std::string(64, 'A')));
  EXPECT_FALSE(is_sha256_hex(std::string(63, 'a')));
  EXPECT_FALSE(is_sha256_hex(""));
}

}  // namespace
}  // namespace blankett
