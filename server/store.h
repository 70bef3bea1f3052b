// The submission store: one SQLite connection to the server's database (forms, the
// receipt chain of submissions, attachments) and the reads and writes the server needs.
// Submissions are written only by SubmissionWriter (submission_writer.h), which keeps the
// chain; everything else here is safe to call from any connection.
//
// A Store is one connection: use it from one thread at a time. Open one Store per thread
// (or per pool slot) for reading; WAL lets readers run while the writer commits.
// Schema and guarantees: docs/storage.md.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "blankett/error.h"
#include "sqlite_db.h"

namespace blankett {

// previous_receipt_sha256 of the first submission (seq 1): there is no receipt before it.
inline const std::string kNoPreviousReceipt(64, '0');

struct Store {
  sql::Db db;
  // Declared after db so its statements are finalized before the connection closes.
  std::unique_ptr<sql::StatementCache> statements;
};

struct StoreOptions {
  // How long a statement waits for another connection's write lock before failing with
  // SQLITE_BUSY. Commits are short, so waiting is almost always the right answer.
  int busy_timeout_ms = 5000;
};

// Opens (creating if needed) the database at `path`: WAL journal, synchronous=FULL (a
// transaction is on disk when COMMIT returns), foreign keys enforced, a busy timeout;
// then applies any schema migrations it lacks. Fails with "storage.schema_too_new" for a
// database written by a newer program, and "storage.not_wal" where WAL is impossible
// (":memory:", some network file systems).
Result<Store> open_store(const std::string& path, const StoreOptions& options = {});

// A statement of the store's connection from its cache (compiled once per connection).
Result<sql::Statement> prepare(Store& store, std::string_view sql);

// --- Form versions -----------------------------------------------------------------------

struct FormVersion {
  std::string form_id;
  std::string version;       // sha256 hex of `definition`
  std::string definition;    // canonical JSON bytes (form_definition(form).dump())
  std::string published_at;  // UTC "YYYY-MM-DDTHH:MM:SS.sssZ"; empty on put = now
};

// Idempotent: true if stored now, false if this exact version was already there.
// Refuses ("storage.bad_form_version") a version that is not the SHA-256 of the
// definition, so a version string always names exactly one definition.
Result<bool> put_form_version(Store& store, const FormVersion& form);
Result<std::optional<FormVersion>> get_form_version(Store& store, std::string_view form_id, std::string_view version);
// Whether the version is stored, without reading its definition.
Result<bool> has_form_version(Store& store, std::string_view form_id, std::string_view version);
// Every stored version of a form, oldest first.
Result<std::vector<FormVersion>> list_form_versions(Store& store, std::string_view form_id);

// --- The submission chain ----------------------------------------------------------------

// The last link of the chain: seq 0 and kNoPreviousReceipt when there are no submissions.
struct ChainHead {
  int64_t seq = 0;
  std::string receipt_sha256 = kNoPreviousReceipt;
  std::string received_at;  // "" when seq is 0
};

struct StoredSubmission {
  int64_t seq = 0;  // position in the chain, 1, 2, 3, ... without gaps
  std::string reference;
  std::string form_id;
  std::string version;
  std::string idempotency_key;
  std::string canonical;  // the canonical submission bytes
  std::string submission_sha256;
  std::string received_at;
  std::string receipt;  // JSON text, exactly as stored
  std::string receipt_sha256;
  std::string previous_receipt_sha256;  // receipt_sha256 of seq - 1, or kNoPreviousReceipt
};

// A file answer of a submission: which attachment (by content hash) under which field.
struct SubmissionAttachment {
  std::string field_path;  // where in the answers, e.g. "documents/0"
  std::string sha256;      // of an attachment stored with put_attachment
  std::string name;        // the file name the citizen gave
};

Result<ChainHead> chain_head(Store& store);
Result<std::optional<StoredSubmission>> find_by_idempotency_key(Store& store, std::string_view key);
Result<std::optional<StoredSubmission>> get_submission(Store& store, int64_t seq);
Result<std::optional<StoredSubmission>> get_submission_by_reference(Store& store, std::string_view reference);
Result<std::vector<SubmissionAttachment>> list_submission_attachments(Store& store, int64_t seq);

// Calls `visit` for each submission with seq >= from_seq, in seq order, until it returns
// false. One statement, so the rows are one consistent snapshot even while the writer
// appends. Returns how many rows were visited. (`blankett audit verify` walks the chain
// with this.)
Result<int64_t> for_each_submission(Store& store, int64_t from_seq,
                                    const std::function<bool(const StoredSubmission&)>& visit);

// What a new case starts with besides its submission (case_store.h): who it is about,
// from the form's "applicant" answers, and when the client first saved a draft.
// A further signer the new case waits for (the form's "signers", signature_store.h).
struct NewSignatureRequest {
  std::string signer_id;        // the form's signers[].id
  std::string title_json;       // the signer's title as in the form, as JSON text
  std::string expected_number;  // the personal number the signer must prove, or ""
  std::string email;            // where the link goes
  std::string token_sha256;     // of the link's token; the token itself is only in `link`
  std::string expires_at;       // the link's expiry, RFC 3339 UTC
  // The e-mail with the link, queued in the outbox in the same transaction.
  std::string mail_subject;
  std::string mail_body;
  std::string link;
};
// This submission is a later version of an existing case (a completion, completion_store.h)
// rather than a new case.
struct CaseAmendment {
  int64_t case_seq = 0;               // 0: not an amendment
  int64_t completion_request_id = 0;  // the request it answers
};
struct CaseIntake {
  std::string applicant_name;    // "" when the form names no applicant
  std::string applicant_number;  // "YYYYMMDD-NNNN" or ""
  std::string draft_started_at;  // UTC RFC 3339 or "" when the client did not say
  std::string applicant_email;   // where completion requests go, or ""
  std::vector<NewSignatureRequest> signers;  // non-empty: the case starts awaiting_signatures
  CaseAmendment amends;                      // case_seq != 0: a version of that case, no new case
};

// Appends one submission, its attachment links and its case (status "new", with its
// search terms; "awaiting_signatures" with its signature requests and their e-mails when
// intake.signers is not empty), or, for an amendment, its case version
// (insert_case_version). For SubmissionWriter, inside its
// transaction: it does not pick seq or check idempotency itself, though the schema's
// trigger refuses a row that does not continue the chain. Errors:
// "storage.unknown_form_version", "storage.unknown_attachment",
// "storage.duplicate_reference", "storage.constraint", "storage.sqlite".
Result<bool> insert_submission(Store& store, const StoredSubmission& row,
                               const std::vector<SubmissionAttachment>& attachments, const CaseIntake& intake = {});

// --- Attachments -------------------------------------------------------------------------

struct Attachment {
  std::string sha256;  // hex of bytes: the attachment's identity
  std::string media_type;
  int64_t size = 0;
  std::string bytes;
};

// Stores bytes under their SHA-256, which it returns. Idempotent: the same bytes stored
// twice are one row, and the first media type stays.
Result<std::string> put_attachment(Store& store, std::string_view media_type, std::string_view bytes);
Result<std::optional<Attachment>> get_attachment(Store& store, std::string_view sha256);

// --- Small helpers -----------------------------------------------------------------------

// Only the digits 0–9 and a–f.
bool is_lower_hex(std::string_view text);
// 64 lowercase hex digits, the form every hash in the store has.
bool is_sha256_hex(std::string_view text);

}  // namespace blankett
