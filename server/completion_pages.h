// Completion requests over HTTP: the caseworker's request form on a case, the citizen's
// /complete/{token} page (the citizen app in completion mode) and its API.
// docs/completion-requests.md.
//
// Routes:
//   POST /inbox/cases/{ref}/completion              caseworker of the form (CSRF)
//   POST /inbox/cases/{ref}/completion/{id}/cancel  caseworker of the form (CSRF)
//   GET  /complete/{token}                          anyone with the link (identified when the case has a personal number)
//   POST /complete/{token}/identify                 anyone with the link: starts identification
//   GET  /api/completions/{token}                   as GET /complete/{token}: what the citizen app needs
//   POST /api/completions/{token}                   as GET /complete/{token}, plus the identity's CSRF token
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app_context.h"
#include "blankett/state.h"
#include "store.h"
#include "httplib_fwd.h"

namespace blankett {

void register_completion_routes(httplib::Server& http, AppContext& app);

// A field a completion request can ask for: a top-level field a person answers (not an
// information text, not calculated, not read-only), a repeat group as a whole; attachment
// fields included. In the form's order.
struct CompletionField {
  std::string path;   // the field's id: the key of its answer
  std::string label;  // the engine's label in the requested language
  std::string type;   // the field's type ("text", "attachment", "group", …)
};
std::vector<CompletionField> completion_fields(const FormPtr& form, const std::string& lang);

// The engine's state of a stored submission: its answers restored as a draft of its own
// form version, with "today" the day it was received. nullopt when that version is not
// in the catalog or the stored bytes are not a submission.
std::optional<FormState> submission_state(AppContext& app, const StoredSubmission& submission);

}  // namespace blankett
