// What identity.cc and the providers' pages (identity_dev_page.cc,
// identity_callback.cc) share: the flow cookie, the checks every provider's return makes
// on a flow, and the error page. Not for other files: they use identity.h.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "app_context.h"
#include "identity_flows.h"
#include "httplib_fwd.h"

namespace blankett {

// The cookie that binds a flow to the browser that started it. SameSite=Lax, not
// Strict: the provider sends the browser back with a top-level GET from its own site.
inline constexpr const char* kIdentityCookie = "blankett_identity";

int64_t identity_unix_now();

// Whether `token` has the shape of the random tokens handed out (random_token: 43
// base64url characters); anything else is not worth a lookup.
bool plausible_identity_token(const std::string& token);

// The value of a cookie of the request ("" when absent).
std::string identity_request_cookie(const httplib::Request& req, const std::string& name);

// An accessible error page for identification (sv/en): a heading, the plain reason, and
// a way on. With `return_to`, a link back to the page the identification was for (where
// it can start again); without, advice to open the e-mail's link again.
struct IdentityProblem {
  int status = 400;
  const char* title_sv;
  const char* title_en;
  const char* text_sv;
  const char* text_en;
};
void send_identity_problem(const httplib::Request& req, httplib::Response& res, const IdentityProblem& problem,
                           const std::string& return_to = "");

// A problem page because something failed on the server (the store); never says why.
void send_identity_server_error(const httplib::Request& req, httplib::Response& res);

// The flow `state` names, when it is one this browser started with `provider`, is
// neither identified nor ended, and has not expired (an expired one is ended here). On
// any failure answers `res` with the right page and returns nullopt.
std::optional<IdentityFlow> pending_flow_for(const httplib::Request& req, httplib::Response& res, Store& store,
                                             const std::string& state, const char* provider);

// A line on stderr for the administrator: what failed, as a code and a message that
// never carries personal data (no numbers, names, subjects or tokens).
void log_identity_failure(const std::string& code, const std::string& message);

// The development provider's page (GET /identity/dev, POST /identity/dev) and the OpenID
// Connect pages (GET /identity/continue, GET /identity/callback); each answers 404 unless
// its provider is the configured one.
void register_dev_identity_routes(httplib::Server& http, AppContext& app);
void register_oidc_routes(httplib::Server& http, AppContext& app);

}  // namespace blankett
