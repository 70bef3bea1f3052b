// Identification of signers and of applicants who complete an application, through a
// pluggable identity provider (identity_options.h): the development provider or OpenID
// Connect (authorization code flow with PKCE). docs/identity.md.
//
// A page that must know who its visitor is (signing_pages.cc, completion_pages.cc) calls
// begin_identification: it records a flow (identity_flows), sets a cookie that binds the
// flow to this browser, and redirects to the provider (for OIDC through the same-origin
// hand-over page /identity/continue: see identity_oidc_pages.cc). The provider sends the
// browser back (/identity/callback for OIDC; the development page posts to
// /identity/dev), the identity is checked and stored on the flow, and the browser returns
// to `return_to`, where the page calls identified_for.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "app_context.h"
#include "blankett/error.h"
#include "store.h"
#include "httplib_fwd.h"

namespace blankett {

struct ServeOptions;

enum class IdentityPurpose { sign, complete };
const char* identity_purpose_name(IdentityPurpose purpose);  // "sign", "complete"

struct VerifiedIdentity {
  int64_t flow_id = 0;
  std::string provider;         // "dev", "oidc"
  std::string subject;          // the provider's subject for the person
  std::string personal_number;  // "YYYYMMDD-NNNN" (normalised); "" when the provider gave none
  std::string name;             // "" when the provider gave none
  // For the page's POST forms (hidden input "identity_csrf"): check_identity_csrf.
  std::string csrf_token;
};

// What is wrong with the serve options' identity settings (an unknown provider, oidc
// without issuer or client id, an issuer that is not https:// (http:// only on loopback),
// oidc with --production but without an https:// --public-url, the development provider
// with --production, --dev with --production), or nullopt.
std::optional<std::string> identity_options_problem(const ServeOptions& options);

// Answers `res`: a 303 on the way to the provider (/identity/dev?state=… or
// /identity/continue?state=…) with the flow cookie, or a page: identification is not
// available (503) when no provider is configured, the provider cannot be reached (502),
// the store failed (500). `target` is the SHA-256 (hex) of the
// signing or completion token the identification is for; `return_to` a path on this
// server ("/sign/<token>") where the browser goes back afterwards.
void begin_identification(AppContext& app, const httplib::Request& req, httplib::Response& res, IdentityPurpose purpose,
                          const std::string& target, const std::string& return_to);

// The identity this browser (its flow cookie) proved for (purpose, target) in the last
// 30 minutes, unless the flow was ended; nullopt otherwise.
Result<std::optional<VerifiedIdentity>> identified_for(AppContext& app, Store& store, const httplib::Request& req,
                                                       IdentityPurpose purpose, const std::string& target);

// Whether the request's form field "identity_csrf" is the identity's token
// (constant-time).
bool check_identity_csrf(const httplib::Request& req, const VerifiedIdentity& identity);

// After the act it was for (a signature, a reply): the flow cannot be used again.
// True when this call ended it, false when it was already ended (or is gone).
Result<bool> end_identification(Store& store, int64_t flow_id);

void register_identity_routes(httplib::Server& http, AppContext& app);

}  // namespace blankett
