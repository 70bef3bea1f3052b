// The OpenID Connect client side of identification: discovery of the provider (cached
// per issuer), the authorization request (code flow with PKCE S256), the token exchange
// and the ID token's checks (jwt.h). No state of its own besides the cache of public
// provider documents; the flow's secrets live in identity_flows (identity.cc).
// docs/identity.md.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "blankett/error.h"
#include "identity_options.h"

namespace blankett {

// What <issuer>/.well-known/openid-configuration says, checked.
struct OidcProvider {
  std::string issuer;  // exactly the configured issuer
  std::string authorization_endpoint;
  std::string token_endpoint;
  std::string jwks_uri;
  std::string userinfo_endpoint;                         // "" when it has none
  std::vector<std::string> token_endpoint_auth_methods;  // empty: the default, client_secret_basic
};

// Whether the server may talk to an identity provider at `url`: https://, or http:// to
// 127.0.0.1, [::1] or localhost only (tests; a broker on the same machine). Plain HTTP
// elsewhere would let anyone on the path forge identities.
bool provider_url_allowed(const std::string& url);

// The provider's checked metadata, from a per-process cache (kept an hour) or fetched.
// Errors: "oidc.insecure_url" (the issuer or an endpoint is not allowed),
// "oidc.unreachable" (no answer), "oidc.discovery" (not a JSON object, another
// "issuer", an endpoint missing, no PKCE S256).
Result<OidcProvider> discover_oidc_provider(const std::string& issuer);
// Empties that cache (and the key sets'): for tests, whose providers come and go on
// ports that may be used again.
void forget_oidc_providers();

struct AuthorizationRequest {
  std::string client_id;
  std::string redirect_uri;
  std::string scope;  // "openid" is added when missing
  std::string state;
  std::string nonce;
  std::string code_verifier;  // sent only as its S256 challenge
  std::string ui_locales;     // "sv", "en" or ""
};
// The authorization endpoint with the request's parameters (response_type=code,
// code_challenge_method=S256).
std::string authorization_url(const OidcProvider& provider, const AuthorizationRequest& request);
// base64url(SHA-256(code_verifier)) without padding (RFC 7636, S256).
std::string pkce_s256_challenge(std::string_view code_verifier);

struct CodeRedemption {
  std::string code;
  std::string code_verifier;
  std::string redirect_uri;
  std::string nonce;
  int64_t now = 0;  // unix seconds, for the ID token's times
};

// Exchanges the authorization code at the token endpoint (client_secret_basic, else
// client_secret_post, per the provider's token_endpoint_auth_methods_supported; only
// client_id when there is no secret) and returns the ID token's verified claims. The
// key set is fetched again once when the token names a key it does not have (keys
// rotate). When the ID token lacks `wanted_claim` and the provider has a userinfo
// endpoint, the claims the userinfo endpoint gives for the same "sub" are added (never
// overriding the ID token's).
// Errors: "oidc.unreachable", "oidc.token" (the code was refused, or the answer has no
// ID token), "oidc.discovery" (the key set), the jwt.* codes of verify_id_token,
// "oidc.userinfo" (another subject, or not JSON).
Result<nlohmann::json> redeem_authorization_code(const OidcProvider& provider, const OidcOptions& options,
                                                 const CodeRedemption& redemption, const std::string& wanted_claim);

}  // namespace blankett
