// The publishing workflow's routes (list in publishing_pages.h). Handlers stay thin: who
// is asking, publications.h does the work, then a page or JSON. Every state change is a
// POST with the session's CSRF token; the workflow itself writes the audit entries.
//
// Index of this file:
//   [SECTION] Who is asking, words and times
//   [SECTION] The diff table
//   [SECTION] Page bodies
//   [SECTION] Routes: the API and the preview
//   [SECTION] Routes: the admin pages
#include "publishing_pages.h"

#include <httplib.h>

#include "api_response.h"
#include "api_tokens.h"
#include "blankett/utf8.h"
#include "audit_log.h"
#include "html_page.h"
#include "http_server.h"
#include "publications.h"
#include "request_store.h"
#include "static_files.h"
#include "web_auth.h"

namespace blankett {

namespace {

using nlohmann::json;

// Publication ids and form ids as the routes accept them.
constexpr const char* kFormId = "([a-z][a-z0-9-]{0,62})";
constexpr const char* kPublicationId = "([0-9]{1,18})";
// random_token(): 43 characters of base64url; a little slack, never anything else.
constexpr const char* kPreviewToken = "([A-Za-z0-9_-]{16,128})";

// Diff rows shown on a page; a bigger change is summarised (the API returns all of it).
constexpr size_t kMaxDiffRows = 500;
// Characters of one old or new value shown in the diff table.
constexpr size_t kMaxValueChars = 2000;

// ---------------------------------------------------------------------------------------
// [SECTION] Who is asking, words and times
// ---------------------------------------------------------------------------------------

// A signed-in form developer or owner and the request thread's store.
struct Staff {
  SignedIn who;
  Store* store = nullptr;
  std::string lang;

  bool owner() const { return who.user.has(Role::owner); }
  bool developer() const { return who.user.has(Role::developer); }
};

PageFrame frame(const Staff& s, const httplib::Request& req, std::string title) {
  return PageFrame{s.lang, std::move(title), &s.who, req.path};
}

// A page with a heading, one paragraph of plain text and a way back.
void send_message(const httplib::Request& req, httplib::Response& res, const Staff& s, int status, const std::string& title,
                  const std::string& text, const std::string& back = "/admin/forms") {
  const std::string body = "<h1>" + html_escape(title) + "</h1><p>" + html_escape(text) + "</p><p><a href=\"" +
                           html_escape(back) + "\">" + tr(s.lang, "Tillbaka", "Back") + "</a></p>";
  send_page(req, res, status, frame(s, req, title), body);
}

void send_unavailable(const httplib::Request& req, httplib::Response& res, const Staff& s) {
  send_message(req, res, s, 503, tr(s.lang, "Tjänsten är inte tillgänglig", "Service unavailable"),
               tr(s.lang, "Publiceringen kan inte läsas just nu. Försök igen om en stund.",
                  "Publishing cannot be read right now. Try again in a moment."));
}

// require_page with one of the roles, then the store. Answers the response and returns
// nullopt when either fails.
std::optional<Staff> staff(const httplib::Request& req, httplib::Response& res, AppContext& app,
                           std::initializer_list<Role> any_of) {
  std::optional<SignedIn> who = require_page(req, res, app, any_of);
  if (!who) return std::nullopt;
  Staff s{std::move(*who), nullptr, page_lang(req)};
  Result<Store*> store = request_store(app.database_path);
  if (!store.ok()) {
    send_unavailable(req, res, s);
    return std::nullopt;
  }
  s.store = store.value();
  return s;
}

// The page for a refused workflow step, in the reader's language.
void send_workflow_error(const httplib::Request& req, httplib::Response& res, const Staff& s, const Error& e,
                         const std::string& back) {
  const int status = publication_error_status(e);
  const std::string& l = s.lang;
  if (status == 500) return send_unavailable(req, res, s);
  if (e.code == "publish.four_eyes") {
    return send_message(req, res, s, status, tr(l, "Du kan inte godkänna din egen version", "You cannot approve your own version"),
                        tr(l, "Den som laddade upp en version får inte godkänna den. En annan formulärägare måste granska och godkänna den.",
                           "The person who uploaded a version may not approve it. Another form owner must review and approve it."),
                        back);
  }
  if (e.code == "publish.forbidden") {
    return send_message(req, res, s, status, tr(l, "Ingen behörighet", "No access"),
                        tr(l, "Du har inte den roll som krävs för det här steget.", "You do not have the role this step needs."), back);
  }
  if (e.code == "publish.not_draft") {
    return send_message(req, res, s, status, tr(l, "Versionen är redan avgjord", "The version is already decided"),
                        tr(l, "Någon har redan godkänt eller avvisat den här versionen. Ladda om sidan.",
                           "Someone has already approved or rejected this version. Reload the page."),
                        back);
  }
  if (e.code == "publish.not_published") {
    return send_message(req, res, s, status, tr(l, "Formuläret är inte publicerat", "The form is not published"),
                        tr(l, "Det finns ingen publicerad version att avpublicera.", "There is no published version to unpublish."), back);
  }
  send_message(req, res, s, 404, tr(l, "Sidan finns inte", "Page not found"),
               tr(l, "Det finns ingen sådan publicering.", "There is no such publication."), back);
}

// "2026-08-15 10:12 UTC" in a <time>, or a dash for "".
std::string when_html(const std::string& rfc3339) {
  if (rfc3339.size() < 16) return "–";
  return "<time datetime=\"" + html_escape(rfc3339) + "\">" + html_escape(rfc3339.substr(0, 10) + " " + rfc3339.substr(11, 5)) +
         " UTC</time>";
}

std::string short_version(const std::string& version) { return version.substr(0, 12); }

std::string folder_or_name(const std::string& lang, int64_t user_id, const std::string& name) {
  if (user_id == 0) return tr(lang, "Serverns formulärmapp", "The server's forms folder");
  return name.empty() ? "user " + std::to_string(user_id) : name;
}

// The state as a reader needs it: a published version that is no longer current has
// been replaced by a newer one.
std::string state_label(const std::string& lang, const Publication& p, const std::string& current_version_id) {
  if (p.state == "draft") return tr(lang, "Utkast, väntar på godkännande", "Draft, awaiting approval");
  if (p.state == "rejected") return tr(lang, "Avvisad", "Rejected");
  if (p.state == "unpublished") return tr(lang, "Avpublicerad", "Unpublished");
  if (std::to_string(p.id) == current_version_id) return tr(lang, "Publicerad (aktuell)", "Published (current)");
  return tr(lang, "Publicerad, ersatt av en nyare", "Published, replaced by a newer one");
}

// The title of the form in the reader's language, from the definition; the id if none.
std::string title_of(const json& definition, const std::string& lang, const std::string& fallback) {
  if (!definition.is_object() || !definition.contains("title")) return fallback;
  const json& t = definition["title"];
  if (t.is_string()) return t;
  if (t.is_object()) {
    if (t.contains(lang) && t[lang].is_string()) return t[lang];
    for (const auto& item : t.items()) {
      if (item.value().is_string()) return item.value();
    }
  }
  return fallback;
}

json stored_definition(Store& store, const std::string& form_id, const std::string& version) {
  Result<std::optional<FormVersion>> v = get_form_version(store, form_id, version);
  if (!v.ok() || !v.value()) return json();
  return json::parse(v.value()->definition, nullptr, false);
}

// ---------------------------------------------------------------------------------------
// [SECTION] The diff table
// ---------------------------------------------------------------------------------------

std::string value_html(const json& value) {
  std::string text = value.dump(2, ' ', false, json::error_handler_t::replace);
  if (text.size() > kMaxValueChars) text = text.substr(0, kMaxValueChars) + "\n…";
  return "<pre>" + html_escape(text) + "</pre>";
}

// The value at `path` in `doc`, if there is one ("/-" and paths of added members have none).
std::optional<json> value_at(const json& doc, const std::string& path) {
  try {
    const json::json_pointer pointer(path);
    if (!doc.contains(pointer)) return std::nullopt;
    return doc.at(pointer);
  } catch (const json::exception&) {
    return std::nullopt;  // "-" (the end of an array) names no value
  }
}

std::string op_label(const std::string& lang, const std::string& op) {
  if (op == "add") return tr(lang, "Tillagt", "Added");
  if (op == "remove") return tr(lang, "Borttaget", "Removed");
  if (op == "replace") return tr(lang, "Ändrat", "Changed");
  return op;
}

// A JSON Patch (RFC 6902) from `before` to `after` as a table of operation, JSON Pointer,
// old value and new value.
std::string diff_table(const std::string& l, const json& before, const json& after) {
  const json patch = definition_diff(before, after);
  if (patch.empty()) return std::string("<p>") + tr(l, "Inga ändringar: definitionen är densamma.", "No changes: the definition is the same.") + "</p>";
  std::string h = std::string("<p>") + tr(l, "Antal ändringar: ", "Changes: ") + std::to_string(patch.size()) + "</p>";
  h += "<div class=\"table-wrap\" tabindex=\"0\"><table class=\"diff\"><caption>" +
       std::string(tr(l, "Ändringar mot den publicerade versionen (JSON Patch)", "Changes against the published version (JSON Patch)")) +
       "</caption><thead><tr><th scope=\"col\">" + tr(l, "Ändring", "Change") + "</th><th scope=\"col\">" +
       tr(l, "Plats (JSON-pekare)", "Location (JSON Pointer)") + "</th><th scope=\"col\">" + tr(l, "Förut", "Before") +
       "</th><th scope=\"col\">" + tr(l, "Nu", "After") + "</th></tr></thead><tbody>";
  size_t shown = 0;
  for (const json& op : patch) {
    if (shown++ == kMaxDiffRows) break;
    const std::string name = op.value("op", "");
    const std::string path = op.value("path", "");
    std::optional<json> old_value;
    if (name != "add") old_value = value_at(before, path);
    h += "<tr><td>" + html_escape(op_label(l, name)) + " <code>" + html_escape(name) + "</code></td><td><code>" +
         html_escape(path.empty() ? "/" : path) + "</code></td><td>" + (old_value ? value_html(*old_value) : "–") + "</td><td>" +
         (op.contains("value") ? value_html(op["value"]) : "–") + "</td></tr>";
  }
  h += "</tbody></table></div>";
  if (patch.size() > kMaxDiffRows) {
    h += "<p>" + std::string(tr(l, "Ytterligare ändringar visas inte: ", "More changes not shown: ")) +
         std::to_string(patch.size() - kMaxDiffRows) + "</p>";
  }
  return h;
}

// ---------------------------------------------------------------------------------------
// [SECTION] Page bodies
// ---------------------------------------------------------------------------------------

// What the overview's two forms show again after a refused upload or token request.
struct OverviewInput {
  std::string definition;
  std::string token_label;
  std::vector<FieldError> errors;  // field ids "definition" and "token-label"
};

// aria attributes of an input with a hint and perhaps an error message (web_auth.h's
// field_error_attrs knows no hints).
std::string field_attrs(const std::vector<FieldError>& errors, const std::string& id, const std::string& hint_id) {
  bool invalid = false;
  for (const FieldError& e : errors) invalid = invalid || e.field_id == id;
  return std::string(invalid ? " aria-invalid=\"true\"" : "") + " aria-describedby=\"" + hint_id + (invalid ? " " + id + "-error" : "") + "\"";
}

Result<std::string> overview_body(const Staff& s, AppContext& app, const OverviewInput& in) {
  const std::string& l = s.lang;
  Result<std::vector<std::string>> forms = list_publication_forms(*s.store);
  if (!forms.ok()) return forms.errors();
  Result<std::vector<Publication>> drafts = list_drafts(*s.store);
  if (!drafts.ok()) return drafts.errors();

  std::string h = error_summary_html(l, in.errors);
  h += std::string("<h1>") + tr(l, "Publicering av formulär", "Publishing forms") + "</h1>";
  h += std::string("<p>") +
       tr(l, "En ny version av ett formulär blir ett utkast när den laddas upp. Den publiceras först när en formulärägare som inte "
             "laddade upp den har granskat och godkänt den.",
          "A new version of a form is a draft when it is uploaded. It is published only when a form owner who did not upload it "
          "has reviewed and approved it.") +
       "</p>";

  h += std::string("<h2>") + tr(l, "Formulär", "Forms") + "</h2>";
  if (forms.value().empty()) {
    h += std::string("<p>") + tr(l, "Inga formulär ännu.", "No forms yet.") + "</p>";
  } else {
    h += std::string("<div class=\"table-wrap\" tabindex=\"0\"><table><caption>") + tr(l, "Formulär och deras publicerade version", "Forms and their published version") +
         "</caption><thead><tr><th scope=\"col\">" + tr(l, "Formulär", "Form") + "</th><th scope=\"col\">" +
         tr(l, "Publicerad version", "Published version") + "</th><th scope=\"col\">" + tr(l, "Publicerades", "Published") +
         "</th><th scope=\"col\">" + tr(l, "Utkast som väntar", "Drafts waiting") + "</th></tr></thead><tbody>";
    for (const std::string& id : forms.value()) {
      Result<std::optional<Publication>> current = current_publication(*s.store, id);
      if (!current.ok()) return current.errors();
      size_t waiting = 0;
      for (const Publication& d : drafts.value()) waiting += d.form_id == id ? 1 : 0;
      const FormPtr live = app.catalog.current(id);
      const std::string title = live ? title_of(form_definition(*live), l, id) : id;
      h += "<tr><th scope=\"row\"><a href=\"/admin/forms/" + html_escape(id) + "\">" + html_escape(title) + "</a> <code>" +
           html_escape(id) + "</code></th>";
      if (current.value()) {
        h += "<td><code>" + html_escape(short_version(current.value()->version)) + "</code></td><td>" +
             when_html(current.value()->decided_at) + "</td>";
      } else {
        h += std::string("<td>") + tr(l, "Inte publicerat", "Not published") + "</td><td>–</td>";
      }
      h += "<td>" + std::to_string(waiting) + "</td></tr>";
    }
    h += "</tbody></table></div>";
  }

  h += std::string("<h2>") + tr(l, "Väntar på godkännande", "Awaiting approval") + "</h2>";
  if (drafts.value().empty()) {
    h += std::string("<p>") + tr(l, "Inga utkast väntar.", "No drafts are waiting.") + "</p>";
  } else {
    h += std::string("<div class=\"table-wrap\" tabindex=\"0\"><table><caption>") + tr(l, "Utkast som väntar på en formulärägare", "Drafts waiting for a form owner") +
         "</caption><thead><tr><th scope=\"col\">" + tr(l, "Formulär", "Form") + "</th><th scope=\"col\">" +
         tr(l, "Version", "Version") + "</th><th scope=\"col\">" + tr(l, "Uppladdad av", "Uploaded by") +
         "</th><th scope=\"col\">" + tr(l, "Uppladdad", "Uploaded") + "</th></tr></thead><tbody>";
    for (const Publication& d : drafts.value()) {
      h += "<tr><th scope=\"row\">" + html_escape(d.form_id) + "</th><td><a href=\"/admin/publications/" + std::to_string(d.id) +
           "\">" + tr(l, "Granska version ", "Review version ") + "<code>" + html_escape(short_version(d.version)) +
           "</code></a></td><td>" + html_escape(folder_or_name(l, d.uploaded_by, d.uploaded_by_name)) + "</td><td>" +
           when_html(d.uploaded_at) + "</td></tr>";
    }
    h += "</tbody></table></div>";
  }

  if (s.developer()) {
    h += std::string("<h2>") + tr(l, "Ladda upp en ny version", "Upload a new version") + "</h2>";
    // multipart/form-data: cpp-httplib refuses a urlencoded body over 8 KiB, and the
    // example forms are 17–38 KB (handle_upload reads either kind itself).
    h += "<form method=\"post\" enctype=\"multipart/form-data\" action=\"/admin/forms/upload\">" + csrf_input(s.who);
    h += std::string("<div class=\"field\"><label for=\"definition\">") +
         tr(l, "Formulärets definition (form.json)", "The form's definition (form.json)") + "</label>";
    h += std::string("<p class=\"hint\" id=\"definition-hint\">") +
         tr(l, "Klistra in hela filen. Den kontrolleras först; sedan blir den ett utkast med en privat förhandsvisningslänk.",
            "Paste the whole file. It is checked first; then it becomes a draft with a private preview link.") +
         "</p>";
    h += field_error_html(l, in.errors, "definition");
    h += "<textarea id=\"definition\" name=\"definition\" rows=\"16\" cols=\"80\" spellcheck=\"false\"" +
         field_attrs(in.errors, "definition", "definition-hint") + ">" + html_escape(in.definition) + "</textarea></div>";
    h += std::string("<button type=\"submit\">") + tr(l, "Ladda upp utkast", "Upload draft") + "</button></form>";

    h += std::string("<h2>") + tr(l, "Publiceringsnyckel för kommandoraden", "Publish token for the command line") + "</h2>";
    h += std::string("<p>") +
         tr(l, "Med en publiceringsnyckel laddar <code>blankett publish</code> upp utkast i ditt namn. Nyckeln visas bara en gång.",
            "With a publish token, <code>blankett publish</code> uploads drafts in your name. The token is shown only once.") +
         "</p>";
    h += "<form method=\"post\" action=\"/admin/publish-token\">" + csrf_input(s.who);
    h += std::string("<div class=\"field\"><label for=\"token-label\">") + tr(l, "Namn på nyckeln", "Name of the token") + "</label>";
    h += std::string("<p class=\"hint\" id=\"token-label-hint\">") +
         tr(l, "Till exempel datorns namn, så att du vet vilken nyckel du ska återkalla.",
            "For example the computer's name, so that you know which token to revoke.") +
         "</p>";
    h += field_error_html(l, in.errors, "token-label");
    h += "<input type=\"text\" id=\"token-label\" name=\"label\" maxlength=\"100\" value=\"" + html_escape(in.token_label) + "\"" +
         field_attrs(in.errors, "token-label", "token-label-hint") + "></div>";
    h += std::string("<button type=\"submit\">") + tr(l, "Skapa publiceringsnyckel", "Create publish token") + "</button></form>";
  }
  return h;
}

void send_overview(const httplib::Request& req, httplib::Response& res, const Staff& s, AppContext& app, int status,
                   const OverviewInput& in) {
  Result<std::string> body = overview_body(s, app, in);
  if (!body.ok()) return send_unavailable(req, res, s);
  PageFrame f = frame(s, req, in.errors.empty() ? tr(s.lang, "Publicering", "Publishing")
                                                : tr(s.lang, "Fel: Publicering", "Error: Publishing"));
  f.current_path = "/admin/forms";
  send_page(req, res, status, f, body.value());
}

Result<std::string> history_body(const Staff& s, AppContext& app, const std::string& form_id,
                                 const std::vector<Publication>& history) {
  const std::string& l = s.lang;
  Result<std::optional<Publication>> current = current_publication(*s.store, form_id);
  if (!current.ok()) return current.errors();
  const std::string current_id = current.value() ? std::to_string(current.value()->id) : "";
  const FormPtr live = app.catalog.current(form_id);
  const std::string title = live ? title_of(form_definition(*live), l, form_id) : form_id;

  std::string h = "<h1>" + html_escape(title) + " <code>" + html_escape(form_id) + "</code></h1>";
  if (current.value()) {
    h += std::string("<p>") + tr(l, "Publicerad version: ", "Published version: ") + "<code>" +
         html_escape(current.value()->version) + "</code>. <a href=\"/f/" + html_escape(form_id) + "\">" +
         tr(l, "Öppna formuläret", "Open the form") + "</a></p>";
  } else {
    h += std::string("<p>") + tr(l, "Formuläret är inte publicerat just nu.", "The form is not published at the moment.") + "</p>";
  }
  h += std::string("<div class=\"table-wrap\" tabindex=\"0\"><table><caption>") + tr(l, "Alla versioner, nyast först", "Every version, newest first") +
       "</caption><thead><tr><th scope=\"col\">" + tr(l, "Version", "Version") + "</th><th scope=\"col\">" + tr(l, "Läge", "State") +
       "</th><th scope=\"col\">" + tr(l, "Uppladdad av", "Uploaded by") + "</th><th scope=\"col\">" + tr(l, "Uppladdad", "Uploaded") +
       "</th><th scope=\"col\">" + tr(l, "Beslut av", "Decided by") + "</th><th scope=\"col\">" + tr(l, "Beslut", "Decided") +
       "</th></tr></thead><tbody>";
  for (const Publication& p : history) {
    const std::string decider = p.decided_at.empty() ? "–" : html_escape(folder_or_name(l, p.decided_by, p.decided_by_name));
    h += "<tr><th scope=\"row\"><a href=\"/admin/publications/" + std::to_string(p.id) + "\"><code>" +
         html_escape(short_version(p.version)) + "</code></a></th><td>" + html_escape(state_label(l, p, current_id)) + "</td><td>" +
         html_escape(folder_or_name(l, p.uploaded_by, p.uploaded_by_name)) + "</td><td>" + when_html(p.uploaded_at) + "</td><td>" +
         decider + "</td><td>" + when_html(p.decided_at) + "</td></tr>";
  }
  h += "</tbody></table></div>";
  if (current.value() && s.owner()) {
    h += std::string("<h2>") + tr(l, "Avpublicera", "Unpublish") + "</h2><p>" +
         tr(l, "Formuläret försvinner för medborgarna tills en ny version godkänns. Historiken finns kvar.",
            "The form disappears for citizens until a new version is approved. The history is kept.") +
         "</p><form method=\"post\" action=\"/admin/forms/" + html_escape(form_id) + "/unpublish\">" + csrf_input(s.who) +
         "<button type=\"submit\" class=\"warning\">" + tr(l, "Avpublicera formuläret", "Unpublish the form") + "</button></form>";
  }
  h += std::string("<p><a href=\"/admin/forms\">") + tr(l, "Alla formulär", "All forms") + "</a></p>";
  return h;
}

// One version: facts, the diff against the current published version, the preview and
// the decision. `notice_html` (already escaped) goes right under the heading: the preview
// link after an upload, for instance.
Result<std::string> publication_body(const Staff& s, const Publication& p, const std::string& notice_html) {
  const std::string& l = s.lang;
  Result<std::optional<Publication>> current = current_publication(*s.store, p.form_id);
  if (!current.ok()) return current.errors();
  const std::string current_id = current.value() ? std::to_string(current.value()->id) : "";
  const json definition = stored_definition(*s.store, p.form_id, p.version);
  const std::string title = title_of(definition, l, p.form_id);

  std::string h = "<h1>" + html_escape(title) + ": " + tr(l, "version ", "version ") + "<code>" +
                  html_escape(short_version(p.version)) + "</code></h1>";
  h += notice_html;
  h += std::string("<dl class=\"facts\"><dt>") + tr(l, "Formulär", "Form") + "</dt><dd><a href=\"/admin/forms/" +
       html_escape(p.form_id) + "\"><code>" + html_escape(p.form_id) + "</code></a></dd>";
  h += std::string("<dt>") + tr(l, "Version (SHA-256)", "Version (SHA-256)") + "</dt><dd><code>" + html_escape(p.version) + "</code></dd>";
  h += std::string("<dt>") + tr(l, "Läge", "State") + "</dt><dd>" + html_escape(state_label(l, p, current_id)) + "</dd>";
  h += std::string("<dt>") + tr(l, "Uppladdad av", "Uploaded by") + "</dt><dd>" +
       html_escape(folder_or_name(l, p.uploaded_by, p.uploaded_by_name)) + ", " + when_html(p.uploaded_at) + "</dd>";
  if (!p.decided_at.empty()) {
    h += std::string("<dt>") + tr(l, "Beslut av", "Decided by") + "</dt><dd>" +
         html_escape(folder_or_name(l, p.decided_by, p.decided_by_name)) + ", " + when_html(p.decided_at) + "</dd>";
  }
  h += "</dl>";

  h += std::string("<h2>") + tr(l, "Ändringar", "Changes") + "</h2>";
  if (!current.value()) {
    h += std::string("<p>") +
         tr(l, "Formuläret har ingen publicerad version just nu, så hela definitionen är ny.",
            "The form has no published version at the moment, so the whole definition is new.") +
         "</p>";
  } else if (current.value()->id == p.id) {
    h += std::string("<p>") + tr(l, "Det här är den publicerade versionen.", "This is the published version.") + "</p>";
  } else {
    h += std::string("<p>") + tr(l, "Jämfört med den publicerade versionen ", "Compared with the published version ") + "<code>" +
         html_escape(short_version(current.value()->version)) + "</code>.</p>";
    h += diff_table(l, stored_definition(*s.store, p.form_id, current.value()->version), definition);
  }
  h += std::string("<details><summary>") + tr(l, "Hela definitionen", "The whole definition") + "</summary>" +
       value_html(definition) + "</details>";

  if (p.state == "draft") {
    h += std::string("<h2>") + tr(l, "Förhandsvisning", "Preview") + "</h2><p>" +
         tr(l, "Förhandsvisningslänken visades för den som laddade upp versionen: servern sparar bara dess kontrollsumma. "
               "En ny länk ersätter den gamla.",
            "The preview link was shown to the person who uploaded the version: the server stores only its checksum. "
            "A new link replaces the old one.") +
         "</p><form method=\"post\" action=\"/admin/publications/" + std::to_string(p.id) + "/preview\">" + csrf_input(s.who) +
         "<button type=\"submit\">" + tr(l, "Skapa en ny förhandsvisningslänk", "Make a new preview link") + "</button></form>";

    h += std::string("<h2>") + tr(l, "Beslut", "Decision") + "</h2>";
    const bool uploader = p.uploaded_by == s.who.user.id;
    if (uploader) {
      h += std::string("<p>") +
           tr(l, "Du laddade upp den här versionen, så du kan inte godkänna den: en annan formulärägare måste granska och "
                 "godkänna den (fyra ögon).",
              "You uploaded this version, so you cannot approve it: another form owner must review and approve it (four eyes).") +
           "</p>";
    } else if (!s.owner()) {
      h += std::string("<p>") + tr(l, "Bara en formulärägare kan godkänna eller avvisa en version.",
                                   "Only a form owner can approve or reject a version.") + "</p>";
    } else {
      h += "<form method=\"post\" action=\"/admin/publications/" + std::to_string(p.id) + "/approve\">" + csrf_input(s.who) +
           "<button type=\"submit\">" + tr(l, "Godkänn och publicera", "Approve and publish") + "</button></form>";
    }
    if (s.owner()) {
      h += "<form method=\"post\" action=\"/admin/publications/" + std::to_string(p.id) + "/reject\">" + csrf_input(s.who) +
           "<button type=\"submit\" class=\"secondary\">" +
           (uploader ? tr(l, "Dra tillbaka utkastet", "Withdraw the draft") : tr(l, "Avvisa", "Reject")) + "</button></form>";
    }
  }
  h += "<p><a href=\"/admin/forms/" + html_escape(p.form_id) + "\">" + tr(l, "Formulärets historik", "The form's history") + "</a></p>";
  return h;
}

void send_publication(const httplib::Request& req, httplib::Response& res, const Staff& s, int status, const Publication& p,
                      const std::string& notice_html) {
  Result<std::string> body = publication_body(s, p, notice_html);
  if (!body.ok()) return send_unavailable(req, res, s);
  send_page(req, res, status, frame(s, req, std::string(tr(s.lang, "Version ", "Version ")) + short_version(p.version) + " – " + p.form_id),
            body.value());
}

// The preview link, once: only its hash is stored.
std::string preview_notice(const std::string& l, const std::string& token, const std::string& heading) {
  const std::string path = "/p/" + token;
  return "<div class=\"notice\" role=\"status\"><h2>" + html_escape(heading) + "</h2><p>" +
         tr(l, "Privat förhandsvisning (visas bara nu, spara den): ", "Private preview (shown only now, keep it): ") +
         "<a href=\"" + html_escape(path) + "\">" + html_escape(path) + "</a></p><p>" +
         tr(l, "Den som har länken kan prova utkastet men inte skicka in något. Länken slutar fungera när versionen godkänns eller avvisas.",
            "Anyone with the link can try the draft but cannot submit. The link stops working when the version is approved or rejected.") +
         "</p></div>";
}

// The catalog follows the store at once. If the reload fails (the store is briefly
// unavailable), the decision is still stored and a restart picks it up.
void refresh_catalog(AppContext& app, const std::string& form_id) { (void)app.catalog.reload(form_id); }

std::optional<int64_t> parse_id(const std::string& text) {
  try {
    return std::stoll(text);
  } catch (...) {
    return std::nullopt;
  }
}

// ---------------------------------------------------------------------------------------
// [SECTION] Routes: the API and the preview
// ---------------------------------------------------------------------------------------

void send_auth_error(httplib::Response& res, int status, const char* code, const std::string& message) {
  send_json(res, error_response(status, Error{code, "", 0, 0, message}));
  if (status == 401) res.set_header("WWW-Authenticate", "Bearer");
}

void handle_api_publish(const httplib::Request& req, httplib::Response& res, AppContext& app) {
  const std::string raw = bearer_token(req);
  if (raw.empty()) return send_auth_error(res, 401, "auth.required", "send a publish token: Authorization: Bearer <token>");
  Result<Store*> store = request_store(app.database_path);
  if (!store.ok()) return send_json(res, error_response(503, Error{"storage.unavailable", "", 0, 0, "the store cannot be opened"}));
  Result<std::optional<ApiToken>> token = check_api_token(*store.value(), raw);
  if (!token.ok()) return send_json(res, error_response(503, Error{"storage.unavailable", "", 0, 0, "the store cannot be read"}));
  if (!token.value()) return send_auth_error(res, 401, "auth.bad_token", "the token is unknown or revoked");
  if (token.value()->kind != "publish") return send_auth_error(res, 403, "auth.forbidden", "this is not a publish token");

  Result<UploadResult> up = upload_version(*store.value(), req.body, Uploader{token.value()->user_id, token.value()->id});
  if (!up.ok()) {
    const Error& first = up.errors().front();
    const int status = publication_error_status(first);
    if (status != 422) return send_json(res, error_response(status, first));
    return send_json(res, errors_response(422, "publish.invalid_form", "the form has problems; nothing was stored", up.errors()));
  }
  const UploadResult& u = up.value();
  json body = {{"publication", u.publication.id},
               {"form", u.publication.form_id},
               {"version", u.publication.version},
               {"state", u.publication.state},
               {"created", u.created},
               {"previous_version", u.previous_version.empty() ? json(nullptr) : json(u.previous_version)},
               {"preview_url", u.preview_token.empty() ? json(nullptr) : json("/p/" + u.preview_token)},
               {"review_url", "/admin/publications/" + std::to_string(u.publication.id)},
               {"diff", u.diff}};
  send_json(res, ApiResponse{u.created ? 201 : 200, std::move(body),
                             u.created ? "/admin/publications/" + std::to_string(u.publication.id) : ""});
}

std::optional<Publication> preview_of(AppContext& app, const std::string& token, bool* store_failed) {
  *store_failed = false;
  Result<Store*> store = request_store(app.database_path);
  if (!store.ok()) {
    *store_failed = true;
    return std::nullopt;
  }
  Result<std::optional<Publication>> found = find_preview(*store.value(), token);
  if (!found.ok()) {
    *store_failed = true;
    return std::nullopt;
  }
  return found.value();
}

void handle_preview_page(const httplib::Request& req, httplib::Response& res, AppContext& app) {
  std::optional<StaticFile> shell = find_static_file(app.options.web_dir, "/form.html");
  if (!shell) return send_json(res, error_response(404, Error{"request.not_found", "", 0, 0, "there is no citizen app under --web"}));
  bool failed = false;
  const std::optional<Publication> draft = preview_of(app, req.matches[1].str(), &failed);
  // The same shell as /f/{id}; its script sees /p/ and loads /api/previews/{token}. 404
  // keeps the shell too, so the page can say in the citizen's language that it is gone.
  res.status = failed ? 503 : draft ? 200 : 404;
  res.set_content(std::move(shell->content), shell->mime_type);
  res.set_header("Cache-Control", "no-store");  // the link is a secret; no copies
  res.set_header("X-Robots-Tag", "noindex");
}

void handle_preview_api(const httplib::Request& req, httplib::Response& res, AppContext& app) {
  bool failed = false;
  const std::optional<Publication> draft = preview_of(app, req.matches[1].str(), &failed);
  if (failed) return send_json(res, error_response(503, Error{"storage.unavailable", "", 0, 0, "the store cannot be read"}));
  if (!draft) {
    return send_json(res, error_response(404, Error{"preview.not_found", "", 0, 0,
                                                    "no draft has this preview link (unknown, or already approved or rejected)"}));
  }
  Result<Store*> store = request_store(app.database_path);
  const json definition = store.ok() ? stored_definition(*store.value(), draft->form_id, draft->version) : json();
  if (definition.is_discarded() || definition.is_null()) {
    return send_json(res, error_response(503, Error{"storage.unavailable", "", 0, 0, "the draft cannot be read"}));
  }
  json answer = {{"id", draft->form_id}, {"version", draft->version}, {"definition", definition}, {"preview", true}};
  if (!app.options.time_zone.empty()) answer["time_zone"] = app.options.time_zone;  // as /api/forms/{id}
  send_json(res, ApiResponse{200, std::move(answer), ""});
}

// ---------------------------------------------------------------------------------------
// [SECTION] Routes: the admin pages
// ---------------------------------------------------------------------------------------

void handle_overview(const httplib::Request& req, httplib::Response& res, AppContext& app) {
  std::optional<Staff> s = staff(req, res, app, {Role::developer, Role::owner});
  if (!s) return;
  send_overview(req, res, *s, app, 200, OverviewInput{});
}

// A copy of `req` with its body read through `read`: the parts of a multipart body in
// `files`, any other body in `body`, so that form_value() and check_csrf() work on it.
// Returns false when the body could not be read whole: then res.status is 413 (larger
// than --max-body) or 400 (malformed).
bool read_posted_form(const httplib::Request& req, const httplib::ContentReader& read, httplib::Request* posted) {
  *posted = req;
  if (!req.is_multipart_form_data()) {
    return read([posted](const char* data, size_t size) {
      posted->body.append(data, size);
      return true;
    });
  }
  httplib::MultipartFormDataMap::iterator part = posted->files.end();
  return read(
      [posted, &part](const httplib::MultipartFormData& header) {
        part = posted->files.emplace(header.name, header);
        return true;
      },
      [posted, &part](const char* data, size_t size) {
        if (part != posted->files.end()) part->second.content.append(data, size);
        return true;
      });
}

// The page for an upload whose body could not be read (`status` from read_posted_form).
void send_unreadable_upload(const httplib::Request& req, httplib::Response& res, const Staff& s, int status,
                            size_t max_body_bytes) {
  const std::string& l = s.lang;
  if (status == 413) {
    const std::string limit = std::to_string(max_body_bytes / 1024) + " KiB";
    return send_message(req, res, s, 413, tr(l, "Definitionen är för stor", "The definition is too large"),
                        tr(l, "Servern tar emot högst ", "The server accepts at most ") + limit +
                            tr(l, " i en uppladdning. Inget sparades.", " in one upload. Nothing was stored."));
  }
  send_message(req, res, s, 400, tr(l, "Uppladdningen kunde inte läsas", "The upload could not be read"),
               tr(l, "Inget sparades. Gå tillbaka, ladda om sidan och försök igen.",
                  "Nothing was stored. Go back, reload the page and try again."));
}

// POST /admin/forms/upload reads its own body (a content-reader route): cpp-httplib would
// otherwise refuse a too large body before any handler runs, with raw JSON on a page.
void handle_upload(const httplib::Request& raw, httplib::Response& res, const httplib::ContentReader& read, AppContext& app) {
  httplib::Request req;
  const bool complete = read_posted_form(raw, read, &req);
  const int read_status = res.status;
  std::optional<Staff> s = staff(req, res, app, {Role::developer});
  if (!s) return;
  if (!complete) return send_unreadable_upload(req, res, *s, read_status, app.options.max_body_bytes);
  if (!check_csrf(req, res, s->who)) return;
  const std::string& l = s->lang;
  OverviewInput in;
  in.definition = form_value(req, "definition");
  if (in.definition.find_first_not_of(" \t\r\n") == std::string::npos) {
    in.errors.push_back({"definition", tr(l, "Klistra in formulärets definition", "Paste the form's definition")});
    return send_overview(req, res, *s, app, 422, in);
  }
  Result<UploadResult> up = upload_version(*s->store, in.definition, Uploader{s->who.user.id, 0});
  if (!up.ok()) {
    const Error& first = up.errors().front();
    if (publication_error_status(first) != 422) return send_workflow_error(req, res, *s, first, "/admin/forms");
    // Every load problem, as the command line prints them, each linking to the text box.
    for (const Error& e : up.errors()) {
      std::string where = e.line > 0 ? std::string(tr(l, "Rad ", "Line ")) + std::to_string(e.line) + ": " : "";
      in.errors.push_back({"definition", where + e.message + " (" + e.code + (e.pointer.empty() ? "" : ", " + e.pointer) + ")"});
    }
    return send_overview(req, res, *s, app, 422, in);
  }
  const UploadResult& u = up.value();
  if (u.preview_token.empty()) {
    return send_publication(req, res, *s, 200, u.publication,
                            std::string("<div class=\"notice\" role=\"status\"><p>") +
                                tr(l, "Den här versionen är redan publicerad; inget utkast skapades.",
                                   "This version is already published; no draft was made.") +
                                "</p></div>");
  }
  const std::string heading = u.created ? tr(l, "Utkastet är uppladdat", "The draft is uploaded")
                                        : tr(l, "Du hade redan laddat upp det här utkastet", "You had already uploaded this draft");
  send_publication(req, res, *s, 201, u.publication, preview_notice(l, u.preview_token, heading));
}

void handle_publish_token(const httplib::Request& req, httplib::Response& res, AppContext& app) {
  std::optional<Staff> s = staff(req, res, app, {Role::developer});
  if (!s || !check_csrf(req, res, s->who)) return;
  const std::string& l = s->lang;
  OverviewInput in;
  in.token_label = form_value(req, "label");
  if (in.token_label.empty() || code_point_count(in.token_label) > 100) {  // characters, as api_tokens.cc counts
    in.errors.push_back({"token-label", tr(l, "Skriv ett namn på 1–100 tecken", "Enter a name of 1–100 characters")});
    return send_overview(req, res, *s, app, 422, in);
  }
  // The token and its audit entry are stored together or not at all.
  Result<sql::Transaction> txn = sql::Transaction::begin(s->store->db.get());
  if (!txn.ok()) return send_unavailable(req, res, *s);
  Result<NewApiToken> made = create_api_token(*s->store, "publish", "", s->who.user.id, in.token_label);
  if (!made.ok()) {
    if (made.errors().front().code.rfind("token.", 0) != 0) return send_unavailable(req, res, *s);
    in.errors.push_back({"token-label", tr(l, "Skriv ett namn på 1–100 tecken", "Enter a name of 1–100 characters")});
    return send_overview(req, res, *s, app, 422, in);
  }
  AuditEntry entry;
  entry.actor = "user:" + std::to_string(s->who.user.id);
  entry.action = "token.create";
  entry.target = "token:" + std::to_string(made.value().info.id);
  entry.detail = {{"kind", "publish"}, {"form", ""}, {"user", s->who.user.id}};
  if (!append_audit(*s->store, std::move(entry), true).ok() || !txn.value().commit().ok()) return send_unavailable(req, res, *s);
  const std::string server = std::string(app.tls ? "https://" : "http://") + req.get_header_value("Host");
  const std::string body =
      std::string("<h1>") + tr(l, "Publiceringsnyckeln är skapad", "The publish token is created") + "</h1><div class=\"notice\" role=\"status\"><p>" +
      tr(l, "Nyckeln visas bara nu. Spara den där bara du kommer åt den:", "The token is shown only now. Keep it where only you can reach it:") +
      "</p><p><code>" + html_escape(made.value().token) + "</code></p></div><h2>" + tr(l, "Så använder du den", "How to use it") +
      "</h2><pre>BLANKETT_TOKEN=" + html_escape(made.value().token) + " blankett publish forms/&lt;form-id&gt; --server " +
      html_escape(server) + "</pre><p><a href=\"/admin/forms\">" + tr(l, "Tillbaka till publiceringen", "Back to publishing") + "</a></p>";
  send_page(req, res, 201, frame(*s, req, tr(l, "Publiceringsnyckel", "Publish token")), body);
}

void handle_history(const httplib::Request& req, httplib::Response& res, AppContext& app) {
  std::optional<Staff> s = staff(req, res, app, {Role::developer, Role::owner});
  if (!s) return;
  const std::string form_id = req.matches[1].str();
  Result<std::vector<Publication>> history = list_publications(*s->store, form_id);
  if (!history.ok()) return send_unavailable(req, res, *s);
  if (history.value().empty()) {
    return send_message(req, res, *s, 404, tr(s->lang, "Formuläret finns inte", "No such form"),
                        tr(s->lang, "Inget formulär med det id:t har laddats upp eller publicerats.",
                           "No form with that id has been uploaded or published."));
  }
  Result<std::string> body = history_body(*s, app, form_id, history.value());
  if (!body.ok()) return send_unavailable(req, res, *s);
  send_page(req, res, 200, frame(*s, req, form_id), body.value());
}

void handle_unpublish(const httplib::Request& req, httplib::Response& res, AppContext& app) {
  std::optional<Staff> s = staff(req, res, app, {Role::owner});
  if (!s || !check_csrf(req, res, s->who)) return;
  const std::string form_id = req.matches[1].str();
  Result<Publication> done = unpublish(*s->store, form_id, s->who.user.id);
  if (!done.ok()) return send_workflow_error(req, res, *s, done.errors().front(), "/admin/forms/" + form_id);
  refresh_catalog(app, form_id);
  res.set_redirect("/admin/forms/" + form_id, 303);
}

void handle_publication(const httplib::Request& req, httplib::Response& res, AppContext& app) {
  std::optional<Staff> s = staff(req, res, app, {Role::developer, Role::owner});
  if (!s) return;
  const std::optional<int64_t> id = parse_id(req.matches[1].str());
  Result<std::optional<Publication>> p = id ? get_publication(*s->store, *id) : Result<std::optional<Publication>>(std::nullopt);
  if (!p.ok()) return send_unavailable(req, res, *s);
  if (!p.value()) return send_workflow_error(req, res, *s, Error{"publish.not_found", "", 0, 0, ""}, "/admin/forms");
  send_publication(req, res, *s, 200, *p.value(), "");
}

// approve, reject and preview links: POST /admin/publications/{id}/{step}.
void handle_decision(const httplib::Request& req, httplib::Response& res, AppContext& app) {
  const std::string step = req.matches[2].str();
  std::optional<Staff> s = step == "preview" ? staff(req, res, app, {Role::developer, Role::owner}) : staff(req, res, app, {Role::owner});
  if (!s || !check_csrf(req, res, s->who)) return;
  const std::optional<int64_t> id = parse_id(req.matches[1].str());
  if (!id) return send_workflow_error(req, res, *s, Error{"publish.not_found", "", 0, 0, ""}, "/admin/forms");
  const std::string back = "/admin/publications/" + std::to_string(*id);
  if (step == "preview") {
    Result<std::string> token = renew_preview_token(*s->store, *id, s->who.user.id);
    if (!token.ok()) return send_workflow_error(req, res, *s, token.errors().front(), back);
    Result<std::optional<Publication>> p = get_publication(*s->store, *id);
    if (!p.ok() || !p.value()) return send_unavailable(req, res, *s);
    return send_publication(req, res, *s, 200, *p.value(),
                            preview_notice(s->lang, token.value(), tr(s->lang, "Ny förhandsvisningslänk", "New preview link")));
  }
  Result<Publication> done = step == "approve" ? approve(*s->store, *id, s->who.user.id) : reject(*s->store, *id, s->who.user.id);
  if (!done.ok()) return send_workflow_error(req, res, *s, done.errors().front(), back);
  if (step == "approve") refresh_catalog(app, done.value().form_id);
  res.set_redirect(back, 303);
}

}  // namespace

void register_publishing_routes(httplib::Server& http, AppContext& app) {
  AppContext* a = &app;
  auto with_app = [a](void (*handler)(const httplib::Request&, httplib::Response&, AppContext&)) {
    return [a, handler](const httplib::Request& req, httplib::Response& res) { handler(req, res, *a); };
  };
  http.Post("/api/publish", with_app(handle_api_publish));
  http.Get((std::string("/p/") + kPreviewToken + "/?"), with_app(handle_preview_page));
  http.Get((std::string("/api/previews/") + kPreviewToken), with_app(handle_preview_api));

  http.Get("/admin/forms/?", with_app(handle_overview));
  http.Post("/admin/forms/upload", [a](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& read) {
    handle_upload(req, res, read, *a);
  });
  http.Post("/admin/publish-token", with_app(handle_publish_token));
  http.Get((std::string("/admin/forms/") + kFormId + "/?"), with_app(handle_history));
  http.Post((std::string("/admin/forms/") + kFormId + "/unpublish"), with_app(handle_unpublish));
  http.Get((std::string("/admin/publications/") + kPublicationId + "/?"), with_app(handle_publication));
  http.Post((std::string("/admin/publications/") + kPublicationId + "/(approve|reject|preview)"), with_app(handle_decision));
}

}  // namespace blankett
