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
#include "inbox_internal.h"
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

// What a caseworker typed into the "Request completion" form: shown again when the page
// comes back with an error, so that a long message is never lost.
struct CompletionInput {
  std::string message;              // as sent; "" when it is not valid UTF-8
  std::vector<std::string> fields;  // the ticked answers' paths
};
// The form's input of a POST to /inbox/cases/{ref}/completion; empty for any other request
// (a GET, another form of the case page).
CompletionInput posted_completion_input(const httplib::Request& req);

// The "Request completion" form with `kept` filled in (inbox_completion_section.cc).
std::string completion_request_form_html(const InboxUser& u, const CaseSummary& c, const std::vector<CompletionField>& fields,
                                         const std::vector<FieldError>& problems, const CompletionInput& kept);
// The case page's "Completion" section (inbox_internal.h) with the request form showing
// `kept`: what render_case passes after a refused request (posted_completion_input(req)).
std::string completion_section_html(AppContext& app, const InboxUser& u, const CaseSummary& c, const CaseDocument& doc,
                                    const std::vector<FieldError>& problems, const CompletionInput& kept);

// The engine's state of a stored submission: its answers restored as a draft of its own
// form version, with "today" the day it was received. nullopt when that version is not
// in the catalog or the stored bytes are not a submission.
std::optional<FormState> submission_state(AppContext& app, const StoredSubmission& submission);

}  // namespace blankett
