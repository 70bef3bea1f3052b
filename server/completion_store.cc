// Completion requests and case versions in the store (completion_store.h). Every change
// is one transaction with its case history events and, for a caseworker's action, its
// audit entry; the reply's version is written inside the submission writer's
// transaction, so a version, its request's answer and the case's new status are stored
// together with the submission or not at all.
#include "completion_store.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "audit_log.h"
#include "blankett/utf8.h"
#include "case_store.h"
#include "clock.h"
#include "notifications.h"
#include "webhooks.h"

namespace blankett {

namespace {

using nlohmann::json;

Error completion_error(const char* code, std::string message) { return Error{code, "", 0, 0, std::move(message)}; }

bool blank(std::string_view text) { return text.find_first_not_of(" \t\r\n") == std::string_view::npos; }

// The columns of a case these changes need.
struct CaseRow {
  int64_t seq = 0;
  std::string reference, form_id, status, updated_at, applicant_email;
};

Result<std::optional<CaseRow>> read_case(Store& store, int64_t seq) {
  Result<sql::Statement> s = prepare(store, "SELECT seq, reference, form_id, status, updated_at, applicant_email FROM cases WHERE seq = ?1");
  if (!s) return s.errors();
  sql::bind_int64(s.value(), 1, seq);
  Result<bool> row = sql::step(s.value());
  if (!row) return row.errors();
  if (!row.value()) return std::optional<CaseRow>();
  return std::optional<CaseRow>(CaseRow{sql::column_int64(s.value(), 0), sql::column_text(s.value(), 1), sql::column_text(s.value(), 2),
                                        sql::column_text(s.value(), 3), sql::column_text(s.value(), 4), sql::column_text(s.value(), 5)});
}

// The case's status (with its "status" event, which the dispatcher turns into the
// case.status_changed webhook) and updated_at.
Result<bool> set_case_status(Store& store, const CaseRow& c, const std::string& to, const std::string& at, int64_t user_id) {
  Result<sql::Statement> s = prepare(store, "UPDATE cases SET status = ?2 WHERE seq = ?1");
  if (!s) return s.errors();
  sql::bind_int64(s.value(), 1, c.seq);
  sql::bind_text(s.value(), 2, to);
  Result<bool> done = sql::run(s.value());
  if (!done) return done;
  return add_case_event(store, c.seq, at, user_id, "status", json{{"from", c.status}, {"to", to}});
}

Result<bool> touch_case(Store& store, int64_t seq, const std::string& at) {
  Result<sql::Statement> s = prepare(store, "UPDATE cases SET updated_at = ?2 WHERE seq = ?1");
  if (!s) return s.errors();
  sql::bind_int64(s.value(), 1, seq);
  sql::bind_text(s.value(), 2, at);
  return sql::run(s.value());
}

constexpr const char* kRequestColumns =
    "id, seq, token_sha256, fields, message, created_by, created_at, expires_at, state, COALESCE(answered_seq, 0), "
    "COALESCE(answered_at, '')";

CompletionRequest read_request(const sql::Statement& s) {
  CompletionRequest r;
  r.id = sql::column_int64(s, 0);
  r.case_seq = sql::column_int64(s, 1);
  r.token_sha256 = sql::column_text(s, 2);
  const json fields = json::parse(sql::column_text(s, 3), nullptr, false);
  if (fields.is_array()) {
    for (const json& f : fields) {
      if (f.is_string()) r.fields.push_back(f.get<std::string>());
    }
  }
  r.message = sql::column_text(s, 4);
  r.created_by = sql::column_int64(s, 5);
  r.created_at = sql::column_text(s, 6);
  r.expires_at = sql::column_text(s, 7);
  r.state = sql::column_text(s, 8);
  r.answered_seq = sql::column_int64(s, 9);
  r.answered_at = sql::column_text(s, 10);
  return r;
}

Result<std::optional<CompletionRequest>> request_by_id(Store& store, int64_t id) {
  Result<sql::Statement> s = prepare(store, std::string("SELECT ") + kRequestColumns + " FROM completion_requests WHERE id = ?1");
  if (!s) return s.errors();
  sql::bind_int64(s.value(), 1, id);
  Result<bool> row = sql::step(s.value());
  if (!row) return row.errors();
  if (!row.value()) return std::optional<CompletionRequest>();
  return std::optional<CompletionRequest>(read_request(s.value()));
}

// Open requests of the case past their expiry become "expired", so that lists say so and
// a new request can be made.
Result<bool> expire_old_requests(Store& store, int64_t case_seq, const std::string& now) {
  Result<sql::Statement> s = prepare(store,
      "UPDATE completion_requests SET state = 'expired' WHERE seq = ?1 AND state = 'open' AND expires_at <= ?2");
  if (!s) return s.errors();
  sql::bind_int64(s.value(), 1, case_seq);
  sql::bind_text(s.value(), 2, now);
  return sql::run(s.value());
}

Result<bool> has_open_request(Store& store, int64_t case_seq) {
  Result<sql::Statement> s = prepare(store, "SELECT 1 FROM completion_requests WHERE seq = ?1 AND state = 'open' LIMIT 1");
  if (!s) return s.errors();
  sql::bind_int64(s.value(), 1, case_seq);
  return sql::step(s.value());
}

// The latest version of a case: its number and its receipt's hash.
struct LatestVersion {
  int version = 1;
  std::string receipt_sha256;
};

Result<std::optional<LatestVersion>> latest_version(Store& store, int64_t case_seq) {
  Result<sql::Statement> s = prepare(store,
      "SELECT v.version, s.receipt_sha256 FROM case_versions v JOIN submissions s ON s.seq = v.seq "
      "WHERE v.case_seq = ?1 ORDER BY v.version DESC LIMIT 1");
  if (!s) return s.errors();
  sql::bind_int64(s.value(), 1, case_seq);
  Result<bool> row = sql::step(s.value());
  if (!row) return row.errors();
  if (row.value()) {
    return std::optional<LatestVersion>(
        LatestVersion{static_cast<int>(sql::column_int64(s.value(), 0)), sql::column_text(s.value(), 1)});
  }
  Result<std::optional<StoredSubmission>> first = get_submission(store, case_seq);
  if (!first) return first.errors();
  if (!first.value()) return std::optional<LatestVersion>();
  return std::optional<LatestVersion>(LatestVersion{1, first.value()->receipt_sha256});
}

}  // namespace

std::string case_version_reference(const std::string& case_reference, int version) {
  return case_reference + "-" + std::to_string(version);
}

// ---------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------

Result<CompletionRequest> create_completion_request(Store& store, const NewCompletionRequest& r) {
  if (r.fields.empty()) return Errors{completion_error("completion.bad_request", "choose at least one answer to complete")};
  if (blank(r.message) || code_point_count(r.message) > kMaxCompletionMessageChars) {
    return Errors{completion_error("completion.bad_request", "the message must have between 1 and 2,000 characters")};
  }
  if (!valid_utf8(r.message)) return Errors{completion_error("completion.bad_request", "the message must be valid UTF-8 text")};
  Result<sql::Transaction> txn = sql::Transaction::begin(store.db.get());
  if (!txn) return txn.errors();
  Result<std::optional<CaseRow>> found = read_case(store, r.case_seq);
  if (!found) return found.errors();
  if (!found.value()) return Errors{completion_error("case.not_found", "there is no case " + std::to_string(r.case_seq))};
  const CaseRow& c = *found.value();
  if (c.status == "awaiting_signatures" || c.status == "decided" || c.status == "closed") {
    return Errors{completion_error("completion.case_state", "a case that is " + c.status + " cannot be completed")};
  }
  const std::string now = case_updated_at_after(c.updated_at, utc_now());
  Result<bool> expired = expire_old_requests(store, c.seq, now);
  if (!expired) return expired.errors();
  Result<bool> open = has_open_request(store, c.seq);
  if (!open) return open.errors();
  if (open.value()) {
    return Errors{completion_error("completion.already_open", "the case has an open completion request; cancel it first")};
  }
  if (c.applicant_email.empty()) {
    return Errors{completion_error("completion.no_email", "the applicant gave no e-mail address, so no request can be sent")};
  }

  Result<sql::Statement> insert = prepare(store,
      "INSERT INTO completion_requests (seq, token_sha256, fields, message, created_by, created_at, expires_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!insert) return insert.errors();
  sql::bind_int64(insert.value(), 1, c.seq);
  sql::bind_text(insert.value(), 2, r.token_sha256);
  sql::bind_text(insert.value(), 3, json(r.fields).dump());
  sql::bind_text(insert.value(), 4, r.message);
  sql::bind_int64(insert.value(), 5, r.user_id);
  sql::bind_text(insert.value(), 6, now);
  sql::bind_text(insert.value(), 7, r.expires_at);
  Result<bool> inserted = sql::run(insert.value());
  if (!inserted) return inserted.errors();
  const int64_t id = sqlite3_last_insert_rowid(store.db.get());

  json audit = {{"request", id}, {"fields", r.fields}};
  if (c.status != "awaiting_completion") {
    Result<bool> moved = set_case_status(store, c, "awaiting_completion", now, r.user_id);
    if (!moved) return moved.errors();
    audit["from"] = c.status;
    audit["to"] = "awaiting_completion";
  }
  // The message stays in the case history (like a note); the audit log gets ids only.
  Result<bool> event = add_case_event(store, c.seq, now, r.user_id, "completion_request",
                                 json{{"request", id}, {"fields", r.fields}, {"labels", r.labels}, {"message", r.message}});
  if (!event) return event.errors();
  Result<bool> touched = touch_case(store, c.seq, now);
  if (!touched) return touched.errors();
  AuditEntry entry;
  entry.at = now;
  entry.actor = "user:" + std::to_string(r.user_id);
  entry.action = "case.completion_request";
  entry.target = "case:" + c.reference;
  entry.detail = audit;
  Result<AuditEntry> audited = append_audit(store, entry, true);
  if (!audited) return audited.errors();
  // The link goes out with the request or not at all: nobody is waited for who was never told.
  Result<int64_t> mail = enqueue_notification(store, c.applicant_email, r.mail_subject, r.mail_body, r.link);
  if (!mail) return mail.errors();
  Result<std::optional<CompletionRequest>> stored = request_by_id(store, id);
  if (!stored) return stored.errors();
  Result<bool> committed = txn.value().commit();
  if (!committed) return committed.errors();
  return *stored.value();
}

Result<std::optional<CompletionRequest>> find_completion_request(Store& store, std::string_view token_sha256) {
  Result<sql::Statement> s = prepare(store, std::string("SELECT ") + kRequestColumns + " FROM completion_requests WHERE token_sha256 = ?1");
  if (!s) return s.errors();
  sql::bind_text(s.value(), 1, token_sha256);
  Result<bool> row = sql::step(s.value());
  if (!row) return row.errors();
  if (!row.value()) return std::optional<CompletionRequest>();
  return std::optional<CompletionRequest>(read_request(s.value()));
}

Result<std::vector<CompletionRequest>> list_completion_requests(Store& store, int64_t case_seq) {
  Result<sql::Statement> s = prepare(store, std::string("SELECT ") + kRequestColumns +
                                                " FROM completion_requests WHERE seq = ?1 ORDER BY id DESC");
  if (!s) return s.errors();
  sql::bind_int64(s.value(), 1, case_seq);
  std::vector<CompletionRequest> out;
  for (;;) {
    Result<bool> row = sql::step(s.value());
    if (!row) return row.errors();
    if (!row.value()) return out;
    out.push_back(read_request(s.value()));
  }
}

Result<bool> cancel_completion_request(Store& store, int64_t case_seq, int64_t request_id, int64_t user_id) {
  Result<sql::Transaction> txn = sql::Transaction::begin(store.db.get());
  if (!txn) return txn.errors();
  Result<std::optional<CompletionRequest>> found = request_by_id(store, request_id);
  if (!found) return found.errors();
  // Another case's request is not found here: a caseworker of one case cannot touch another's.
  if (!found.value() || found.value()->case_seq != case_seq) {
    return Errors{completion_error("completion.not_found", "the case has no completion request " + std::to_string(request_id))};
  }
  Result<std::optional<CaseRow>> c = read_case(store, case_seq);
  if (!c) return c.errors();
  if (!c.value()) return Errors{completion_error("case.not_found", "there is no case " + std::to_string(case_seq))};
  const std::string now = case_updated_at_after(c.value()->updated_at, utc_now());
  if (!found.value()->usable_at(now)) {
    return Errors{completion_error("completion.not_open", "the request was already answered, cancelled or has expired")};
  }
  Result<sql::Statement> s = prepare(store, "UPDATE completion_requests SET state = 'cancelled' WHERE id = ?1 AND state = 'open'");
  if (!s) return s.errors();
  sql::bind_int64(s.value(), 1, request_id);
  Result<bool> updated = sql::run(s.value());
  if (!updated) return updated.errors();
  Result<bool> event = add_case_event(store, case_seq, now, user_id, "completion_cancelled", json{{"request", request_id}});
  if (!event) return event.errors();
  json audit = {{"request", request_id}};
  // Nothing is awaited any more: work resumes.
  if (c.value()->status == "awaiting_completion") {
    Result<bool> moved = set_case_status(store, *c.value(), "in_progress", now, user_id);
    if (!moved) return moved.errors();
    audit["from"] = "awaiting_completion";
    audit["to"] = "in_progress";
  }
  Result<bool> touched = touch_case(store, case_seq, now);
  if (!touched) return touched.errors();
  AuditEntry entry;
  entry.at = now;
  entry.actor = "user:" + std::to_string(user_id);
  entry.action = "case.completion_cancel";
  entry.target = "case:" + c.value()->reference;
  entry.detail = audit;
  Result<AuditEntry> audited = append_audit(store, entry, true);
  if (!audited) return audited.errors();
  Result<bool> committed = txn.value().commit();
  if (!committed) return committed.errors();
  return true;
}

Result<std::vector<int64_t>> cancel_open_completion_requests(Store& store, int64_t case_seq, const std::string& at,
                                                             int64_t user_id, const std::string& reason) {
  // Expired ones first, so that only requests whose link still works are "cancelled".
  Result<bool> expired = expire_old_requests(store, case_seq, at);
  if (!expired) return expired.errors();
  Result<sql::Statement> s = prepare(store, "SELECT id FROM completion_requests WHERE seq = ?1 AND state = 'open' ORDER BY id");
  if (!s) return s.errors();
  sql::bind_int64(s.value(), 1, case_seq);
  std::vector<int64_t> ids;
  for (;;) {
    Result<bool> row = sql::step(s.value());
    if (!row) return row.errors();
    if (!row.value()) break;
    ids.push_back(sql::column_int64(s.value(), 0));
  }
  for (const int64_t id : ids) {
    Result<sql::Statement> cancel = prepare(store, "UPDATE completion_requests SET state = 'cancelled' WHERE id = ?1");
    if (!cancel) return cancel.errors();
    sql::bind_int64(cancel.value(), 1, id);
    Result<bool> done = sql::run(cancel.value());
    if (!done) return done.errors();
    Result<bool> event = add_case_event(store, case_seq, at, user_id, "completion_cancelled", json{{"request", id}, {"reason", reason}});
    if (!event) return event.errors();
  }
  return ids;
}

// ---------------------------------------------------------------------------------------
// Versions
// ---------------------------------------------------------------------------------------

Result<bool> insert_case_version(Store& store, const StoredSubmission& row, const CaseAmendment& amends) {
  Result<std::optional<CompletionRequest>> request = request_by_id(store, amends.completion_request_id);
  if (!request) return request.errors();
  // Checked here, under the writer's lock: two replies racing for one request, or a reply
  // racing a cancellation, end with exactly one outcome.
  if (!request.value() || request.value()->case_seq != amends.case_seq || !request.value()->usable_at(row.received_at)) {
    return Errors{completion_error("completion.not_open", "the completion request was answered, cancelled or has expired")};
  }
  Result<std::optional<CaseRow>> found = read_case(store, amends.case_seq);
  if (!found) return found.errors();
  if (!found.value()) return Errors{completion_error("case.not_found", "there is no case " + std::to_string(amends.case_seq))};
  const CaseRow& c = *found.value();
  // Deciding or closing cancels the open requests (change_case_status); this also holds
  // for a request left open by a server from before that, so a reply never lands on a
  // case that nobody handles any more.
  if (c.status == "decided" || c.status == "closed") {
    return Errors{completion_error("completion.not_open", "the case was " + c.status + "; the completion request is cancelled")};
  }
  Result<std::optional<LatestVersion>> latest = latest_version(store, c.seq);
  if (!latest) return latest.errors();
  if (!latest.value()) return Errors{completion_error("case.not_found", "the case has no submission")};
  const int version = latest.value()->version + 1;
  // The receipt (signed before this insert) must name this very version and the one it
  // replaces: otherwise it would vouch for a chain of versions that does not exist.
  const json receipt = json::parse(row.receipt, nullptr, false);
  const bool names_it = receipt.is_object() && receipt.value("reference", "") == case_version_reference(c.reference, version) &&
                        receipt.value("amends", "") == latest.value()->receipt_sha256 && row.form_id == c.form_id;
  if (row.reference != case_version_reference(c.reference, version) || !names_it) {
    return Errors{completion_error("completion.version_changed", "another version of the case arrived meanwhile")};
  }

  Result<sql::Statement> insert = prepare(store,
      "INSERT INTO case_versions (case_seq, version, seq, completion_request_id) VALUES (?1, ?2, ?3, ?4)");
  if (!insert) return insert.errors();
  sql::bind_int64(insert.value(), 1, c.seq);
  sql::bind_int64(insert.value(), 2, version);
  sql::bind_int64(insert.value(), 3, row.seq);
  sql::bind_int64(insert.value(), 4, amends.completion_request_id);
  Result<bool> inserted = sql::run(insert.value());
  if (!inserted) return inserted.errors();
  Result<sql::Statement> answered = prepare(store,
      "UPDATE completion_requests SET state = 'answered', answered_seq = ?2, answered_at = ?3 WHERE id = ?1");
  if (!answered) return answered.errors();
  sql::bind_int64(answered.value(), 1, amends.completion_request_id);
  sql::bind_int64(answered.value(), 2, row.seq);
  sql::bind_text(answered.value(), 3, row.received_at);
  Result<bool> marked = sql::run(answered.value());
  if (!marked) return marked.errors();

  const std::string now = case_updated_at_after(std::max(c.updated_at, row.received_at), utc_now());
  std::string status = c.status;
  // A caseworker may have taken the case back to in progress meanwhile (a cancelled
  // request): it stays there.
  if (c.status == "awaiting_completion") {
    Result<bool> moved = set_case_status(store, c, "in_progress", now, 0);
    if (!moved) return moved.errors();
    status = "in_progress";
  }
  Result<bool> event = add_case_event(store, c.seq, now, 0, "completion",
                                 json{{"request", amends.completion_request_id}, {"version", version}, {"reference", row.reference}});
  if (!event) return event.errors();
  Result<bool> touched = touch_case(store, c.seq, now);
  if (!touched) return touched.errors();
  json payload = webhook_payload(kEventCompletionReceived, c.form_id, c.reference, c.seq, row.received_at, status);
  payload["version"] = version;
  Result<int> hooked = enqueue_webhook_event(store, c.form_id, kEventCompletionReceived,
                                             "completion:" + std::to_string(amends.completion_request_id), payload);
  if (!hooked) return hooked.errors();
  return true;
}

Result<std::vector<CaseVersion>> list_case_versions(Store& store, int64_t case_seq) {
  Result<std::optional<StoredSubmission>> first = get_submission(store, case_seq);
  if (!first) return first.errors();
  if (!first.value()) return Errors{completion_error("case.no_submission", "the case has no submission")};
  std::vector<CaseVersion> out;
  out.push_back(CaseVersion{1, std::move(*first.value()), 0});
  Result<sql::Statement> s = prepare(store,
      "SELECT version, seq, COALESCE(completion_request_id, 0) FROM case_versions WHERE case_seq = ?1 ORDER BY version");
  if (!s) return s.errors();
  sql::bind_int64(s.value(), 1, case_seq);
  std::vector<std::pair<int, std::pair<int64_t, int64_t>>> rows;
  for (;;) {
    Result<bool> row = sql::step(s.value());
    if (!row) return row.errors();
    if (!row.value()) break;
    rows.push_back({static_cast<int>(sql::column_int64(s.value(), 0)), {sql::column_int64(s.value(), 1), sql::column_int64(s.value(), 2)}});
  }
  for (const auto& [version, ids] : rows) {
    Result<std::optional<StoredSubmission>> sub = get_submission(store, ids.first);
    if (!sub) return sub.errors();
    if (!sub.value()) return Errors{completion_error("case.no_submission", "a version of the case has no submission")};
    out.push_back(CaseVersion{version, std::move(*sub.value()), ids.second});
  }
  return out;
}

Result<CaseVersion> latest_case_version(Store& store, int64_t case_seq) {
  Result<sql::Statement> s = prepare(store,
      "SELECT version, seq, COALESCE(completion_request_id, 0) FROM case_versions WHERE case_seq = ?1 ORDER BY version DESC LIMIT 1");
  if (!s) return s.errors();
  sql::bind_int64(s.value(), 1, case_seq);
  Result<bool> row = sql::step(s.value());
  if (!row) return row.errors();
  CaseVersion latest{1, StoredSubmission{}, 0};
  int64_t seq = case_seq;
  if (row.value()) {
    latest.version = static_cast<int>(sql::column_int64(s.value(), 0));
    seq = sql::column_int64(s.value(), 1);
    latest.completion_request_id = sql::column_int64(s.value(), 2);
  }
  Result<std::optional<StoredSubmission>> sub = get_submission(store, seq);
  if (!sub) return sub.errors();
  if (!sub.value()) return Errors{completion_error("case.no_submission", "the case has no submission")};
  latest.submission = std::move(*sub.value());
  return latest;
}

Result<StoredSubmission> latest_case_submission(Store& store, int64_t case_seq) {
  Result<CaseVersion> latest = latest_case_version(store, case_seq);
  if (!latest) return latest.errors();
  return std::move(latest.value().submission);
}

Result<std::vector<VersionFile>> version_files(Store& store, int64_t seq) {
  Result<sql::Statement> s = prepare(store,
      "SELECT l.field_path, l.sha256, l.name, a.media_type, a.size FROM submission_attachments l "
      "JOIN attachments a ON a.sha256 = l.sha256 WHERE l.seq = ?1 ORDER BY l.rowid");
  if (!s) return s.errors();
  sql::bind_int64(s.value(), 1, seq);
  std::vector<VersionFile> out;
  for (;;) {
    Result<bool> row = sql::step(s.value());
    if (!row) return row.errors();
    if (!row.value()) return out;
    out.push_back(VersionFile{{sql::column_text(s.value(), 0), sql::column_text(s.value(), 1), sql::column_text(s.value(), 2)},
                              sql::column_text(s.value(), 3), sql::column_int64(s.value(), 4)});
  }
}

Result<std::optional<CaseSummary>> completion_case(Store& store, int64_t case_seq) {
  Result<sql::Statement> s = prepare(store, "SELECT reference FROM cases WHERE seq = ?1");
  if (!s) return s.errors();
  sql::bind_int64(s.value(), 1, case_seq);
  Result<bool> row = sql::step(s.value());
  if (!row) return row.errors();
  if (!row.value()) return std::optional<CaseSummary>();
  const std::string reference = sql::column_text(s.value(), 0);
  return get_case(store, reference);
}

Result<std::optional<SubmissionAttachment>> find_case_attachment(Store& store, int64_t case_seq, std::string_view sha256) {
  Result<sql::Statement> s = prepare(store,
      "SELECT field_path, sha256, name FROM submission_attachments WHERE sha256 = ?2 AND "
      "(seq = ?1 OR seq IN (SELECT seq FROM case_versions WHERE case_seq = ?1)) ORDER BY seq DESC LIMIT 1");
  if (!s) return s.errors();
  sql::bind_int64(s.value(), 1, case_seq);
  sql::bind_text(s.value(), 2, sha256);
  Result<bool> row = sql::step(s.value());
  if (!row) return row.errors();
  if (!row.value()) return std::optional<SubmissionAttachment>();
  return std::optional<SubmissionAttachment>(
      SubmissionAttachment{sql::column_text(s.value(), 0), sql::column_text(s.value(), 1), sql::column_text(s.value(), 2)});
}

}  // namespace blankett
