// Sign-in over HTTP. Index:
//   [SECTION] Form fields and paths
//   [SECTION] Error summary
//   [SECTION] Who is signed in
//   [SECTION] The login and logout routes
#include "web_auth.h"

#include <httplib.h>

#include <algorithm>

#include "api_response.h"
#include "audit_log.h"
#include "clock.h"
#include "html_page.h"
#include "media_type.h"
#include "request_store.h"

namespace blankett {

namespace {

bool wants_json(const httplib::Request& req) {
  return req.path.rfind("/api/", 0) == 0 || req.get_header_value("Accept").find("application/json") != std::string::npos;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// application/x-www-form-urlencoded: '+' is a space, %XX a byte; a broken escape stays as
// it is (the value is then simply wrong, which the field's own check reports).
std::string form_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

bool is_urlencoded(const httplib::Request& req) {
  return has_media_type(req.get_header_value("Content-Type"), "application/x-www-form-urlencoded");
}

// Calls visit(value) for each field `name` of a urlencoded body.
template <typename Visit>
void each_urlencoded(const std::string& body, const std::string& name, Visit visit) {
  size_t start = 0;
  while (start <= body.size()) {
    size_t end = body.find('&', start);
    if (end == std::string::npos) end = body.size();
    const std::string_view pair(body.data() + start, end - start);
    const size_t eq = pair.find('=');
    const std::string_view key = pair.substr(0, eq);
    if (form_decode(key) == name) visit(eq == std::string_view::npos ? std::string() : form_decode(pair.substr(eq + 1)));
    start = end + 1;
  }
}

// True when the entry was stored.
bool audit(Store& store, const std::string& actor, const std::string& action, const std::string& target) {
  AuditEntry e;
  e.actor = actor;
  e.action = action;
  e.target = target;
  return append_audit(store, std::move(e)).ok();
}

void send_error_page(const httplib::Request& req, httplib::Response& res, int status, const SignedIn* who,
                     const char* title_sv, const char* title_en, const char* text_sv, const char* text_en) {
  const std::string lang = page_lang(req);
  PageFrame frame{lang, tr(lang, title_sv, title_en), who, req.path};
  send_page(req, res, status, frame,
            std::string("<h1>") + html_escape(tr(lang, title_sv, title_en)) + "</h1><p>" + html_escape(tr(lang, text_sv, text_en)) +
                "</p>");
}

void send_server_error(const httplib::Request& req, httplib::Response& res) {
  if (wants_json(req)) {
    return send_json(res, error_response(500, Error{"server.internal", "", 0, 0, "internal error; nothing was changed"}));
  }
  send_error_page(req, res, 500, nullptr, "Något gick fel", "Something went wrong", "Försök igen om en stund.",
                  "Please try again in a moment.");
}

bool any_role(const User& user, std::initializer_list<Role> any_of) {
  if (any_of.size() == 0) return true;
  return std::any_of(any_of.begin(), any_of.end(), [&](Role r) { return user.has(r); });
}

}  // namespace

// --- [SECTION] Form fields and paths -------------------------------------------------------

std::string form_value(const httplib::Request& req, const std::string& name) {
  std::vector<std::string> values = form_values(req, name);
  return values.empty() ? std::string() : values.front();
}

std::vector<std::string> form_values(const httplib::Request& req, const std::string& name) {
  std::vector<std::string> values;
  if (is_urlencoded(req)) {
    each_urlencoded(req.body, name, [&](std::string v) { values.push_back(std::move(v)); });
  } else if (req.is_multipart_form_data()) {
    auto range = req.files.equal_range(name);
    for (auto it = range.first; it != range.second; ++it) values.push_back(it->second.content);
  }
  return values;
}

std::string local_path_or_empty(const std::string& next) {
  if (next.empty() || next.size() > 2000 || next[0] != '/') return "";
  if (next.size() > 1 && (next[1] == '/' || next[1] == '\\')) return "";  // "//host" is another site
  for (unsigned char c : next) {
    if (c == '\\' || c < 0x20 || c == 0x7F) return "";  // browsers read "\" as "/"; CR LF split headers
  }
  return next;
}

std::string landing_path(const User& user) {
  if (user.has(Role::caseworker)) return "/inbox";
  if (user.has(Role::developer) || user.has(Role::owner)) return "/admin/forms";
  if (user.has(Role::admin)) return "/admin";
  return "/";
}

// --- [SECTION] Error summary ---------------------------------------------------------------

std::string error_summary_html(const std::string& lang, const std::vector<FieldError>& errors) {
  if (errors.empty()) return "";
  std::string h = "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\" autofocus aria-labelledby=\"error-summary-title\">";
  h += std::string("<h2 id=\"error-summary-title\">") + tr(lang, "Det finns ett problem", "There is a problem") + "</h2><ul>";
  for (const FieldError& e : errors) {
    h += "<li><a href=\"#" + html_escape(e.field_id) + "\">" + html_escape(e.message) + "</a></li>";
  }
  return h + "</ul></div>";
}

std::string field_error_html(const std::string& lang, const std::vector<FieldError>& errors, const std::string& field_id) {
  for (const FieldError& e : errors) {
    if (e.field_id == field_id) {
      return "<p class=\"error-message\" id=\"" + html_escape(field_id) + "-error\"><span class=\"visually-hidden\">" +
             tr(lang, "Fel:", "Error:") + "</span> " + html_escape(e.message) + "</p>";
    }
  }
  return "";
}

std::string field_error_attrs(const std::vector<FieldError>& errors, const std::string& field_id) {
  for (const FieldError& e : errors) {
    if (e.field_id == field_id) return " aria-invalid=\"true\" aria-describedby=\"" + html_escape(field_id) + "-error\"";
  }
  return "";
}

// --- [SECTION] Who is signed in ------------------------------------------------------------

std::optional<SignedIn> signed_in(const httplib::Request& req, AppContext& app) {
  const std::string token = request_cookie(req, kSessionCookie);
  if (token.empty()) return std::nullopt;
  Result<Store*> store = request_store(app.database_path);
  if (!store) return std::nullopt;
  Result<std::optional<Session>> session = resume_session(*store.value(), token, utc_now(), app.sessions);
  if (!session || !session.value()) return std::nullopt;
  Result<std::optional<User>> user = get_user(*store.value(), session.value()->user_id);
  if (!user || !user.value() || user.value()->disabled) return std::nullopt;
  return SignedIn{std::move(*user.value()), std::move(*session.value())};
}

std::optional<SignedIn> require_page(const httplib::Request& req, httplib::Response& res, AppContext& app,
                                     std::initializer_list<Role> any_of) {
  std::optional<SignedIn> who = signed_in(req, app);
  if (!who) {
    // The way back only for GET: after a POST it would lead to a form's action, not a page.
    const std::string here = req.target.empty() ? req.path : req.target;
    res.set_redirect(req.method == "GET" ? "/login?next=" + url_encode(here) : std::string("/login"), 303);
    res.set_header("Cache-Control", "no-store");
    return std::nullopt;
  }
  if (!any_role(who->user, any_of)) {
    send_error_page(req, res, 403, &*who, "Ingen behörighet", "No access", "Du har inte behörighet till den här sidan.",
                    "You do not have access to this page.");
    return std::nullopt;
  }
  return who;
}

std::optional<SignedIn> require_api(const httplib::Request& req, httplib::Response& res, AppContext& app,
                                    std::initializer_list<Role> any_of) {
  std::optional<SignedIn> who = signed_in(req, app);
  if (!who) {
    send_json(res, error_response(401, Error{"auth.required", "", 0, 0, "sign in first"}));
    return std::nullopt;
  }
  if (!any_role(who->user, any_of)) {
    send_json(res, error_response(403, Error{"auth.forbidden", "", 0, 0, "you do not have access to this"}));
    return std::nullopt;
  }
  return who;
}

bool check_csrf(const httplib::Request& req, httplib::Response& res, const SignedIn& who) {
  std::string sent = req.get_header_value("X-CSRF-Token");
  if (sent.empty()) sent = form_value(req, "csrf");
  if (tokens_equal(sent, who.session.csrf_token)) return true;
  if (wants_json(req)) {
    send_json(res, error_response(403, Error{"auth.csrf", "", 0, 0, "the request lacks this session's CSRF token"}));
  } else {
    send_error_page(req, res, 403, &who, "Sidan har gått ut", "The page has expired",
                    "Formuläret skickades inte. Gå tillbaka, ladda om sidan och försök igen.",
                    "The form was not sent. Go back, reload the page and try again.");
  }
  return false;
}

std::string session_cookie(const Session& session, bool tls) {
  // No Max-Age: the cookie ends with the browser; the server enforces idle and absolute
  // expiry itself.
  return std::string(kSessionCookie) + "=" + session.token + "; Path=/; HttpOnly; SameSite=Strict" + (tls ? "; Secure" : "");
}

// --- [SECTION] The login and logout routes -------------------------------------------------

namespace {

struct LoginForm {
  std::string username;  // echoed back after a failure; never the password
  std::string next;
  std::vector<FieldError> errors;
  std::string notice;  // a plain-text message above the form (signed out, throttled)
};

std::string login_body(const std::string& lang, const LoginForm& f) {
  std::string h = error_summary_html(lang, f.errors);
  h += std::string("<h1>") + tr(lang, "Logga in", "Sign in") + "</h1>";
  if (!f.notice.empty()) h += "<p class=\"notice\" role=\"status\">" + html_escape(f.notice) + "</p>";
  h += "<form method=\"post\" action=\"/login\" novalidate>";
  if (!f.next.empty()) h += "<input type=\"hidden\" name=\"next\" value=\"" + html_escape(f.next) + "\">";
  h += std::string("<div class=\"form-group\"><label for=\"username\">") + tr(lang, "Användarnamn", "Username") + "</label>" +
       field_error_html(lang, f.errors, "username") +
       "<input id=\"username\" name=\"username\" type=\"text\" autocomplete=\"username\" autocapitalize=\"none\" "
       "spellcheck=\"false\" required value=\"" + html_escape(f.username) + "\"" + field_error_attrs(f.errors, "username") +
       "></div>";
  h += std::string("<div class=\"form-group\"><label for=\"password\">") + tr(lang, "Lösenord", "Password") + "</label>" +
       field_error_html(lang, f.errors, "password") +
       "<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required" +
       field_error_attrs(f.errors, "password") + "></div>";
  h += std::string("<button type=\"submit\">") + tr(lang, "Logga in", "Sign in") + "</button></form>";
  return h;
}

void send_login(const httplib::Request& req, httplib::Response& res, int status, const LoginForm& form) {
  const std::string lang = page_lang(req);
  const std::string title = std::string(form.errors.empty() ? "" : tr(lang, "Fel: ", "Error: ")) + tr(lang, "Logga in", "Sign in");
  send_page(req, res, status, PageFrame{lang, title, nullptr, "/login"}, login_body(lang, form));
}

std::string lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

// A browser tells us where a POST comes from. A sign-in form on another site must not
// sign the visitor in to an account of the other site's choosing (login CSRF): there is
// no session yet, so no CSRF token; Sec-Fetch-Site is what is left.
bool cross_site(const httplib::Request& req) {
  const std::string site = req.get_header_value("Sec-Fetch-Site");
  return site == "cross-site" || site == "same-site";
}

std::string target_of(Store& store, const std::string& username) {
  Result<std::optional<User>> user = find_user(store, username);
  return user && user.value() ? "user:" + std::to_string(user.value()->id) : "";
}

void post_login(const httplib::Request& req, httplib::Response& res, AppContext& app) {
  const std::string lang = page_lang(req);
  LoginForm form;
  form.username = form_value(req, "username");
  form.next = local_path_or_empty(form_value(req, "next"));
  const std::string password = form_value(req, "password");
  if (cross_site(req)) {
    return send_error_page(req, res, 403, nullptr, "Inloggningen nekades", "Sign-in refused",
                           "Logga in från den här webbplatsens egen inloggningssida.", "Sign in from this site's own sign-in page.");
  }
  if (form.username.empty()) form.errors.push_back({"username", tr(lang, "Skriv ditt användarnamn", "Enter your username")});
  if (password.empty()) form.errors.push_back({"password", tr(lang, "Skriv ditt lösenord", "Enter your password")});
  if (!form.errors.empty()) return send_login(req, res, 400, form);

  Result<Store*> opened = request_store(app.database_path);
  if (!opened) return send_server_error(req, res);
  Store& store = *opened.value();
  const std::string account = lower(form.username);
  const auto now = LoginThrottle::Clock::now();
  if (const int wait = app.throttle.retry_after_seconds(account, req.remote_addr, now); wait > 0) {
    audit(store, "anonymous", "login.throttled", target_of(store, account));
    const int minutes = (wait + 59) / 60;
    form.notice = std::string(tr(lang, "För många försök. Försök igen om ", "Too many attempts, try again in ")) +
                  std::to_string(minutes) + (minutes == 1 ? tr(lang, " minut.", " minute.") : tr(lang, " minuter.", " minutes."));
    res.set_header("Retry-After", std::to_string(wait));
    return send_login(req, res, 429, form);
  }

  Result<std::optional<User>> user = check_password(store, account, password);
  if (!user) return send_server_error(req, res);
  if (!user.value()) {
    app.throttle.failed(account, req.remote_addr, now);
    audit(store, "anonymous", "login.failed", target_of(store, account));
    // The same words whether or not the username exists.
    form.errors.push_back({"password", tr(lang, "Fel användarnamn eller lösenord", "Wrong username or password")});
    return send_login(req, res, 401, form);
  }
  app.throttle.succeeded(account, now);
  const User& u = *user.value();

  // A session cookie the browser already had (perhaps planted) is not carried over.
  if (const std::string old = request_cookie(req, kSessionCookie); !old.empty()) end_session(store, old);
  Result<Session> session = create_session(store, u.id, utc_now(), app.sessions);
  if (!session) return send_server_error(req, res);
  // A sign-in that cannot be audited does not happen.
  if (!audit(store, "user:" + std::to_string(u.id), "login", "user:" + std::to_string(u.id))) {
    end_session(store, session.value().token);
    return send_server_error(req, res);
  }
  res.set_header("Set-Cookie", session_cookie(session.value(), app.tls));
  res.set_header("Cache-Control", "no-store");
  res.set_redirect(form.next.empty() ? landing_path(u) : form.next, 303);
}

}  // namespace

void register_auth_routes(httplib::Server& http, AppContext& app) {
  http.Get("/login", [&app](const httplib::Request& req, httplib::Response& res) {
    LoginForm form;
    form.next = local_path_or_empty(req.get_param_value("next"));
    if (std::optional<SignedIn> who = signed_in(req, app)) {
      res.set_header("Cache-Control", "no-store");
      return res.set_redirect(form.next.empty() ? landing_path(who->user) : form.next, 303);
    }
    if (req.get_param_value("signed_out") == "1") {
      form.notice = tr(page_lang(req), "Du är utloggad.", "You are signed out.");
    }
    send_login(req, res, 200, form);
  });

  http.Post("/login", [&app](const httplib::Request& req, httplib::Response& res) { post_login(req, res, app); });

  http.Post("/logout", [&app](const httplib::Request& req, httplib::Response& res) {
    std::optional<SignedIn> who = signed_in(req, app);
    if (!who) return res.set_redirect("/login", 303);  // nothing to end
    if (!check_csrf(req, res, *who)) return;
    Result<Store*> store = request_store(app.database_path);
    if (!store) return send_server_error(req, res);
    end_session(*store.value(), request_cookie(req, kSessionCookie));
    audit(*store.value(), "user:" + std::to_string(who->user.id), "logout", "user:" + std::to_string(who->user.id));
    // Max-Age=0 removes the cookie from the browser; the row is already gone.
    res.set_header("Set-Cookie", std::string(kSessionCookie) + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0" +
                                     (app.tls ? "; Secure" : ""));
    res.set_header("Cache-Control", "no-store");
    res.set_redirect("/login?signed_out=1", 303);
  });
}

std::string request_cookie(const httplib::Request& req, const std::string& name) {
  for (size_t i = 0; i < req.get_header_value_count("Cookie"); ++i) {
    const std::string header = req.get_header_value("Cookie", i);
    size_t pos = 0;
    while (pos < header.size()) {
      size_t end = header.find(';', pos);
      if (end == std::string::npos) end = header.size();
      std::string_view part(header.data() + pos, end - pos);
      while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
      const size_t eq = part.find('=');
      if (eq != std::string_view::npos && part.substr(0, eq) == name) return std::string(part.substr(eq + 1));
      pos = end + 1;
    }
  }
  return "";
}

}  // namespace blankett
