// Index:
//   [SECTION] Words and errors
//   [SECTION] The users page
//   [SECTION] One user's page
//   [SECTION] Form groups
//   [SECTION] Routes
#include "admin_pages.h"

#include <httplib.h>

#include <algorithm>

#include "accounts.h"
#include "audit_log.h"
#include "blankett/form.h"
#include "html_page.h"
#include "request_store.h"
#include "web_auth.h"

namespace blankett {

namespace {

constexpr Role kAllRoles[] = {Role::admin, Role::developer, Role::owner, Role::caseworker};

// --- [SECTION] Words and errors ------------------------------------------------------------

const char* role_label(const std::string& lang, Role r) {
  switch (r) {
    case Role::admin: return tr(lang, "Administratör", "Administrator");
    case Role::developer: return tr(lang, "Formulärutvecklare", "Form developer");
    case Role::owner: return tr(lang, "Formulärägare", "Form owner");
    case Role::caseworker: return tr(lang, "Handläggare", "Caseworker");
  }
  return "";
}

std::string role_list(const std::string& lang, const std::vector<Role>& roles) {
  std::string out;
  for (Role r : roles) out += (out.empty() ? "" : ", ") + std::string(role_label(lang, r));
  return out;
}

std::string joined(const std::vector<std::string>& items, const char* separator) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : separator) + s;
  return out;
}

// Scopes and form ids are typed as one text, separated by spaces, commas or new lines.
std::vector<std::string> split_words(const std::string& text) {
  std::vector<std::string> words;
  std::string word;
  for (char c : text) {
    if (c == ' ' || c == ',' || c == '\n' || c == '\r' || c == '\t') {
      if (!word.empty()) words.push_back(std::move(word));
      word.clear();
    } else {
      word += c;
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

std::vector<Role> posted_roles(const httplib::Request& req) {
  std::vector<Role> roles;
  for (const std::string& name : form_values(req, "roles")) {
    if (std::optional<Role> r = parse_role(name)) roles.push_back(*r);
  }
  return roles;
}

// The password rule that failed (accounts.h, check_password_rules), not all of them: a
// 1100-byte password is not "at least 12 characters". nullptr for any other code.
const char* password_rule_text(const std::string& lang, const std::string& code) {
  if (code == "user.password_too_short") {
    return tr(lang, "Lösenordet ska vara minst 12 tecken långt", "The password must be at least 12 characters long");
  }
  if (code == "user.password_too_long") {
    return tr(lang, "Lösenordet får vara högst 1024 byte långt (å, ä och ö räknas som två)",
              "The password can be at most 1024 bytes long (å, ä and ö count as two)");
  }
  if (code == "user.password_is_username") {
    return tr(lang, "Lösenordet får inte vara användarnamnet", "The password must not be the username");
  }
  return nullptr;
}

// The accounts' errors in the page's language, attached to the field they concern.
FieldError field_error(const std::string& lang, const Error& e, const std::string& password_field) {
  if (e.code == "user.exists") return {"username", tr(lang, "Det finns redan en användare med det användarnamnet", "There is already a user with that username")};
  if (e.code == "user.bad_name" && e.pointer == "/username") {
    return {"username", tr(lang, "Användarnamnet ska vara 2–64 tecken av a–z, 0–9, punkt, understreck, bindestreck och @",
                           "The username must be 2 to 64 characters of a–z, 0–9, full stop, underscore, hyphen and @")};
  }
  if (e.code == "user.bad_name") return {"display_name", tr(lang, "Skriv ett namn på högst 100 tecken", "Enter a name of at most 100 characters")};
  if (const char* rule = password_rule_text(lang, e.code)) return {password_field, rule};
  if (e.code == "user.no_role") return {"role-admin", tr(lang, "Välj minst en roll", "Choose at least one role")};
  if (e.code == "user.bad_scope") {
    return {"scopes", tr(lang, "Skriv formulär-id eller group:namn, med små bokstäver, siffror och bindestreck",
                         "Enter form ids or group:name, in lower-case letters, digits and hyphens")};
  }
  return {"", tr(lang, "Något gick fel. Försök igen.", "Something went wrong. Please try again.")};
}

std::vector<FieldError> field_errors(const std::string& lang, const Errors& errors, const std::string& password_field = "password") {
  std::vector<FieldError> out;
  for (const Error& e : errors) {
    FieldError f = field_error(lang, e, password_field);
    const bool seen = std::any_of(out.begin(), out.end(), [&](const FieldError& o) { return o.field_id == f.field_id; });
    if (!seen) out.push_back(std::move(f));
  }
  return out;
}

bool is_storage_error(const Errors& errors) {
  return std::any_of(errors.begin(), errors.end(), [](const Error& e) { return e.code.rfind("user.", 0) != 0; });
}

bool audit(Store& store, const SignedIn& who, const std::string& action, const std::string& target, nlohmann::json detail) {
  AuditEntry e;
  e.actor = "user:" + std::to_string(who.user.id);
  e.action = action;
  e.target = target;
  e.detail = std::move(detail);
  return append_audit(store, std::move(e)).ok();
}

nlohmann::json role_names(const std::vector<Role>& roles) {
  nlohmann::json names = nlohmann::json::array();
  for (Role r : roles) names.push_back(role_name(r));
  return names;
}

void send_admin_page(const httplib::Request& req, httplib::Response& res, int status, const SignedIn& who,
                     const std::string& title, const std::string& body) {
  const std::string lang = page_lang(req);
  // A page that comes back with errors says so first in its title: it is what a screen
  // reader announces when the page loads.
  const std::string full_title = status == 400 ? std::string(tr(lang, "Fel: ", "Error: ")) + title : title;
  send_page(req, res, status, PageFrame{lang, full_title, &who, req.path}, body);
}

void send_trouble(const httplib::Request& req, httplib::Response& res, const SignedIn& who) {
  const std::string lang = page_lang(req);
  send_admin_page(req, res, 500, who, tr(lang, "Något gick fel", "Something went wrong"),
                  std::string("<h1>") + tr(lang, "Något gick fel", "Something went wrong") + "</h1><p>" +
                      tr(lang, "Ändringen kanske inte sparades. Försök igen om en stund.",
                         "The change may not have been saved. Please try again in a moment.") +
                      "</p>");
}

// What the redirect after a change says on the next page (POST-redirect-GET).
std::string done_notice(const std::string& lang, const std::string& done) {
  if (done == "added") return tr(lang, "Användaren har lagts till.", "The user has been added.");
  if (done == "access") return tr(lang, "Roller och formulär har sparats.", "Roles and forms have been saved.");
  if (done == "password") return tr(lang, "Det nya lösenordet har sparats. Användarens inloggningar har avslutats.",
                                    "The new password has been saved. The user's sessions have been ended.");
  if (done == "disabled") return tr(lang, "Kontot är avstängt. Användarens inloggningar har avslutats.",
                                    "The account is disabled. The user's sessions have been ended.");
  if (done == "enabled") return tr(lang, "Kontot är aktiverat igen.", "The account is enabled again.");
  if (done == "group") return tr(lang, "Gruppen har sparats.", "The group has been saved.");
  return "";
}

std::string notice_html(const httplib::Request& req) {
  const std::string text = done_notice(page_lang(req), req.get_param_value("done"));
  return text.empty() ? "" : "<div class=\"notice\" role=\"status\"><p>" + html_escape(text) + "</p></div>";
}

std::string roles_fieldset(const std::string& lang, const std::vector<Role>& checked, const std::vector<FieldError>& errors) {
  std::string h = "<fieldset class=\"form-group\"" + field_error_attrs(errors, "role-admin") + "><legend>" +
                  tr(lang, "Roller", "Roles") + "</legend>" + field_error_html(lang, errors, "role-admin");
  for (Role r : kAllRoles) {
    const std::string id = std::string("role-") + role_name(r);
    const bool on = std::find(checked.begin(), checked.end(), r) != checked.end();
    h += "<div class=\"checkbox\"><input type=\"checkbox\" id=\"" + id + "\" name=\"roles\" value=\"" + role_name(r) + "\"" +
         (on ? " checked" : "") + "><label for=\"" + id + "\">" + role_label(lang, r) + "</label></div>";
  }
  return h + "</fieldset>";
}

std::string scopes_field(const std::string& lang, const std::string& value, const std::vector<FieldError>& errors) {
  return std::string("<div class=\"form-group\"><label for=\"scopes\">") + tr(lang, "Formulär (handläggare)", "Forms (caseworkers)") +
         "</label><p class=\"hint\" id=\"scopes-hint\">" +
         tr(lang, "Formulär-id eller group:namn, åtskilda med mellanslag. Handläggare ser bara ärenden i dessa formulär.",
            "Form ids or group:name, separated by spaces. Caseworkers see cases of these forms only.") +
         "</p>" + field_error_html(lang, errors, "scopes") + "<input id=\"scopes\" name=\"scopes\" type=\"text\" value=\"" +
         html_escape(value) + "\"" +
         (field_error_attrs(errors, "scopes").empty() ? std::string(" aria-describedby=\"scopes-hint\"")
                                                      : " aria-invalid=\"true\" aria-describedby=\"scopes-hint scopes-error\"") +
         "></div>";
}

std::string text_field(const std::string& lang, const std::string& id, const char* label, const std::string& type,
                       const std::string& value, const std::string& autocomplete, const std::vector<FieldError>& errors) {
  return "<div class=\"form-group\"><label for=\"" + id + "\">" + label + "</label>" + field_error_html(lang, errors, id) +
         "<input id=\"" + id + "\" name=\"" + id + "\" type=\"" + type + "\" autocomplete=\"" + autocomplete + "\"" +
         (type == "password" ? std::string() : " value=\"" + html_escape(value) + "\"") + field_error_attrs(errors, id) + "></div>";
}

// --- [SECTION] The users page --------------------------------------------------------------

struct AddForm {
  std::string username, display_name, scopes;
  std::vector<Role> roles;
  std::vector<FieldError> errors;
};

void users_page(const httplib::Request& req, httplib::Response& res, Store& store, const SignedIn& who, int status,
                const AddForm& form) {
  const std::string lang = page_lang(req);
  Result<std::vector<User>> users = list_users(store);
  if (!users) return send_trouble(req, res, who);
  std::string h = error_summary_html(lang, form.errors) + notice_html(req);
  h += std::string("<h1>") + tr(lang, "Användare", "Users") + "</h1>";
  h += std::string("<ul class=\"admin-links\"><li><a href=\"/admin/groups\">") + tr(lang, "Formulärgrupper", "Form groups") +
       "</a></li><li><a href=\"/admin/tokens\">" + tr(lang, "API-nycklar", "API tokens") + "</a></li><li><a href=\"/admin/outbox\">" +
       tr(lang, "Utkorg: e-post och webhooks", "Outbox: e-mail and webhooks") + "</a></li></ul>";
  h += std::string("<div class=\"table-wrap\" tabindex=\"0\"><table><caption>") + tr(lang, "Alla användare", "All users") + "</caption><thead><tr>" +
       "<th scope=\"col\">" + tr(lang, "Användarnamn", "Username") + "</th><th scope=\"col\">" + tr(lang, "Namn", "Name") +
       "</th><th scope=\"col\">" + tr(lang, "Roller", "Roles") + "</th><th scope=\"col\">" + tr(lang, "Formulär", "Forms") +
       "</th><th scope=\"col\">" + tr(lang, "Status", "Status") + "</th></tr></thead><tbody>";
  for (const User& u : users.value()) {
    h += "<tr><th scope=\"row\"><a href=\"/admin/users/" + std::to_string(u.id) + "\">" + html_escape(u.username) + "</a></th><td>" +
         html_escape(u.display_name) + "</td><td>" + html_escape(role_list(lang, u.roles)) + "</td><td>" +
         html_escape(joined(u.scopes, ", ")) + "</td><td>" + (u.disabled ? tr(lang, "Avstängd", "Disabled") : tr(lang, "Aktiv", "Active")) +
         "</td></tr>";
  }
  h += "</tbody></table></div>";

  h += std::string("<h2>") + tr(lang, "Lägg till en användare", "Add a user") + "</h2>";
  h += "<form method=\"post\" action=\"/admin/users\" novalidate>" + csrf_input(who);
  h += text_field(lang, "username", tr(lang, "Användarnamn", "Username"), "text", form.username, "off", form.errors);
  h += text_field(lang, "display_name", tr(lang, "Namn", "Name"), "text", form.display_name, "off", form.errors);
  h += text_field(lang, "password", tr(lang, "Lösenord (minst 12 tecken)", "Password (at least 12 characters)"), "password", "",
                  "new-password", form.errors);
  h += roles_fieldset(lang, form.roles, form.errors);
  h += scopes_field(lang, form.scopes, form.errors);
  h += std::string("<button type=\"submit\">") + tr(lang, "Lägg till", "Add user") + "</button></form>";
  send_admin_page(req, res, status, who, tr(lang, "Användare", "Users"), h);
}

void post_add_user(const httplib::Request& req, httplib::Response& res, Store& store, const SignedIn& who) {
  const std::string lang = page_lang(req);
  AddForm form;
  form.username = form_value(req, "username");
  form.display_name = form_value(req, "display_name");
  form.scopes = form_value(req, "scopes");
  form.roles = posted_roles(req);
  NewUser nu{form.username, form.display_name, form_value(req, "password"), form.roles, split_words(form.scopes)};
  Result<int64_t> id = add_user(store, nu);
  if (!id) {
    if (is_storage_error(id.errors())) return send_trouble(req, res, who);
    form.errors = field_errors(lang, id.errors());
    return users_page(req, res, store, who, 400, form);
  }
  if (!audit(store, who, "user.add", "user:" + std::to_string(id.value()), {{"roles", role_names(nu.roles)}, {"scopes", nu.scopes}})) {
    return send_trouble(req, res, who);
  }
  res.set_redirect("/admin?done=added", 303);
}

// --- [SECTION] One user's page -------------------------------------------------------------

struct UserForms {
  std::vector<Role> roles;
  std::string scopes;
  std::vector<FieldError> errors;
};

void user_page(const httplib::Request& req, httplib::Response& res, const SignedIn& who, const User& u, int status,
               const UserForms* posted) {
  const std::string lang = page_lang(req);
  const std::string base = "/admin/users/" + std::to_string(u.id);
  const std::vector<FieldError> none;
  const std::vector<FieldError>& errors = posted ? posted->errors : none;
  std::string h = error_summary_html(lang, errors) + notice_html(req);
  h += "<p><a href=\"/admin\">" + std::string(tr(lang, "Alla användare", "All users")) + "</a></p>";
  h += "<h1>" + html_escape(u.display_name) + "</h1>";
  h += "<dl><dt>" + std::string(tr(lang, "Användarnamn", "Username")) + "</dt><dd>" + html_escape(u.username) + "</dd><dt>" +
       tr(lang, "Status", "Status") + "</dt><dd>" + (u.disabled ? tr(lang, "Avstängd", "Disabled") : tr(lang, "Aktiv", "Active")) +
       "</dd><dt>" + tr(lang, "Skapad", "Created") + "</dt><dd>" + html_escape(u.created_at) + "</dd></dl>";

  h += "<h2>" + std::string(tr(lang, "Roller och formulär", "Roles and forms")) + "</h2>";
  h += "<form method=\"post\" action=\"" + base + "/access\" novalidate>" + csrf_input(who);
  h += roles_fieldset(lang, posted ? posted->roles : u.roles, errors);
  h += scopes_field(lang, posted ? posted->scopes : joined(u.scopes, " "), errors);
  h += std::string("<button type=\"submit\">") + tr(lang, "Spara roller och formulär", "Save roles and forms") + "</button></form>";

  h += "<h2>" + std::string(tr(lang, "Nytt lösenord", "New password")) + "</h2>";
  h += "<form method=\"post\" action=\"" + base + "/password\" novalidate>" + csrf_input(who);
  h += text_field(lang, "new_password", tr(lang, "Nytt lösenord (minst 12 tecken)", "New password (at least 12 characters)"), "password",
                  "", "new-password", errors);
  h += std::string("<button type=\"submit\">") + tr(lang, "Byt lösenord", "Set password") + "</button></form>";

  h += "<h2>" + std::string(tr(lang, "Konto", "Account")) + "</h2>";
  h += "<form method=\"post\" action=\"" + base + "/status\">" + csrf_input(who) + "<input type=\"hidden\" name=\"disabled\" value=\"" +
       (u.disabled ? "0" : "1") + "\">" + field_error_html(lang, errors, "status") + "<button type=\"submit\" id=\"status\">" +
       (u.disabled ? tr(lang, "Aktivera kontot", "Enable the account") : tr(lang, "Stäng av kontot", "Disable the account")) +
       "</button></form>";
  send_admin_page(req, res, status, who, u.display_name, h);
}

// The user of /admin/users/{id}, or nullopt with a 404 page sent.
std::optional<User> user_or_404(const httplib::Request& req, httplib::Response& res, Store& store, const SignedIn& who) {
  const std::string lang = page_lang(req);
  Result<std::optional<User>> u = get_user(store, std::stoll(req.matches[1].str()));
  if (!u) {
    send_trouble(req, res, who);
    return std::nullopt;
  }
  if (!u.value()) {
    send_admin_page(req, res, 404, who, tr(lang, "Användaren finns inte", "No such user"),
                    std::string("<h1>") + tr(lang, "Användaren finns inte", "No such user") + "</h1><p><a href=\"/admin\">" +
                        tr(lang, "Alla användare", "All users") + "</a></p>");
  }
  return u.value();
}

void post_access(const httplib::Request& req, httplib::Response& res, Store& store, const SignedIn& who, const User& u) {
  const std::string lang = page_lang(req);
  UserForms posted{posted_roles(req), form_value(req, "scopes"), {}};
  const std::vector<std::string> scopes = split_words(posted.scopes);
  if (posted.roles.empty()) posted.errors.push_back(field_error(lang, Error{"user.no_role", "", 0, 0, ""}, ""));
  if (!std::all_of(scopes.begin(), scopes.end(), [](const std::string& s) { return valid_scope(s); })) {
    posted.errors.push_back(field_error(lang, Error{"user.bad_scope", "", 0, 0, ""}, ""));
  }
  // The web cannot lock every administrator out: that is left to the command line.
  if (!posted.roles.empty() && u.id == who.user.id && !std::count(posted.roles.begin(), posted.roles.end(), Role::admin)) {
    posted.errors.push_back({"role-admin", tr(lang, "Du kan inte ta bort din egen administratörsroll",
                                              "You cannot remove your own administrator role")});
  }
  if (!posted.errors.empty()) return user_page(req, res, who, u, 400, &posted);

  std::vector<Role> roles = posted.roles;
  std::sort(roles.begin(), roles.end());
  roles.erase(std::unique(roles.begin(), roles.end()), roles.end());
  std::vector<std::string> sorted_scopes = scopes;
  std::sort(sorted_scopes.begin(), sorted_scopes.end());
  sorted_scopes.erase(std::unique(sorted_scopes.begin(), sorted_scopes.end()), sorted_scopes.end());
  const std::string target = "user:" + std::to_string(u.id);
  if (roles != u.roles) {
    if (!set_roles(store, u.id, roles).ok() || !audit(store, who, "user.roles", target, {{"roles", role_names(roles)}})) {
      return send_trouble(req, res, who);
    }
  }
  if (sorted_scopes != u.scopes) {
    if (!set_scopes(store, u.id, sorted_scopes).ok() || !audit(store, who, "user.scopes", target, {{"scopes", sorted_scopes}})) {
      return send_trouble(req, res, who);
    }
  }
  res.set_redirect("/admin/users/" + std::to_string(u.id) + "?done=access", 303);
}

void post_password(const httplib::Request& req, httplib::Response& res, Store& store, const SignedIn& who, const User& u) {
  const std::string lang = page_lang(req);
  Result<bool> changed = set_password(store, u.username, form_value(req, "new_password"));
  if (!changed) {
    if (is_storage_error(changed.errors())) return send_trouble(req, res, who);
    UserForms posted{u.roles, joined(u.scopes, " "), field_errors(lang, changed.errors(), "new_password")};
    return user_page(req, res, who, u, 400, &posted);
  }
  if (!audit(store, who, "user.password", "user:" + std::to_string(u.id), nlohmann::json::object())) {
    return send_trouble(req, res, who);
  }
  // An admin who set their own password has just ended their own session too.
  res.set_redirect(u.id == who.user.id ? "/login" : "/admin/users/" + std::to_string(u.id) + "?done=password", 303);
}

void post_status(const httplib::Request& req, httplib::Response& res, Store& store, const SignedIn& who, const User& u) {
  const std::string lang = page_lang(req);
  const std::string value = form_value(req, "disabled");
  if (value != "0" && value != "1") {
    UserForms posted{u.roles, joined(u.scopes, " "), {{"status", tr(lang, "Välj att stänga av eller aktivera kontot", "Choose to disable or enable the account")}}};
    return user_page(req, res, who, u, 400, &posted);
  }
  const bool disable = value == "1";
  if (disable && u.id == who.user.id) {
    UserForms posted{u.roles, joined(u.scopes, " "), {{"status", tr(lang, "Du kan inte stänga av ditt eget konto", "You cannot disable your own account")}}};
    return user_page(req, res, who, u, 400, &posted);
  }
  if (!set_disabled(store, u.username, disable).ok() ||
      !audit(store, who, disable ? "user.disable" : "user.enable", "user:" + std::to_string(u.id), nlohmann::json::object())) {
    return send_trouble(req, res, who);
  }
  res.set_redirect("/admin/users/" + std::to_string(u.id) + (disable ? "?done=disabled" : "?done=enabled"), 303);
}

// --- [SECTION] Form groups -----------------------------------------------------------------

struct GroupForm {
  std::string name, form_ids;
  std::vector<FieldError> errors;
};

void groups_page(const httplib::Request& req, httplib::Response& res, Store& store, const SignedIn& who, AppContext& app,
                 int status, const GroupForm& form) {
  const std::string lang = page_lang(req);
  Result<std::vector<FormGroup>> groups = list_form_groups(store);
  if (!groups) return send_trouble(req, res, who);
  std::string h = error_summary_html(lang, form.errors) + notice_html(req);
  h += "<p><a href=\"/admin\">" + std::string(tr(lang, "Alla användare", "All users")) + "</a></p>";
  h += std::string("<h1>") + tr(lang, "Formulärgrupper", "Form groups") + "</h1>";
  h += std::string("<p>") + tr(lang, "En handläggare med group:namn ser ärendena i alla gruppens formulär.",
                               "A caseworker with group:name sees the cases of every form of the group.") + "</p>";
  if (groups.value().empty()) {
    h += std::string("<p>") + tr(lang, "Det finns inga grupper än.", "There are no groups yet.") + "</p>";
  } else {
    h += std::string("<div class=\"table-wrap\" tabindex=\"0\"><table><caption>") + tr(lang, "Grupper", "Groups") + "</caption><thead><tr><th scope=\"col\">" +
         tr(lang, "Grupp", "Group") + "</th><th scope=\"col\">" + tr(lang, "Formulär", "Forms") + "</th></tr></thead><tbody>";
    for (const FormGroup& g : groups.value()) {
      h += "<tr><th scope=\"row\">" + html_escape(g.name) + "</th><td>" + html_escape(joined(g.form_ids, ", ")) + "</td></tr>";
    }
    h += "</tbody></table></div>";
  }
  std::vector<std::string> published;
  for (const FormPtr& f : app.catalog.current()) published.push_back(form_id(*f));

  h += std::string("<h2>") + tr(lang, "Spara en grupp", "Save a group") + "</h2>";
  h += "<form method=\"post\" action=\"/admin/groups\" novalidate>" + csrf_input(who);
  h += text_field(lang, "group", tr(lang, "Gruppens namn", "Group name"), "text", form.name, "off", form.errors);
  h += std::string("<div class=\"form-group\"><label for=\"form_ids\">") + tr(lang, "Formulär", "Forms") +
       "</label><p class=\"hint\" id=\"form_ids-hint\">" +
       tr(lang, "Formulär-id åtskilda med mellanslag. Inga formulär tar bort gruppen. Publicerade nu: ",
          "Form ids separated by spaces. No forms removes the group. Published now: ") +
       html_escape(joined(published, ", ")) + "</p>" + field_error_html(lang, form.errors, "form_ids") +
       "<input id=\"form_ids\" name=\"form_ids\" type=\"text\" value=\"" + html_escape(form.form_ids) + "\"" +
       (field_error_attrs(form.errors, "form_ids").empty() ? std::string(" aria-describedby=\"form_ids-hint\"")
                                                           : " aria-invalid=\"true\" aria-describedby=\"form_ids-hint form_ids-error\"") +
       "></div>";
  h += std::string("<button type=\"submit\">") + tr(lang, "Spara gruppen", "Save the group") + "</button></form>";
  send_admin_page(req, res, status, who, tr(lang, "Formulärgrupper", "Form groups"), h);
}

void post_group(const httplib::Request& req, httplib::Response& res, Store& store, const SignedIn& who, AppContext& app) {
  const std::string lang = page_lang(req);
  GroupForm form{form_value(req, "group"), form_value(req, "form_ids"), {}};
  const std::vector<std::string> ids = split_words(form.form_ids);
  Result<bool> saved = set_form_group(store, form.name, ids);
  if (!saved) {
    if (is_storage_error(saved.errors())) return send_trouble(req, res, who);
    for (const Error& e : saved.errors()) {
      if (e.pointer == "/group") {
        form.errors.push_back({"group", tr(lang, "Gruppens namn ska vara små bokstäver, siffror och bindestreck och börja med en bokstav",
                                           "The group name must be lower-case letters, digits and hyphens, starting with a letter")});
      } else {
        form.errors.push_back({"form_ids", tr(lang, "Skriv formulär-id med små bokstäver, siffror och bindestreck",
                                              "Enter form ids in lower-case letters, digits and hyphens")});
      }
    }
    return groups_page(req, res, store, who, app, 400, form);
  }
  if (!audit(store, who, "group.set", "group:" + form.name, {{"form_ids", ids}})) return send_trouble(req, res, who);
  res.set_redirect("/admin/groups?done=group", 303);
}

// --- [SECTION] Routes ----------------------------------------------------------------------

// Runs `handle` for a signed-in admin with the request's store; for POSTs after the CSRF
// check.
template <typename Handle>
void as_admin(const httplib::Request& req, httplib::Response& res, AppContext& app, bool post, Handle handle) {
  std::optional<SignedIn> who = require_page(req, res, app, {Role::admin});
  if (!who) return;
  if (post && !check_csrf(req, res, *who)) return;
  Result<Store*> store = request_store(app.database_path);
  if (!store) return send_trouble(req, res, *who);
  handle(*store.value(), *who);
}

}  // namespace

void register_admin_routes(httplib::Server& http, AppContext& app) {
  http.Get("/admin", [&app](const httplib::Request& req, httplib::Response& res) {
    as_admin(req, res, app, false, [&](Store& store, const SignedIn& who) { users_page(req, res, store, who, 200, AddForm{}); });
  });
  http.Post("/admin/users", [&app](const httplib::Request& req, httplib::Response& res) {
    as_admin(req, res, app, true, [&](Store& store, const SignedIn& who) { post_add_user(req, res, store, who); });
  });
  http.Get(R"(/admin/users/(\d{1,15}))", [&app](const httplib::Request& req, httplib::Response& res) {
    as_admin(req, res, app, false, [&](Store& store, const SignedIn& who) {
      if (std::optional<User> u = user_or_404(req, res, store, who)) user_page(req, res, who, *u, 200, nullptr);
    });
  });
  auto user_post = [&http, &app](const char* pattern, void (*handle)(const httplib::Request&, httplib::Response&, Store&,
                                                                      const SignedIn&, const User&)) {
    http.Post(pattern, [&app, handle](const httplib::Request& req, httplib::Response& res) {
      as_admin(req, res, app, true, [&](Store& store, const SignedIn& who) {
        if (std::optional<User> u = user_or_404(req, res, store, who)) handle(req, res, store, who, *u);
      });
    });
  };
  user_post(R"(/admin/users/(\d{1,15})/access)", post_access);
  user_post(R"(/admin/users/(\d{1,15})/password)", post_password);
  user_post(R"(/admin/users/(\d{1,15})/status)", post_status);
  http.Get("/admin/groups", [&app](const httplib::Request& req, httplib::Response& res) {
    as_admin(req, res, app, false, [&](Store& store, const SignedIn& who) { groups_page(req, res, store, who, app, 200, GroupForm{}); });
  });
  http.Post("/admin/groups", [&app](const httplib::Request& req, httplib::Response& res) {
    as_admin(req, res, app, true, [&](Store& store, const SignedIn& who) { post_group(req, res, store, who, app); });
  });
}

}  // namespace blankett
