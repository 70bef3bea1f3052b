#include "migrations.h"

#include <string>

#include "sqlite_db.h"

namespace blankett {

namespace {

// Version 1: forms, the submission chain, attachments. Beyond the columns the server
// needs, the triggers make the chain append-only inside the database itself, so that
// neither a bug nor a hand-typed statement in the sqlite3 shell can renumber, rewrite or
// remove a submission that a citizen holds a receipt for; changing that (for retention,
// say) takes a deliberate migration.
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE form_versions (
  form_id      TEXT NOT NULL,
  version      TEXT NOT NULL,   -- sha256 hex of definition
  definition   BLOB NOT NULL,   -- canonical JSON bytes
  published_at TEXT NOT NULL,
  PRIMARY KEY (form_id, version)
);

CREATE TABLE submissions (
  seq                     INTEGER PRIMARY KEY CHECK (seq >= 1),  -- chain position, 1..
  reference               TEXT UNIQUE NOT NULL,
  form_id                 TEXT NOT NULL,
  version                 TEXT NOT NULL,
  idempotency_key         TEXT UNIQUE NOT NULL,
  canonical               BLOB NOT NULL,
  submission_sha256       TEXT NOT NULL,
  received_at             TEXT NOT NULL,
  receipt                 TEXT NOT NULL,   -- JSON
  receipt_sha256          TEXT NOT NULL,
  previous_receipt_sha256 TEXT NOT NULL,
  FOREIGN KEY (form_id, version) REFERENCES form_versions (form_id, version)
);
CREATE INDEX submissions_by_form_received ON submissions (form_id, received_at);
CREATE INDEX submissions_by_received ON submissions (received_at);

CREATE TABLE attachments (
  sha256     TEXT PRIMARY KEY NOT NULL,
  media_type TEXT NOT NULL,
  size       INTEGER NOT NULL,
  bytes      BLOB NOT NULL
);

CREATE TABLE submission_attachments (
  seq        INTEGER NOT NULL REFERENCES submissions (seq),
  field_path TEXT NOT NULL,
  sha256     TEXT NOT NULL REFERENCES attachments (sha256),
  name       TEXT NOT NULL
);
CREATE INDEX submission_attachments_by_seq ON submission_attachments (seq);
CREATE INDEX submission_attachments_by_sha256 ON submission_attachments (sha256);

CREATE TRIGGER submissions_continue_chain BEFORE INSERT ON submissions
WHEN NEW.seq IS NOT (SELECT COALESCE(MAX(seq), 0) + 1 FROM submissions)
  OR NEW.previous_receipt_sha256 IS NOT COALESCE(
       (SELECT receipt_sha256 FROM submissions ORDER BY seq DESC LIMIT 1),
       '0000000000000000000000000000000000000000000000000000000000000000')
BEGIN
  SELECT RAISE(ABORT, 'submissions: seq and previous_receipt_sha256 must continue the chain');
END;
CREATE TRIGGER submissions_no_update BEFORE UPDATE ON submissions
BEGIN SELECT RAISE(ABORT, 'submissions are append-only'); END;
CREATE TRIGGER submissions_no_delete BEFORE DELETE ON submissions
BEGIN SELECT RAISE(ABORT, 'submissions are append-only'); END;
CREATE TRIGGER submission_attachments_no_update BEFORE UPDATE ON submission_attachments
BEGIN SELECT RAISE(ABORT, 'submission_attachments are append-only'); END;
CREATE TRIGGER submission_attachments_no_delete BEFORE DELETE ON submission_attachments
BEGIN SELECT RAISE(ABORT, 'submission_attachments are append-only'); END;
CREATE TRIGGER form_versions_immutable BEFORE UPDATE ON form_versions
BEGIN SELECT RAISE(ABORT, 'a published form version never changes'); END;
CREATE TRIGGER attachments_immutable BEFORE UPDATE ON attachments
BEGIN SELECT RAISE(ABORT, 'attachments are stored by content hash and never change'); END;
)sql";

Error too_new(int found) {
  return Error{"storage.schema_too_new", "", 0, 0,
               "the database has schema version " + std::to_string(found) + " but this program knows only up to " +
                   std::to_string(latest_schema_version()) + "; run a newer blankett"};
}

// One migration with its schema_migrations row, in one transaction. Re-reads the version
// under the write lock so that a second process starting at the same moment skips what
// the first has just applied.
Result<int> apply(sqlite3* db, const Migration& m) {
  Result<sql::Transaction> txn = sql::Transaction::begin(db);
  if (!txn) return txn.errors();
  Result<bool> table = sql::exec(db, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT)");
  if (!table) return table.errors();
  Result<int> current = current_schema_version(db);
  if (!current) return current.errors();
  if (current.value() > latest_schema_version()) return Errors{too_new(current.value())};
  if (current.value() >= m.version) return current.value();  // someone else applied it
  if (current.value() != m.version - 1) {
    return Errors{Error{"storage.schema_gap", "", 0, 0,
                        "the database is at schema version " + std::to_string(current.value()) + ", cannot apply " +
                            std::to_string(m.version)}};
  }
  Result<bool> applied = sql::exec(db, m.sql);
  if (!applied) return applied.errors();
  Result<sql::Statement> insert = sql::prepare(
      db, "INSERT INTO schema_migrations (version, applied_at) VALUES (?1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))");
  if (!insert) return insert.errors();
  sql::bind_int64(insert.value(), 1, m.version);
  Result<bool> inserted = sql::run(insert.value());
  if (!inserted) return inserted.errors();
  Result<bool> committed = txn.value().commit();
  if (!committed) return committed.errors();
  return m.version;
}

}  // namespace

const std::vector<Migration>& schema_migrations() {
  static const std::vector<Migration> all = {
      {1, "forms, submission chain, attachments", kSchemaV1},
  };
  return all;
}

int latest_schema_version() { return schema_migrations().back().version; }

Result<int> current_schema_version(sqlite3* db) {
  Result<sql::Statement> exists =
      sql::prepare(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'");
  if (!exists) return exists.errors();
  Result<bool> found = sql::step(exists.value());
  if (!found) return found.errors();
  if (!found.value()) return 0;
  Result<sql::Statement> max = sql::prepare(db, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  if (!max) return max.errors();
  Result<bool> row = sql::step(max.value());
  if (!row) return row.errors();
  return static_cast<int>(sql::column_int64(max.value(), 0));
}

Result<int> migrate(sqlite3* db) {
  // Read without the write lock first: an up-to-date database (every start but the first)
  // then costs no write transaction, and readers can open the store while a writer works.
  Result<int> current = current_schema_version(db);
  if (!current) return current.errors();
  if (current.value() > latest_schema_version()) return Errors{too_new(current.value())};
  int reached = current.value();
  for (const Migration& m : schema_migrations()) {
    if (m.version <= reached) continue;
    Result<int> applied = apply(db, m);
    if (!applied) return applied.errors();
    reached = applied.value();
  }
  return reached;
}

}  // namespace blankett
