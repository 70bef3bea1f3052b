// POST /api/forms/{id}/submissions, without the HTTP: re-evaluate the answers with the
// engine for the form version the client used, refuse what the rules refuse (422), store
// the canonical submission through the group-commit writer, and answer with the signed
// receipt once it is durable (201; 200 for a retry with the same Idempotency-Key and
// content; 409 for the same key with other content). API: docs/api.md.
//
// The steps are public too: the completion reply (completion_pages.cc,
// docs/completion-requests.md) goes through the same envelope, engine, attachment and
// writer steps, with its own merge of the answers in between.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api_response.h"
#include "blankett/state.h"
#include "clock.h"
#include "form_catalog.h"
#include "metrics.h"
#include "signing_keys.h"
#include "submission_writer.h"
#include "httplib_fwd.h"

namespace blankett {

// A file sent with a submission (a multipart part named "file").
struct Upload {
  std::string filename;
  std::string content;
};

struct SubmissionRequest {
  std::string form_id;          // from the path ("" for a completion: the case names it)
  std::string content_type;     // Content-Type header
  std::string idempotency_key;  // Idempotency-Key header
  std::string accept_language;  // Accept-Language header, for error messages
  std::string body;             // the JSON (for multipart: the part named "submission")
  std::vector<Upload> files;    // multipart only
  // Multipart only: the name of every part, once each, so that a body without a
  // "submission" part or with parts of other names is refused by name.
  std::vector<std::string> part_names;
};

struct SubmissionContext {
  FormCatalog& catalog;
  SubmissionWriter& writer;
  const KeyRing& keys;
  Metrics& metrics;
  TodayFn today;  // the date the engine's rules see
  std::string database_path;  // attachments are stored here (a connection per request with files)
  std::string public_url;     // AppContext::public_url: the base of links in e-mails to signers
  // Whether a refusal by the rules counts in the form's usage statistics (rejected
  // share). Completions do not: they are not new applications.
  bool count_rejections = true;
};

ApiResponse handle_submission(SubmissionContext& ctx, const SubmissionRequest& request);

// An Idempotency-Key a client may send: 8–128 characters of A–Z a–z 0–9 - _ .
bool valid_idempotency_key(const std::string& key);

// The headers, body and files of an HTTP request as a SubmissionRequest (form_id "").
// Multipart: the JSON in the part "submission", each file in a part "file".
SubmissionRequest submission_request_of(const httplib::Request& req);

// --- The steps -------------------------------------------------------------------------
// Each returns the refusal to send (an ApiResponse), or nullopt when the step passed and
// its output is filled in.

// What the body says: {"version", "answers", "language"?, "client"?}.
struct SubmissionBody {
  std::string version;      // the form version the answers were given for
  nlohmann::json answers;   // an object
  std::string lang;         // for messages: "language", else Accept-Language, else ""
  std::string draft_started_at;  // "client": {"draft_started_at"}, or ""
  std::optional<nlohmann::json> language;  // "language" as sent (nullopt when absent), for check_language
};

// Content-Type (415), Idempotency-Key (400), the multipart parts (400: no "submission"
// part, or parts of other names than "submission" and "file"), the JSON and its keys (400).
std::optional<ApiResponse> read_submission_body(SubmissionContext& ctx, const SubmissionRequest& req, SubmissionBody* out);

// The body's "language", when it has one, must be one the form version is written in:
// 400 "request.wrong_type" for anything but a string, 422 "submission.unknown_language"
// for a language the form does not have; both with pointer /language and the form's
// languages in the message. Without the check a citizen writing "de" would get messages
// and e-mails in the form's first language without a word.
std::optional<ApiResponse> check_language(SubmissionContext& ctx, const CompiledForm& form, const SubmissionBody& body);

// The answers evaluated by the engine for `form`: 422 "submission.invalid" with the
// engine's errors (pointers "/answers/…") when they do not belong to the form or fail its
// rules. On success *out holds the state.
std::optional<ApiResponse> evaluate_answers(SubmissionContext& ctx, const FormPtr& form, nlohmann::json answers,
                                            const std::string& lang, std::optional<FormState>* out);

// A file an answer may name without sending it again: stored already (a file of the
// version a completion amends).
struct StoredFile {
  std::string sha256;
  std::string media_type;
  int64_t size = 0;
};

// Every file the answers name (by SHA-256) must be among `files` or `stored`, with that
// size and, by its bytes, that type; every file sent must be named (each problem is
// reported once: a file named with the wrong size or type is a mismatch, not unused) (422
// "submission.invalid" with attachment.* errors, their messages in `lang` when the form
// has it, else in the form's first language, as the engine's). Stores the files sent
// (503 when it cannot) and fills *links with every file answer.
std::optional<ApiResponse> match_attachments(SubmissionContext& ctx, const FormState& state, const std::vector<Upload>& files,
                                             const std::vector<StoredFile>& stored, std::vector<SubmissionAttachment>* links,
                                             const std::string& lang = "");

// Signs the receipt at the chain position the writer gives. `reference` "" = the form's
// next reference (<prefix>-<year>-<seq>); `amends` "" = none (receipt.h).
MakeReceipt receipt_maker(const KeyRing& keys, const CompiledForm& form, const std::string& submission_sha256,
                          const std::string& reference = "", const std::string& amends = "");

// The answer for a stored submission: 201 (created) or 200 {"receipt", "status",
// "submission"<extra_json>}; the receipt and the canonical bytes are spliced as stored.
ApiResponse receipt_answer(bool created, const std::string& receipt, const std::string& canonical,
                           const std::string& extra_json = "");

// Hands the submission to the writer and waits until it is durable: 201 (200 for a retry
// of the same key and content) {"receipt", "status", "submission"<extra_json>}, where
// `extra_json` is "" or more members (",\"key\":…"); 409 for the key with other content
// or a completion that is no longer open (completion.*); 503 when nothing was stored.
ApiResponse write_submission(SubmissionContext& ctx, PendingSubmission pending, const std::string& extra_json = "");

}  // namespace blankett
