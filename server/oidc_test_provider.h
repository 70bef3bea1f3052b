// A small OpenID Connect provider for the server's tests, on a free loopback port:
// discovery, an authorization endpoint that approves at once (303 back with a code), a
// token endpoint that checks the client's secret, the redirect URI and PKCE, a key set
// and a userinfo endpoint. Tests change what it signs and publishes to see the client
// refuse. Header-only; included by server/*_test.cc only.
#pragma once
#include <cctype>
#include <chrono>
#include <ctime>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "jwt_testing.h"
#include "oidc_client.h"

namespace blankett {

class FakeOidcProvider {
 public:
  FakeOidcProvider() : key_(std::make_shared<TestSigningKey>("RS256", "key-1")) {
    published_ = {key_};
    port_ = http_.bind_to_any_port("127.0.0.1");
    issuer_ = "http://127.0.0.1:" + std::to_string(port_);
    routes();
    thread_ = std::thread([this] { http_.listen_after_bind(); });
    while (!http_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ~FakeOidcProvider() { stop(); }
  void stop() {
    http_.stop();
    if (thread_.joinable()) thread_.join();
  }

  const std::string& issuer() const { return issuer_; }
  static constexpr const char* kClientId = "blankett-test";
  static constexpr const char* kSecret = "s3cret:with&odd=chars";

  // What the tests change (under the lock; the server's threads read them).
  struct Settings {
    nlohmann::json auth_methods = nlohmann::json::array({"client_secret_basic", "client_secret_post"});
    // Claims of the ID token besides iss, aud, sub, nonce, iat, exp; a member here
    // replaces the default one, null removes it.
    nlohmann::json id_claims = {{"sub", "subject-42"},
                                {"https://id.oidc.se/claim/personalIdentityNumber", "198112189876"},
                                {"given_name", "Eva"},
                                {"family_name", "Prov"}};
    nlohmann::json userinfo = nlohmann::json::object();  // sub is added
    std::string discovered_issuer;                       // "" = the real one
  };
  template <typename F>
  void change(F f) {
    std::lock_guard<std::mutex> lock(mutex_);
    f(settings_);
  }
  // Signs with a fresh ES256 key from now on, published next to the old ones (or, with
  // publish_new false, not at all: a key the client can never find).
  void rotate_key(const std::string& kid, bool publish_new = true) {
    std::lock_guard<std::mutex> lock(mutex_);
    key_ = std::make_shared<TestSigningKey>("ES256", kid);
    if (publish_new) published_.push_back(key_);
  }
  int jwks_fetches() {
    std::lock_guard<std::mutex> lock(mutex_);
    return jwks_fetches_;
  }
  // The last token request's Authorization header and body.
  std::pair<std::string, std::string> last_token_request() {
    std::lock_guard<std::mutex> lock(mutex_);
    return {last_token_auth_, last_token_body_};
  }
  // The authorization request's parameters by code.
  httplib::Params authorization_request(const std::string& code) {
    std::lock_guard<std::mutex> lock(mutex_);
    return codes_.count(code) ? codes_[code] : httplib::Params{};
  }

 private:
  void routes() {
    http_.Get("/.well-known/openid-configuration", [this](const httplib::Request&, httplib::Response& res) {
      std::lock_guard<std::mutex> lock(mutex_);
      const nlohmann::json doc = {{"issuer", settings_.discovered_issuer.empty() ? issuer_ : settings_.discovered_issuer},
                                  {"authorization_endpoint", issuer_ + "/authorize"},
                                  {"token_endpoint", issuer_ + "/token"},
                                  {"jwks_uri", issuer_ + "/jwks"},
                                  {"userinfo_endpoint", issuer_ + "/userinfo"},
                                  {"token_endpoint_auth_methods_supported", settings_.auth_methods},
                                  {"code_challenge_methods_supported", {"S256"}},
                                  {"response_types_supported", {"code"}}};
      res.set_content(doc.dump(), "application/json");
    });
    http_.Get("/jwks", [this](const httplib::Request&, httplib::Response& res) {
      std::lock_guard<std::mutex> lock(mutex_);
      ++jwks_fetches_;
      nlohmann::json keys = nlohmann::json::array();
      for (const auto& k : published_) keys.push_back(k->jwk());
      res.set_content(nlohmann::json{{"keys", keys}}.dump(), "application/json");
    });
    // Approves at once: the browser (or the test) goes straight back with a code.
    http_.Get("/authorize", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard<std::mutex> lock(mutex_);
      const std::string code = "code-" + std::to_string(++next_code_);
      codes_[code] = req.params;
      res.set_redirect(req.get_param_value("redirect_uri") + "?code=" + code + "&state=" + req.get_param_value("state"), 303);
    });
    http_.Post("/token", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard<std::mutex> lock(mutex_);
      last_token_auth_ = req.get_header_value("Authorization");
      last_token_body_ = req.body;
      auto refuse = [&res](const char* error) {
        res.status = 400;
        res.set_content(nlohmann::json{{"error", error}}.dump(), "application/json");
      };
      const std::string basic = "Basic " + base64_standard(std::string(kClientId) + ":" + url_escape(kSecret));
      const bool basic_ok = last_token_auth_ == basic;
      const bool post_ok = req.get_param_value("client_id") == kClientId && req.get_param_value("client_secret") == kSecret;
      if (!basic_ok && !post_ok) return refuse("invalid_client");
      auto it = codes_.find(req.get_param_value("code"));
      if (it == codes_.end() || req.get_param_value("grant_type") != "authorization_code") return refuse("invalid_grant");
      const httplib::Params auth = it->second;
      codes_.erase(it);  // one use
      auto param = [&auth](const char* name) {
        auto p = auth.find(name);
        return p == auth.end() ? std::string() : p->second;
      };
      if (req.get_param_value("redirect_uri") != param("redirect_uri")) return refuse("invalid_grant");
      if (param("code_challenge_method") != "S256" ||
          pkce_s256_challenge(req.get_param_value("code_verifier")) != param("code_challenge")) {
        return refuse("invalid_grant");
      }
      const int64_t now = static_cast<int64_t>(std::time(nullptr));
      nlohmann::json claims = {{"iss", issuer_}, {"aud", kClientId}, {"nonce", param("nonce")}, {"iat", now}, {"exp", now + 300}};
      for (auto c = settings_.id_claims.begin(); c != settings_.id_claims.end(); ++c) {
        if (c.value().is_null()) claims.erase(c.key());
        else claims[c.key()] = c.value();
      }
      sub_ = claims.value("sub", "");
      res.set_content(nlohmann::json{{"id_token", key_->sign(claims)}, {"access_token", "at-" + param("state")},
                                     {"token_type", "Bearer"}}
                          .dump(),
                      "application/json");
    });
    http_.Get("/userinfo", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (req.get_header_value("Authorization").rfind("Bearer at-", 0) != 0) {
        res.status = 401;
        return;
      }
      nlohmann::json info = settings_.userinfo;
      if (!info.contains("sub")) info["sub"] = sub_;
      res.set_content(info.dump(), "application/json");
    });
  }

  static std::string base64_standard(const std::string& bytes) {
    std::string out(sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                      sodium_base64_VARIANT_ORIGINAL);
    out.resize(out.size() - 1);
    return out;
  }
  // Form-encoding of the secret as RFC 6749 2.3.1 asks (written out here, not borrowed
  // from the code under test).
  static std::string url_escape(const std::string& s) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
      if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
        out += static_cast<char>(c);
      } else {
        out += '%';
        out += hex[c >> 4];
        out += hex[c & 15];
      }
    }
    return out;
  }

  httplib::Server http_;
  int port_ = 0;
  std::string issuer_;
  std::thread thread_;
  std::mutex mutex_;
  Settings settings_;
  std::shared_ptr<TestSigningKey> key_;
  std::vector<std::shared_ptr<TestSigningKey>> published_;
  int jwks_fetches_ = 0;
  int next_code_ = 0;
  std::map<std::string, httplib::Params> codes_;
  std::string sub_;
  std::string last_token_auth_, last_token_body_;
};

}  // namespace blankett
