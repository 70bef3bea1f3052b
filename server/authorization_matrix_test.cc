// The authorization matrix: every protected route, for every kind of caller (no session,
// an expired session, each role, a caseworker of another form, API tokens), answers as
// docs/api.md says — and a refusal never carries data. State-changing routes also refuse
// a missing or wrong CSRF token from a caller who would otherwise be allowed.
//
// A new protected route must be added to kRoutes; RoutesAreAllInTheMatrix fails otherwise.
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "api_tokens.h"
#include "case_store.h"
#include "inbox_test_support.h"
#include "publications.h"
#include "sessions.h"
#include "web_auth.h"

namespace blankett {
namespace {

using inbox_test::InboxServerTest;
using nlohmann::json;

enum class Who { anonymous, expired, admin, developer, owner, caseworker, other_caseworker };

const char* who_name(Who w) {
  switch (w) {
    case Who::anonymous: return "anonymous";
    case Who::expired: return "expired session";
    case Who::admin: return "admin";
    case Who::developer: return "developer";
    case Who::owner: return "owner";
    case Who::caseworker: return "caseworker of skolskjuts";
    case Who::other_caseworker: return "caseworker of kulturskola";
  }
  return "?";
}

const std::vector<Who> kEveryone = {Who::anonymous, Who::expired,   Who::admin,           Who::developer,
                                    Who::owner,     Who::caseworker, Who::other_caseworker};

struct Route {
  std::string method;  // "GET" or "POST"
  std::string path;    // with {ref}, {sha}, {uid}, {pub}, {tok} filled in by the test
  std::set<Who> allowed;
  // For callers who may not: 404 instead of 403 (a case of another form must not be
  // revealed to exist).
  std::set<Who> not_found_instead = {};
};

const std::set<Who> kCaseworkers = {Who::caseworker, Who::other_caseworker};
const std::set<Who> kCaseHandler = {Who::caseworker};
const std::set<Who> kOther = {Who::other_caseworker};

// Every protected page and action. (GET /login, the citizen API, /healthz and static
// files are public by design; /api/publish and /api/integration take tokens, below.)
const std::vector<Route> kRoutes = {
    {"GET", "/inbox", kCaseworkers},
    {"GET", "/inbox/stats", kCaseworkers},
    {"GET", "/inbox/export.csv", kCaseworkers},
    {"GET", "/inbox/export.jsonl", kCaseworkers},
    {"GET", "/inbox/cases/{ref}", kCaseHandler, kOther},
    {"GET", "/inbox/cases/{ref}/print", kCaseHandler, kOther},
    {"GET", "/inbox/cases/{ref}/export.json", kCaseHandler, kOther},
    {"GET", "/inbox/cases/{ref}/attachments/{sha}", kCaseHandler, kOther},
    {"POST", "/inbox/cases/{ref}/status", kCaseHandler, kOther},
    {"POST", "/inbox/cases/{ref}/assign", kCaseHandler, kOther},
    {"POST", "/inbox/cases/{ref}/notes", kCaseHandler, kOther},
    {"POST", "/inbox/cases/{ref}/signers/guardian2/remind", kCaseHandler, kOther},
    {"POST", "/inbox/cases/{ref}/signing-deadline", kCaseHandler, kOther},
    {"POST", "/inbox/cases/{ref}/completion", kCaseHandler, kOther},
    {"POST", "/inbox/cases/{ref}/completion/{uid}/cancel", kCaseHandler, kOther},
    {"GET", "/admin", {Who::admin}},
    {"POST", "/admin/users", {Who::admin}},
    {"GET", "/admin/users/{uid}", {Who::admin}},
    {"POST", "/admin/users/{uid}/access", {Who::admin}},
    {"POST", "/admin/users/{uid}/password", {Who::admin}},
    {"POST", "/admin/users/{uid}/status", {Who::admin}},
    {"GET", "/admin/groups", {Who::admin}},
    {"POST", "/admin/groups", {Who::admin}},
    {"GET", "/admin/tokens", {Who::admin}},
    {"POST", "/admin/tokens", {Who::admin}},
    {"POST", "/admin/tokens/{tok}/revoke", {Who::admin}},
    {"GET", "/admin/outbox", {Who::admin}},
    {"POST", "/admin/outbox/mails/{uid}/retry", {Who::admin}},
    {"POST", "/admin/outbox/deliveries/{uid}/replay", {Who::admin}},
    {"GET", "/admin/forms", {Who::developer, Who::owner}},
    {"GET", "/admin/forms/skolskjuts", {Who::developer, Who::owner}},
    {"POST", "/admin/forms/upload", {Who::developer}},
    {"POST", "/admin/publish-token", {Who::developer}},
    {"POST", "/admin/forms/skolskjuts/unpublish", {Who::owner}},
    {"GET", "/admin/publications/{pub}", {Who::developer, Who::owner}},
    {"POST", "/admin/publications/{pub}/approve", {Who::owner}},
    {"POST", "/admin/publications/{pub}/reject", {Who::owner}},
    {"POST", "/admin/publications/{pub}/preview", {Who::developer, Who::owner}},
    {"POST", "/logout", {Who::admin, Who::developer, Who::owner, Who::caseworker, Who::other_caseworker}},
};

class AuthorizationMatrixTest : public InboxServerTest {
 protected:
  void SetUp() override {
    InboxServerTest::SetUp();
    if (HasFatalFailure()) return;
    const auto add = [&](const std::string& name, std::vector<Role> roles, std::vector<std::string> scopes) {
      Result<int64_t> id = add_user(*store_, NewUser{name, name, inbox_test::kPassword, std::move(roles), std::move(scopes)});
      EXPECT_TRUE(id.ok()) << name;
      return id.ok() ? id.value() : 0;
    };
    ids_[Who::admin] = add("admin", {Role::admin}, {});
    ids_[Who::developer] = add("developer", {Role::developer}, {});
    ids_[Who::owner] = add("owner", {Role::owner}, {});
    ids_[Who::caseworker] = add("caseworker", {Role::caseworker}, {"skolskjuts"});
    ids_[Who::other_caseworker] = add("other", {Role::caseworker}, {"kulturskola"});

    // One case with an attachment, whose reference and applicant must never leak.
    json answers = skolskjuts_answers();
    answers_ = answers;
    reference_ = submit("skolskjuts", answers);
    ASSERT_FALSE(reference_.empty());
    applicant_ = answers["guardian1_name"].get<std::string>();
    attachment_sha_ = sha256_of(inbox_test::kPdf);  // not this case's: the route must still refuse first

    // A draft for the publication routes, uploaded by the developer.
    json definition = json::parse(inbox_test::slurp(BLANKETT_SOURCE_DIR "/forms/skolskjuts/form.json"));
    definition["title"]["en"] = "School transport (matrix test)";
    Result<UploadResult> up = upload_version(*store_, definition.dump(), ids_[Who::developer]);
    ASSERT_TRUE(up.ok()) << to_string(up.errors().front());
    publication_ = up.value().publication.id;

    Result<NewApiToken> token = create_api_token(*store_, "integration", "skolskjuts", ids_[Who::admin], "matrix");
    ASSERT_TRUE(token.ok());
    integration_token_ = token.value().token;
    token_id_ = token.value().info.id;
    Result<NewApiToken> other = create_api_token(*store_, "integration", "kulturskola", ids_[Who::admin], "matrix other");
    ASSERT_TRUE(other.ok());
    other_form_token_ = other.value().token;
    Result<NewApiToken> publish = create_api_token(*store_, "publish", "", ids_[Who::developer], "matrix publish");
    ASSERT_TRUE(publish.ok());
    publish_token_ = publish.value().token;

    // Sessions made directly in the store (sign-in itself is tested in web_auth_test).
    for (const auto& [who, id] : ids_) {
      Result<Session> s = create_session(*store_, id, utc_now(), SessionPolicy{});
      ASSERT_TRUE(s.ok());
      sessions_[who] = s.value();
    }
    Result<Session> old = create_session(*store_, ids_[Who::caseworker], "2020-01-01T08:00:00.000Z", SessionPolicy{});
    ASSERT_TRUE(old.ok());
    sessions_[Who::expired] = old.value();
  }

  std::string fill(std::string path) const {
    const std::vector<std::pair<std::string, std::string>> values = {
        {"{ref}", reference_}, {"{sha}", attachment_sha_}, {"{uid}", std::to_string(ids_.at(Who::caseworker))},
        {"{pub}", std::to_string(publication_)}, {"{tok}", std::to_string(token_id_)}};
    for (const auto& [key, value] : values) {
      const size_t at = path.find(key);
      if (at != std::string::npos) path.replace(at, key.size(), value);
    }
    return path;
  }

  httplib::Result call(const Route& r, Who who, const std::string& csrf) {
    httplib::Headers headers;
    if (who != Who::anonymous) headers.emplace("Cookie", std::string(kSessionCookie) + "=" + sessions_.at(who).token);
    const std::string path = fill(r.path);
    if (r.method == "GET") return client_->Get(path.c_str(), headers);
    httplib::Params params;
    if (!csrf.empty()) params.emplace("csrf", csrf);
    return client_->Post(path.c_str(), headers, params);
  }

  // A refusal carries no personal data and no case.
  void expect_no_data(const httplib::Result& res, const std::string& what) {
    ASSERT_TRUE(res) << what;
    EXPECT_EQ(res->body.find(reference_), std::string::npos) << what << " leaks the reference";
    EXPECT_EQ(res->body.find(applicant_), std::string::npos) << what << " leaks the applicant's name";
    EXPECT_EQ(res->body.find(answers_["guardian1_pnr"].get<std::string>().substr(0, 8)), std::string::npos)
        << what << " leaks the personal number";
  }

  std::map<Who, int64_t> ids_;
  std::map<Who, Session> sessions_;
  json answers_;
  std::string reference_, applicant_, attachment_sha_;
  int64_t publication_ = 0, token_id_ = 0;
  std::string integration_token_, other_form_token_, publish_token_;
};

TEST_F(AuthorizationMatrixTest, EveryRouteForEveryCaller) {
  int checked = 0;
  for (const Route& r : kRoutes) {
    for (Who who : kEveryone) {
      const std::string what = r.method + " " + r.path + " as " + who_name(who);
      const bool signed_in = who != Who::anonymous && who != Who::expired;
      // A caller's own valid CSRF token, so that a refusal is about the role, not the token.
      const std::string csrf = signed_in ? sessions_.at(who).csrf_token : "";
      if (!signed_in) {
        httplib::Result res = call(r, who, csrf);
        ASSERT_TRUE(res) << what;
        // Pages send the visitor to sign in (303 /login…); never the page itself.
        EXPECT_EQ(res->status, 303) << what << ": " << res->body.substr(0, 200);
        EXPECT_EQ(res->get_header_value("Location").rfind("/login", 0), 0u) << what;
        expect_no_data(res, what);
        ++checked;
        continue;
      }
      const bool allowed = r.allowed.count(who) > 0;
      if (!allowed) {
        httplib::Result res = call(r, who, csrf);
        ASSERT_TRUE(res) << what;
        const int expected = r.not_found_instead.count(who) ? 404 : 403;
        EXPECT_EQ(res->status, expected) << what << ": " << res->body.substr(0, 300);
        expect_no_data(res, what);
        ++checked;
        continue;
      }
      if (r.method == "GET") {
        httplib::Result res = call(r, who, csrf);
        ASSERT_TRUE(res) << what;
        // The attachment named here is not the case's: allowed, but nothing to serve.
        const int expected = r.path.find("{sha}") != std::string::npos ? 404 : 200;
        EXPECT_EQ(res->status, expected) << what << ": " << res->body.substr(0, 300);
        ++checked;
        continue;
      }
      // Allowed POSTs: without the token and with another session's token, refused before
      // anything happens. (Their effects are tested with each page's own tests.)
      for (const std::string& bad : {std::string(), std::string(sessions_.at(Who::admin).csrf_token == csrf
                                                                    ? sessions_.at(Who::owner).csrf_token
                                                                    : sessions_.at(Who::admin).csrf_token)}) {
        httplib::Result res = call(r, who, bad);
        ASSERT_TRUE(res) << what;
        EXPECT_EQ(res->status, 403) << what << (bad.empty() ? " without CSRF" : " with a wrong CSRF token") << ": "
                                    << res->body.substr(0, 300);
        ++checked;
      }
    }
  }
  // The case was left alone by every refused request.
  Result<std::optional<CaseSummary>> c = get_case(*store_, reference_);
  ASSERT_TRUE(c.ok() && c.value());
  EXPECT_EQ(c.value()->status, CaseStatus::new_case);
  EXPECT_EQ(c.value()->assignee, 0);
  Result<std::vector<CaseEvent>> history = case_history(*store_, c.value()->seq);
  ASSERT_TRUE(history.ok());
  EXPECT_TRUE(history.value().empty());
  Result<std::optional<Publication>> draft = get_publication(*store_, publication_);
  ASSERT_TRUE(draft.ok() && draft.value());
  EXPECT_EQ(draft.value()->state, "draft");
  EXPECT_GT(checked, 200);
}

TEST_F(AuthorizationMatrixTest, ListsAndExportsShowACaseworkerOnlyTheirForms) {
  for (const char* path : {"/inbox", "/inbox/export.csv", "/inbox/export.jsonl", "/inbox/stats"}) {
    httplib::Result mine = get(path, std::string(kSessionCookie) + "=" + sessions_.at(Who::caseworker).token);
    ASSERT_TRUE(mine);
    EXPECT_EQ(mine->status, 200) << path;
    if (std::string(path) != "/inbox/stats") {
      EXPECT_NE(mine->body.find(reference_), std::string::npos) << path;
    }
    httplib::Result other = get(path, std::string(kSessionCookie) + "=" + sessions_.at(Who::other_caseworker).token);
    ASSERT_TRUE(other);
    EXPECT_EQ(other->status, 200) << path;
    expect_no_data(other, std::string(path) + " as the other form's caseworker");
  }
}

TEST_F(AuthorizationMatrixTest, TokenRoutes) {
  const std::string cases = "/api/integration/forms/skolskjuts/cases";
  const auto get_with = [&](const std::string& path, const httplib::Headers& headers) { return client_->Get(path.c_str(), headers); };
  const std::string session_cookie = std::string(kSessionCookie) + "=" + sessions_.at(Who::caseworker).token;
  struct Case {
    std::string what;
    httplib::Headers headers;
    int status;
  };
  const std::vector<Case> table = {
      {"no token", {}, 401},
      {"a caseworker's session is not a token", {{"Cookie", session_cookie}}, 401},
      {"a made-up token", {{"Authorization", "Bearer blk_made-up-token-made-up-token-made-up-00"}}, 401},
      {"a publish token", {{"Authorization", "Bearer " + publish_token_}}, 403},
      {"another form's token", {{"Authorization", "Bearer " + other_form_token_}}, 403},
      {"the form's token", {{"Authorization", "Bearer " + integration_token_}}, 200},
  };
  for (const Case& c : table) {
    for (const std::string& path : {cases, cases + "/" + reference_}) {
      httplib::Result res = get_with(path, c.headers);
      ASSERT_TRUE(res) << c.what;
      EXPECT_EQ(res->status, c.status) << path << " with " << c.what << ": " << res->body.substr(0, 200);
      if (c.status != 200) expect_no_data(res, path + " with " + c.what);
    }
  }
  ASSERT_TRUE(revoke_api_token(*store_, token_id_).ok());
  httplib::Result revoked = get_with(cases, {{"Authorization", "Bearer " + integration_token_}});
  ASSERT_TRUE(revoked);
  EXPECT_EQ(revoked->status, 401);
  expect_no_data(revoked, "a revoked token");

  // Publishing takes a developer's publish token, nothing else.
  const std::string definition = inbox_test::slurp(BLANKETT_SOURCE_DIR "/forms/kulturskola/form.json");
  const std::vector<Case> publish_table = {
      {"no token", {}, 401},
      {"a session", {{"Cookie", std::string(kSessionCookie) + "=" + sessions_.at(Who::developer).token}}, 401},
      {"an integration token", {{"Authorization", "Bearer " + other_form_token_}}, 403},
  };
  for (const Case& c : publish_table) {
    httplib::Result res = client_->Post("/api/publish", c.headers, definition, "application/json");
    ASSERT_TRUE(res) << c.what;
    EXPECT_EQ(res->status, c.status) << "/api/publish with " << c.what << ": " << res->body.substr(0, 200);
  }
}

// Each protected route registered by the server is in the matrix above, so a route added
// later cannot skip it. The routes are read from the sources that register them: the
// first argument of each http.Get/http.Post, with string constants of the file filled in.
std::vector<std::pair<std::string, std::string>> registered_routes(const std::string& text) {
  std::map<std::string, std::string> constants;
  const std::regex constant(R"re(constexpr const char\* (k\w+) = "([^"]*)";)re");
  for (std::sregex_iterator it(text.begin(), text.end(), constant), end; it != end; ++it) constants[(*it)[1]] = (*it)[2];
  std::vector<std::pair<std::string, std::string>> routes;
  for (const std::string method : {"Get", "Post"}) {
    const std::string call = "http." + method + "(";
    for (size_t at = text.find(call); at != std::string::npos; at = text.find(call, at + 1)) {
      // The first argument: string literals (raw or not) and kConstants joined with +, up
      // to the first comma outside them.
      std::string path;
      size_t i = at + call.size();
      int depth = 0;
      while (i < text.size()) {
        if (text.compare(i, 3, "R\"(") == 0) {
          const size_t close = text.find(")\"", i + 3);
          path += text.substr(i + 3, close - i - 3);
          i = close + 2;
        } else if (text[i] == '"') {
          const size_t close = text.find('"', i + 1);
          path += text.substr(i + 1, close - i - 1);
          i = close + 1;
        } else if (text[i] == 'k' && !std::isalnum(static_cast<unsigned char>(text[i - 1]))) {
          size_t j = i;
          while (j < text.size() && (std::isalnum(static_cast<unsigned char>(text[j])) || text[j] == '_')) ++j;
          path += constants[text.substr(i, j - i)];
          i = j;
        } else if (text[i] == '(') {
          ++depth, ++i;
        } else if (text[i] == ')') {
          if (depth-- == 0) break;
          ++i;
        } else if (text[i] == ',' && depth == 0) {
          break;
        } else {
          ++i;
        }
      }
      // http.Post(pattern, …) inside a helper that registers several: read at the helper's calls.
      if (!path.empty()) routes.emplace_back(method == "Get" ? "GET" : "POST", path);
    }
  }
  const std::regex helper_call(R"re(\b\w+_post\(R"\(([^"]*)\)")re");
  for (std::sregex_iterator it(text.begin(), text.end(), helper_call), end; it != end; ++it) routes.emplace_back("POST", (*it)[1]);
  return routes;
}

TEST(AuthorizationMatrix, RoutesAreAllInTheMatrix) {
  int protected_routes = 0;
  std::vector<std::string> files = {"admin_pages.cc",      "admin_outbox_page.cc", "publishing_pages.cc", "integration_api.cc",
                                    "web_auth.cc",         "completion_pages.cc",  "signing_pages.cc"};
  for (const auto& entry : std::filesystem::directory_iterator(BLANKETT_SOURCE_DIR "/server")) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("inbox_", 0) == 0 && name.find("_test") == std::string::npos && entry.path().extension() == ".cc") files.push_back(name);
  }
  for (const std::string& file : files) {
    const std::string text = inbox_test::slurp(std::string(BLANKETT_SOURCE_DIR "/server/") + file);
    for (const auto& [method, pattern] : registered_routes(text)) {
      // Public or token routes: tested in TokenRoutes and each page's own tests. "/inbox/"
      // only redirects to "/inbox".
      // "/sign/" and "/complete/" take a link's token (and the identity it needs).
      if (pattern == "/login" || pattern == "/inbox/" || pattern.rfind("/api/", 0) == 0 || pattern.rfind("/p/", 0) == 0 ||
          pattern.rfind("/sign/", 0) == 0 || pattern.rfind("/complete/", 0) == 0) {
        continue;
      }
      ++protected_routes;
      bool covered = false;
      for (const Route& r : kRoutes) {
        if (r.method != method) continue;
        std::string concrete = r.path;
        for (const auto& [k, v] : std::vector<std::pair<std::string, std::string>>{
                 {"{ref}", "SKOL-2026-000001"}, {"{sha}", std::string(64, 'a')}, {"{uid}", "3"}, {"{pub}", "4"}, {"{tok}", "5"}}) {
          const size_t at = concrete.find(k);
          if (at != std::string::npos) concrete.replace(at, k.size(), v);
        }
        covered = covered || std::regex_match(concrete, std::regex(pattern));
      }
      EXPECT_TRUE(covered) << method << " " << pattern << " (" << file << ") is not in the authorization matrix";
    }
  }
  EXPECT_GE(protected_routes, static_cast<int>(kRoutes.size()) - 2);
}

}  // namespace
}  // namespace blankett
