// Sign-in against a real server on a loopback port: the cookie, wrong passwords that do
// not tell whether the user exists, throttling, logout and its CSRF check, redirects that
// stay on the site, and sessions that stop when the account does.
#include "web_auth.h"

#include <gtest/gtest.h>

#include "audit_log.h"
#include "test_server.h"

namespace blankett {
namespace {

constexpr const char* kPassword = "correct horse battery";

class WebAuthTest : public TestServer {
 protected:
  int64_t add(const std::string& username, std::vector<Role> roles) {
    return add_user_with_password(username, "Anna Andersson", kPassword, std::move(roles));
  }
  httplib::Result login(const std::string& username, const std::string& password, const std::string& next = "",
                        const httplib::Headers& headers = {}) {
    httplib::Params form{{"username", username}, {"password", password}};
    if (!next.empty()) form.emplace("next", next);
    return client_->Post("/login", headers, form);
  }
  // The session token out of a Set-Cookie header.
  static std::string token_of(const httplib::Response& res) {
    const std::string cookie = res.get_header_value("Set-Cookie");
    const std::string prefix = std::string(kSessionCookie) + "=";
    if (cookie.rfind(prefix, 0) != 0) return "";
    return cookie.substr(prefix.size(), cookie.find(';') - prefix.size());
  }
  static httplib::Headers with_session(const std::string& token) {
    return {{"Cookie", std::string(kSessionCookie) + "=" + token}};
  }
  std::string csrf_of(const std::string& token) {
    Result<std::optional<Session>> s = resume_session(*store_, token, utc_now(), SessionPolicy{});
    return s.ok() && s.value() ? s.value()->csrf_token : "";
  }
  // Sign-in entries, oldest first (the server's start adds entries of its own).
  std::vector<std::string> audit_actions() {
    std::vector<std::string> actions;
    Result<std::vector<AuditEntry>> entries = list_audit(*store_, 0, 100);
    EXPECT_TRUE(entries.ok());
    if (entries.ok()) {
      for (auto it = entries.value().rbegin(); it != entries.value().rend(); ++it) {
        if (it->action.rfind("log", 0) == 0) actions.push_back(it->action);
      }
    }
    return actions;
  }
  std::string raw_login_location(const std::string& encoded_next) {
    const std::string body = "username=anna&password=correct+horse+battery&next=" + encoded_next;
    const std::string response = raw_request("POST /login HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                                             "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " +
                                             std::to_string(body.size()) + "\r\n\r\n" + body);
    const size_t at = response.find("\r\nLocation: ");
    if (at == std::string::npos) return "(none)";
    return response.substr(at + 12, response.find("\r\n", at + 2) - at - 12);
  }
};

TEST_F(WebAuthTest, LoginPageIsAnAccessibleForm) {
  httplib::Result res = client_->Get("/login?lang=en");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_NE(res->body.find("<label for=\"username\">Username</label>"), std::string::npos) << res->body;
  EXPECT_NE(res->body.find("<label for=\"password\">Password</label>"), std::string::npos);
  EXPECT_NE(res->body.find("autocomplete=\"current-password\""), std::string::npos);
  EXPECT_EQ(res->body.find("<script"), std::string::npos);
  EXPECT_EQ(res->body.find("style="), std::string::npos);
}

TEST_F(WebAuthTest, LoginSetsAnHttpOnlySameSiteStrictCookieAndRedirectsByRole) {
  add("anna", {Role::caseworker});
  add("dev", {Role::developer});
  add("boss", {Role::admin});
  httplib::Result res = login("Anna", kPassword);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 303);
  EXPECT_EQ(res->get_header_value("Location"), "/inbox");
  const std::string cookie = res->get_header_value("Set-Cookie");
  EXPECT_EQ(cookie.rfind("blankett_session=", 0), 0u) << cookie;
  EXPECT_NE(cookie.find("; HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("; SameSite=Strict"), std::string::npos);
  EXPECT_NE(cookie.find("; Path=/"), std::string::npos);
  EXPECT_EQ(cookie.find("Secure"), std::string::npos);  // plain HTTP
  EXPECT_EQ(cookie.find("Max-Age"), std::string::npos);
  EXPECT_EQ(token_of(*res).size(), 43u);
  EXPECT_EQ(login("dev", kPassword)->get_header_value("Location"), "/admin/forms");
  EXPECT_EQ(login("boss", kPassword)->get_header_value("Location"), "/admin");
  EXPECT_EQ(audit_actions(), (std::vector<std::string>{"login", "login", "login"}));
}

TEST_F(WebAuthTest, SessionCookieIsSecureOverTls) {
  Session s;
  s.token = "abc";
  EXPECT_EQ(session_cookie(s, true), "blankett_session=abc; Path=/; HttpOnly; SameSite=Strict; Secure");
  EXPECT_EQ(session_cookie(s, false), "blankett_session=abc; Path=/; HttpOnly; SameSite=Strict");
}

TEST_F(WebAuthTest, WrongPasswordAndUnknownUserGetTheSameAnswer) {
  add("anna", {Role::caseworker});
  const httplib::Headers english{{"Cookie", "blankett_lang=en"}};
  httplib::Result wrong = login("anna", "not the password", "", english);
  httplib::Result unknown = login("zorro", "not the password", "", english);
  ASSERT_TRUE(wrong && unknown);
  EXPECT_EQ(wrong->status, 401);
  EXPECT_EQ(unknown->status, 401);
  EXPECT_FALSE(wrong->has_header("Set-Cookie"));
  EXPECT_NE(wrong->body.find("Wrong username or password"), std::string::npos) << wrong->body;
  EXPECT_NE(wrong->body.find("<title>Error: Sign in"), std::string::npos);
  EXPECT_NE(wrong->body.find("class=\"error-summary\" role=\"alert\" tabindex=\"-1\""), std::string::npos);
  EXPECT_NE(wrong->body.find("aria-invalid=\"true\""), std::string::npos);
  EXPECT_EQ(wrong->body.find("not the password"), std::string::npos);  // never echoed
  std::string wrong_body = wrong->body;
  wrong_body.replace(wrong_body.find("value=\"anna\""), 12, "value=\"zorro\"");
  EXPECT_EQ(wrong_body, unknown->body);
  EXPECT_EQ(audit_actions(), (std::vector<std::string>{"login.failed", "login.failed"}));
}

TEST_F(WebAuthTest, EmptyFieldsAreReportedWithoutATry) {
  httplib::Result res = login("", "", "", {{"Cookie", "blankett_lang=en"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_NE(res->body.find("<a href=\"#username\">Enter your username</a>"), std::string::npos) << res->body;
  EXPECT_NE(res->body.find("<a href=\"#password\">Enter your password</a>"), std::string::npos);
  EXPECT_NE(res->body.find("aria-describedby=\"username-error\""), std::string::npos);
  EXPECT_TRUE(audit_actions().empty());
}

TEST_F(WebAuthTest, RepeatedFailuresAreThrottledEvenForTheRightPassword) {
  add("anna", {Role::caseworker});
  for (int i = 0; i < 5; ++i) ASSERT_EQ(login("anna", "guess number " + std::to_string(i))->status, 401);
  httplib::Result res = login("ANNA", kPassword, "", {{"Cookie", "blankett_lang=en"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 429);
  EXPECT_EQ(res->get_header_value("Retry-After"), "30");
  EXPECT_NE(res->body.find("Too many attempts, try again in 1 minute."), std::string::npos) << res->body;
  EXPECT_FALSE(res->has_header("Set-Cookie"));
  EXPECT_EQ(audit_actions().back(), "login.throttled");
}

TEST_F(WebAuthTest, LogoutNeedsTheCsrfToken) {
  add("boss", {Role::admin});
  const std::string token = token_of(*login("boss", kPassword));
  ASSERT_FALSE(token.empty());
  const std::string csrf = csrf_of(token);
  ASSERT_EQ(csrf.size(), 43u);

  httplib::Result none = client_->Post("/logout", with_session(token), httplib::Params{});
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 403);
  httplib::Result wrong = client_->Post("/logout", with_session(token), httplib::Params{{"csrf", csrf.substr(1) + "x"}});
  EXPECT_EQ(wrong->status, 403);
  // The token in the query string does not count: only the form body or the header.
  httplib::Result in_query = client_->Post(("/logout?csrf=" + csrf).c_str(), with_session(token), httplib::Params{});
  EXPECT_EQ(in_query->status, 403);
  EXPECT_EQ(client_->Get("/admin", with_session(token))->status, 200);  // still signed in

  httplib::Result right = client_->Post("/logout", with_session(token), httplib::Params{{"csrf", csrf}});
  ASSERT_TRUE(right);
  EXPECT_EQ(right->status, 303);
  EXPECT_EQ(right->get_header_value("Location"), "/login?signed_out=1");
  EXPECT_NE(right->get_header_value("Set-Cookie").find("Max-Age=0"), std::string::npos);
  httplib::Result after = client_->Get("/admin", with_session(token));
  EXPECT_EQ(after->status, 303);
  EXPECT_EQ(after->get_header_value("Location"), "/login?next=/admin");  // as decoded by httplib
  EXPECT_EQ(audit_actions().back(), "logout");
}

TEST_F(WebAuthTest, CsrfTokenAlsoWorksAsAHeader) {
  add("boss", {Role::admin});
  const std::string token = token_of(*login("boss", kPassword));
  httplib::Headers headers = with_session(token);
  headers.emplace("X-CSRF-Token", csrf_of(token));
  EXPECT_EQ(client_->Post("/logout", headers, httplib::Params{})->status, 303);
  EXPECT_EQ(client_->Get("/admin", with_session(token))->status, 303);
}

TEST_F(WebAuthTest, PagesRedirectToLoginWithTheWayBack) {
  const std::string res = raw_request("GET /admin/users/1?lang=en HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(res.rfind("HTTP/1.1 303", 0), 0u) << res;
  EXPECT_NE(res.find("\r\nLocation: /login?next=%2Fadmin%2Fusers%2F1%3Flang%3Den\r\n"), std::string::npos) << res;
  EXPECT_NE(res.find("\r\nContent-Length: 0\r\n"), std::string::npos) << res;
}

TEST_F(WebAuthTest, NextOnlyLeadsToPathsOnThisSite) {
  add("anna", {Role::caseworker});
  EXPECT_EQ(login("anna", kPassword, "/inbox/cases/7?x=1")->get_header_value("Location"), "/inbox/cases/7?x=1");
  // Form-encoded as a browser would send them.
  for (const char* next : {"%2F%2Fevil.example", "https%3A%2F%2Fevil.example%2F", "%2F%5Cevil.example", "%5C%5Cevil.example",
                           "evil", "%2F%0D%0ASet-Cookie%3A+x%3D1", "javascript%3Aalert(1)", "%2F%09%2Fevil.example"}) {
    EXPECT_EQ(raw_login_location(next), "/inbox") << next;
  }
  // The login page passes a local next on in its form, escaped.
  httplib::Result page = client_->Get("/login?next=%2Finbox%22%3E%3Cscript%3E");
  EXPECT_NE(page->body.find("name=\"next\" value=\"/inbox&quot;&gt;&lt;script&gt;\""), std::string::npos) << page->body;
  EXPECT_EQ(client_->Get("/login?next=%2F%2Fevil.example")->body.find("evil"), std::string::npos);
}

TEST_F(WebAuthTest, SignedInVisitorOfLoginGoesOn) {
  add("anna", {Role::caseworker});
  const std::string token = token_of(*login("anna", kPassword));
  httplib::Result res = client_->Get("/login", with_session(token));
  EXPECT_EQ(res->status, 303);
  EXPECT_EQ(res->get_header_value("Location"), "/inbox");
}

TEST_F(WebAuthTest, DisabledUsersSessionStopsWorking) {
  add("boss", {Role::admin});
  add("other", {Role::admin});
  const std::string token = token_of(*login("boss", kPassword));
  EXPECT_EQ(client_->Get("/admin", with_session(token))->status, 200);
  ASSERT_TRUE(set_disabled(*store_, "boss", true).ok());
  EXPECT_EQ(client_->Get("/admin", with_session(token))->status, 303);
  EXPECT_EQ(login("boss", kPassword)->status, 401);
}

TEST_F(WebAuthTest, MissingRoleIsAForbiddenPageWithoutData) {
  add("anna", {Role::caseworker});
  const std::string token = token_of(*login("anna", kPassword));
  httplib::Result res = client_->Get("/admin?lang=en", with_session(token));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 403);
  EXPECT_NE(res->body.find("You do not have access to this page"), std::string::npos);
  EXPECT_EQ(res->body.find("<table"), std::string::npos);
}

TEST_F(WebAuthTest, CrossSiteLoginFormsAreRefused) {
  add("anna", {Role::caseworker});
  httplib::Result res = login("anna", kPassword, "", {{"Sec-Fetch-Site", "cross-site"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 403);
  EXPECT_FALSE(res->has_header("Set-Cookie"));
  EXPECT_EQ(login("anna", kPassword, "", {{"Sec-Fetch-Site", "same-origin"}})->status, 303);
}

TEST_F(WebAuthTest, ANewLoginEndsTheSessionTheBrowserCameWith) {
  add("anna", {Role::caseworker});
  const std::string planted = token_of(*login("anna", kPassword));
  const std::string fresh = token_of(*login("anna", kPassword, "", with_session(planted)));
  EXPECT_NE(planted, fresh);
  EXPECT_FALSE(resume_session(*store_, planted, utc_now(), SessionPolicy{}).value().has_value());
  EXPECT_TRUE(resume_session(*store_, fresh, utc_now(), SessionPolicy{}).value().has_value());
}

TEST(FormValue, ReadsOnlyTheBody) {
  httplib::Request req;
  req.set_header("Content-Type", "application/x-www-form-urlencoded");
  req.body = "csrf=a%2Bb+c&roles=admin&roles=owner&empty=&bare&bad=%zz";
  req.params.emplace("from_query", "1");
  EXPECT_EQ(form_value(req, "csrf"), "a+b c");
  EXPECT_EQ(form_values(req, "roles"), (std::vector<std::string>{"admin", "owner"}));
  EXPECT_EQ(form_value(req, "empty"), "");
  EXPECT_EQ(form_values(req, "bare").size(), 1u);
  EXPECT_EQ(form_value(req, "bad"), "%zz");
  EXPECT_EQ(form_value(req, "from_query"), "");
  httplib::Request json;
  json.set_header("Content-Type", "application/json");
  json.body = "csrf=x";
  EXPECT_EQ(form_value(json, "csrf"), "");
}

TEST(LocalPath, AcceptsOnlyPathsOnThisSite) {
  EXPECT_EQ(local_path_or_empty("/inbox?page=2"), "/inbox?page=2");
  EXPECT_EQ(local_path_or_empty("/"), "/");
  for (const char* bad : {"", "//evil.example", "/\\evil.example", "https://evil.example", "inbox", "/a\\b", "/a\nb"}) {
    EXPECT_EQ(local_path_or_empty(bad), "") << bad;
  }
}

TEST(ErrorSummary, LinksToEachFieldAndEscapes) {
  const std::vector<FieldError> errors{{"username", "Bad <name>"}};
  const std::string h = error_summary_html("en", errors);
  EXPECT_NE(h.find("<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\""), std::string::npos);
  EXPECT_NE(h.find("<h2 id=\"error-summary-title\">There is a problem</h2>"), std::string::npos);
  EXPECT_NE(h.find("<a href=\"#username\">Bad &lt;name&gt;</a>"), std::string::npos);
  EXPECT_EQ(field_error_attrs(errors, "username"), " aria-invalid=\"true\" aria-describedby=\"username-error\"");
  EXPECT_EQ(field_error_attrs(errors, "password"), "");
  EXPECT_NE(field_error_html("en", errors, "username").find("id=\"username-error\""), std::string::npos);
  EXPECT_EQ(error_summary_html("en", {}), "");
}

}  // namespace
}  // namespace blankett
