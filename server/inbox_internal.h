// What the inbox's files (inbox_*.cc) share: who is asking and which forms they may see,
// the list's filter (also the exports'), and the parts of a case that the case page, the
// print page and the exports all show. Private to the inbox; routes: inbox_pages.h.
// Docs: docs/inbox.md.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "app_context.h"
#include "blankett/state.h"
#include "case_store.h"
#include "html_page.h"
#include "store.h"
#include "web_auth.h"
#include "httplib_fwd.h"

namespace blankett {

// ---------------------------------------------------------------------------------------
// [SECTION] Who is asking
// ---------------------------------------------------------------------------------------

// A signed-in caseworker, the request thread's store and the only forms whose cases they
// may see (case_forms_of; empty for a caseworker who has not been given any form yet).
struct InboxUser {
  SignedIn who;
  Store* store = nullptr;
  std::vector<std::string> forms;
  std::string lang;  // "sv" or "en"

  bool may_see(std::string_view form_id) const;
  std::string actor() const { return "user:" + std::to_string(who.user.id); }
};

// require_page(caseworker), then the store and the user's forms. On failure the response
// is answered (303 to /login, 403, or a 503 page when the store cannot be read) and the
// result is nullopt.
std::optional<InboxUser> inbox_user(const httplib::Request& req, httplib::Response& res, AppContext& app);

PageFrame inbox_frame(const InboxUser& u, const httplib::Request& req, std::string title);

// A page with a heading and one paragraph (404, 503, …). `text` is plain text.
void send_message_page(const httplib::Request& req, httplib::Response& res, const InboxUser& u, int status,
                       const std::string& title, const std::string& text);
// The same 404 whether the case does not exist or belongs to a form the user does not
// handle: the answer must not reveal that it exists.
void send_not_found(const httplib::Request& req, httplib::Response& res, const InboxUser& u);
void send_store_unavailable(const httplib::Request& req, httplib::Response& res, const InboxUser& u);

// The case named by `reference` if it is one the user may see; otherwise answers 404 (or
// 503) and returns nullopt.
std::optional<CaseSummary> visible_case(const httplib::Request& req, httplib::Response& res, const InboxUser& u,
                                        const std::string& reference);

// Appends to the audit log as the user. False when it could not be written: views and
// exports of personal data are refused rather than left unrecorded.
bool inbox_audit(const InboxUser& u, const std::string& action, const std::string& target,
                 nlohmann::json detail = nlohmann::json::object());

// ---------------------------------------------------------------------------------------
// [SECTION] Words and times
// ---------------------------------------------------------------------------------------

std::string status_label(CaseStatus status, const std::string& lang);
// The status as a tag, and a second tag when the case is flagged (a signing deadline
// passed). Escaped.
std::string status_tags_html(const CaseSummary& c, const std::string& lang);
// The title of the form's current version in `lang` (else its first language), or the id
// when the form is no longer served.
std::string form_title(AppContext& app, const std::string& form_id, const std::string& lang);
// "2026-08-15T10:12:03.123Z" → "2026-08-15 12:12" in the server's local time zone (TZ);
// the text itself when it is not such a timestamp.
std::string local_time_text(const std::string& rfc3339);
// "YYYY-MM-DD" of the timestamp in local time ("" if unreadable).
std::string local_date_of(const std::string& rfc3339);
// <time datetime="…">local text</time>, escaped.
std::string time_html(const std::string& rfc3339);

// ---------------------------------------------------------------------------------------
// [SECTION] The filter of the list and the exports
// ---------------------------------------------------------------------------------------

// The query parameters as given (for the form's values and the "Older cases" link).
struct FilterInput {
  std::string form, status, from, to, q;
  bool mine = false;
};

struct ParsedFilter {
  FilterInput input;
  CaseFilter filter;        // usable when problems is empty (and the user has forms)
  int64_t before = 0;       // keyset cursor: seq of the last case of the previous page
  std::vector<FieldError> problems;  // web_auth.h: input id ("filter-from") and message
};

ParsedFilter parse_filter(const httplib::Request& req, const InboxUser& u);
// "form=…&status=…" of the non-empty inputs, URL-encoded (no leading "?").
std::string filter_query(const FilterInput& input);

// ---------------------------------------------------------------------------------------
// [SECTION] A case's content
// ---------------------------------------------------------------------------------------

struct ReceiptCheck {
  bool verified = false;
  std::string problem;  // "" when verified; else a plain-text reason in the page's language
};

// Checks, now: the receipt's signature against the server's public keys, and that the
// SHA-256 of the stored canonical bytes is the hash the receipt signs.
ReceiptCheck check_receipt(const KeyRing& keys, const nlohmann::json& receipt, std::string_view canonical,
                           const std::string& lang);

struct CaseDocument {
  StoredSubmission submission;
  nlohmann::json document;  // the canonical submission, parsed
  nlohmann::json receipt;   // parsed (null if the stored text does not parse)
  // The engine's "check your answers" view (view_summary) of the exact form version, or
  // null when that version cannot be compiled any more (then the raw answers are shown).
  nlohmann::json summary;
  // The answers re-evaluated by today's engine give other canonical bytes than were
  // received (a changed engine): the page says so; exports hold the received bytes.
  bool reevaluation_differs = false;
  ReceiptCheck receipt_check;
  std::vector<SubmissionAttachment> attachments;
};

// The submission of a case, its answers as the engine renders them in `lang`, its
// receipt and its verification. Errors: store errors, "case.no_submission".
Result<CaseDocument> load_case_document(AppContext& app, Store& store, const CaseSummary& c, const std::string& lang);

// The answers: an <h{level}> per step, a <dl> of label and value per step (groups as a
// list of rows). All text escaped.
std::string answers_html(const CaseDocument& doc, const std::string& lang, int level);
// The attachments with their field, type and size; each a link to download it (href
// `download_prefix` + its SHA-256) when `download_prefix` is not empty.
std::string attachments_html(const CaseDocument& doc, const std::string& lang, const std::string& download_prefix);
// A stored attachment as a download: its media type, Content-Disposition with the file
// name (ASCII in filename, all of it in filename*), never cached.
void send_attachment_download(httplib::Response& res, Attachment file, const std::string& name);
// Reference, received, submission hash, key id and the verification result.
std::string receipt_html(const CaseDocument& doc, const std::string& lang);

// The case's facts as JSON: reference, form, version, received_at, status, assignee
// (id and name), applicant, updated_at (the exports' summary object).
nlohmann::json case_summary_json(const CaseSummary& c, const std::string& version);

// ---------------------------------------------------------------------------------------
// [SECTION] Routes, by file
// ---------------------------------------------------------------------------------------

void register_inbox_list_routes(httplib::Server& http, AppContext& app);    // inbox_list_page.cc
void register_inbox_case_routes(httplib::Server& http, AppContext& app);    // inbox_case_page.cc
void register_inbox_export_routes(httplib::Server& http, AppContext& app);  // inbox_export.cc
void register_inbox_stats_routes(httplib::Server& http, AppContext& app);   // inbox_stats_page.cc

// ---------------------------------------------------------------------------------------
// [SECTION] The case page's actions (inbox_case_page.cc)
// ---------------------------------------------------------------------------------------

// The common start of every POST about a case: a caseworker, a valid CSRF token, a case
// they may see (the case from the path's first match). Otherwise answered and nullopt.
struct CasePost {
  InboxUser user;
  CaseSummary c;
};
std::optional<CasePost> start_case_post(AppContext& app, const httplib::Request& req, httplib::Response& res);
// 303 back to the case page with a confirmation: `done` is one of "status", "assign",
// "note", "reminder", "deadline", "deadline_removed", "no_deadline", "completion",
// "completion_cancelled".
void back_to_case(httplib::Response& res, const CaseSummary& c, const char* done);
// Re-reads the case (it may have changed) and shows its page with one problem in the
// error summary, linked to the input `field_id`, with HTTP `status`.
void show_case_problem(AppContext& app, const httplib::Request& req, httplib::Response& res, CasePost& p, int status,
                       const std::string& field_id, const std::string& message, const std::string& note_text = "");

// ---------------------------------------------------------------------------------------
// [SECTION] Signers and completion requests on the case page (issue 6)
// ---------------------------------------------------------------------------------------

// The "Signatures" section: per signer pending / signed (when) / expired, the reminder
// and deadline forms; "" when the case has no further signers
// (inbox_signers_section.cc). `problems` are the page's errors, for the inputs it owns.
std::string signers_section_html(AppContext& app, const InboxUser& u, const CaseSummary& c,
                                 const std::vector<FieldError>& problems);
// The "Request completion" form and the case's requests (inbox_completion_section.cc).
std::string completion_section_html(AppContext& app, const InboxUser& u, const CaseSummary& c, const CaseDocument& doc,
                                    const std::vector<FieldError>& problems);
// The versions of the case's submission and the differences between them; "" while
// there is only the first (inbox_completion_section.cc).
std::string versions_section_html(AppContext& app, const InboxUser& u, const CaseSummary& c, const CaseDocument& doc);
// A history entry for the events these sections record ("" for other kinds).
std::string signing_event_html(const CaseEvent& e, const std::string& lang);
std::string completion_event_html(const CaseEvent& e, const std::string& lang);

}  // namespace blankett
