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

// Version 2: people and the work on submissions (docs/accounts.md, docs/inbox.md,
// docs/publishing.md, docs/audit.md). Submissions stay immutable; a case is the mutable
// handling of one. Every secret is stored as its SHA-256 (session and API tokens) or as
// an argon2id hash (passwords), so a copied database file opens no session.
constexpr const char* kSchemaV2 = R"sql(
CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  username      TEXT UNIQUE NOT NULL COLLATE NOCASE,
  display_name  TEXT NOT NULL,
  password_hash TEXT NOT NULL,              -- crypto_pwhash_str (argon2id)
  disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
  created_at    TEXT NOT NULL
);

CREATE TABLE user_roles (
  user_id INTEGER NOT NULL REFERENCES users (id),
  role    TEXT NOT NULL CHECK (role IN ('admin', 'developer', 'owner', 'caseworker')),
  PRIMARY KEY (user_id, role)
) WITHOUT ROWID;

-- Named groups of forms, so that a caseworker can be assigned "skola" rather than each
-- school form one by one.
CREATE TABLE form_groups (
  group_name TEXT NOT NULL,
  form_id    TEXT NOT NULL,
  PRIMARY KEY (group_name, form_id)
) WITHOUT ROWID;

-- What a caseworker handles: a form id, or "group:<name>" for every form of a group.
CREATE TABLE caseworker_forms (
  user_id INTEGER NOT NULL REFERENCES users (id),
  scope   TEXT NOT NULL,
  PRIMARY KEY (user_id, scope)
) WITHOUT ROWID;

CREATE TABLE sessions (
  token_sha256 TEXT PRIMARY KEY NOT NULL,
  user_id      INTEGER NOT NULL REFERENCES users (id),
  csrf_token   TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  expires_at   TEXT NOT NULL               -- absolute expiry
);
CREATE INDEX sessions_by_user ON sessions (user_id);

-- Integration tokens (read-only, one form) and publish tokens (a form developer's, for
-- `blankett publish`).
CREATE TABLE api_tokens (
  id           INTEGER PRIMARY KEY,
  token_sha256 TEXT UNIQUE NOT NULL,
  kind         TEXT NOT NULL CHECK (kind IN ('integration', 'publish')),
  form_id      TEXT,                        -- integration tokens: the one form they read
  user_id      INTEGER NOT NULL REFERENCES users (id),  -- who created it
  label        TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  revoked_at   TEXT
);

-- The handling of one submission. Created with the submission, in its transaction.
CREATE TABLE cases (
  seq              INTEGER PRIMARY KEY REFERENCES submissions (seq),
  form_id          TEXT NOT NULL,
  reference        TEXT UNIQUE NOT NULL,
  received_at      TEXT NOT NULL,
  status           TEXT NOT NULL DEFAULT 'new'
                   CHECK (status IN ('new', 'in_progress', 'awaiting_completion', 'decided', 'closed')),
  assignee         INTEGER REFERENCES users (id),
  applicant_name   TEXT NOT NULL DEFAULT '',
  applicant_number TEXT NOT NULL DEFAULT '',  -- personal identity number, "YYYYMMDD-NNNN"
  draft_started_at TEXT,                      -- when the client first saved a draft, if it said
  updated_at       TEXT NOT NULL
);
-- Keyset pagination runs newest first (seq DESC) inside each of these.
CREATE INDEX cases_by_form ON cases (form_id, seq);
CREATE INDEX cases_by_form_status ON cases (form_id, status, seq);
CREATE INDEX cases_by_assignee ON cases (assignee, seq);
CREATE INDEX cases_by_form_received ON cases (form_id, received_at);

-- Search words of a case (lower-cased name words, personal number digits, reference),
-- searched by prefix.
CREATE TABLE case_terms (
  term TEXT NOT NULL,
  seq  INTEGER NOT NULL REFERENCES cases (seq),
  PRIMARY KEY (term, seq)
) WITHOUT ROWID;

-- Who did what to a case when: status changes, assignments, notes.
CREATE TABLE case_events (
  id      INTEGER PRIMARY KEY,
  seq     INTEGER NOT NULL REFERENCES cases (seq),
  at      TEXT NOT NULL,
  user_id INTEGER REFERENCES users (id),
  kind    TEXT NOT NULL,                    -- "status", "assign", "note"
  detail  TEXT NOT NULL                     -- JSON
);
CREATE INDEX case_events_by_case ON case_events (seq, id);
CREATE TRIGGER case_events_no_update BEFORE UPDATE ON case_events
BEGIN SELECT RAISE(ABORT, 'case history is append-only'); END;
CREATE TRIGGER case_events_no_delete BEFORE DELETE ON case_events
BEGIN SELECT RAISE(ABORT, 'case history is append-only'); END;

-- Submissions the server refused (422), per form and day: the usage statistics' share
-- rejected.
CREATE TABLE rejections (
  form_id TEXT NOT NULL,
  day     TEXT NOT NULL,                    -- "YYYY-MM-DD" UTC
  count   INTEGER NOT NULL,
  PRIMARY KEY (form_id, day)
) WITHOUT ROWID;

-- The publishing workflow: an uploaded version is a draft until a form owner who did not
-- upload it approves it. uploaded_by NULL: published from the server's forms folder.
CREATE TABLE publications (
  id                   INTEGER PRIMARY KEY,
  form_id              TEXT NOT NULL,
  version              TEXT NOT NULL,
  state                TEXT NOT NULL CHECK (state IN ('draft', 'published', 'rejected', 'unpublished')),
  uploaded_by          INTEGER REFERENCES users (id),
  uploaded_at          TEXT NOT NULL,
  decided_by           INTEGER REFERENCES users (id),
  decided_at           TEXT,
  preview_token_sha256 TEXT UNIQUE,
  FOREIGN KEY (form_id, version) REFERENCES form_versions (form_id, version)
);
CREATE INDEX publications_by_form ON publications (form_id, id);

-- The audit log: append-only and hash-chained like the receipts (docs/audit.md).
CREATE TABLE audit_log (
  seq             INTEGER PRIMARY KEY CHECK (seq >= 1),
  at              TEXT NOT NULL,
  actor           TEXT NOT NULL,            -- "user:<id>", "token:<id>", "cli", "system"
  action          TEXT NOT NULL,            -- e.g. "login", "case.view", "form.publish"
  target          TEXT NOT NULL,            -- e.g. "case:SKOL-2026-000001", "user:3"
  detail          TEXT NOT NULL,            -- JSON object
  previous_sha256 TEXT NOT NULL,
  entry_sha256    TEXT NOT NULL
);
CREATE TRIGGER audit_log_continue_chain BEFORE INSERT ON audit_log
WHEN NEW.seq IS NOT (SELECT COALESCE(MAX(seq), 0) + 1 FROM audit_log)
  OR NEW.previous_sha256 IS NOT COALESCE(
       (SELECT entry_sha256 FROM audit_log ORDER BY seq DESC LIMIT 1),
       '0000000000000000000000000000000000000000000000000000000000000000')
BEGIN
  SELECT RAISE(ABORT, 'audit_log: seq and previous_sha256 must continue the chain');
END;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

-- Submissions stored before version 2 become cases too (without applicant details).
INSERT INTO cases (seq, form_id, reference, received_at, updated_at)
  SELECT seq, form_id, reference, received_at, received_at FROM submissions;
INSERT INTO publications (form_id, version, state, uploaded_at, decided_at)
  SELECT form_id, version, 'published', published_at, published_at FROM form_versions ORDER BY published_at;
)sql";

// Version 3: the notification outbox (e-mail, sent over SMTP by the dispatcher),
// webhooks per form with their deliveries, and the dispatcher's cursors over cases and
// case_events (so the submission path itself writes nothing extra). Webhook secrets are
// stored as given, because they are needed to sign: the database file is 0600 in a 0700
// directory (docs/webhooks.md).
constexpr const char* kSchemaV3 = R"sql(
CREATE TABLE notifications (
  id              INTEGER PRIMARY KEY,
  recipient       TEXT NOT NULL,
  subject         TEXT NOT NULL,
  body            TEXT NOT NULL,   -- a rendered text with a link; never answers
  link            TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL DEFAULT 0,  -- unix seconds
  last_error      TEXT NOT NULL DEFAULT '',
  sent_at         TEXT
);
CREATE INDEX notifications_due ON notifications (state, next_attempt_at);

CREATE TABLE webhooks (
  id          INTEGER PRIMARY KEY,
  form_id     TEXT NOT NULL,
  url         TEXT NOT NULL,
  secret      TEXT NOT NULL,
  events      TEXT NOT NULL,   -- comma list, e.g. "submission.created,case.status_changed"
  created_by  TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  disabled_at TEXT
);
CREATE INDEX webhooks_by_form ON webhooks (form_id);

CREATE TABLE webhook_deliveries (
  id              INTEGER PRIMARY KEY,
  webhook_id      INTEGER NOT NULL REFERENCES webhooks (id),
  event           TEXT NOT NULL,
  event_key       TEXT NOT NULL,   -- e.g. "case:12", "case_event:40": delivered once
  payload         TEXT NOT NULL,   -- JSON: ids only, never answers
  state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL DEFAULT 0,  -- unix seconds
  last_status     INTEGER NOT NULL DEFAULT 0,
  last_error      TEXT NOT NULL DEFAULT '',
  delivered_at    TEXT,
  UNIQUE (webhook_id, event_key)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);

CREATE TABLE dispatch_cursors (
  name     TEXT PRIMARY KEY NOT NULL,
  position INTEGER NOT NULL
);
)sql";

// Version 4: several signers, completion requests and identification (docs/signers.md,
// docs/completion-requests.md, docs/identity.md). SQLite cannot change a CHECK, so the
// cases table is rebuilt with the new status "awaiting_signatures" and its new columns;
// foreign keys pointing at cases are checked at COMMIT (defer_foreign_keys), when the
// rebuilt table has every row again. Tokens (signing, completion) are stored only as
// their SHA-256, like session tokens.
constexpr const char* kSchemaV4 = R"sql(
CREATE TABLE cases_v4 (
  seq              INTEGER PRIMARY KEY REFERENCES submissions (seq),
  form_id          TEXT NOT NULL,
  reference        TEXT UNIQUE NOT NULL,
  received_at      TEXT NOT NULL,
  status           TEXT NOT NULL DEFAULT 'new'
                   CHECK (status IN ('awaiting_signatures', 'new', 'in_progress', 'awaiting_completion', 'decided', 'closed')),
  assignee         INTEGER REFERENCES users (id),
  applicant_name   TEXT NOT NULL DEFAULT '',
  applicant_number TEXT NOT NULL DEFAULT '',
  draft_started_at TEXT,
  updated_at       TEXT NOT NULL,
  applicant_email  TEXT NOT NULL DEFAULT '',  -- where completion requests are sent
  signing_deadline TEXT,                      -- "YYYY-MM-DD": signatures due by the end of this day (UTC)
  flag             TEXT NOT NULL DEFAULT ''   -- "" or "signature_deadline_passed"
);
INSERT INTO cases_v4 (seq, form_id, reference, received_at, status, assignee, applicant_name, applicant_number,
                      draft_started_at, updated_at)
  SELECT seq, form_id, reference, received_at, status, assignee, applicant_name, applicant_number,
         draft_started_at, updated_at FROM cases;
DROP TABLE cases;
ALTER TABLE cases_v4 RENAME TO cases;
CREATE INDEX cases_by_form ON cases (form_id, seq);
CREATE INDEX cases_by_form_status ON cases (form_id, status, seq);
CREATE INDEX cases_by_assignee ON cases (assignee, seq);
CREATE INDEX cases_by_form_received ON cases (form_id, received_at);
-- The further signers a case waits for (the form's "signers" whose condition held).
CREATE TABLE signature_requests (
  id               INTEGER PRIMARY KEY,
  seq              INTEGER NOT NULL REFERENCES cases (seq),
  signer_id        TEXT NOT NULL,             -- the form's signers[].id
  title            TEXT NOT NULL,             -- JSON: the signer's title as in the form
  expected_number  TEXT NOT NULL DEFAULT '',  -- the personal number the signer must prove
  email            TEXT NOT NULL,             -- where the link goes
  token_sha256     TEXT UNIQUE NOT NULL,      -- of the current link's token (a reminder replaces it)
  created_at       TEXT NOT NULL,
  expires_at       TEXT NOT NULL,             -- the link's expiry, RFC 3339 UTC
  state            TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'signed', 'expired')),
  signed_at        TEXT,
  provider         TEXT,                      -- identity provider: "dev", "oidc"
  subject          TEXT,                      -- the provider's subject for the signer
  signer_number    TEXT,                      -- the personal number the signer proved
  receipt          TEXT,                      -- the signer's signed receipt (JSON)
  reminders        INTEGER NOT NULL DEFAULT 0,
  last_reminder_at TEXT,
  lang             TEXT NOT NULL DEFAULT 'sv',  -- the submitter's language ("sv", "en", "nb"): reminders use it
  UNIQUE (seq, signer_id)
);
CREATE INDEX signature_requests_by_state ON signature_requests (state, expires_at);
-- A caseworker's request that the applicant complete some answers or attachments.
CREATE TABLE completion_requests (
  id           INTEGER PRIMARY KEY,
  seq          INTEGER NOT NULL REFERENCES cases (seq),
  token_sha256 TEXT UNIQUE NOT NULL,
  fields       TEXT NOT NULL,                 -- JSON array of answer paths ("guardian2_email", "documents")
  message      TEXT NOT NULL,                 -- shown on the page only, never e-mailed
  created_by   INTEGER NOT NULL REFERENCES users (id),
  created_at   TEXT NOT NULL,
  expires_at   TEXT NOT NULL,
  state        TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'answered', 'cancelled', 'expired')),
  answered_seq INTEGER REFERENCES submissions (seq),
  answered_at  TEXT
);
CREATE INDEX completion_requests_by_case ON completion_requests (seq, id);
-- Later versions of a case's submission (the case's own seq is version 1). Each is a
-- submission of its own in the receipt chain.
CREATE TABLE case_versions (
  case_seq              INTEGER NOT NULL REFERENCES cases (seq),
  version               INTEGER NOT NULL CHECK (version >= 2),
  seq                   INTEGER UNIQUE NOT NULL REFERENCES submissions (seq),
  completion_request_id INTEGER REFERENCES completion_requests (id),
  PRIMARY KEY (case_seq, version)
) WITHOUT ROWID;
CREATE TRIGGER case_versions_no_update BEFORE UPDATE ON case_versions
BEGIN SELECT RAISE(ABORT, 'case versions are append-only'); END;
CREATE TRIGGER case_versions_no_delete BEFORE DELETE ON case_versions
BEGIN SELECT RAISE(ABORT, 'case versions are append-only'); END;
-- Identification of a signer or a completing applicant with an identity provider
-- (docs/identity.md). state_sha256 is the OIDC state (or the development provider's
-- flow id); browser_sha256 the cookie binding the flow to the browser that began it.
CREATE TABLE identity_flows (
  id              INTEGER PRIMARY KEY,
  state_sha256    TEXT UNIQUE NOT NULL,
  browser_sha256  TEXT UNIQUE NOT NULL,
  purpose         TEXT NOT NULL CHECK (purpose IN ('sign', 'complete')),
  target          TEXT NOT NULL,              -- SHA-256 of the signing or completion token
  return_to       TEXT NOT NULL,              -- a path on this server
  provider        TEXT NOT NULL,              -- "dev", "oidc"
  nonce           TEXT NOT NULL,
  code_verifier   TEXT NOT NULL,
  csrf_token      TEXT NOT NULL,
  created_at      INTEGER NOT NULL,           -- unix seconds
  expires_at      INTEGER NOT NULL,
  subject         TEXT,
  personal_number TEXT,
  name            TEXT,
  identified_at   INTEGER,
  ended_at        INTEGER
);
CREATE INDEX identity_flows_by_expiry ON identity_flows (expires_at);
)sql";

// Version 5: what every stored submission wrote to and nothing read. Each index a new row
// enters costs the writer two to three pages a batch (docs/performance.md). No query reads
// submissions_by_form_received: per-form date ranges go through cases_by_form_received.
// A new case has no assignee, and "my cases" only asks for an assignee, so the index
// leaves out the unassigned (SQLite uses a partial index when the query's
// `assignee = ?` implies its WHERE).
constexpr const char* kSchemaV5 = R"sql(
DROP INDEX submissions_by_form_received;
DROP INDEX cases_by_assignee;
CREATE INDEX cases_by_assignee ON cases (assignee, seq) WHERE assignee IS NOT NULL;
)sql";

// Version 6: the same rules, cheaper to check. SQLite checks `x IN ('a', 'b', 'c')` (three
// values or more) by building a temporary table of the values, for every row it inserts
// or updates; the submission writer inserts a case, a signature request and a notification
// per submission, and those temporary tables were 9% of its time (docs/performance.md).
// The same CHECK written as comparisons costs nothing to set up. SQLite cannot change a
// CHECK, so the tables rows are added to per submission are rebuilt, each with exactly
// the columns, constraints and indexes it had.
constexpr const char* kSchemaV6 = R"sql(
CREATE TABLE cases_v6 (
  seq              INTEGER PRIMARY KEY REFERENCES submissions (seq),
  form_id          TEXT NOT NULL,
  reference        TEXT UNIQUE NOT NULL,
  received_at      TEXT NOT NULL,
  status           TEXT NOT NULL DEFAULT 'new'
                   CHECK (status = 'awaiting_signatures' OR status = 'new' OR status = 'in_progress' OR
                          status = 'awaiting_completion' OR status = 'decided' OR status = 'closed'),
  assignee         INTEGER REFERENCES users (id),
  applicant_name   TEXT NOT NULL DEFAULT '',
  applicant_number TEXT NOT NULL DEFAULT '',
  draft_started_at TEXT,
  updated_at       TEXT NOT NULL,
  applicant_email  TEXT NOT NULL DEFAULT '',
  signing_deadline TEXT,
  flag             TEXT NOT NULL DEFAULT ''
);
INSERT INTO cases_v6 (seq, form_id, reference, received_at, status, assignee, applicant_name, applicant_number,
                      draft_started_at, updated_at, applicant_email, signing_deadline, flag)
  SELECT seq, form_id, reference, received_at, status, assignee, applicant_name, applicant_number,
         draft_started_at, updated_at, applicant_email, signing_deadline, flag FROM cases;
DROP TABLE cases;
ALTER TABLE cases_v6 RENAME TO cases;
CREATE INDEX cases_by_form ON cases (form_id, seq);
CREATE INDEX cases_by_form_status ON cases (form_id, status, seq);
CREATE INDEX cases_by_assignee ON cases (assignee, seq) WHERE assignee IS NOT NULL;
CREATE INDEX cases_by_form_received ON cases (form_id, received_at);

CREATE TABLE signature_requests_v6 (
  id               INTEGER PRIMARY KEY,
  seq              INTEGER NOT NULL REFERENCES cases (seq),
  signer_id        TEXT NOT NULL,
  title            TEXT NOT NULL,
  expected_number  TEXT NOT NULL DEFAULT '',
  email            TEXT NOT NULL,
  token_sha256     TEXT UNIQUE NOT NULL,
  created_at       TEXT NOT NULL,
  expires_at       TEXT NOT NULL,
  state            TEXT NOT NULL DEFAULT 'pending' CHECK (state = 'pending' OR state = 'signed' OR state = 'expired'),
  signed_at        TEXT,
  provider         TEXT,
  subject          TEXT,
  signer_number    TEXT,
  receipt          TEXT,
  reminders        INTEGER NOT NULL DEFAULT 0,
  last_reminder_at TEXT,
  lang             TEXT NOT NULL DEFAULT 'sv',
  UNIQUE (seq, signer_id)
);
INSERT INTO signature_requests_v6 (id, seq, signer_id, title, expected_number, email, token_sha256, created_at, expires_at,
                                   state, signed_at, provider, subject, signer_number, receipt, reminders, last_reminder_at, lang)
  SELECT id, seq, signer_id, title, expected_number, email, token_sha256, created_at, expires_at,
         state, signed_at, provider, subject, signer_number, receipt, reminders, last_reminder_at, lang FROM signature_requests;
DROP TABLE signature_requests;
ALTER TABLE signature_requests_v6 RENAME TO signature_requests;
CREATE INDEX signature_requests_by_state ON signature_requests (state, expires_at);

CREATE TABLE notifications_v6 (
  id              INTEGER PRIMARY KEY,
  recipient       TEXT NOT NULL,
  subject         TEXT NOT NULL,
  body            TEXT NOT NULL,
  link            TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  state           TEXT NOT NULL DEFAULT 'pending' CHECK (state = 'pending' OR state = 'sent' OR state = 'failed'),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL DEFAULT 0,
  last_error      TEXT NOT NULL DEFAULT '',
  sent_at         TEXT
);
INSERT INTO notifications_v6 (id, recipient, subject, body, link, created_at, state, attempts, next_attempt_at, last_error, sent_at)
  SELECT id, recipient, subject, body, link, created_at, state, attempts, next_attempt_at, last_error, sent_at FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_v6 RENAME TO notifications;
CREATE INDEX notifications_due ON notifications (state, next_attempt_at);

CREATE TABLE webhook_deliveries_v6 (
  id              INTEGER PRIMARY KEY,
  webhook_id      INTEGER NOT NULL REFERENCES webhooks (id),
  event           TEXT NOT NULL,
  event_key       TEXT NOT NULL,
  payload         TEXT NOT NULL,
  state           TEXT NOT NULL DEFAULT 'pending' CHECK (state = 'pending' OR state = 'delivered' OR state = 'failed'),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL DEFAULT 0,
  last_status     INTEGER NOT NULL DEFAULT 0,
  last_error      TEXT NOT NULL DEFAULT '',
  delivered_at    TEXT,
  UNIQUE (webhook_id, event_key)
);
INSERT INTO webhook_deliveries_v6 (id, webhook_id, event, event_key, payload, state, attempts, next_attempt_at, last_status,
                                   last_error, delivered_at)
  SELECT id, webhook_id, event, event_key, payload, state, attempts, next_attempt_at, last_status,
         last_error, delivered_at FROM webhook_deliveries;
DROP TABLE webhook_deliveries;
ALTER TABLE webhook_deliveries_v6 RENAME TO webhook_deliveries;
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);
)sql";

// Version 7: a notification can be "cancelled": a signing e-mail withdrawn before it was
// sent because its link no longer leads anywhere (notifications.h, cancel_notification).
// Until now such rows were stored as "failed" with last_error "notification.cancelled:
// <reason>", and the code told them apart by that text. They become "cancelled" with the
// reason alone in last_error. The table is rebuilt as version 6 built it, CHECK written as
// comparisons (docs/performance.md); no table references notifications, so foreign keys
// need not be switched off.
constexpr const char* kSchemaV7 = R"sql(
CREATE TABLE notifications_v7 (
  id              INTEGER PRIMARY KEY,
  recipient       TEXT NOT NULL,
  subject         TEXT NOT NULL,
  body            TEXT NOT NULL,
  link            TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  state           TEXT NOT NULL DEFAULT 'pending'
                  CHECK (state = 'pending' OR state = 'sent' OR state = 'failed' OR state = 'cancelled'),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL DEFAULT 0,
  last_error      TEXT NOT NULL DEFAULT '',
  sent_at         TEXT
);
INSERT INTO notifications_v7 (id, recipient, subject, body, link, created_at, state, attempts, next_attempt_at, last_error, sent_at)
  SELECT id, recipient, subject, body, link, created_at,
         CASE WHEN state = 'failed' AND substr(last_error, 1, 23) = 'notification.cancelled:' THEN 'cancelled' ELSE state END,
         attempts, next_attempt_at,
         CASE WHEN state = 'failed' AND substr(last_error, 1, 23) = 'notification.cancelled:'
              THEN ltrim(substr(last_error, 24), ' ') ELSE last_error END,
         sent_at FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_v7 RENAME TO notifications;
CREATE INDEX notifications_due ON notifications (state, next_attempt_at);
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
  if (m.rebuilds_tables) {
    Result<sql::Statement> check = sql::prepare(db, "PRAGMA foreign_key_check");
    if (!check) return check.errors();
    Result<bool> violation = sql::step(check.value());
    if (!violation) return violation.errors();
    if (violation.value()) {
      return Errors{Error{"storage.migration_broke_references", "", 0, 0,
                          "migration " + std::to_string(m.version) + " left a row of " +
                              sql::column_text(check.value(), 0) + " pointing at nothing"}};
    }
  }
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
      {2, "users, sessions, tokens, cases, publications, audit log", kSchemaV2},
      {3, "notification outbox, webhooks, dispatch cursors", kSchemaV3},
      {4, "signers, completion requests, case versions, identification", kSchemaV4, true},
      {5, "indexes that submissions no longer pay for", kSchemaV5},
      {6, "allowed-value checks without temporary tables", kSchemaV6, true},
      {7, "a cancelled state for notifications", kSchemaV7},
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
    // PRAGMA foreign_keys is a no-op inside a transaction, so it is switched around it.
    if (m.rebuilds_tables) {
      Result<bool> off = sql::exec(db, "PRAGMA foreign_keys = OFF");
      if (!off) return off.errors();
    }
    Result<int> applied = apply(db, m);
    if (m.rebuilds_tables) {
      Result<bool> on = sql::exec(db, "PRAGMA foreign_keys = ON");
      if (!on) return on.errors();
    }
    if (!applied) return applied.errors();
    reached = applied.value();
  }
  return reached;
}

}  // namespace blankett
