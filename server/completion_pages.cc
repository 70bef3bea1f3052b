// Completion requests over HTTP (completion_pages.h): the caseworker's two POSTs on a
// case, the citizen's /complete/{token} page and the API its app reads and answers.
//
// Index of this file:
//   [SECTION] fields and states
//   [SECTION] the caseworker's requests
//   [SECTION] the link: lookup and identification
//   [SECTION] the citizen's page
//   [SECTION] the citizen app's API
//   [SECTION] routes
//
// A link is a bearer secret: 32 random bytes, of which only the SHA-256 is stored; it
// opens one request of one case, until it is answered, cancelled or expires. When the
// case has the applicant's personal identity number, the link alone is not enough: the
// visitor must also prove (identity.h) that they are that person.
#include "completion_pages.h"

#include <algorithm>
#include <memory>
#include <mutex>

#include <httplib.h>

#include "api_response.h"
#include "blankett/draft.h"
#include "blankett/form.h"
#include "blankett/submission.h"
#include "blankett/utf8.h"
#include "blankett/view.h"
#include "clock.h"
#include "completion_store.h"
#include "html_page.h"
#include "http_server.h"
#include "identity.h"
#include "inbox_internal.h"
#include "request_store.h"
#include "sessions.h"
#include "static_files.h"
#include "submission_service.h"

namespace blankett {

using nlohmann::json;

// ---------------------------------------------------------------------------------------
// [SECTION] fields and states
// ---------------------------------------------------------------------------------------

std::vector<CompletionField> completion_fields(const FormPtr& form, const std::string& lang) {
  std::vector<CompletionField> out;
  if (!form) return out;
  // Labels do not depend on the day; any valid one does.
  Result<FormState> created = FormState::create(form, utc_now().substr(0, 10));
  if (!created.ok()) return out;
  const FormState& state = created.value();
  for (int f = 0; f < state.field_count(); ++f) {
    // Row -1 is an instance only of top-level fields: a field inside a repeat group is
    // asked for with its whole group.
    if (!state.has_instance(f, -1)) continue;
    const json v = view_field(state, f, -1, lang);
    if (!v.is_object() || v.value("type", "") == "info" || v.value("readonly", false)) continue;
    out.push_back(CompletionField{v.value("id", ""), v.value("label", ""), v.value("type", "")});
  }
  return out;
}

std::optional<FormState> submission_state(AppContext& app, const StoredSubmission& s) {
  const FormPtr form = app.catalog.version(s.form_id, s.version);
  if (!form) return std::nullopt;
  const json doc = json::parse(s.canonical, nullptr, false);
  if (!doc.is_object() || !doc.contains("answers") || !doc["answers"].is_object()) return std::nullopt;
  // A draft of the very version keeps every answer; calculated fields are computed again.
  const json draft = {{"format", "blankett-draft/1"}, {"form", s.form_id}, {"version", s.version}, {"answers", doc["answers"]}};
  Result<RestoredDraft> restored = restore_draft(form, draft, s.received_at.substr(0, 10));
  if (!restored.ok()) return std::nullopt;
  return std::move(restored.value().state);
}

CompletionInput posted_completion_input(const httplib::Request& req) {
  CompletionInput kept;
  const std::string suffix = "/completion";
  const bool ours = req.method == "POST" && req.path.size() > suffix.size() &&
                    req.path.compare(req.path.size() - suffix.size(), suffix.size(), suffix) == 0;
  if (!ours) return kept;
  kept.message = form_value(req, "message");
  // Text that is not UTF-8 cannot be shown again as it was; the error says why it is gone.
  if (!valid_utf8(kept.message)) kept.message.clear();
  kept.fields = form_values(req, "fields");
  return kept;
}

namespace {

// A link's token as the routes take it: random_token() makes 43 characters; anything
// else of this alphabet is answered (404) by the page rather than by the static files.
constexpr const char* kCompletionToken = "([A-Za-z0-9_-]{1,128})";

bool blank(const std::string& text) { return text.find_first_not_of(" \t\r\n") == std::string::npos; }


// ---------------------------------------------------------------------------------------
// [SECTION] the caseworker's requests
// ---------------------------------------------------------------------------------------

// The e-mail's language: the form's when it is English-first, else Swedish.
std::string mail_language(const CompiledForm& form) {
  const std::vector<std::string> languages = form_languages(form);
  return !languages.empty() && languages[0] == "en" ? "en" : "sv";
}

// A fixed text and the link: the caseworker's message and the answers stay on the page
// behind the link (e-mail is not a confidential channel; notifications.h). No form title
// or reference either: they would tell a reader of the mailbox what the application is.
void compose_mail(const std::string& lang, const std::string& link, const std::string& expires_at, NewCompletionRequest* r) {
  const std::string until = expires_at.substr(0, 10);
  if (lang == "en") {
    r->mail_subject = "Complete your application";
    r->mail_body = "Hello,\n\nThe caseworker handling your application needs more information from you. Open the link to see "
                   "what is needed and to send it:\n\n" + link + "\n\nThe link can be used until " + until +
                   ". Do not reply to this e-mail, and never send information about your application by e-mail.\n";
  } else {
    r->mail_subject = "Komplettera din ansökan";
    r->mail_body = "Hej!\n\nHandläggaren av din ansökan behöver fler uppgifter från dig. Öppna länken för att se vad som "
                   "behövs och skicka in det:\n\n" + link + "\n\nLänken gäller till och med " + until +
                   ". Svara inte på det här e-postmeddelandet, och skicka aldrig uppgifter om din ansökan med e-post.\n";
  }
  r->link = link;
}

void post_request(AppContext& app, const httplib::Request& req, httplib::Response& res) {
  std::optional<CasePost> p = start_case_post(app, req, res);
  if (!p) return;
  const std::string& l = p->user.lang;
  Store& store = *p->user.store;
  Result<StoredSubmission> latest = latest_case_submission(store, p->c.seq);
  if (!latest.ok()) return send_store_unavailable(req, res, p->user);
  const FormPtr form = app.catalog.version(latest.value().form_id, latest.value().version);
  const std::vector<CompletionField> fields = completion_fields(form, l);
  if (fields.empty()) {
    return show_case_problem(app, req, res, *p, 409, "completion-heading",
                             tr(l, "Blankettversionen kan inte läsas, så ingen komplettering kan begäras.",
                                "The form version cannot be read, so no completion can be requested."));
  }
  // The chosen fields in the form's order, each once; anything else is refused.
  const std::vector<std::string> chosen = form_values(req, "fields");
  NewCompletionRequest r;
  for (const CompletionField& f : fields) {
    if (std::find(chosen.begin(), chosen.end(), f.path) == chosen.end()) continue;
    r.fields.push_back(f.path);
    r.labels.push_back(f.label);
  }
  for (const std::string& c : chosen) {
    if (std::find(r.fields.begin(), r.fields.end(), c) == r.fields.end()) {
      return show_case_problem(app, req, res, *p, 400, "completion-fields", tr(l, "Välj bland svaren som visas", "Choose among the answers shown"));
    }
  }
  if (r.fields.empty()) {
    return show_case_problem(app, req, res, *p, 400, "completion-fields",
                             tr(l, "Välj minst ett svar som den sökande ska komplettera", "Choose at least one answer the applicant must complete"));
  }
  r.message = form_value(req, "message");
  if (!valid_utf8(r.message)) {
    return show_case_problem(app, req, res, *p, 400, "completion-message",
                             tr(l, "Meddelandet måste vara giltig UTF-8-text. Skriv det igen.",
                                "The message must be valid UTF-8 text. Please type it again."));
  }
  if (blank(r.message)) {
    return show_case_problem(app, req, res, *p, 400, "completion-message", tr(l, "Skriv ett meddelande till den sökande", "Write a message to the applicant"));
  }
  if (code_point_count(r.message) > kMaxCompletionMessageChars) {
    return show_case_problem(app, req, res, *p, 400, "completion-message",
                             tr(l, "Meddelandet får vara högst 2 000 tecken", "The message can be at most 2,000 characters"));
  }
  const std::string token = random_token();
  r.case_seq = p->c.seq;
  r.user_id = p->user.who.user.id;
  r.token_sha256 = sha256_of(token);
  r.expires_at = format_utc_ms(utc_now_ms() + int64_t{kCompletionDays} * 24 * 3600 * 1000);
  compose_mail(mail_language(*form), app.public_url + "/complete/" + token, r.expires_at, &r);

  Result<CompletionRequest> made = create_completion_request(store, r);
  if (made.ok()) return back_to_case(res, p->c, "completion");
  const std::string& code = made.errors().front().code;
  if (code == "completion.no_email") {
    return show_case_problem(app, req, res, *p, 409, "completion-fields",
                             tr(l, "Den sökande har inte lämnat någon e-postadress, så ingen begäran kan skickas.",
                                "The applicant gave no e-mail address, so no request can be sent."));
  }
  if (code == "notification.bad_recipient") {
    return show_case_problem(app, req, res, *p, 409, "completion-fields",
                             tr(l, "Den sökandes e-postadress kan inte användas, så ingen begäran kan skickas.",
                                "The applicant's e-mail address cannot be used, so no request can be sent."));
  }
  // Each problem links to what the page shows: the form is not shown for a case that
  // cannot be completed or has an open request.
  if (code == "completion.case_state") {
    return show_case_problem(app, req, res, *p, 409, "handling",
                             tr(l, "Ett ärende som väntar på underskrifter, är beslutat eller avslutat kan inte kompletteras.",
                                "A case that is awaiting signatures, decided or closed cannot be completed."));
  }
  if (code == "completion.bad_request") {
    return show_case_problem(app, req, res, *p, 400, "completion-message",
                             tr(l, "Meddelandet måste vara 1–2 000 tecken giltig text", "The message must be 1–2,000 characters of valid text"));
  }
  if (code == "completion.already_open") {
    return show_case_problem(app, req, res, *p, 409, "completion-requests",
                             tr(l, "Ärendet har redan en öppen begäran om komplettering. Återkalla den först.",
                                "The case already has an open completion request. Cancel it first."));
  }
  if (code == "case.not_found") return send_not_found(req, res, p->user);
  send_store_unavailable(req, res, p->user);
}

void post_cancel(AppContext& app, const httplib::Request& req, httplib::Response& res) {
  std::optional<CasePost> p = start_case_post(app, req, res);
  if (!p) return;
  const std::string& l = p->user.lang;
  const int64_t id = std::stoll(req.matches[2].str());  // the route allows 1–18 digits only
  Result<bool> cancelled = cancel_completion_request(*p->user.store, p->c.seq, id, p->user.who.user.id);
  if (cancelled.ok()) return back_to_case(res, p->c, "completion_cancelled");
  const std::string& code = cancelled.errors().front().code;
  // A request of another case is not found, as if it did not exist.
  if (code == "completion.not_found" || code == "case.not_found") return send_not_found(req, res, p->user);
  if (code == "completion.not_open") {
    return show_case_problem(app, req, res, *p, 409, "completion-requests",
                             tr(l, "Begäran är redan besvarad, återkallad eller har gått ut.",
                                "The request was already answered, cancelled or has expired."));
  }
  send_store_unavailable(req, res, p->user);
}

// ---------------------------------------------------------------------------------------
// [SECTION] the link: lookup and identification
// ---------------------------------------------------------------------------------------

// case_closed: the case was decided or closed while the request was not answered (its
// request is cancelled then; see change_case_status). Nothing can be completed any more.
enum class LinkState { unknown, open, answered, expired, cancelled, case_closed };

bool handled(CaseStatus s) { return s == CaseStatus::decided || s == CaseStatus::closed; }

struct CompletionLink {
  std::string token;
  std::string token_sha256;
  Store* store = nullptr;
  CompletionRequest request;
  CaseSummary c;
  LinkState state = LinkState::unknown;
};

// The request a token opens and its case; nullopt when the store cannot be read.
std::optional<CompletionLink> look_up(AppContext& app, const std::string& token) {
  Result<Store*> store = request_store(app.database_path);
  if (!store.ok()) return std::nullopt;
  CompletionLink link;
  link.token = token;
  link.token_sha256 = sha256_of(token);
  link.store = store.value();
  Result<std::optional<CompletionRequest>> found = find_completion_request(*link.store, link.token_sha256);
  if (!found.ok()) return std::nullopt;
  if (!found.value()) return link;
  link.request = *found.value();
  Result<std::optional<CaseSummary>> c = completion_case(*link.store, link.request.case_seq);
  if (!c.ok()) return std::nullopt;
  if (!c.value()) return link;
  link.c = *c.value();
  const std::string& s = link.request.state;
  link.state = s == "answered"                        ? LinkState::answered
               : handled(link.c.status)               ? LinkState::case_closed
               : s == "cancelled"                     ? LinkState::cancelled
               : link.request.usable_at(utc_now()) ? LinkState::open
                                                      : LinkState::expired;
  return link;
}

std::string digits_of(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c >= '0' && c <= '9') out += c;
  }
  return out;
}

enum class Who { not_needed, applicant, unidentified, someone_else, unavailable };

struct IdentityCheck {
  Who who = Who::unidentified;
  std::optional<VerifiedIdentity> identity;
};

// Whether this browser may act on the link: always when the case has no personal
// number; else only after proving, for this very link, the applicant's number.
IdentityCheck check_identity(AppContext& app, const httplib::Request& req, const CompletionLink& link) {
  if (link.c.applicant_number.empty()) return {Who::not_needed, std::nullopt};
  Result<std::optional<VerifiedIdentity>> id = identified_for(app, *link.store, req, IdentityPurpose::complete, link.token_sha256);
  if (!id.ok()) return {Who::unavailable, std::nullopt};
  if (!id.value()) return {Who::unidentified, std::nullopt};
  const std::string proved = digits_of(id.value()->personal_number);
  if (proved.empty() || proved != digits_of(link.c.applicant_number)) return {Who::someone_else, id.value()};
  return {Who::applicant, id.value()};
}

// The identity's CSRF token: the header X-Identity-CSRF (the app's fetch) or the form
// field "identity_csrf".
bool identity_csrf_ok(const httplib::Request& req, const VerifiedIdentity& identity) {
  const std::string header = req.get_header_value("X-Identity-CSRF");
  if (!header.empty()) return tokens_equal(header, identity.csrf_token);
  return check_identity_csrf(req, identity);
}

// ---------------------------------------------------------------------------------------
// [SECTION] the citizen's page
// ---------------------------------------------------------------------------------------

void citizen_page(const httplib::Request& req, httplib::Response& res, int status, const std::string& title,
                  const std::string& body_html) {
  PageFrame frame;
  frame.lang = page_lang(req);
  frame.title = title;
  // The language switch goes to the page itself, also from the POST that starts identification.
  frame.current_path = req.path;
  const std::string identify_suffix = "/identify";
  if (frame.current_path.size() > identify_suffix.size() &&
      frame.current_path.compare(frame.current_path.size() - identify_suffix.size(), identify_suffix.size(), identify_suffix) == 0) {
    frame.current_path.resize(frame.current_path.size() - identify_suffix.size());
  }
  send_page(req, res, status, frame, "<h1>" + html_escape(title) + "</h1>" + body_html);
  res.set_header("X-Robots-Tag", "noindex");
}

std::string paragraph(const char* text) { return std::string("<p>") + text + "</p>"; }

// The form that starts identification: a POST, so that a link preview or prefetch never
// starts a flow.
std::string identify_form(const CompletionLink& link, const char* button) {
  return "<form method=\"post\" action=\"/complete/" + html_escape(link.token) + "/identify\"><button type=\"submit\" class=\"button\">" +
         button + "</button></form>";
}

// Answers the page for a link that cannot be used now; false when it is open.
bool send_closed_link_page(const httplib::Request& req, httplib::Response& res, const std::optional<CompletionLink>& link) {
  const std::string l = page_lang(req);
  if (!link) {
    citizen_page(req, res, 503, tr(l, "Tjänsten är inte tillgänglig", "The service is unavailable"),
                 paragraph(tr(l, "Försök igen om en stund.", "Please try again in a moment.")));
    return true;
  }
  switch (link->state) {
    case LinkState::unknown:
      citizen_page(req, res, 404, tr(l, "Länken finns inte", "This link does not exist"),
                   paragraph(tr(l, "Kontrollera att du har fått med hela länken från e-postmeddelandet.",
                                "Check that you have copied the whole link from the e-mail.")));
      return true;
    case LinkState::expired:
      citizen_page(req, res, 410, tr(l, "Länken har gått ut", "The link has expired"),
                   paragraph(tr(l, "Kontakta handläggaren om du fortfarande behöver komplettera din ansökan.",
                                "Contact the caseworker if you still need to complete your application.")));
      return true;
    case LinkState::cancelled:
      citizen_page(req, res, 410, tr(l, "Begäran är återkallad", "The request was withdrawn"),
                   paragraph(tr(l, "Handläggaren behöver inte längre någon komplettering genom den här länken.",
                                "The caseworker no longer needs a completion through this link.")));
      return true;
    case LinkState::case_closed:
      citizen_page(req, res, 410, tr(l, "Kompletteringen är inte längre öppen", "This completion is no longer open"),
                   paragraph(tr(l, "Handläggaren har avslutat handläggningen av din ansökan, så den kan inte längre kompletteras "
                                   "genom den här länken. Kontakta handläggaren om du har frågor.",
                                "The caseworker has finished handling your application, so it can no longer be completed through "
                                "this link. Contact the caseworker if you have questions.")));
      return true;
    case LinkState::answered:
      // What happens next depends on the case: it may have been decided since.
      citizen_page(req, res, 200, tr(l, "Vi har tagit emot din komplettering", "We have received your completion"),
                   "<p>" + std::string(tr(l, "Den kom in ", "It arrived on ")) + time_html(link->request.answered_at) + ". " +
                       (handled(link->c.status) ? tr(l, "Handläggaren har avslutat handläggningen av din ansökan.",
                                                     "The caseworker has finished handling your application.")
                                                : tr(l, "Handläggaren fortsätter nu med din ansökan.",
                                                     "The caseworker now continues with your application.")) +
                       "</p>");
      return true;
    case LinkState::open:
      return false;
  }
  return false;
}

void complete_page(AppContext& app, const httplib::Request& req, httplib::Response& res) {
  const std::optional<CompletionLink> link = look_up(app, req.matches[1].str());
  if (send_closed_link_page(req, res, link)) return;
  const std::string l = page_lang(req);
  const IdentityCheck who = check_identity(app, req, *link);
  if (who.who == Who::unavailable) {
    send_closed_link_page(req, res, std::nullopt);
    return;
  }
  if (who.who == Who::unidentified) {
    return citizen_page(req, res, 200, tr(l, "Identifiera dig", "Identify yourself"),
                        paragraph(tr(l, "Handläggaren av din ansökan behöver fler uppgifter från dig. Innan du ser vad som behövs "
                                        "identifierar du dig, så att bara du kan se och komplettera din ansökan.",
                                     "The caseworker handling your application needs more information from you. Before you see "
                                     "what is needed, identify yourself, so that only you can see and complete your application.")) +
                            identify_form(*link, tr(l, "Identifiera dig", "Identify yourself")));
  }
  if (who.who == Who::someone_else) {
    return citizen_page(req, res, 403, tr(l, "Du kan inte komplettera den här ansökan", "You cannot complete this application"),
                        paragraph(tr(l, "Du identifierade dig som någon annan än den som skickade ansökan. Bara den sökande kan "
                                        "komplettera den.",
                                     "You identified yourself as someone other than the person who sent the application. Only the "
                                     "applicant can complete it.")) +
                            identify_form(*link, tr(l, "Identifiera dig igen", "Identify yourself again")));
  }
  // The citizen app (web/form.html) in completion mode: its script sees /complete/ and
  // reads /api/completions/{token}.
  std::optional<StaticFile> shell = find_static_file(app.options.web_dir, "/form.html");
  if (!shell) return send_json(res, error_response(404, Error{"request.not_found", "", 0, 0, "there is no citizen app under --web"}));
  res.status = 200;
  res.set_content(std::move(shell->content), shell->mime_type);
  res.set_header("Cache-Control", "no-store");  // the link is a secret; no copies
  res.set_header("X-Robots-Tag", "noindex");
}

void identify(AppContext& app, const httplib::Request& req, httplib::Response& res) {
  const std::optional<CompletionLink> link = look_up(app, req.matches[1].str());
  if (send_closed_link_page(req, res, link)) return;
  const std::string back = "/complete/" + link->token;
  if (link->c.applicant_number.empty()) return res.set_redirect(back, 303);  // nobody to identify
  begin_identification(app, req, res, IdentityPurpose::complete, link->token_sha256, back);
}

// ---------------------------------------------------------------------------------------
// [SECTION] the citizen app's API
// ---------------------------------------------------------------------------------------

ApiResponse api_error(int status, const char* code, const std::string& message, const std::string& pointer = "") {
  return error_response(status, Error{code, pointer, 0, 0, message});
}

// The refusal for a link that cannot be used (nullopt when it is open). An answered
// request is refused here only for reading: a reply to it still goes to the writer, so
// that a retry of the reply that answered it gets its receipt again.
std::optional<ApiResponse> closed_link_error(const std::optional<CompletionLink>& link, bool for_reply) {
  if (!link) return api_error(503, "storage.unavailable", "the store cannot be read; try again");
  switch (link->state) {
    case LinkState::unknown: return api_error(404, "completion.not_found", "no completion request has this link");
    case LinkState::expired: return api_error(410, "completion.expired", "the completion link has expired");
    case LinkState::cancelled: return api_error(410, "completion.cancelled", "the caseworker withdrew the completion request");
    case LinkState::case_closed:
      return api_error(410, "completion.case_closed", "the application has been decided or closed; it can no longer be completed");
    case LinkState::answered:
      if (for_reply) return std::nullopt;
      return api_error(410, "completion.answered", "the completion request was already answered");
    case LinkState::open: return std::nullopt;
  }
  return std::nullopt;
}

std::optional<ApiResponse> identity_error(const IdentityCheck& who) {
  switch (who.who) {
    case Who::unidentified:
      return api_error(403, "completion.identification_required",
                       "identify yourself first: POST /complete/{token}/identify (the page /complete/{token} has the button)");
    case Who::someone_else:
      return api_error(403, "completion.wrong_person", "the identified person is not the applicant of this case");
    case Who::unavailable: return api_error(503, "storage.unavailable", "the identification cannot be read; try again");
    case Who::not_needed:
    case Who::applicant: return std::nullopt;
  }
  return std::nullopt;
}

// "" / [] / {} / null: no answer, as the engine's answers() leaves such keys out.
bool no_answer(const json& v) { return v.is_null() || ((v.is_string() || v.is_array() || v.is_object()) && v.empty()); }

std::string pointer_token(const std::string& key) {
  std::string out;
  for (char c : key) out += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
  return out;
}

void api_get(AppContext& app, const httplib::Request& req, httplib::Response& res) {
  const std::optional<CompletionLink> link = look_up(app, req.matches[1].str());
  if (std::optional<ApiResponse> refused = closed_link_error(link, false)) return send_json(res, *refused);
  const IdentityCheck who = check_identity(app, req, *link);
  if (std::optional<ApiResponse> refused = identity_error(who)) return send_json(res, *refused);
  Result<CaseVersion> latest = latest_case_version(*link->store, link->c.seq);
  if (!latest.ok()) return send_json(res, api_error(503, "storage.unavailable", "the application cannot be read; try again"));
  const StoredSubmission& s = latest.value().submission;
  const std::optional<FormState> state = submission_state(app, s);
  Result<std::vector<VersionFile>> files = version_files(*link->store, s.seq);
  if (!state || !files.ok()) return send_json(res, api_error(503, "storage.unavailable", "the application cannot be read; try again"));
  json attachments = json::array();
  for (const VersionFile& f : files.value()) {
    attachments.push_back({{"field_path", f.link.field_path}, {"name", f.link.name}, {"sha256", f.link.sha256},
                           {"media_type", f.media_type}, {"size", f.size}});
  }
  send_json(res, ApiResponse{200,
                             {{"form_id", s.form_id},
                              {"version", s.version},
                              {"reference", link->c.reference},
                              {"message", link->request.message},
                              {"fields", link->request.fields},
                              {"answers", state->answers()},
                              {"attachments", attachments},
                              {"expires_at", link->request.expires_at},
                              {"time_zone", app.options.time_zone},  // the zone today() counts days in (form-day.js)
                              {"identity_csrf", who.identity ? json(who.identity->csrf_token) : json(nullptr)}},
                             ""});
}

// The fields a reply may change: the marked ones, and any field that a marked change
// makes invalid (choosing "another school" makes its name required). That is exactly
// what the citizen app shows in completion mode; the rest stays as it was.
std::vector<std::string> answerable_fields(SubmissionContext& ctx, const FormPtr& form, const json& base,
                                           std::vector<std::string> allowed, const json& reply, const std::string& lang) {
  for (size_t round = 0; round < 64; ++round) {
    json merged = base;
    for (const std::string& path : allowed) {
      if (reply.contains(path)) merged[path] = reply[path];
      else merged.erase(path);
    }
    const Result<FormState> state = FormState::create(form, ctx.today(), merged);
    if (!state.ok()) return allowed;
    bool grew = false;
    for (const Error& e : state.value().errors(lang)) {
      const std::string key = e.pointer.substr(1, e.pointer.find('/', 1) == std::string::npos ? std::string::npos : e.pointer.find('/', 1) - 1);
      if (key.empty() || !reply.contains(key) || std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
      allowed.push_back(key);
      grew = true;
    }
    if (!grew) break;
  }
  return allowed;
}

// The reply that answered the link, sent again with its Idempotency-Key because its
// answer was lost on the way: the same receipt (200), as for any submission. Its
// identification ended with that reply, so none is asked for; the key (random, made by
// the client that sent the reply) together with the link's token is the proof.
std::optional<ApiResponse> answered_reply_again(const CompletionLink& link, const httplib::Request& req) {
  if (link.request.answered_seq == 0) return std::nullopt;
  const std::string key = req.get_header_value("Idempotency-Key");
  if (!valid_idempotency_key(key)) return std::nullopt;
  Result<std::optional<StoredSubmission>> stored = find_by_idempotency_key(*link.store, key);
  if (!stored.ok() || !stored.value() || stored.value()->seq != link.request.answered_seq) return std::nullopt;
  return receipt_answer(false, stored.value()->receipt, stored.value()->canonical);
}

void api_reply(AppContext& app, const httplib::Request& req, httplib::Response& res) {
  const std::optional<CompletionLink> link = look_up(app, req.matches[1].str());
  if (link && link->state != LinkState::unknown) {
    if (std::optional<ApiResponse> again = answered_reply_again(*link, req)) return send_json(res, *again);
  }
  if (std::optional<ApiResponse> refused = closed_link_error(link, true)) return send_json(res, *refused);
  const IdentityCheck who = check_identity(app, req, *link);
  if (link->state == LinkState::answered && who.who != Who::not_needed && who.who != Who::applicant) {
    // Its identification ended with the reply that answered it.
    return send_json(res, api_error(409, "completion.not_open", "the completion request was already answered"));
  }
  if (std::optional<ApiResponse> refused = identity_error(who)) return send_json(res, *refused);
  if (who.identity && !identity_csrf_ok(req, *who.identity)) {
    return send_json(res, api_error(403, "completion.csrf", "send the identity_csrf token of GET /api/completions/{token} "
                                                              "(header X-Identity-CSRF or field identity_csrf)"));
  }
  SubmissionWriter* w = app.writer;
  if (w == nullptr) return send_json(res, api_error(503, "submission.not_stored", "the reply cannot be stored now; please try again"));
  SubmissionContext ctx{app.catalog, *w, app.keys, app.metrics, app.options.today, app.database_path, app.public_url, false};
  const SubmissionRequest sr = submission_request_of(req);
  SubmissionBody body;
  if (std::optional<ApiResponse> refused = read_submission_body(ctx, sr, &body)) return send_json(res, *refused);

  // The version it amends: the latest. Its answers are the base; only the marked fields
  // come from the reply.
  Result<CaseVersion> latest = latest_case_version(*link->store, link->c.seq);
  if (!latest.ok()) return send_json(res, api_error(503, "storage.unavailable", "the application cannot be read; try again"));
  const StoredSubmission& previous = latest.value().submission;
  if (body.version != previous.version) {
    return send_json(res, api_error(422, "completion.wrong_version",
                                    "answer with the form version of the application (" + previous.version + ")", "/version"));
  }
  const FormPtr form = app.catalog.version(previous.form_id, previous.version);
  const std::optional<FormState> before = submission_state(app, previous);
  Result<std::vector<VersionFile>> files = version_files(*link->store, previous.seq);
  if (!form || !before || !files.ok()) {
    return send_json(res, api_error(503, "storage.unavailable", "the application cannot be read; try again"));
  }
  if (std::optional<ApiResponse> refused = check_language(ctx, *form, body)) return send_json(res, *refused);
  const std::vector<std::string> marked = answerable_fields(ctx, form, before->answers(), link->request.fields, body.answers, body.lang);
  const json base = before->answers();
  Errors unmarked;
  for (const auto& [key, value] : body.answers.items()) {
    if (std::find(marked.begin(), marked.end(), key) != marked.end()) continue;
    const json was = base.contains(key) ? base[key] : json(nullptr);
    if (value == was || (no_answer(value) && no_answer(was))) continue;
    unmarked.push_back(Error{"completion.unmarked_field", "/answers/" + pointer_token(key), 0, 0,
                             "'" + key + "' was not asked for: its answer cannot be changed"});
  }
  if (!unmarked.empty()) {
    app.metrics.submission_rejected("completion.unmarked_field");
    return send_json(res, errors_response(422, "completion.unmarked_field", "only the answers the caseworker asked for can be changed", unmarked));
  }
  json merged = base;
  for (const std::string& path : marked) {
    if (body.answers.contains(path)) merged[path] = body.answers[path];
    else merged.erase(path);
  }

  // From here on exactly the steps of a new submission: the whole form is evaluated and
  // validated again, the files checked (an earlier version's may be named without being
  // sent again), and the canonical submission goes to the writer.
  std::optional<FormState> evaluated;
  if (std::optional<ApiResponse> refused = evaluate_answers(ctx, form, std::move(merged), body.lang, &evaluated)) return send_json(res, *refused);
  std::vector<StoredFile> stored;
  for (const VersionFile& f : files.value()) stored.push_back(StoredFile{f.link.sha256, f.media_type, f.size});
  PendingSubmission pending;
  if (std::optional<ApiResponse> refused = match_attachments(ctx, *evaluated, sr.files, stored, &pending.attachments, body.lang)) {
    return send_json(res, *refused);
  }
  const CanonicalSubmission canonical = canonical_submission(*evaluated);
  pending.form_id = previous.form_id;
  pending.version = previous.version;
  pending.idempotency_key = sr.idempotency_key;
  pending.canonical = canonical.bytes;
  pending.submission_sha256 = canonical.sha256;
  pending.intake.amends = CaseAmendment{link->c.seq, link->request.id};
  pending.make_receipt = receipt_maker(app.keys, *form, canonical.sha256,
                                       case_version_reference(link->c.reference, latest.value().version + 1),
                                       previous.receipt_sha256);
  const ApiResponse answer = write_submission(ctx, std::move(pending));
  // The identification was for this reply; it cannot be used for another.
  if (who.identity && (answer.status == 200 || answer.status == 201)) (void)end_identification(*link->store, who.identity->flow_id);
  send_json(res, answer);
}

}  // namespace

// ---------------------------------------------------------------------------------------
// [SECTION] routes
// ---------------------------------------------------------------------------------------

void register_completion_routes(httplib::Server& http, AppContext& app) {
  http.Post(R"(/inbox/cases/([^/]+)/completion)",
            [&app](const httplib::Request& req, httplib::Response& res) { post_request(app, req, res); });
  http.Post(R"(/inbox/cases/([^/]+)/completion/([0-9]{1,18})/cancel)",
            [&app](const httplib::Request& req, httplib::Response& res) { post_cancel(app, req, res); });
  // Public: the link's token is the key (and, for a case with a personal number, the
  // identification on top of it).
  http.Get(std::string("/complete/") + kCompletionToken,
           [&app](const httplib::Request& req, httplib::Response& res) { complete_page(app, req, res); });
  http.Post(std::string("/complete/") + kCompletionToken + "/identify",
            [&app](const httplib::Request& req, httplib::Response& res) { identify(app, req, res); });
  http.Get(std::string("/api/completions/") + kCompletionToken,
           [&app](const httplib::Request& req, httplib::Response& res) { api_get(app, req, res); });
  http.Post(std::string("/api/completions/") + kCompletionToken,
            [&app](const httplib::Request& req, httplib::Response& res) { api_reply(app, req, res); });
}

}  // namespace blankett
