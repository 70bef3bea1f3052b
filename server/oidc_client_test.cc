// The OpenID Connect client against a provider on loopback (oidc_test_provider.h):
// discovery, the authorization request, the token exchange with each way of
// authenticating, key rotation, the userinfo fallback and what it refuses.
#include "oidc_client.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <thread>

#include "oidc_test_provider.h"
#include "temp_dir.h"

namespace blankett {
namespace {

using nlohmann::json;

std::string code_of(const Result<json>& r) { return r.ok() ? "ok" : r.errors().front().code; }
std::string code_of(const Result<OidcProvider>& r) { return r.ok() ? "ok" : r.errors().front().code; }

const char* kClaim = "https://id.oidc.se/claim/personalIdentityNumber";

class OidcClientTest : public ::testing::Test {
 protected:
  OidcClientTest() { forget_oidc_providers(); }
  OidcOptions options() const {
    OidcOptions o;
    o.issuer = idp_.issuer();
    o.client_id = FakeOidcProvider::kClientId;
    o.client_secret = FakeOidcProvider::kSecret;
    return o;
  }
  // Starts an authorization at the provider as a browser would, and returns its code.
  std::string authorize(const OidcProvider& p, const std::string& nonce = "nonce-1", const std::string& verifier = kVerifier) {
    const std::string url = authorization_url(p, AuthorizationRequest{FakeOidcProvider::kClientId, kRedirect, "openid", "state-1",
                                                                      nonce, verifier, "sv"});
    httplib::Client browser(idp_.issuer());
    const auto res = browser.Get(url.substr(idp_.issuer().size()));
    EXPECT_TRUE(res);
    if (!res) return "";
    EXPECT_EQ(res->status, 303);
    const std::string location = res->get_header_value("Location");
    const size_t at = location.find("code=");
    return location.substr(at + 5, location.find('&', at) - at - 5);
  }
  Result<json> redeem(const OidcProvider& p, const std::string& code, const std::string& nonce = "nonce-1",
                      const std::string& verifier = kVerifier) {
    return redeem_authorization_code(p, options(), CodeRedemption{code, verifier, kRedirect, nonce, std::time(nullptr)}, kClaim);
  }
  OidcProvider discover() {
    Result<OidcProvider> p = discover_oidc_provider(idp_.issuer());
    EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.errors().front().message);
    return p.ok() ? p.value() : OidcProvider{};
  }

  static constexpr const char* kVerifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
  static constexpr const char* kRedirect = "http://127.0.0.1:9/identity/callback";
  FakeOidcProvider idp_;
};

TEST(OidcUrls, HttpsEverywhereAndPlainHttpOnlyOnLoopback) {
  EXPECT_TRUE(provider_url_allowed("https://eid-broker.example.se"));
  EXPECT_TRUE(provider_url_allowed("https://eid.example.se:8443/realms/x"));
  EXPECT_TRUE(provider_url_allowed("http://127.0.0.1:4000"));
  EXPECT_TRUE(provider_url_allowed("http://localhost:4000/oidc"));
  EXPECT_TRUE(provider_url_allowed("http://[::1]:4000"));
  EXPECT_FALSE(provider_url_allowed("http://eid-broker.example.se"));
  EXPECT_FALSE(provider_url_allowed("http://127.0.0.1.evil.example"));
  EXPECT_FALSE(provider_url_allowed("http://localhost@evil.example"));
  EXPECT_FALSE(provider_url_allowed("ftp://eid.example.se"));
  EXPECT_FALSE(provider_url_allowed("https://eid.example.se/#x"));
  EXPECT_FALSE(provider_url_allowed("eid.example.se"));
  EXPECT_FALSE(provider_url_allowed(""));
}

TEST(OidcPkce, ChallengeIsRfc7636sExample) {
  EXPECT_EQ(pkce_s256_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

TEST(OidcTls, AProviderWhoseCertificateDoesNotVerifyIsNotTrusted) {
  TempDir dir("blankett-oidc-tls");
  const std::string cert = dir.file("cert.pem"), key = dir.file("key.pem");
  const std::string make = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -keyout " + key +
                           " -out " + cert + " >/dev/null 2>&1";
  ASSERT_EQ(std::system(make.c_str()), 0) << "openssl could not make a test certificate";
  httplib::SSLServer https(cert.c_str(), key.c_str());
  ASSERT_TRUE(https.is_valid());
  const int port = https.bind_to_any_port("127.0.0.1");
  const std::string issuer = "https://127.0.0.1:" + std::to_string(port);
  https.Get("/.well-known/openid-configuration", [&issuer](const httplib::Request&, httplib::Response& res) {
    res.set_content(json{{"issuer", issuer}, {"authorization_endpoint", issuer + "/a"}, {"token_endpoint", issuer + "/t"},
                         {"jwks_uri", issuer + "/k"}}.dump(),
                    "application/json");
  });
  std::thread thread([&https] { https.listen_after_bind(); });
  while (!https.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  forget_oidc_providers();
  // A self-signed certificate: anyone on the path could present one.
  Result<OidcProvider> refused = discover_oidc_provider(issuer);
  EXPECT_EQ(code_of(refused), "oidc.unreachable");
  if (!refused.ok()) {
    EXPECT_NE(refused.errors().front().message.find("SSLServerVerification"), std::string::npos)
        << refused.errors().front().message;
  }
  https.stop();
  thread.join();
}

TEST_F(OidcClientTest, DiscoveryReadsTheEndpointsAndTheAuthorizationUrlCarriesEveryParameter) {
  const OidcProvider p = discover();
  EXPECT_EQ(p.issuer, idp_.issuer());
  EXPECT_EQ(p.token_endpoint, idp_.issuer() + "/token");
  EXPECT_EQ(p.jwks_uri, idp_.issuer() + "/jwks");
  const std::string url = authorization_url(p, AuthorizationRequest{"c id", "https://e.example/identity/callback", "profile",
                                                                    "st", "no", kVerifier, "en"});
  EXPECT_EQ(url.rfind(idp_.issuer() + "/authorize?response_type=code&client_id=c%20id&redirect_uri=https%3A%2F%2Fe.example%2F"
                                      "identity%2Fcallback&scope=openid%20profile&state=st&nonce=no&code_challenge=",
                      0),
            0u)
      << url;
  EXPECT_NE(url.find("&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256"), std::string::npos);
  EXPECT_EQ(url.find(kVerifier), std::string::npos) << "the verifier itself never leaves the server";
  EXPECT_NE(url.find("&ui_locales=en"), std::string::npos);
}

TEST_F(OidcClientTest, DiscoveryRefusesAnotherIssuerAnInsecureOneAndSilence) {
  idp_.change([](FakeOidcProvider::Settings& s) { s.discovered_issuer = "http://127.0.0.1:1"; });
  EXPECT_EQ(code_of(discover_oidc_provider(idp_.issuer())), "oidc.discovery");
  EXPECT_EQ(code_of(discover_oidc_provider("http://idp.example")), "oidc.insecure_url");
  FakeOidcProvider gone;
  const std::string issuer = gone.issuer();
  gone.stop();
  EXPECT_EQ(code_of(discover_oidc_provider(issuer)), "oidc.unreachable");
}

TEST_F(OidcClientTest, ACodeRedeemedWithClientSecretBasicGivesTheVerifiedClaims) {
  const OidcProvider p = discover();
  Result<json> claims = redeem(p, authorize(p));
  ASSERT_TRUE(claims.ok()) << claims.errors().front().message;
  EXPECT_EQ(claims.value()["sub"], "subject-42");
  EXPECT_EQ(claims.value()[kClaim], "198112189876");
  const auto [auth, body] = idp_.last_token_request();
  EXPECT_EQ(auth.rfind("Basic ", 0), 0u);
  EXPECT_NE(body.find("code_verifier=" + std::string(kVerifier)), std::string::npos);
  EXPECT_NE(body.find("redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fidentity%2Fcallback"), std::string::npos);
  EXPECT_EQ(body.find("client_secret"), std::string::npos);
}

TEST_F(OidcClientTest, ClientSecretPostWhenThatIsAllTheProviderSupports) {
  idp_.change([](FakeOidcProvider::Settings& s) { s.auth_methods = json::array({"client_secret_post"}); });
  const OidcProvider p = discover();
  ASSERT_EQ(code_of(redeem(p, authorize(p))), "ok");
  const auto [auth, body] = idp_.last_token_request();
  EXPECT_EQ(auth, "");
  EXPECT_NE(body.find("client_secret="), std::string::npos);
}

TEST_F(OidcClientTest, ARefusedCodeOrVerifierIsAnOidcTokenError) {
  const OidcProvider p = discover();
  EXPECT_EQ(code_of(redeem(p, "code-that-was-never-issued")), "oidc.token");
  const std::string code = authorize(p);
  EXPECT_EQ(code_of(redeem(p, code, "nonce-1", "another-verifier-another-verifier-another-v")), "oidc.token");
  EXPECT_EQ(code_of(redeem(p, code)), "oidc.token") << "a code is good for one try";
}

TEST_F(OidcClientTest, TheNonceMustBeTheFlowsOwn) {
  const OidcProvider p = discover();
  EXPECT_EQ(code_of(redeem(p, authorize(p, "nonce-1"), "nonce-2")), "jwt.nonce");
}

TEST_F(OidcClientTest, ARotatedKeyIsFetchedOnceAndAnUnpublishedOneIsRefused) {
  const OidcProvider p = discover();
  ASSERT_EQ(code_of(redeem(p, authorize(p))), "ok");
  const int fetches = idp_.jwks_fetches();
  idp_.rotate_key("key-2");
  ASSERT_EQ(code_of(redeem(p, authorize(p))), "ok");
  EXPECT_EQ(idp_.jwks_fetches(), fetches + 1);
  ASSERT_EQ(code_of(redeem(p, authorize(p))), "ok");
  EXPECT_EQ(idp_.jwks_fetches(), fetches + 1) << "a known key comes from the cache";
  idp_.rotate_key("key-3", /*publish_new=*/false);
  EXPECT_EQ(code_of(redeem(p, authorize(p))), "jwt.unknown_key");
}

TEST_F(OidcClientTest, TheIdTokenIsCheckedForAudienceAndIssuer) {
  const OidcProvider p = discover();
  idp_.change([](FakeOidcProvider::Settings& s) { s.id_claims["aud"] = "another-client"; });
  EXPECT_EQ(code_of(redeem(p, authorize(p))), "jwt.audience");
  idp_.change([](FakeOidcProvider::Settings& s) {
    s.id_claims.erase("aud");
    s.id_claims["iss"] = "https://impostor.example";
  });
  EXPECT_EQ(code_of(redeem(p, authorize(p))), "jwt.issuer");
}

TEST_F(OidcClientTest, AClaimMissingFromTheIdTokenIsTakenFromUserinfoForTheSameSubjectOnly) {
  const OidcProvider p = discover();
  idp_.change([](FakeOidcProvider::Settings& s) {
    s.id_claims[kClaim] = nullptr;
    s.userinfo = {{kClaim, "197001011234"}, {"sub", "subject-42"}, {"given_name", "Not Used"}};
  });
  Result<json> claims = redeem(p, authorize(p));
  ASSERT_TRUE(claims.ok()) << claims.errors().front().message;
  EXPECT_EQ(claims.value()[kClaim], "197001011234");
  EXPECT_EQ(claims.value()["given_name"], "Eva") << "the ID token's claims win";
  idp_.change([](FakeOidcProvider::Settings& s) { s.userinfo["sub"] = "someone-else"; });
  EXPECT_EQ(code_of(redeem(p, authorize(p))), "oidc.userinfo");
}

}  // namespace
}  // namespace blankett
