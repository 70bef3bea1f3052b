// Completion requests: a caseworker asks the applicant to complete some answers or
// attachments; the reply is a new version of the submission (a submission of its own in
// the receipt chain, whose receipt names the version it amends). docs/completion-requests.md.
//
// Tables (migrations.cc, schema 4): completion_requests (one row per request; only the
// SHA-256 of the link's token is stored) and case_versions (version 2, 3, … of a case;
// version 1 is the case's own submission, cases.seq).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "blankett/error.h"
#include "case_store.h"
#include "store.h"

namespace blankett {

// How long a completion link can be used.
inline constexpr int kCompletionDays = 30;
// The caseworker's message to the applicant, at most this many characters.
inline constexpr size_t kMaxCompletionMessageChars = 2000;

struct CompletionRequest {
  int64_t id = 0;
  int64_t case_seq = 0;
  std::string token_sha256;
  std::vector<std::string> fields;  // answer paths: top-level field ids, whole repeat groups
  std::string message;              // shown on the completion page only, never e-mailed
  int64_t created_by = 0;           // user id
  std::string created_at;
  std::string expires_at;           // RFC 3339 UTC
  std::string state;                // "open", "answered", "cancelled", "expired"
  int64_t answered_seq = 0;         // the submission that answered it, 0 if none
  std::string answered_at;

  // Open and not past its expiry at `now` (RFC 3339 UTC, utc_now()'s format).
  bool usable_at(const std::string& now) const { return state == "open" && now < expires_at; }
};

// What a caseworker asks for; the link's token itself is only in the e-mail.
struct NewCompletionRequest {
  int64_t case_seq = 0;
  std::vector<std::string> fields;  // non-empty
  std::vector<std::string> labels;  // the fields' labels, for the case history
  std::string message;              // 1–2,000 characters
  int64_t user_id = 0;              // the caseworker
  std::string token_sha256;
  std::string expires_at;
  // The e-mail to cases.applicant_email, queued in the same transaction: a fixed text
  // with the link, never the message or any answer (notifications.h).
  std::string mail_subject;
  std::string mail_body;
  std::string link;
};

// In one transaction: the request, the case to awaiting_completion (a "status" event
// unless it was there already), a "completion_request" event (fields, labels, message),
// an audit entry "case.completion_request" (request id and field paths only), and the
// e-mail in the outbox. Errors: "case.not_found"; "completion.case_state" (the case is
// awaiting signatures, decided or closed); "completion.already_open" (one request at a
// time); "completion.no_email" (the case has no applicant e-mail);
// "completion.bad_request" (no field, or a message empty or too long); notification.*.
Result<CompletionRequest> create_completion_request(Store& store, const NewCompletionRequest& request);

// The request whose link token has this SHA-256, or nullopt.
Result<std::optional<CompletionRequest>> find_completion_request(Store& store, std::string_view token_sha256);
// A case's requests, newest first.
Result<std::vector<CompletionRequest>> list_completion_requests(Store& store, int64_t case_seq);

// Withdraws an open request of the case: state cancelled, a "completion_cancelled" event,
// the case back to in_progress when it was awaiting this completion, an audit entry.
// Errors: "completion.not_found" (no such request of this case), "completion.not_open".
Result<bool> cancel_completion_request(Store& store, int64_t case_seq, int64_t request_id, int64_t user_id);

// In the caller's transaction (a caseworker deciding or closing the case,
// change_case_status): every open request of the case becomes "cancelled", each with a
// "completion_cancelled" event {"request", "reason"} by `user_id`, so that its link
// answers 410 and a reply is refused. `reason` is the case's new status ("decided",
// "closed"). Returns the ids of the requests cancelled.
Result<std::vector<int64_t>> cancel_open_completion_requests(Store& store, int64_t case_seq, const std::string& at,
                                                             int64_t user_id, const std::string& reason);

// Records `row` (just inserted into submissions) as the next version of the case
// amends.case_seq, marks the completion request answered, moves the case to
// in_progress with a history event, and queues the completion.received webhook; inside
// insert_submission's transaction. Errors (item errors: only this submission fails):
// "completion.not_open" (answered, cancelled or expired meanwhile, or the case was
// decided or closed: a request of such a case is never answered), "case.not_found",
// "completion.version_changed" (the receipt's reference or "amends" is not the next
// version of the case's latest: another version arrived meanwhile).
Result<bool> insert_case_version(Store& store, const StoredSubmission& row, const CaseAmendment& amends);

// One version of a case's submission.
struct CaseVersion {
  int version = 1;                    // 1 = the original submission
  StoredSubmission submission;
  int64_t completion_request_id = 0;  // 0 for version 1
};

// Every version of the case, oldest (1) first. Error "case.no_submission".
Result<std::vector<CaseVersion>> list_case_versions(Store& store, int64_t case_seq);
// The latest version (the highest number; 1 while there is no completion).
// Error "case.no_submission".
Result<CaseVersion> latest_case_version(Store& store, int64_t case_seq);
// The latest version's submission: what the case page shows as "the answers".
// Error "case.no_submission".
Result<StoredSubmission> latest_case_submission(Store& store, int64_t case_seq);

// A file of one submission with what the store knows about it.
struct VersionFile {
  SubmissionAttachment link;  // field_path, sha256, name
  std::string media_type;     // by its content, as stored
  int64_t size = 0;
};
// The files of the submission `seq`, in answer order.
Result<std::vector<VersionFile>> version_files(Store& store, int64_t seq);

// The case a request belongs to, or nullopt.
Result<std::optional<CaseSummary>> completion_case(Store& store, int64_t case_seq);
// The file with this hash in any version of the case (for downloads), or nullopt.
Result<std::optional<SubmissionAttachment>> find_case_attachment(Store& store, int64_t case_seq, std::string_view sha256);

// "SKOL-2026-000123-2": the reference of version `version` (>= 2) of a case.
std::string case_version_reference(const std::string& case_reference, int version);

}  // namespace blankett
