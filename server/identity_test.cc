// Identification against a real server: the development provider's page and the OpenID
// Connect callback (against oidc_test_provider.h). begin_identification and
// identified_for are called directly, the way the signing and completion pages call
// them, with an AppContext on the server's database; the browser's part (the provider's
// pages, the cookie) goes over HTTP.
#include "identity.h"

#include <gtest/gtest.h>

#include <ctime>
#include <filesystem>

#include "blankett/submission.h"
#include "form_catalog.h"
#include "html_page.h"
#include "identity_flows.h"
#include "oidc_test_provider.h"
#include "test_server.h"

namespace blankett {
namespace {

const std::string kTarget = sha256_of("signing-token-1");
const std::string kReturnTo = "/sign/signing-token-1";

int64_t now_s() { return static_cast<int64_t>(std::time(nullptr)); }

// What begin_identification answered, and the browser's cookie from it.
struct Begun {
  int status = 0;
  std::string location;
  std::string set_cookie;
  std::string cookie;  // the value of blankett_identity
  std::string state;   // from the location
  std::string body;
};

std::string param_of(const std::string& url, const std::string& name) {
  const size_t q = url.find('?');
  if (q == std::string::npos) return "";
  const std::string query = "&" + url.substr(q + 1);
  const size_t at = query.find("&" + name + "=");
  if (at == std::string::npos) return "";
  const size_t start = at + name.size() + 2;
  return query.substr(start, query.find('&', start) - start);
}

class IdentityTest : public TestServer {
 protected:
  explicit IdentityTest(const std::string& provider = "dev") : TestServer("blankett-identity") {
    options_.identity.provider = provider;
  }
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(start());
    // The same database and options as the server; the forms are already published.
    std::filesystem::create_directories(dir_.file("no-forms"));
    catalog_ = FormCatalog::load(dir_.file("no-forms"), must_open_store(options_.data_dir + "/blankett.db")).value();
    app_.reset(new AppContext{options_, options_.data_dir + "/blankett.db", *catalog_, keys_, metrics_, throttle_,
                              SessionPolicy{}, false, "http://127.0.0.1:" + std::to_string(port_)});
  }
  void TearDown() override {
    app_.reset();
    catalog_.reset();
    TestServer::TearDown();
  }

  Begun begin(IdentityPurpose purpose = IdentityPurpose::sign, const std::string& target = kTarget,
              const std::string& old_cookie = "") {
    httplib::Request req;
    req.method = "POST";
    req.path = "/sign/signing-token-1/identify";
    if (!old_cookie.empty()) req.headers.emplace("Cookie", "blankett_identity=" + old_cookie);
    httplib::Response res;
    begin_identification(*app_, req, res, purpose, target, kReturnTo);
    Begun b;
    b.status = res.status;
    b.location = res.get_header_value("Location");
    b.set_cookie = res.get_header_value("Set-Cookie");
    b.body = res.body;
    const std::string prefix = "blankett_identity=";
    if (b.set_cookie.rfind(prefix, 0) == 0) b.cookie = b.set_cookie.substr(prefix.size(), b.set_cookie.find(';') - prefix.size());
    b.state = param_of(b.location, "state");
    return b;
  }
  static httplib::Headers browser(const std::string& cookie) {
    return {{"Cookie", "blankett_identity=" + cookie + "; blankett_lang=en"}};
  }
  httplib::Result identify(const Begun& b, const std::string& number, const std::string& name = "",
                           const std::string& cookie = "use the flow's") {
    return client_->Post("/identity/dev", browser(cookie == "use the flow's" ? b.cookie : cookie),
                         httplib::Params{{"state", b.state}, {"personal_number", number}, {"name", name}});
  }
  std::optional<VerifiedIdentity> who(const std::string& cookie, IdentityPurpose purpose = IdentityPurpose::sign,
                                      const std::string& target = kTarget) {
    httplib::Request req;
    req.headers.emplace("Cookie", "blankett_lang=sv; blankett_identity=" + cookie);
    Result<std::optional<VerifiedIdentity>> r = identified_for(*app_, *store_, req, purpose, target);
    EXPECT_TRUE(r.ok());
    return r.ok() ? r.value() : std::nullopt;
  }
  void exec(const std::string& sql, int64_t value) {
    Result<sql::Statement> s = sql::prepare(store_->db.get(), sql);
    ASSERT_TRUE(s.ok());
    sql::bind_int64(s.value(), 1, value);
    ASSERT_TRUE(sql::run(s.value()).ok());
  }
  int64_t count(const std::string& sql, const std::string& text = "") {
    Result<sql::Statement> s = sql::prepare(store_->db.get(), sql);
    EXPECT_TRUE(s.ok());
    if (!text.empty()) sql::bind_text(s.value(), 1, text);
    EXPECT_TRUE(sql::step(s.value()).value());
    return sql::column_int64(s.value(), 0);
  }

  Metrics metrics_;
  LoginThrottle throttle_;
  KeyRing keys_;
  std::unique_ptr<FormCatalog> catalog_;
  std::unique_ptr<AppContext> app_;
};

// --- The development provider --------------------------------------------------------------

TEST_F(IdentityTest, BeginSetsALaxHttpOnlyCookieAndSendsTheBrowserToTheDevPage) {
  const Begun b = begin();
  EXPECT_EQ(b.status, 303);
  EXPECT_EQ(b.location.rfind("/identity/dev?state=", 0), 0u) << b.location;
  EXPECT_EQ(b.state.size(), 43u);
  EXPECT_EQ(b.cookie.size(), 43u);
  EXPECT_NE(b.set_cookie.find("; HttpOnly"), std::string::npos);
  EXPECT_NE(b.set_cookie.find("; SameSite=Lax"), std::string::npos);
  EXPECT_NE(b.set_cookie.find("; Path=/"), std::string::npos);
  EXPECT_EQ(b.set_cookie.find("Secure"), std::string::npos) << "no TLS here";
  app_->tls = true;
  EXPECT_NE(begin().set_cookie.find("; Secure"), std::string::npos) << "over TLS";
  app_->tls = false;
  // Only hashes of the state and the cookie are stored.
  EXPECT_EQ(count("SELECT count(*) FROM identity_flows WHERE state_sha256 = ?1", sha256_of(b.state)), 1);
  EXPECT_EQ(count("SELECT count(*) FROM identity_flows WHERE browser_sha256 = ?1", sha256_of(b.cookie)), 1);
  for (const std::string& secret : {b.state, b.cookie}) {
    EXPECT_EQ(count("SELECT count(*) FROM identity_flows WHERE ?1 IN (state_sha256, browser_sha256, nonce, code_verifier, "
                    "csrf_token, target, return_to)",
                    secret),
              0);
  }
  EXPECT_EQ(count("SELECT count(*) FROM identity_flows WHERE length(code_verifier) >= 43 AND expires_at - created_at = 600"), 2);
}

TEST_F(IdentityTest, TheDevPageIsMarkedAsNotARealEidAndHasALabelledInput) {
  const Begun b = begin();
  const auto page = client_->Get(b.location.c_str(), browser(b.cookie));
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("Development sign-in — not a real e-ID"), std::string::npos);
  EXPECT_NE(page->body.find("class=\"warning-text\""), std::string::npos);
  EXPECT_NE(page->body.find("<label for=\"personal_number\">Personal identity number</label>"), std::string::npos);
  EXPECT_NE(page->body.find("<label for=\"name\">Name (optional)</label>"), std::string::npos);
  EXPECT_NE(page->body.find("name=\"state\" value=\"" + b.state + "\""), std::string::npos);
  EXPECT_NE(page->body.find("to sign an application"), std::string::npos);
  // The language switch keeps the flow: the path form of the page.
  EXPECT_NE(page->body.find("href=\"/identity/dev/" + b.state + "?lang=sv\""), std::string::npos);
  const auto sv = client_->Get(("/identity/dev/" + b.state + "?lang=sv").c_str(), browser(b.cookie));
  ASSERT_TRUE(sv);
  EXPECT_EQ(sv->status, 200);
  EXPECT_NE(sv->body.find("Utvecklingsinloggning — inte en riktig e-legitimation"), std::string::npos);
}

TEST_F(IdentityTest, ANumberPostedFromTheSameBrowserIdentifiesItForThatPurposeAndTargetOnly) {
  const Begun b = begin();
  const auto posted = identify(b, "811218-9876", "  Eva Prov ");
  ASSERT_TRUE(posted);
  EXPECT_EQ(posted->status, 303);
  EXPECT_EQ(posted->get_header_value("Location"), kReturnTo);
  std::optional<VerifiedIdentity> id = who(b.cookie);
  ASSERT_TRUE(id);
  EXPECT_EQ(id->provider, "dev");
  EXPECT_EQ(id->subject, "dev:19811218-9876");
  EXPECT_EQ(id->personal_number, "19811218-9876");
  EXPECT_EQ(id->name, "Eva Prov");
  EXPECT_EQ(id->csrf_token.size(), 43u);
  EXPECT_FALSE(who(b.cookie, IdentityPurpose::complete)) << "another purpose";
  EXPECT_FALSE(who(b.cookie, IdentityPurpose::sign, sha256_of("signing-token-2"))) << "another target";
  EXPECT_FALSE(who(begin().cookie)) << "another browser";
  EXPECT_FALSE(who("")) << "no cookie";
}

TEST_F(IdentityTest, AnotherBrowserCanNeitherSeeNorFinishTheFlow) {
  const Begun b = begin();
  const Begun other = begin();
  for (const std::string& cookie : {std::string(), other.cookie, std::string("not-a-token")}) {
    const auto page = client_->Get(b.location.c_str(), browser(cookie));
    ASSERT_TRUE(page);
    EXPECT_EQ(page->status, 403);
    EXPECT_NE(page->body.find("same browser"), std::string::npos);
    const auto posted = identify(b, "811218-9876", "", cookie);
    ASSERT_TRUE(posted);
    EXPECT_EQ(posted->status, 403);
  }
  // The owner still can: a stranger's request does not spoil the flow.
  ASSERT_EQ(identify(b, "811218-9876")->status, 303);
  EXPECT_TRUE(who(b.cookie));
  EXPECT_FALSE(who(other.cookie));
}

TEST_F(IdentityTest, AnInvalidNumberIsShownAsAnErrorAndNothingIsStored) {
  const Begun b = begin();
  const auto bad = identify(b, "811218-9875");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_NE(bad->body.find("class=\"error-summary\""), std::string::npos);
  EXPECT_NE(bad->body.find("href=\"#personal_number\">Enter a valid personal identity number"), std::string::npos);
  EXPECT_NE(bad->body.find("aria-describedby=\"personal_number-hint personal_number-error\" aria-invalid=\"true\""),
            std::string::npos);
  EXPECT_NE(bad->body.find("value=\"811218-9875\""), std::string::npos) << "what was typed stays";
  EXPECT_NE(bad->body.find("<title>Error: "), std::string::npos);
  const auto empty = identify(b, "");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->status, 400);
  EXPECT_NE(empty->body.find("Enter a personal identity number"), std::string::npos);
  const auto long_name = identify(b, "811218-9876", std::string(201, 'x'));
  ASSERT_TRUE(long_name);
  EXPECT_EQ(long_name->status, 400);
  EXPECT_FALSE(who(b.cookie));
  // The flow is still open: the corrected form goes through.
  EXPECT_EQ(identify(b, "19811218-9876")->status, 303);
  EXPECT_TRUE(who(b.cookie));
}

TEST_F(IdentityTest, AStateIsUsedOnceAndAnUnknownStateIsRefused) {
  const Begun b = begin();
  ASSERT_EQ(identify(b, "811218-9876")->status, 303);
  const auto again = identify(b, "701063-2391");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 400);
  EXPECT_NE(again->body.find("already been used"), std::string::npos);
  EXPECT_EQ(who(b.cookie)->personal_number, "19811218-9876");
  Begun forged = b;
  forged.state = std::string(43, 'A');
  EXPECT_EQ(identify(forged, "811218-9876")->status, 400);
  forged.state = "short";
  EXPECT_EQ(identify(forged, "811218-9876")->status, 400);
  EXPECT_EQ(client_->Get("/identity/dev?state=" + std::string(43, 'A'), browser(b.cookie))->status, 400);
}

TEST_F(IdentityTest, TheIdentityCsrfTokenIsCheckedInConstantTimeAgainstTheFlows) {
  const Begun b = begin();
  ASSERT_EQ(identify(b, "811218-9876")->status, 303);
  const VerifiedIdentity id = *who(b.cookie);
  auto form = [](const std::string& body) {
    httplib::Request req;
    req.method = "POST";
    req.headers.emplace("Content-Type", "application/x-www-form-urlencoded");
    req.body = body;
    return req;
  };
  EXPECT_TRUE(check_identity_csrf(form("signature=yes&identity_csrf=" + id.csrf_token), id));
  EXPECT_FALSE(check_identity_csrf(form("signature=yes&identity_csrf=" + std::string(43, 'x')), id));
  EXPECT_FALSE(check_identity_csrf(form("signature=yes"), id));
  EXPECT_FALSE(check_identity_csrf(form("identity_csrf="), VerifiedIdentity{}));
}

TEST_F(IdentityTest, AnEndedIdentificationCannotBeUsedAgain) {
  const Begun b = begin();
  ASSERT_EQ(identify(b, "811218-9876")->status, 303);
  const VerifiedIdentity id = *who(b.cookie);
  Result<bool> ended = end_identification(*store_, id.flow_id);
  ASSERT_TRUE(ended.ok());
  EXPECT_TRUE(ended.value());
  EXPECT_FALSE(who(b.cookie));
  EXPECT_FALSE(end_identification(*store_, id.flow_id).value()) << "already ended";
}

TEST_F(IdentityTest, ExpiredFlowsAndOldIdentitiesAreRefused) {
  const Begun slow = begin();
  exec("UPDATE identity_flows SET expires_at = ?1", now_s() - 1);
  const auto page = client_->Get(slow.location.c_str(), browser(slow.cookie));
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 400);
  EXPECT_NE(page->body.find("more than 10 minutes"), std::string::npos);
  EXPECT_NE(page->body.find("href=\"" + kReturnTo + "\">Start again"), std::string::npos);
  EXPECT_EQ(identify(slow, "811218-9876")->status, 400);
  EXPECT_FALSE(who(slow.cookie));

  const Begun b = begin();
  ASSERT_EQ(identify(b, "811218-9876")->status, 303);
  ASSERT_TRUE(who(b.cookie));
  exec("UPDATE identity_flows SET identified_at = ?1", now_s() - 30 * 60 - 1);
  EXPECT_FALSE(who(b.cookie)) << "an identity serves 30 minutes";
}

TEST_F(IdentityTest, BeginningAgainReplacesTheBrowsersFlowAndSweepsExpiredOnes) {
  const Begun first = begin();
  const Begun stranger = begin();
  exec("UPDATE identity_flows SET expires_at = ?1 WHERE id = (SELECT max(id) FROM identity_flows)", now_s() - 1);
  const Begun second = begin(IdentityPurpose::complete, kTarget, first.cookie);
  EXPECT_NE(second.cookie, first.cookie);
  EXPECT_EQ(count("SELECT count(*) FROM identity_flows WHERE browser_sha256 = ?1", sha256_of(first.cookie)), 0);
  EXPECT_EQ(count("SELECT count(*) FROM identity_flows WHERE browser_sha256 = ?1", sha256_of(stranger.cookie)), 0)
      << "expired";
  EXPECT_EQ(count("SELECT count(*) FROM identity_flows"), 1);
  const auto page = client_->Get(second.location.c_str(), browser(second.cookie));
  EXPECT_NE(page->body.find("to complete an application"), std::string::npos);
}

TEST_F(IdentityTest, TheOidcCallbackIsNotThereWithTheDevProvider) {
  const Begun b = begin();
  const auto res = client_->Get(("/identity/callback?code=x&state=" + b.state).c_str(), browser(b.cookie));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  EXPECT_FALSE(who(b.cookie));
}

class IdentityWithoutProviderTest : public IdentityTest {
 protected:
  IdentityWithoutProviderTest() : IdentityTest("") {}
};

TEST_F(IdentityWithoutProviderTest, BeginSaysIdentificationIsNotAvailableAndSetsNoCookie) {
  const Begun b = begin();
  EXPECT_EQ(b.status, 503);
  EXPECT_EQ(b.set_cookie, "");
  EXPECT_NE(b.body.find("Identifiering är inte tillgänglig"), std::string::npos);
  EXPECT_EQ(count("SELECT count(*) FROM identity_flows"), 0);
  EXPECT_EQ(client_->Get("/identity/dev?state=" + std::string(43, 'A'))->status, 404);
}

TEST(IdentityOptions, TheProblemsServeRefusesToStartWith) {
  ServeOptions o;
  EXPECT_EQ(identity_options_problem(o), std::nullopt);
  o.identity.provider = "dev";
  EXPECT_EQ(identity_options_problem(o), std::nullopt);
  o.production = true;
  EXPECT_EQ(identity_options_problem(o), "--identity dev is for development only and refused with --production");
  o.identity.provider = "bankid";
  EXPECT_EQ(identity_options_problem(o), "--identity is dev or oidc, not 'bankid'");
  o.identity.provider = "oidc";
  EXPECT_EQ(identity_options_problem(o), "--identity oidc needs --oidc-issuer");
  o.identity.oidc.issuer = "https://eid-broker.example.se";
  EXPECT_EQ(identity_options_problem(o), "--identity oidc needs --oidc-client-id");
  o.identity.oidc.client_id = "kommun";
  EXPECT_EQ(identity_options_problem(o),
            "--identity oidc with --production needs --public-url https://… (the redirect URI is <public-url>/identity/callback)");
  o.public_url = "https://e-tjanst.kommun.se";
  EXPECT_EQ(identity_options_problem(o), std::nullopt);
  o.identity.oidc.issuer = "http://eid-broker.example.se";
  EXPECT_EQ(identity_options_problem(o),
            "--oidc-issuer must be an https:// URL (http:// only on 127.0.0.1 or localhost), not 'http://eid-broker.example.se'");
  o.identity.oidc.issuer = "http://127.0.0.1:4000";
  EXPECT_EQ(identity_options_problem(o), std::nullopt);
  o.identity.oidc.scopes = "openid https://id.oidc.se/scope/naturalPersonNumber";
  EXPECT_EQ(identity_options_problem(o), std::nullopt);
  o.identity.oidc.scopes = "openid  profile";
  EXPECT_EQ(identity_options_problem(o), "--oidc-scopes is scope names separated by single spaces, not 'openid  profile'");
  o.identity.oidc.scopes = "";
  EXPECT_EQ(identity_options_problem(o), "--oidc-scopes is scope names separated by single spaces, not ''");
  o.identity.oidc.scopes = "openid pro\"file";
  EXPECT_EQ(identity_options_problem(o), "--oidc-scopes may hold printable ASCII other than '\"' and '\\', not 'openid pro\"file'");
  o.identity.oidc.scopes = "openid";
  o.dev = true;
  EXPECT_EQ(identity_options_problem(o), "--dev cannot be used with --production");
}

// --- OpenID Connect ----------------------------------------------------------------------------

class IdentityOidcTest : public IdentityTest {
 protected:
  IdentityOidcTest() : IdentityTest("oidc") {
    forget_oidc_providers();
    options_.identity.oidc.issuer = idp_.issuer();
    options_.identity.oidc.client_id = FakeOidcProvider::kClientId;
    options_.identity.oidc.client_secret = FakeOidcProvider::kSecret;
  }
  std::string origin() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // The hand-over page's way to the provider: its Refresh header and its link.
  std::string authorization_request(const Begun& b) {
    EXPECT_EQ(b.location, "/identity/continue?state=" + b.state);
    const auto page = client_->Get(b.location.c_str(), browser(b.cookie));
    EXPECT_TRUE(page);
    if (!page) return "";
    EXPECT_EQ(page->status, 200);
    EXPECT_EQ(page->get_header_value("Refresh").rfind("0; url=" + idp_.issuer() + "/authorize?", 0), 0u);
    const std::string marker = "<a class=\"button\" href=\"";
    const size_t at = page->body.find(marker);
    EXPECT_NE(at, std::string::npos) << page->body;
    if (at == std::string::npos) return "";
    std::string url = page->body.substr(at + marker.size(), page->body.find('"', at + marker.size()) - at - marker.size());
    for (size_t amp; (amp = url.find("&amp;")) != std::string::npos;) url.replace(amp, 5, "&");
    EXPECT_EQ(url.rfind(idp_.issuer() + "/authorize?", 0), 0u) << url;
    return url;
  }
  // The browser at the provider, which approves at once: the callback path and query.
  std::string approve(const Begun& b) {
    const std::string url = authorization_request(b);
    httplib::Client at_idp(idp_.issuer());
    const auto res = at_idp.Get(url.substr(idp_.issuer().size()));
    EXPECT_TRUE(res);
    if (!res) return "";
    const std::string back = res->get_header_value("Location");
    EXPECT_EQ(back.rfind(origin() + "/identity/callback?", 0), 0u) << back;
    return back.substr(origin().size());
  }
  httplib::Result callback(const std::string& path, const std::string& cookie) {
    return client_->Get(path.c_str(), browser(cookie));
  }

  FakeOidcProvider idp_;  // constructed before the server starts (SetUp)
};

TEST_F(IdentityOidcTest, ARoundTripThroughTheProviderIdentifiesThisBrowser) {
  const Begun b = begin();
  ASSERT_EQ(b.status, 303);
  EXPECT_EQ(count("SELECT count(*) FROM identity_flows WHERE provider = 'oidc'"), 1);
  const std::string url = authorization_request(b);
  EXPECT_EQ(param_of(url, "response_type"), "code");
  EXPECT_EQ(param_of(url, "client_id"), "blankett-test");
  EXPECT_EQ(param_of(url, "redirect_uri"), url_encode(origin() + "/identity/callback"));
  EXPECT_EQ(param_of(url, "scope"), "openid");
  EXPECT_EQ(param_of(url, "state"), b.state);
  EXPECT_EQ(param_of(url, "code_challenge_method"), "S256");
  {
    // Scoped: an open statement would keep this connection reading an old snapshot.
    Result<sql::Statement> row = sql::prepare(store_->db.get(), "SELECT nonce, code_verifier FROM identity_flows");
    ASSERT_TRUE(row.ok() && sql::step(row.value()).value());
    EXPECT_EQ(param_of(url, "nonce"), sql::column_text(row.value(), 0));
    EXPECT_EQ(param_of(url, "code_challenge"), pkce_s256_challenge(sql::column_text(row.value(), 1)));
  }

  const auto done = callback(approve(b), b.cookie);
  ASSERT_TRUE(done);
  EXPECT_EQ(done->status, 303) << done->body;
  EXPECT_EQ(done->get_header_value("Location"), kReturnTo);
  std::optional<VerifiedIdentity> id = who(b.cookie);
  ASSERT_TRUE(id);
  EXPECT_EQ(id->provider, "oidc");
  EXPECT_EQ(id->subject, "subject-42");
  EXPECT_EQ(id->personal_number, "19811218-9876") << "twelve digits, normalised";
  EXPECT_EQ(id->name, "Eva Prov") << "given_name family_name";
}

// --oidc-scopes: the request asks for what the broker needs to release the number.
class IdentityOidcScopesTest : public IdentityOidcTest {
 protected:
  IdentityOidcScopesTest() { options_.identity.oidc.scopes = "https://id.oidc.se/scope/naturalPersonNumber profile"; }
};

TEST_F(IdentityOidcScopesTest, TheConfiguredScopesAreAskedForWithOpenid) {
  const Begun b = begin();
  ASSERT_EQ(b.status, 303);
  const std::string url = authorization_request(b);
  EXPECT_EQ(param_of(url, "scope"), url_encode("openid https://id.oidc.se/scope/naturalPersonNumber profile"));
}

TEST_F(IdentityOidcTest, TheCallbackNeedsTheBrowserThatBeganAndAStrangerDoesNotSpoilIt) {
  const Begun b = begin();
  EXPECT_EQ(client_->Get(b.location.c_str(), browser(begin().cookie))->status, 403) << "nor the hand-over page";
  const std::string path = approve(b);
  const auto stranger = callback(path, begin().cookie);
  ASSERT_TRUE(stranger);
  EXPECT_EQ(stranger->status, 403);
  EXPECT_EQ(callback(path, "")->status, 403);
  const auto owner = callback(path, b.cookie);
  ASSERT_TRUE(owner);
  EXPECT_EQ(owner->status, 303);
  EXPECT_TRUE(who(b.cookie));
  EXPECT_EQ(callback(path, b.cookie)->status, 400) << "a state is used once";
}

TEST_F(IdentityOidcTest, ACancelledIdentificationEndsTheFlowWithAPlainReason) {
  const Begun b = begin();
  const auto res = callback("/identity/callback?error=access_denied&state=" + b.state, b.cookie);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_NE(res->body.find("The identification was cancelled"), std::string::npos);
  EXPECT_NE(res->body.find("href=\"" + kReturnTo + "\">Start again"), std::string::npos);
  EXPECT_EQ(count("SELECT count(*) FROM identity_flows WHERE ended_at IS NOT NULL AND subject IS NULL"), 1);
  EXPECT_EQ(client_->Get(b.location.c_str(), browser(b.cookie))->status, 400) << "an ended flow cannot be resumed";
  EXPECT_EQ(callback("/identity/callback?code=code-1&state=" + b.state, b.cookie)->status, 400);
  EXPECT_FALSE(who(b.cookie));
}

TEST_F(IdentityOidcTest, AnIdTokenThatDoesNotVerifyStoresNothingAndLogsNoPersonalData) {
  idp_.change([](FakeOidcProvider::Settings& s) { s.id_claims["nonce"] = "a-nonce-from-another-flow"; });
  const Begun b = begin();
  const std::string path = approve(b);
  testing::internal::CaptureStderr();
  const auto res = callback(path, b.cookie);
  const std::string log = testing::internal::GetCapturedStderr();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_NE(res->body.find("could not be verified"), std::string::npos);
  EXPECT_NE(log.find("jwt.nonce"), std::string::npos) << log;
  EXPECT_EQ(log.find("198112189876"), std::string::npos);
  EXPECT_EQ(log.find("subject-42"), std::string::npos);
  EXPECT_FALSE(who(b.cookie));
  EXPECT_EQ(count("SELECT count(*) FROM identity_flows WHERE subject IS NOT NULL OR personal_number IS NOT NULL"), 0);
}

TEST_F(IdentityOidcTest, AnInvalidPersonalNumberClaimIsRefused) {
  idp_.change([](FakeOidcProvider::Settings& s) { s.id_claims["https://id.oidc.se/claim/personalIdentityNumber"] = "199913329999"; });
  const Begun b = begin();
  testing::internal::CaptureStderr();
  const auto res = callback(approve(b), b.cookie);
  const std::string log = testing::internal::GetCapturedStderr();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_NE(res->body.find("valid personal identity number"), std::string::npos);
  EXPECT_EQ(log.find("199913329999"), std::string::npos) << log;
  EXPECT_FALSE(who(b.cookie));
}

TEST_F(IdentityOidcTest, AProviderThatStopsAnsweringIsABadGateway) {
  const Begun b = begin();
  const std::string path = approve(b);
  idp_.stop();
  const auto res = callback(path, b.cookie);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 502);
  EXPECT_NE(res->body.find("could not be reached"), std::string::npos);
  EXPECT_FALSE(who(b.cookie));
}

TEST_F(IdentityOidcTest, TheDevProviderIsNotThereWithOidc) {
  const Begun b = begin();
  const auto page = client_->Get(("/identity/dev?state=" + b.state).c_str(), browser(b.cookie));
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 404);
  const auto posted = identify(b, "811218-9876");
  ASSERT_TRUE(posted);
  EXPECT_EQ(posted->status, 404);
  EXPECT_FALSE(who(b.cookie));
}

}  // namespace
}  // namespace blankett
