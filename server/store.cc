#include "store.h"

#include <filesystem>
#include <utility>

#include "blankett/submission.h"
#include "case_store.h"
#include "completion_store.h"
#include "migrations.h"
#include "signature_store.h"

namespace blankett {

namespace {



// Reads the single value a pragma returns, as text.
Result<std::string> pragma_value(sqlite3* db, const char* pragma) {
  Result<sql::Statement> s = sql::prepare(db, pragma);
  if (!s) return s.errors();
  Result<bool> row = sql::step(s.value());
  if (!row) return row.errors();
  if (!row.value()) return std::string();
  return sql::column_text(s.value(), 0);
}

// Sets the per-connection pragmas and checks that they took: each is a guarantee the
// rest of the server relies on, and SQLite ignores some settings silently (journal_mode
// on ":memory:", foreign_keys inside a transaction or in a build without them).
Result<bool> configure(sqlite3* db, const StoreOptions& options) {
  sqlite3_busy_timeout(db, options.busy_timeout_ms);
  Result<std::string> journal = pragma_value(db, "PRAGMA journal_mode = WAL");
  if (!journal) return journal.errors();
  if (journal.value() != "wal") {
    return Errors{Error{"storage.not_wal", "", 0, 0,
                        "the database cannot use write-ahead logging (journal_mode is '" + journal.value() + "')"}};
  }
  // In WAL mode FULL syncs the log at every commit; NORMAL would let the last commits
  // vanish on power loss, after their receipts were handed out.
  Result<bool> sync = sql::exec(db, "PRAGMA synchronous = FULL");
  if (!sync) return sync;
  Result<bool> fk = sql::exec(db, "PRAGMA foreign_keys = ON");
  if (!fk) return fk;
  Result<std::string> sync_now = pragma_value(db, "PRAGMA synchronous");
  if (!sync_now) return sync_now.errors();
  Result<std::string> fk_now = pragma_value(db, "PRAGMA foreign_keys");
  if (!fk_now) return fk_now.errors();
  if (sync_now.value() != "2" || fk_now.value() != "1") {
    return Errors{Error{"storage.sqlite", "", 0, 0,
                        "SQLite did not accept synchronous=FULL and foreign_keys=ON (got " + sync_now.value() + ", " +
                            fk_now.value() + ")"}};
  }
  return true;
}

constexpr const char* kSubmissionColumns =
    "seq, reference, form_id, version, idempotency_key, canonical, submission_sha256, received_at, receipt, "
    "receipt_sha256, previous_receipt_sha256";

StoredSubmission read_submission(const sql::Statement& s) {
  StoredSubmission row;
  row.seq = sql::column_int64(s, 0);
  row.reference = sql::column_text(s, 1);
  row.form_id = sql::column_text(s, 2);
  row.version = sql::column_text(s, 3);
  row.idempotency_key = sql::column_text(s, 4);
  row.canonical = sql::column_blob(s, 5);
  row.submission_sha256 = sql::column_text(s, 6);
  row.received_at = sql::column_text(s, 7);
  row.receipt = sql::column_text(s, 8);
  row.receipt_sha256 = sql::column_text(s, 9);
  row.previous_receipt_sha256 = sql::column_text(s, 10);
  return row;
}

// Runs a prepared, bound query that returns at most one submission.
Result<std::optional<StoredSubmission>> one_submission(sql::Statement& s) {
  Result<bool> row = sql::step(s);
  if (!row) return row.errors();
  if (!row.value()) return std::optional<StoredSubmission>();
  return std::optional<StoredSubmission>(read_submission(s));
}

Result<std::optional<StoredSubmission>> submission_where(Store& store, const std::string& where,
                                                         const std::function<void(sql::Statement&)>& bind) {
  // `where` is one of the fixed conditions below, never data; values go through `bind`.
  Result<sql::Statement> s =
      prepare(store, std::string("SELECT ") + kSubmissionColumns + " FROM submissions WHERE " + where);
  if (!s) return s.errors();
  bind(s.value());
  return one_submission(s.value());
}

FormVersion read_form_version(const sql::Statement& s) {
  return FormVersion{sql::column_text(s, 0), sql::column_text(s, 1), sql::column_blob(s, 2), sql::column_text(s, 3)};
}

// Turns a failed INSERT into the error its caller can act on.
Error insert_error(sqlite3* db, std::string_view what, const char* foreign_key_code, std::string_view foreign_key_message) {
  const int code = sql::last_error_code(db);
  if (code == SQLITE_CONSTRAINT_FOREIGNKEY) return Error{foreign_key_code, "", 0, 0, std::string(foreign_key_message)};
  if ((code & 0xff) == SQLITE_CONSTRAINT) {
    Error e = sql::sqlite_error(db, what);
    const std::string message = sqlite3_errmsg(db);
    e.code = message.find("submissions.reference") != std::string::npos ? "storage.duplicate_reference" : "storage.constraint";
    return e;
  }
  return sql::sqlite_error(db, what);
}

}  // namespace

bool is_lower_hex(std::string_view text) {
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool is_sha256_hex(std::string_view text) { return text.size() == 64 && is_lower_hex(text); }

Result<Store> open_store(const std::string& path, const StoreOptions& options) {
  Result<sql::Db> db = sql::open_db(path);
  if (!db) return db.errors();
  // Personal data and webhook secrets: the server's user only. SQLite gives the -wal and
  // -shm files the database file's permissions.
  std::error_code ec;
  std::filesystem::permissions(path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
                               std::filesystem::perm_options::replace, ec);
  Result<bool> configured = configure(db.value().get(), options);
  if (!configured) return configured.errors();
  Result<int> migrated = migrate(db.value().get());
  if (!migrated) return migrated.errors();
  Store store{std::move(db).value(), nullptr};
  store.statements = std::make_unique<sql::StatementCache>(store.db.get());
  return store;
}

Result<sql::Statement> prepare(Store& store, std::string_view sql) { return store.statements->prepare(sql); }

// --- Form versions -----------------------------------------------------------------------

Result<bool> put_form_version(Store& store, const FormVersion& form) {
  if (form.form_id.empty() || sha256_of(form.definition) != form.version) {
    return Errors{Error{"storage.bad_form_version", "", 0, 0,
                        "form version of '" + form.form_id + "' must be the SHA-256 of its definition"}};
  }
  sqlite3* db = store.db.get();
  Result<sql::Statement> insert = prepare(
      store,
      "INSERT INTO form_versions (form_id, version, definition, published_at) "
      "VALUES (?1, ?2, ?3, COALESCE(NULLIF(?4, ''), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))) "
      "ON CONFLICT (form_id, version) DO NOTHING");
  if (!insert) return insert.errors();
  sql::bind_text(insert.value(), 1, form.form_id);
  sql::bind_text(insert.value(), 2, form.version);
  sql::bind_blob(insert.value(), 3, form.definition);
  sql::bind_text(insert.value(), 4, form.published_at);
  Result<bool> done = sql::run(insert.value());
  if (!done) return done;
  if (sqlite3_changes(db) == 1) return true;
  // Already there. The version is the definition's hash, so the stored bytes can only
  // differ if someone wrote the row by hand; say so rather than pretend it is the same.
  Result<std::optional<FormVersion>> existing = get_form_version(store, form.form_id, form.version);
  if (!existing) return existing.errors();
  if (!existing.value() || existing.value()->definition != form.definition) {
    return Errors{Error{"storage.form_version_conflict", "", 0, 0,
                        "form '" + form.form_id + "' version " + form.version + " is stored with other bytes"}};
  }
  return false;
}

Result<std::optional<FormVersion>> get_form_version(Store& store, std::string_view form_id, std::string_view version) {
  Result<sql::Statement> s = prepare(
      store,
      "SELECT form_id, version, definition, published_at FROM form_versions WHERE form_id = ?1 AND version = ?2");
  if (!s) return s.errors();
  sql::bind_text(s.value(), 1, form_id);
  sql::bind_text(s.value(), 2, version);
  Result<bool> row = sql::step(s.value());
  if (!row) return row.errors();
  if (!row.value()) return std::optional<FormVersion>();
  return std::optional<FormVersion>(read_form_version(s.value()));
}

Result<bool> has_form_version(Store& store, std::string_view form_id, std::string_view version) {
  Result<sql::Statement> s =
      prepare(store, "SELECT 1 FROM form_versions WHERE form_id = ?1 AND version = ?2");
  if (!s) return s.errors();
  sql::bind_text(s.value(), 1, form_id);
  sql::bind_text(s.value(), 2, version);
  return sql::step(s.value());
}

Result<std::vector<FormVersion>> list_form_versions(Store& store, std::string_view form_id) {
  Result<sql::Statement> s = prepare(store,
                                          "SELECT form_id, version, definition, published_at FROM form_versions "
                                          "WHERE form_id = ?1 ORDER BY published_at, version");
  if (!s) return s.errors();
  sql::bind_text(s.value(), 1, form_id);
  std::vector<FormVersion> out;
  for (;;) {
    Result<bool> row = sql::step(s.value());
    if (!row) return row.errors();
    if (!row.value()) return out;
    out.push_back(read_form_version(s.value()));
  }
}

// --- The submission chain ----------------------------------------------------------------

Result<ChainHead> chain_head(Store& store) {
  Result<sql::Statement> s = prepare(
      store, "SELECT seq, receipt_sha256, received_at FROM submissions ORDER BY seq DESC LIMIT 1");
  if (!s) return s.errors();
  Result<bool> row = sql::step(s.value());
  if (!row) return row.errors();
  ChainHead head;
  if (row.value()) {
    head.seq = sql::column_int64(s.value(), 0);
    head.receipt_sha256 = sql::column_text(s.value(), 1);
    head.received_at = sql::column_text(s.value(), 2);
  }
  return head;
}

Result<std::optional<StoredSubmission>> find_by_idempotency_key(Store& store, std::string_view key) {
  return submission_where(store, "idempotency_key = ?1", [&](sql::Statement& s) { sql::bind_text(s, 1, key); });
}

Result<std::optional<StoredSubmission>> get_submission(Store& store, int64_t seq) {
  return submission_where(store, "seq = ?1", [&](sql::Statement& s) { sql::bind_int64(s, 1, seq); });
}

Result<std::optional<StoredSubmission>> get_submission_by_reference(Store& store, std::string_view reference) {
  return submission_where(store, "reference = ?1", [&](sql::Statement& s) { sql::bind_text(s, 1, reference); });
}

Result<std::vector<SubmissionAttachment>> list_submission_attachments(Store& store, int64_t seq) {
  Result<sql::Statement> s = prepare(
      store, "SELECT field_path, sha256, name FROM submission_attachments WHERE seq = ?1 ORDER BY rowid");
  if (!s) return s.errors();
  sql::bind_int64(s.value(), 1, seq);
  std::vector<SubmissionAttachment> out;
  for (;;) {
    Result<bool> row = sql::step(s.value());
    if (!row) return row.errors();
    if (!row.value()) return out;
    out.push_back({sql::column_text(s.value(), 0), sql::column_text(s.value(), 1), sql::column_text(s.value(), 2)});
  }
}

Result<int64_t> for_each_submission(Store& store, int64_t from_seq,
                                    const std::function<bool(const StoredSubmission&)>& visit) {
  Result<sql::Statement> s = prepare(
      store, std::string("SELECT ") + kSubmissionColumns + " FROM submissions WHERE seq >= ?1 ORDER BY seq");
  if (!s) return s.errors();
  sql::bind_int64(s.value(), 1, from_seq);
  int64_t visited = 0;
  for (;;) {
    Result<bool> row = sql::step(s.value());
    if (!row) return row.errors();
    if (!row.value()) return visited;
    ++visited;
    if (!visit(read_submission(s.value()))) return visited;
  }
}

namespace {

// The submission's file answers, by content hash.
Result<bool> link_attachments(Store& store, const StoredSubmission& row, const std::vector<SubmissionAttachment>& attachments) {
  sqlite3* db = store.db.get();
  if (attachments.empty()) return true;
  Result<sql::Statement> link = prepare(
      store, "INSERT INTO submission_attachments (seq, field_path, sha256, name) VALUES (?1, ?2, ?3, ?4)");
  if (!link) return link.errors();
  for (const SubmissionAttachment& a : attachments) {
    sql::reset(link.value());
    sql::bind_int64(link.value(), 1, row.seq);
    sql::bind_text(link.value(), 2, a.field_path);
    sql::bind_text(link.value(), 3, a.sha256);
    sql::bind_text(link.value(), 4, a.name);
    if (!sql::run(link.value())) {
      return Errors{insert_error(db, "cannot link attachment " + a.sha256, "storage.unknown_attachment",
                                 "attachment " + a.sha256 + " (" + a.field_path + ") was never stored")};
    }
  }
  return true;
}

}  // namespace

Result<bool> insert_submission(Store& store, const StoredSubmission& row,
                               const std::vector<SubmissionAttachment>& attachments, const CaseIntake& intake) {
  sqlite3* db = store.db.get();
  Result<sql::Statement> insert = prepare(
      store, std::string("INSERT INTO submissions (") + kSubmissionColumns +
              ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
  if (!insert) return insert.errors();
  sql::Statement& s = insert.value();
  sql::bind_int64(s, 1, row.seq);
  sql::bind_text(s, 2, row.reference);
  sql::bind_text(s, 3, row.form_id);
  sql::bind_text(s, 4, row.version);
  sql::bind_text(s, 5, row.idempotency_key);
  sql::bind_blob(s, 6, row.canonical);
  sql::bind_text(s, 7, row.submission_sha256);
  sql::bind_text(s, 8, row.received_at);
  sql::bind_text(s, 9, row.receipt);
  sql::bind_text(s, 10, row.receipt_sha256);
  sql::bind_text(s, 11, row.previous_receipt_sha256);
  if (!sql::run(s)) {
    return Errors{insert_error(db, "cannot store submission " + row.reference, "storage.unknown_form_version",
                               "form '" + row.form_id + "' has no published version " + row.version)};
  }
  if (intake.amends.case_seq != 0) {
    Result<bool> version = insert_case_version(store, row, intake.amends);
    if (!version) return version.errors();
    return link_attachments(store, row, attachments);
  }
  // The case, in the same transaction: every stored submission that is not a later
  // version of one has one.
  Result<sql::Statement> with_case = prepare(
      store, "INSERT INTO cases (seq, form_id, reference, received_at, applicant_name, applicant_number, draft_started_at, "
             "updated_at, applicant_email, status) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?4, ?8, ?9)");
  if (!with_case) return with_case.errors();
  sql::Statement& c = with_case.value();
  sql::bind_int64(c, 1, row.seq);
  sql::bind_text(c, 2, row.form_id);
  sql::bind_text(c, 3, row.reference);
  sql::bind_text(c, 4, row.received_at);
  sql::bind_text(c, 5, intake.applicant_name);
  sql::bind_text(c, 6, intake.applicant_number);
  if (intake.draft_started_at.empty()) sql::bind_null(c, 7);
  else sql::bind_text(c, 7, intake.draft_started_at);
  sql::bind_text(c, 8, intake.applicant_email);
  sql::bind_text(c, 9, intake.signers.empty() ? "new" : "awaiting_signatures");
  if (!sql::run(c)) return Errors{insert_error(db, "cannot open the case of " + row.reference, "storage.constraint", "the case could not be created")};
  const std::vector<std::string> terms = case_search_terms(row.reference, intake.applicant_name, intake.applicant_number);
  if (!terms.empty()) {
    Result<sql::Statement> term = prepare(store, "INSERT OR IGNORE INTO case_terms (term, seq) VALUES (?1, ?2)");
    if (!term) return term.errors();
    for (const std::string& t : terms) {
      sql::reset(term.value());
      sql::bind_text(term.value(), 1, t);
      sql::bind_int64(term.value(), 2, row.seq);
      if (!sql::run(term.value())) return Errors{sql::sqlite_error(db, "cannot index the case of " + row.reference)};
    }
  }
  if (!intake.signers.empty()) {
    Result<bool> signers = insert_signature_requests(store, row.seq, intake.signers);
    if (!signers) return signers.errors();
  }
  return link_attachments(store, row, attachments);
}

// --- Attachments -------------------------------------------------------------------------

Result<std::string> put_attachment(Store& store, std::string_view media_type, std::string_view bytes) {
  std::string sha256 = sha256_of(bytes);
  Result<sql::Statement> s = prepare(store,
                                          "INSERT INTO attachments (sha256, media_type, size, bytes) VALUES (?1, ?2, ?3, ?4) "
                                          "ON CONFLICT (sha256) DO NOTHING");
  if (!s) return s.errors();
  sql::bind_text(s.value(), 1, sha256);
  sql::bind_text(s.value(), 2, media_type);
  sql::bind_int64(s.value(), 3, static_cast<int64_t>(bytes.size()));
  sql::bind_blob(s.value(), 4, bytes);
  Result<bool> done = sql::run(s.value());
  if (!done) return done.errors();
  return sha256;
}

Result<std::optional<Attachment>> get_attachment(Store& store, std::string_view sha256) {
  Result<sql::Statement> s =
      prepare(store, "SELECT sha256, media_type, size, bytes FROM attachments WHERE sha256 = ?1");
  if (!s) return s.errors();
  sql::bind_text(s.value(), 1, sha256);
  Result<bool> row = sql::step(s.value());
  if (!row) return row.errors();
  if (!row.value()) return std::optional<Attachment>();
  return std::optional<Attachment>(Attachment{sql::column_text(s.value(), 0), sql::column_text(s.value(), 1),
                                              sql::column_int64(s.value(), 2), sql::column_blob(s.value(), 3)});
}

}  // namespace blankett
