// Implementation of oidc_client.h. Index:
//   [SECTION] URLs
//   [SECTION] HTTP with a provider
//   [SECTION] Discovery and the key set (cached)
//   [SECTION] The authorization request
//   [SECTION] The token exchange
#include "oidc_client.h"

#include <httplib.h>
#include <sodium.h>

#include <map>
#include <ctime>
#include <mutex>
#include <optional>

#include "html_page.h"
#include "jwt.h"

namespace blankett {

namespace {

using nlohmann::json;

constexpr int64_t kCacheSeconds = 60 * 60;  // discovery documents and key sets
constexpr size_t kMaxAnswerBytes = 1024 * 1024;

Error oidc_error(const char* code, std::string message) { return Error{code, "", 0, 0, std::move(message)}; }

std::string lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

// --- [SECTION] URLs ------------------------------------------------------------------------

struct UrlParts {
  std::string scheme;  // "https" or "http"
  std::string host;    // lowercase; an IPv6 address keeps its brackets
  std::string origin;  // scheme://host[:port], what httplib::Client takes
  std::string target;  // "/path?query", at least "/"
};

std::optional<UrlParts> split_url(const std::string& url) {
  const size_t colon = url.find("://");
  if (colon == std::string::npos) return std::nullopt;
  UrlParts u;
  u.scheme = lower(url.substr(0, colon));
  if (u.scheme != "https" && u.scheme != "http") return std::nullopt;
  const size_t start = colon + 3;
  const size_t slash = url.find_first_of("/?#", start);
  const std::string authority = url.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
  if (authority.empty() || authority.find('@') != std::string::npos) return std::nullopt;  // no user:password@
  if (url.find('#') != std::string::npos) return std::nullopt;
  for (unsigned char c : url) {
    if (c <= 0x20 || c >= 0x7F) return std::nullopt;
  }
  std::string host = authority;
  if (host.front() == '[') {
    const size_t close = host.find(']');
    if (close == std::string::npos) return std::nullopt;
    host = host.substr(0, close + 1);
  } else if (const size_t port = host.rfind(':'); port != std::string::npos) {
    host = host.substr(0, port);
  }
  if (host.empty()) return std::nullopt;
  u.host = lower(host);
  u.origin = u.scheme + "://" + lower(authority);
  u.target = slash == std::string::npos ? "/" : url.substr(slash);
  if (u.target.front() == '?') u.target = "/" + u.target;
  return u;
}

// --- [SECTION] HTTP with a provider ------------------------------------------------------

httplib::Client client_for(const UrlParts& url) {
  httplib::Client client(url.origin);
  client.set_connection_timeout(5, 0);
  client.set_read_timeout(10, 0);
  client.set_write_timeout(10, 0);
  client.set_follow_location(false);  // a redirect could lead off the allowed URLs
  return client;
}

// The JSON object a provider answers with. `what` names the document in messages.
Result<json> json_answer(const httplib::Result& res, const std::string& what, const char* refused_code) {
  if (!res) return Errors{oidc_error("oidc.unreachable", "no answer from the identity provider's " + what + ": " + httplib::to_string(res.error()))};
  if (res->body.size() > kMaxAnswerBytes) return Errors{oidc_error(refused_code, "the identity provider's " + what + " is too large")};
  json body = json::parse(res->body, nullptr, false);
  if (res->status != 200) {
    // OAuth errors carry a short ASCII code ("invalid_grant"): safe to repeat, and what an
    // administrator needs to see.
    std::string code = body.is_object() && body.contains("error") && body["error"].is_string() ? body["error"].get<std::string>() : "";
    if (code.size() > 64 || code.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") != std::string::npos) code.clear();
    return Errors{oidc_error(refused_code, "the identity provider's " + what + " answered HTTP " + std::to_string(res->status) +
                                               (code.empty() ? "" : " (" + code + ")"))};
  }
  if (body.is_discarded() || !body.is_object()) {
    return Errors{oidc_error(refused_code, "the identity provider's " + what + " is not a JSON object")};
  }
  return body;
}

Result<json> get_json(const std::string& url, const std::string& what, const char* refused_code,
                      const std::string& bearer = "") {
  const std::optional<UrlParts> parts = split_url(url);
  if (!parts || !provider_url_allowed(url)) {
    return Errors{oidc_error("oidc.insecure_url", "the identity provider's " + what + " is not an https:// URL: " + url)};
  }
  httplib::Client client = client_for(*parts);
  httplib::Headers headers = {{"Accept", "application/json"}};
  if (!bearer.empty()) headers.emplace("Authorization", "Bearer " + bearer);
  return json_answer(client.Get(parts->target, headers), what, refused_code);
}

std::string text(const json& object, const char* name) {
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// --- [SECTION] Discovery and the key set (cached) ------------------------------------------

int64_t unix_now() { return static_cast<int64_t>(std::time(nullptr)); }

// Public documents only (no secret is cached here), shared by every server in the
// process: a second server with the same issuer may use the first one's copy.
struct ProviderCache {
  std::mutex mutex;
  std::map<std::string, std::pair<OidcProvider, int64_t>> providers;  // issuer → (metadata, fetched at)
  std::map<std::string, std::pair<json, int64_t>> key_sets;          // jwks_uri → (key set, fetched at)
};

ProviderCache& cache() {
  static ProviderCache* c = new ProviderCache;  // never destroyed: request threads may outlive main's statics
  return *c;
}

Result<OidcProvider> fetch_provider(const std::string& issuer) {
  std::string base = issuer;
  if (!base.empty() && base.back() == '/') base.pop_back();
  Result<json> doc = get_json(base + "/.well-known/openid-configuration", "discovery document", "oidc.discovery");
  if (!doc) return doc.errors();
  const json& d = doc.value();
  OidcProvider p;
  p.issuer = text(d, "issuer");
  if (p.issuer != issuer) {
    // OpenID Connect Discovery 4.3: otherwise another provider could pose as this one.
    return Errors{oidc_error("oidc.discovery", "the discovery document names another issuer than " + issuer)};
  }
  p.authorization_endpoint = text(d, "authorization_endpoint");
  p.token_endpoint = text(d, "token_endpoint");
  p.jwks_uri = text(d, "jwks_uri");
  for (const std::string* url : {&p.authorization_endpoint, &p.token_endpoint, &p.jwks_uri}) {
    if (url->empty()) return Errors{oidc_error("oidc.discovery", "the discovery document lacks an endpoint (authorization, token or jwks_uri)")};
    if (!provider_url_allowed(*url)) return Errors{oidc_error("oidc.insecure_url", "the identity provider's endpoint is not an https:// URL: " + *url)};
  }
  p.userinfo_endpoint = text(d, "userinfo_endpoint");
  if (!provider_url_allowed(p.userinfo_endpoint)) p.userinfo_endpoint.clear();
  if (auto methods = d.find("token_endpoint_auth_methods_supported"); methods != d.end() && methods->is_array()) {
    for (const json& m : *methods) {
      if (m.is_string()) p.token_endpoint_auth_methods.push_back(m.get<std::string>());
    }
  }
  if (auto pkce = d.find("code_challenge_methods_supported"); pkce != d.end() && pkce->is_array()) {
    bool s256 = false;
    for (const json& m : *pkce) s256 = s256 || m == "S256";
    if (!s256) return Errors{oidc_error("oidc.discovery", "the identity provider does not support PKCE with S256")};
  }
  return p;
}

Result<json> key_set(const OidcProvider& provider, bool refresh) {
  ProviderCache& c = cache();
  const int64_t now = unix_now();
  if (!refresh) {
    std::lock_guard<std::mutex> lock(c.mutex);
    auto it = c.key_sets.find(provider.jwks_uri);
    if (it != c.key_sets.end() && now - it->second.second < kCacheSeconds) return it->second.first;
  }
  // Fetched without the lock: a slow provider must not hold up every other request.
  Result<json> keys = get_json(provider.jwks_uri, "key set (jwks_uri)", "oidc.discovery");
  if (!keys) return keys;
  if (!keys.value().contains("keys") || !keys.value()["keys"].is_array()) {
    return Errors{oidc_error("oidc.discovery", "the identity provider's key set has no \"keys\" array")};
  }
  std::lock_guard<std::mutex> lock(c.mutex);
  c.key_sets[provider.jwks_uri] = {keys.value(), now};
  return keys;
}

}  // namespace

bool provider_url_allowed(const std::string& url) {
  const std::optional<UrlParts> u = split_url(url);
  if (!u) return false;
  if (u->scheme == "https") return true;
  return u->host == "127.0.0.1" || u->host == "localhost" || u->host == "[::1]";
}

Result<OidcProvider> discover_oidc_provider(const std::string& issuer) {
  if (!provider_url_allowed(issuer)) {
    return Errors{oidc_error("oidc.insecure_url", "the issuer is not an https:// URL: " + issuer)};
  }
  ProviderCache& c = cache();
  const int64_t now = unix_now();
  {
    std::lock_guard<std::mutex> lock(c.mutex);
    auto it = c.providers.find(issuer);
    if (it != c.providers.end() && now - it->second.second < kCacheSeconds) return it->second.first;
  }
  Result<OidcProvider> fetched = fetch_provider(issuer);
  if (!fetched) return fetched;
  std::lock_guard<std::mutex> lock(c.mutex);
  c.providers[issuer] = {fetched.value(), now};
  return fetched;
}

void forget_oidc_providers() {
  ProviderCache& c = cache();
  std::lock_guard<std::mutex> lock(c.mutex);
  c.providers.clear();
  c.key_sets.clear();
}

// --- [SECTION] The authorization request -----------------------------------------------------

std::string pkce_s256_challenge(std::string_view code_verifier) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(code_verifier.data()), code_verifier.size());
  return base64url_encode_bytes(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

std::string authorization_url(const OidcProvider& provider, const AuthorizationRequest& r) {
  std::string scope = r.scope.empty() ? "openid" : r.scope;
  if ((" " + scope + " ").find(" openid ") == std::string::npos) scope = "openid " + scope;
  std::string url = provider.authorization_endpoint;
  url += url.find('?') == std::string::npos ? '?' : '&';
  url += "response_type=code&client_id=" + url_encode(r.client_id) + "&redirect_uri=" + url_encode(r.redirect_uri) +
         "&scope=" + url_encode(scope) + "&state=" + url_encode(r.state) + "&nonce=" + url_encode(r.nonce) +
         "&code_challenge=" + pkce_s256_challenge(r.code_verifier) + "&code_challenge_method=S256";
  if (!r.ui_locales.empty()) url += "&ui_locales=" + url_encode(r.ui_locales);
  return url;
}

// --- [SECTION] The token exchange ----------------------------------------------------------

namespace {

bool supports(const OidcProvider& p, const char* method) {
  for (const std::string& m : p.token_endpoint_auth_methods) {
    if (m == method) return true;
  }
  return false;
}

std::string base64_standard(const std::string& bytes) {
  const size_t size = sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  std::string out(size, '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.resize(size - 1);
  return out;
}

Result<json> token_request(const OidcProvider& p, const OidcOptions& o, const CodeRedemption& r) {
  const std::optional<UrlParts> parts = split_url(p.token_endpoint);
  if (!parts) return Errors{oidc_error("oidc.insecure_url", "the token endpoint is not a URL")};
  std::string body = "grant_type=authorization_code&code=" + url_encode(r.code) + "&redirect_uri=" + url_encode(r.redirect_uri) +
                     "&code_verifier=" + url_encode(r.code_verifier);
  httplib::Headers headers = {{"Accept", "application/json"}};
  const bool basic = p.token_endpoint_auth_methods.empty() || supports(p, "client_secret_basic");
  if (o.client_secret.empty()) {
    body += "&client_id=" + url_encode(o.client_id);  // a public client ("none")
  } else if (basic) {
    // RFC 6749 2.3.1: both parts form-encoded before base64.
    headers.emplace("Authorization", "Basic " + base64_standard(url_encode(o.client_id) + ":" + url_encode(o.client_secret)));
  } else if (supports(p, "client_secret_post")) {
    body += "&client_id=" + url_encode(o.client_id) + "&client_secret=" + url_encode(o.client_secret);
  } else {
    return Errors{oidc_error("oidc.token", "the identity provider supports neither client_secret_basic nor client_secret_post")};
  }
  httplib::Client client = client_for(*parts);
  return json_answer(client.Post(parts->target, headers, body, "application/x-www-form-urlencoded"), "token endpoint",
                     "oidc.token");
}

}  // namespace

Result<json> redeem_authorization_code(const OidcProvider& p, const OidcOptions& o, const CodeRedemption& r,
                                       const std::string& wanted_claim) {
  Result<json> tokens = token_request(p, o, r);
  if (!tokens) return tokens;
  const std::string id_token = text(tokens.value(), "id_token");
  if (id_token.empty()) return Errors{oidc_error("oidc.token", "the token endpoint's answer has no id_token")};

  const IdTokenExpectations expect{p.issuer, o.client_id, r.nonce, r.now, 60};
  Result<json> keys = key_set(p, false);
  if (!keys) return keys;
  Result<json> claims = verify_id_token(id_token, keys.value(), expect);
  if (!claims && claims.errors().front().code == "jwt.unknown_key") {
    keys = key_set(p, true);
    if (!keys) return keys;
    claims = verify_id_token(id_token, keys.value(), expect);
  }
  if (!claims) return claims;

  const std::string access_token = text(tokens.value(), "access_token");
  if (wanted_claim.empty() || claims.value().contains(wanted_claim) || p.userinfo_endpoint.empty() || access_token.empty()) {
    return claims;
  }
  Result<json> info = get_json(p.userinfo_endpoint, "userinfo endpoint", "oidc.userinfo", access_token);
  if (!info) return info;
  // OpenID Connect Core 5.3.2: the userinfo answer must be about the ID token's subject.
  if (text(info.value(), "sub") != text(claims.value(), "sub")) {
    return Errors{oidc_error("oidc.userinfo", "the userinfo endpoint answered about another subject")};
  }
  json merged = claims.value();
  for (auto it = info.value().begin(); it != info.value().end(); ++it) {
    if (!merged.contains(it.key())) merged[it.key()] = it.value();
  }
  return merged;
}

}  // namespace blankett
