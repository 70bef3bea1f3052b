// POST /api/forms/{id}/submissions, without the HTTP: re-evaluate the answers with the
// engine for the form version the client used, refuse what the rules refuse (422), store
// the canonical submission through the group-commit writer, and answer with the signed
// receipt once it is durable (201; 200 for a retry with the same Idempotency-Key and
// content; 409 for the same key with other content). API: docs/api.md.
#pragma once
#include <string>
#include <vector>

#include "api_response.h"
#include "clock.h"
#include "form_catalog.h"
#include "metrics.h"
#include "signing_keys.h"
#include "submission_writer.h"

namespace blankett {

// A file sent with a submission (a multipart part named "file").
struct Upload {
  std::string filename;
  std::string content;
};

struct SubmissionRequest {
  std::string form_id;          // from the path
  std::string content_type;     // Content-Type header
  std::string idempotency_key;  // Idempotency-Key header
  std::string accept_language;  // Accept-Language header, for error messages
  std::string body;             // the JSON (for multipart: the part named "submission")
  std::vector<Upload> files;    // multipart only
};

struct SubmissionContext {
  FormCatalog& catalog;
  SubmissionWriter& writer;
  const KeyRing& keys;
  Metrics& metrics;
  TodayFn today;  // the date the engine's rules see
  std::string database_path;  // attachments are stored here (a connection per request with files)
};

ApiResponse handle_submission(SubmissionContext& ctx, const SubmissionRequest& request);

// An Idempotency-Key a client may send: 8–128 characters of A–Z a–z 0–9 - _ .
bool valid_idempotency_key(const std::string& key);

}  // namespace blankett
