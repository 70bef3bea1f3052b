// Sign-in for HTTP: the session cookie, role checks and CSRF checks every protected route
// uses, and the /login and /logout routes. Pages answer a missing session with a redirect
// to /login, JSON endpoints with 401; a missing role is 403 either way, and neither ever
// carries data. Docs: docs/accounts.md.
#pragma once
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "accounts.h"
#include "app_context.h"
#include "sessions.h"
#include "httplib_fwd.h"

namespace blankett {

inline constexpr const char* kSessionCookie = "blankett_session";

struct SignedIn {
  User user;
  Session session;  // token is empty here: only its hash is known after creation
};

// The signed-in user of this request (session cookie), or nullopt.
std::optional<SignedIn> signed_in(const httplib::Request& req, AppContext& app);

// For HTML pages: the user if signed in with one of the roles (any role when the list is
// empty); otherwise answers the response (303 to /login?next=<path> without a session, a
// 403 page without the role) and returns nullopt.
std::optional<SignedIn> require_page(const httplib::Request& req, httplib::Response& res, AppContext& app,
                                     std::initializer_list<Role> any_of);
// The same for JSON endpoints: 401 "auth.required" / 403 "auth.forbidden" as JSON.
std::optional<SignedIn> require_api(const httplib::Request& req, httplib::Response& res, AppContext& app,
                                    std::initializer_list<Role> any_of);

// Every state-changing request of a signed-in user: the form field "csrf" or the header
// X-CSRF-Token must equal the session's token. Otherwise answers 403 "auth.csrf" (JSON
// when the client accepts JSON, else a page) and returns false.
bool check_csrf(const httplib::Request& req, httplib::Response& res, const SignedIn& who);

// The Set-Cookie value for a new session (HttpOnly; SameSite=Strict; Path=/; Secure over TLS).
std::string session_cookie(const Session& session, bool tls);

// A field of a POSTed form (application/x-www-form-urlencoded or multipart/form-data):
// only the body counts, never the query string. "" when absent.
std::string form_value(const httplib::Request& req, const std::string& name);
// Every value of a repeated field (checkboxes), in order.
std::vector<std::string> form_values(const httplib::Request& req, const std::string& name);

// Where "next" may send a user after sign-in: a path on this site ("/…", not "//…", no
// backslash or control characters), else "". Keeps a crafted link from sending a fresh
// login to another site.
std::string local_path_or_empty(const std::string& next);
// Where a user lands after sign-in without a "next": the inbox for caseworkers,
// publishing for form developers and owners, /admin for administrators.
std::string landing_path(const User& user);

// The GOV.UK error summary for a form that failed: a focusable alert with a heading and
// a link to each field. Empty when there are no errors. Messages are plain text.
struct FieldError {
  std::string field_id;  // the id of the input the link goes to
  std::string message;
};
std::string error_summary_html(const std::string& lang, const std::vector<FieldError>& errors);
// The error message under a field (id "<field_id>-error") or "" when it has none, and the
// attributes its input needs: ` aria-invalid="true" aria-describedby="<field_id>-error"`.
std::string field_error_html(const std::string& lang, const std::vector<FieldError>& errors, const std::string& field_id);
std::string field_error_attrs(const std::vector<FieldError>& errors, const std::string& field_id);

// GET /login (form), POST /login (throttled; 303 to the "next" path, only local paths),
// POST /logout (CSRF checked). Logins, failures and logouts go to the audit log.
void register_auth_routes(httplib::Server& http, AppContext& app);

// The value of the cookie `name` in the request's Cookie headers, or "".
std::string request_cookie(const httplib::Request& req, const std::string& name);

}  // namespace blankett
