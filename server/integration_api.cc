// Index:
//   [SECTION] Token checks
//   [SECTION] Case documents
//   [SECTION] The integration API
//   [SECTION] The admin page /admin/tokens
//   [SECTION] Routes
#include "integration_api.h"

#include <httplib.h>

#include <optional>
#include <string>

#include "api_response.h"
#include "api_tokens.h"
#include "audit_log.h"
#include "blankett/form.h"
#include "case_store.h"
#include "completion_store.h"
#include "html_page.h"
#include "request_store.h"
#include "store.h"
#include "web_auth.h"

namespace blankett {

namespace {

using nlohmann::json;

constexpr int kDefaultLimit = 100;
constexpr int kMaxLimit = 500;

// --- [SECTION] Token checks ----------------------------------------------------------------

void send_storage_error(httplib::Response& res) {
  send_json(res, error_response(503, Error{"storage.unavailable", "", 0, 0, "the database cannot be read; try again"}));
}

void send_unauthorized(httplib::Response& res, const char* message, bool token_given) {
  send_json(res, error_response(401, Error{"auth.required", "", 0, 0, message}));
  res.set_header("WWW-Authenticate", token_given ? "Bearer realm=\"blankett\", error=\"invalid_token\"" : "Bearer realm=\"blankett\"");
}

// The request's integration token, if it is valid and reads `form_id` ("" for any
// form: the caller checks). Otherwise answers 401/403 and returns nullopt.
std::optional<ApiToken> require_token(const httplib::Request& req, httplib::Response& res, Store& store,
                                      const std::string& form_id) {
  const std::string raw = bearer_token(req);
  if (raw.empty()) {
    send_unauthorized(res, "send an integration token: Authorization: Bearer <token>", false);
    return std::nullopt;
  }
  Result<std::optional<ApiToken>> token = check_api_token(store, raw);
  if (!token) {
    send_storage_error(res);
    return std::nullopt;
  }
  if (!token.value()) {
    send_unauthorized(res, "the token is unknown or has been revoked", true);
    return std::nullopt;
  }
  const ApiToken& t = *token.value();
  if (t.kind != "integration" || (!form_id.empty() && t.form_id != form_id)) {
    send_json(res, error_response(403, Error{"auth.forbidden", "", 0, 0,
                                             t.kind != "integration" ? "this is not an integration token"
                                                                     : "this token reads another form's cases"}));
    return std::nullopt;
  }
  return t;
}

// Pulls are audited when they hand out cases (a system polling an empty queue every
// minute would otherwise fill the log with nothing), before the answer goes out: what
// cannot be audited is not handed out.
bool audit_pull(Store& store, const ApiToken& token, const char* action, const std::string& target, json detail) {
  AuditEntry e;
  e.actor = "token:" + std::to_string(token.id);
  e.action = action;
  e.target = target;
  e.detail = std::move(detail);
  return append_audit(store, std::move(e)).ok();
}

// --- [SECTION] Case documents --------------------------------------------------------------

struct AttachmentRow {
  std::string field, sha256, name, media_type;
  int64_t size = 0;
};

Result<std::vector<AttachmentRow>> attachments_of(Store& store, int64_t seq) {
  Result<sql::Statement> s = store.statements->prepare(
      "SELECT sa.field_path, sa.sha256, sa.name, a.media_type, a.size FROM submission_attachments sa "
      "JOIN attachments a ON a.sha256 = sa.sha256 WHERE sa.seq = ?1 ORDER BY sa.rowid");
  if (!s) return s.errors();
  sql::bind_int64(s.value(), 1, seq);
  std::vector<AttachmentRow> out;
  for (;;) {
    Result<bool> row = sql::step(s.value());
    if (!row) return row.errors();
    if (!row.value()) return out;
    const sql::Statement& r = s.value();
    out.push_back({sql::column_text(r, 0), sql::column_text(r, 1), sql::column_text(r, 2), sql::column_text(r, 3),
                   sql::column_int64(r, 4)});
  }
}

// One case as JSON text, with its current answers: the latest version's submission,
// receipt and files (a completion reply replaces the answers it corrects). The submission
// and the receipt are spliced in as stored, byte for byte, so that a business system can
// check sha256(submission) against the receipt. `position` is where those answers are in
// the receipt chain: the feed's cursor.
Result<std::string> case_document(Store& store, const CaseSummary& c) {
  Result<CaseVersion> latest = latest_case_version(store, c.seq);
  if (!latest) return latest.errors();
  const StoredSubmission* row = &latest.value().submission;
  Result<std::vector<AttachmentRow>> files = attachments_of(store, row->seq);
  if (!files) return files.errors();
  json attachments = json::array();
  for (const AttachmentRow& a : files.value()) {
    attachments.push_back({{"field", a.field}, {"sha256", a.sha256}, {"name", a.name}, {"media_type", a.media_type},
                           {"size", a.size}, {"href", "/api/integration/attachments/" + a.sha256}});
  }
  const json meta = {{"seq", c.seq},
                     {"position", row->seq},
                     {"reference", c.reference},
                     {"form", c.form_id},
                     {"version", row->version},
                     {"received_at", c.received_at},
                     {"answers_version", latest.value().version},
                     {"answers_reference", row->reference},
                     {"answers_received_at", row->received_at},
                     {"status", case_status_name(c.status)},
                     {"applicant", {{"name", c.applicant_name}, {"personal_number", c.applicant_number}}},
                     {"attachments", attachments}};
  std::string text = meta.dump(-1, ' ', false, json::error_handler_t::replace);
  text.pop_back();  // the closing brace: the stored JSON goes in before it
  text.append(",\"receipt\":").append(row->receipt);
  text.append(",\"submission\":").append(row->canonical).append("}");
  return text;
}

// --- [SECTION] The integration API ---------------------------------------------------------

// A non-negative decimal query parameter; `fallback` when absent, nullopt when malformed.
std::optional<int64_t> number_param(const httplib::Request& req, const char* name, int64_t fallback) {
  if (!req.has_param(name)) return fallback;
  const std::string v = req.get_param_value(name);
  if (v.empty() || v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  return std::stoll(v);
}

void list_cases_route(const httplib::Request& req, httplib::Response& res, AppContext& app) {
  const std::string form_id = req.matches[1].str();
  Result<Store*> store = request_store(app.database_path);
  if (!store) return send_storage_error(res);
  const std::optional<ApiToken> token = require_token(req, res, *store.value(), form_id);
  if (!token) return;
  const std::optional<int64_t> after = number_param(req, "after", 0);
  const std::optional<int64_t> limit = number_param(req, "limit", kDefaultLimit);
  if (!after) return send_json(res, error_response(400, Error{"request.bad_parameter", "", 0, 0, "after must be a sequence number (0 or more)"}));
  if (!limit || *limit < 1 || *limit > kMaxLimit) {
    return send_json(res, error_response(400, Error{"request.bad_parameter", "", 0, 0, "limit must be a number from 1 to 500"}));
  }
  // One more than asked: whether it comes says if the business system should ask again now.
  Result<std::vector<FeedCase>> cases = cases_after(*store.value(), form_id, *after, static_cast<int>(*limit) + 1);
  if (!cases) return send_storage_error(res);
  const bool more = static_cast<int64_t>(cases.value().size()) > *limit;
  if (more) cases.value().pop_back();
  std::string body = "{\"cases\":[";
  int64_t last = *after;
  for (size_t i = 0; i < cases.value().size(); ++i) {
    // The document is read after the feed: a version that arrived in between is in it,
    // and the case comes once more at that version's position.
    Result<std::string> doc = case_document(*store.value(), cases.value()[i].summary);
    if (!doc) return send_storage_error(res);
    body.append(i ? "," : "").append(doc.value());
    last = cases.value()[i].position;
  }
  body.append("],\"next_after\":").append(more ? std::to_string(last) : "null").append("}");
  if (!cases.value().empty() &&
      !audit_pull(*store.value(), *token, "cases.export", "form:" + form_id,
                  {{"count", cases.value().size()}, {"after", *after}, {"last", last}})) {
    return send_storage_error(res);
  }
  ApiResponse ok{200, json()};
  ok.json_text = std::move(body);
  send_json(res, ok);
}

void one_case_route(const httplib::Request& req, httplib::Response& res, AppContext& app) {
  const std::string form_id = req.matches[1].str();
  Result<Store*> store = request_store(app.database_path);
  if (!store) return send_storage_error(res);
  const std::optional<ApiToken> token = require_token(req, res, *store.value(), form_id);
  if (!token) return;
  Result<std::optional<CaseSummary>> c = get_case(*store.value(), req.matches[2].str());
  if (!c) return send_storage_error(res);
  // Another form's case is "not found" too: the token says nothing about other forms.
  if (!c.value() || c.value()->form_id != form_id) {
    return send_json(res, error_response(404, Error{"case.not_found", "", 0, 0, "this form has no case with that reference"}));
  }
  Result<std::string> doc = case_document(*store.value(), *c.value());
  if (!doc) return send_storage_error(res);
  if (!audit_pull(*store.value(), *token, "case.export", "case:" + c.value()->reference, json::object())) {
    return send_storage_error(res);
  }
  ApiResponse ok{200, json()};
  ok.json_text = std::move(doc).value();
  send_json(res, ok);
}

void attachment_route(const httplib::Request& req, httplib::Response& res, AppContext& app) {
  const std::string sha256 = req.matches[1].str();
  Result<Store*> store = request_store(app.database_path);
  if (!store) return send_storage_error(res);
  const std::optional<ApiToken> token = require_token(req, res, *store.value(), "");
  if (!token) return;
  // Attachments are stored once by content: the same file may belong to cases of several
  // forms. It is this token's if any case of its form has it, in any of its versions (a
  // version's files are linked to the version's own submission).
  Result<sql::Statement> s = store.value()->statements->prepare(
      "SELECT c.reference FROM submission_attachments sa "
      "JOIN cases c ON c.seq = COALESCE((SELECT v.case_seq FROM case_versions v WHERE v.seq = sa.seq), sa.seq) "
      "WHERE sa.sha256 = ?1 AND c.form_id = ?2 ORDER BY sa.seq LIMIT 1");
  if (!s) return send_storage_error(res);
  sql::bind_text(s.value(), 1, sha256);
  sql::bind_text(s.value(), 2, token->form_id);
  Result<bool> found = sql::step(s.value());
  if (!found) return send_storage_error(res);
  if (!found.value()) {
    return send_json(res, error_response(404, Error{"attachment.not_found", "", 0, 0, "no case of this token's form has that attachment"}));
  }
  const std::string reference = sql::column_text(s.value(), 0);
  Result<std::optional<Attachment>> file = get_attachment(*store.value(), sha256);
  if (!file || !file.value()) return send_storage_error(res);
  if (!audit_pull(*store.value(), *token, "case.attachment", "case:" + reference, {{"sha256", sha256}})) {
    return send_storage_error(res);
  }
  res.status = 200;
  res.set_content(std::move(file.value()->bytes), file.value()->media_type);
  res.set_header("Content-Disposition", "attachment");
  res.set_header("Cache-Control", "no-store");
}

// --- [SECTION] The admin page /admin/tokens ------------------------------------------------

const char* kind_label(const std::string& lang, const std::string& kind) {
  return kind == "integration" ? tr(lang, "Integration", "Integration") : tr(lang, "Publicering", "Publishing");
}

struct CreateForm {
  std::string form_id, label;
  std::vector<FieldError> errors;
};

void send_trouble(const httplib::Request& req, httplib::Response& res, const SignedIn& who) {
  const std::string lang = page_lang(req);
  send_page(req, res, 500, PageFrame{lang, tr(lang, "Något gick fel", "Something went wrong"), &who, req.path},
            std::string("<h1>") + tr(lang, "Något gick fel", "Something went wrong") + "</h1><p>" +
                tr(lang, "Ändringen kanske inte sparades. Försök igen om en stund.",
                   "The change may not have been saved. Please try again in a moment.") +
                "</p>");
}

std::string form_title(const FormPtr& form, const std::string& lang) {
  const json summary = form_summary(*form);
  const json& titles = summary["title"];
  if (titles.contains(lang)) return titles[lang].get<std::string>();
  return titles[summary["languages"][0].get<std::string>()].get<std::string>();
}

void tokens_page(const httplib::Request& req, httplib::Response& res, AppContext& app, Store& store, const SignedIn& who,
                 int status, const CreateForm& form) {
  const std::string lang = page_lang(req);
  Result<std::vector<ApiToken>> tokens = list_api_tokens(store);
  if (!tokens) return send_trouble(req, res, who);
  std::string h = error_summary_html(lang, form.errors);
  if (req.get_param_value("done") == "revoked") {
    h += std::string("<div class=\"notice\" role=\"status\"><p>") +
         tr(lang, "Nyckeln är återkallad och fungerar inte längre.", "The token is revoked and no longer works.") + "</p></div>";
  }
  h += std::string("<h1>") + tr(lang, "API-nycklar", "API tokens") + "</h1>";
  h += std::string("<p>") +
       tr(lang, "Integrationsnycklar låter ett verksamhetssystem hämta ärendena i ett formulär (docs/integration.md). "
                "Publiceringsnycklar skapas med blankett token create.",
          "Integration tokens let a business system fetch the cases of one form (docs/integration.md). "
          "Publish tokens are made with blankett token create.") +
       "</p>";
  if (tokens.value().empty()) {
    h += std::string("<p>") + tr(lang, "Det finns inga nycklar än.", "There are no tokens yet.") + "</p>";
  } else {
    h += std::string("<div class=\"table-wrap\" tabindex=\"0\"><table><caption>") + tr(lang, "Alla nycklar", "All tokens") + "</caption><thead><tr><th scope=\"col\">" +
         tr(lang, "Nummer", "Number") + "</th><th scope=\"col\">" + tr(lang, "Etikett", "Label") + "</th><th scope=\"col\">" +
         tr(lang, "Slag", "Kind") + "</th><th scope=\"col\">" + tr(lang, "Formulär", "Form") + "</th><th scope=\"col\">" +
         tr(lang, "Skapad av", "Created by") + "</th><th scope=\"col\">" + tr(lang, "Skapad", "Created") +
         "</th><th scope=\"col\">" + tr(lang, "Status", "Status") + "</th></tr></thead><tbody>";
    for (const ApiToken& t : tokens.value()) {
      Result<std::optional<User>> u = get_user(store, t.user_id);
      const std::string creator = u && u.value() ? u.value()->display_name : std::to_string(t.user_id);
      h += "<tr><td>" + std::to_string(t.id) + "</td><th scope=\"row\">" + html_escape(t.label) + "</th><td>" +
           kind_label(lang, t.kind) + "</td><td>" + (t.form_id.empty() ? "–" : html_escape(t.form_id)) + "</td><td>" +
           html_escape(creator) + "</td><td>" + html_escape(t.created_at) + "</td><td>";
      if (t.revoked_at.empty()) {
        h += std::string(tr(lang, "Giltig", "Valid")) + " <form method=\"post\" action=\"/admin/tokens/" +
             std::to_string(t.id) + "/revoke\">" + csrf_input(who) + "<button type=\"submit\">" +
             tr(lang, "Återkalla", "Revoke") + "<span class=\"visually-hidden\"> " + html_escape(t.label) +
             "</span></button></form>";
      } else {
        h += std::string(tr(lang, "Återkallad ", "Revoked ")) + html_escape(t.revoked_at);
      }
      h += "</td></tr>";
    }
    h += "</tbody></table></div>";
  }

  h += std::string("<h2>") + tr(lang, "Skapa en integrationsnyckel", "Create an integration token") + "</h2>";
  h += "<form method=\"post\" action=\"/admin/tokens\" novalidate>" + csrf_input(who);
  h += std::string("<div class=\"form-group\"><label for=\"form\">") + tr(lang, "Formulär", "Form") + "</label>" +
       field_error_html(lang, form.errors, "form") + "<select id=\"form\" name=\"form\"" + field_error_attrs(form.errors, "form") +
       "><option value=\"\">" + tr(lang, "Välj ett formulär", "Choose a form") + "</option>";
  for (const FormPtr& f : app.catalog.current()) {
    const std::string id = form_id(*f);
    h += "<option value=\"" + html_escape(id) + "\"" + (id == form.form_id ? " selected" : "") + ">" +
         html_escape(form_title(f, lang)) + " (" + html_escape(id) + ")</option>";
  }
  h += "</select></div>";
  h += std::string("<div class=\"form-group\"><label for=\"label\">") + tr(lang, "Etikett", "Label") +
       "</label><p class=\"hint\" id=\"label-hint\">" +
       tr(lang, "Vilket system som använder nyckeln, högst 100 tecken.", "Which system uses the token, at most 100 characters.") +
       "</p>" + field_error_html(lang, form.errors, "label") + "<input id=\"label\" name=\"label\" type=\"text\" value=\"" +
       html_escape(form.label) + "\"" +
       (field_error_attrs(form.errors, "label").empty() ? std::string(" aria-describedby=\"label-hint\"")
                                                        : " aria-invalid=\"true\" aria-describedby=\"label-hint label-error\"") +
       "></div>";
  h += std::string("<button type=\"submit\">") + tr(lang, "Skapa nyckel", "Create token") + "</button></form>";
  send_page(req, res, status, PageFrame{lang, tr(lang, "API-nycklar", "API tokens"), &who, "/admin/tokens"}, h);
}

// A token and its audit entry, stored together or not at all.
Result<NewApiToken> create_audited(Store& store, const SignedIn& who, const std::string& form_id, const std::string& label) {
  Result<sql::Transaction> txn = sql::Transaction::begin(store.db.get());
  if (!txn) return txn.errors();
  Result<NewApiToken> made = create_api_token(store, "integration", form_id, who.user.id, label);
  if (!made) return made.errors();
  AuditEntry e;
  e.actor = "user:" + std::to_string(who.user.id);
  e.action = "token.create";
  e.target = "token:" + std::to_string(made.value().info.id);
  e.detail = {{"kind", "integration"}, {"form", form_id}, {"user", who.user.id}};
  Result<AuditEntry> audited = append_audit(store, std::move(e), true);
  if (!audited) return audited.errors();
  Result<bool> committed = txn.value().commit();
  if (!committed) return committed.errors();
  return made;
}

void post_create(const httplib::Request& req, httplib::Response& res, AppContext& app, Store& store, const SignedIn& who) {
  const std::string lang = page_lang(req);
  CreateForm form{form_value(req, "form"), form_value(req, "label"), {}};
  if (!app.catalog.current(form.form_id)) {
    form.errors.push_back({"form", tr(lang, "Välj ett publicerat formulär", "Choose a published form")});
  }
  if (form.label.empty() || form.label.size() > 400) {
    form.errors.push_back({"label", tr(lang, "Skriv en etikett på högst 100 tecken", "Enter a label of at most 100 characters")});
  }
  if (!form.errors.empty()) return tokens_page(req, res, app, store, who, 400, form);
  Result<NewApiToken> made = create_audited(store, who, form.form_id, form.label);
  if (!made) {
    const std::string code = made.errors().front().code;
    if (code == "token.bad_label") {
      form.errors.push_back({"label", tr(lang, "Skriv en etikett på högst 100 tecken, på en rad",
                                         "Enter a label of at most 100 characters, on one line")});
      return tokens_page(req, res, app, store, who, 400, form);
    }
    return send_trouble(req, res, who);
  }
  const ApiToken& t = made.value().info;
  std::string h = std::string("<h1>") + tr(lang, "Nyckeln är skapad", "The token has been created") + "</h1>";
  h += std::string("<div class=\"notice\" role=\"status\"><p>") +
       tr(lang, "Kopiera nyckeln nu. Den visas bara den här gången och kan inte visas igen: servern sparar bara ett kontrollvärde av den.",
          "Copy the token now. It is shown only this once and cannot be shown again: the server keeps only a hash of it.") +
       "</p></div>";
  h += std::string("<div class=\"form-group\"><label for=\"token\">") + tr(lang, "Nyckel för ", "Token for ") +
       html_escape(t.form_id) + " (" + html_escape(t.label) + ")</label><input id=\"token\" type=\"text\" readonly value=\"" +
       html_escape(made.value().token) + "\" autocomplete=\"off\" spellcheck=\"false\"></div>";
  h += std::string("<p>") + tr(lang, "Skicka den i varje anrop: ", "Send it with every request: ") +
       "<code>Authorization: Bearer …</code></p>";
  h += std::string("<p><a href=\"/admin/tokens\">") + tr(lang, "Tillbaka till API-nycklarna", "Back to the API tokens") + "</a></p>";
  send_page(req, res, 201, PageFrame{lang, tr(lang, "Nyckeln är skapad", "The token has been created"), &who, "/admin/tokens"}, h);
}

void post_revoke(const httplib::Request& req, httplib::Response& res, Store& store, const SignedIn& who) {
  const std::string lang = page_lang(req);
  const std::string digits = req.matches[1].str();
  const int64_t id = digits.size() <= 18 ? std::stoll(digits) : -1;
  Result<sql::Transaction> txn = sql::Transaction::begin(store.db.get());
  if (!txn) return send_trouble(req, res, who);
  Result<bool> revoked = revoke_api_token(store, id);
  if (!revoked) {
    if (revoked.errors().front().code != "token.not_found") return send_trouble(req, res, who);
    return send_page(req, res, 404, PageFrame{lang, tr(lang, "Nyckeln finns inte", "No such token"), &who, req.path},
                     std::string("<h1>") + tr(lang, "Nyckeln finns inte", "No such token") + "</h1><p><a href=\"/admin/tokens\">" +
                         tr(lang, "Alla nycklar", "All tokens") + "</a></p>");
  }
  AuditEntry e;
  e.actor = "user:" + std::to_string(who.user.id);
  e.action = "token.revoke";
  e.target = "token:" + std::to_string(id);
  if (!append_audit(store, std::move(e), true) || !txn.value().commit()) return send_trouble(req, res, who);
  res.set_redirect("/admin/tokens?done=revoked", 303);
}

}  // namespace

// --- [SECTION] Routes ----------------------------------------------------------------------

void register_integration_routes(httplib::Server& http, AppContext& app) {
  http.Get(R"(/api/integration/forms/([a-z][a-z0-9-]{0,62})/cases)",
           [&app](const httplib::Request& req, httplib::Response& res) { list_cases_route(req, res, app); });
  http.Get(R"(/api/integration/forms/([a-z][a-z0-9-]{0,62})/cases/([A-Za-z0-9-]{1,64}))",
           [&app](const httplib::Request& req, httplib::Response& res) { one_case_route(req, res, app); });
  http.Get(R"(/api/integration/attachments/([0-9a-f]{64}))",
           [&app](const httplib::Request& req, httplib::Response& res) { attachment_route(req, res, app); });

  http.Get("/admin/tokens", [&app](const httplib::Request& req, httplib::Response& res) {
    const std::optional<SignedIn> who = require_page(req, res, app, {Role::admin});
    if (!who) return;
    Result<Store*> store = request_store(app.database_path);
    if (!store) return send_trouble(req, res, *who);
    tokens_page(req, res, app, *store.value(), *who, 200, CreateForm{});
  });
  http.Post("/admin/tokens", [&app](const httplib::Request& req, httplib::Response& res) {
    const std::optional<SignedIn> who = require_page(req, res, app, {Role::admin});
    if (!who || !check_csrf(req, res, *who)) return;
    Result<Store*> store = request_store(app.database_path);
    if (!store) return send_trouble(req, res, *who);
    post_create(req, res, app, *store.value(), *who);
  });
  http.Post(R"(/admin/tokens/([0-9]{1,18})/revoke)", [&app](const httplib::Request& req, httplib::Response& res) {
    const std::optional<SignedIn> who = require_page(req, res, app, {Role::admin});
    if (!who || !check_csrf(req, res, *who)) return;
    Result<Store*> store = request_store(app.database_path);
    if (!store) return send_trouble(req, res, *who);
    post_revoke(req, res, *store.value(), *who);
  });
}

}  // namespace blankett
