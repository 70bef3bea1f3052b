// Identification flows (identity.h). Index:
//   [SECTION] Options
//   [SECTION] Shared by the providers' pages (identity_internal.h)
//   [SECTION] Starting an identification
//   [SECTION] Using a proved identity
#include "identity.h"

#include <httplib.h>

#include <ctime>
#include <iostream>

#include "blankett/submission.h"
#include "html_page.h"
#include "http_server.h"
#include "identity_internal.h"
#include "oidc_client.h"
#include "request_store.h"
#include "sessions.h"
#include "signing_keys.h"
#include "web_auth.h"

namespace blankett {

const char* identity_purpose_name(IdentityPurpose purpose) { return purpose == IdentityPurpose::sign ? "sign" : "complete"; }

// --- [SECTION] Options -----------------------------------------------------------------------

std::optional<std::string> identity_options_problem(const ServeOptions& options) {
  const IdentityOptions& id = options.identity;
  if (options.production && options.dev) return std::string("--dev cannot be used with --production");
  if (id.provider.empty()) return std::nullopt;
  if (id.provider == "dev") {
    if (options.production) return std::string("--identity dev is for development only and refused with --production");
    return std::nullopt;
  }
  if (id.provider != "oidc") return "--identity is dev or oidc, not '" + id.provider + "'";
  if (id.oidc.issuer.empty()) return std::string("--identity oidc needs --oidc-issuer");
  if (id.oidc.client_id.empty()) return std::string("--identity oidc needs --oidc-client-id");
  // RFC 6749 §3.3: scope tokens separated by single spaces, each of printable ASCII
  // without '"' and '\\'. "openid" is added to the request when missing.
  if (id.oidc.scopes.empty() || id.oidc.scopes.front() == ' ' || id.oidc.scopes.back() == ' ' ||
      id.oidc.scopes.find("  ") != std::string::npos) {
    return "--oidc-scopes is scope names separated by single spaces, not '" + id.oidc.scopes + "'";
  }
  for (char c : id.oidc.scopes) {
    if (c != ' ' && (c < 0x21 || c > 0x7e || c == '"' || c == '\\')) {
      return "--oidc-scopes may hold printable ASCII other than '\"' and '\\', not '" + id.oidc.scopes + "'";
    }
  }
  if (!provider_url_allowed(id.oidc.issuer)) {
    return "--oidc-issuer must be an https:// URL (http:// only on 127.0.0.1 or localhost), not '" + id.oidc.issuer + "'";
  }
  // The redirect URI is built from it; in production it is what citizens reach, over TLS.
  if (options.production && options.public_url.rfind("https://", 0) != 0) {
    return std::string("--identity oidc with --production needs --public-url https://… (the redirect URI is <public-url>/identity/callback)");
  }
  return std::nullopt;
}

// --- [SECTION] Shared by the providers' pages --------------------------------------------------

int64_t identity_unix_now() { return static_cast<int64_t>(std::time(nullptr)); }

bool plausible_identity_token(const std::string& token) { return token.size() == 43 && is_base64url_text(token); }

std::string identity_request_cookie(const httplib::Request& req, const std::string& name) { return request_cookie(req, name); }

void send_identity_problem(const httplib::Request& req, httplib::Response& res, const IdentityProblem& p,
                           const std::string& return_to) {
  const std::string lang = page_lang(req);
  std::string body = std::string("<h1>") + html_escape(tr(lang, p.title_sv, p.title_en)) + "</h1><p>" +
                     html_escape(tr(lang, p.text_sv, p.text_en)) + "</p>";
  const std::string back = local_path_or_empty(return_to);
  if (!back.empty()) {
    body += "<p><a href=\"" + html_escape(back) + "\">" + tr(lang, "Börja om", "Start again") + "</a></p>";
  } else {
    body += std::string("<p>") +
            tr(lang, "Öppna länken i e-postmeddelandet igen för att börja om.", "Open the link in your e-mail again to start over.") +
            "</p>";
  }
  // The language switch leads to the start page: these URLs carry a state that is
  // already spent.
  send_page(req, res, p.status, PageFrame{lang, tr(lang, p.title_sv, p.title_en), nullptr, "/"}, body);
}

void send_identity_server_error(const httplib::Request& req, httplib::Response& res) {
  send_identity_problem(req, res,
                        IdentityProblem{500, "Något gick fel", "Something went wrong",
                                        "Identifieringen kunde inte sparas. Försök igen om en stund.",
                                        "The identification could not be saved. Please try again in a moment."});
}

void log_identity_failure(const std::string& code, const std::string& message) {
  std::cerr << "identity: " << code << ": " << message << std::endl;
}

namespace {

const IdentityProblem kUnknownFlow{400, "Identifieringen hittades inte", "Identification not found",
                                   "Identifieringen är okänd, redan använd eller för gammal.",
                                   "This identification is unknown, already used or too old."};
const IdentityProblem kOtherBrowser{403, "Fel webbläsare", "Wrong browser",
                                    "En identifiering måste avslutas i samma webbläsare som den började i.",
                                    "An identification must finish in the same browser where it started."};
const IdentityProblem kUsedFlow{400, "Identifieringen är redan använd", "The identification has already been used",
                                "Den här identifieringen är redan avslutad och kan inte användas igen.",
                                "This identification has already finished and cannot be used again."};
const IdentityProblem kExpiredFlow{400, "Tiden gick ut", "Time ran out",
                                   "Identifieringen tog mer än 10 minuter och avbröts.",
                                   "The identification took more than 10 minutes and was stopped."};

}  // namespace

std::optional<IdentityFlow> pending_flow_for(const httplib::Request& req, httplib::Response& res, Store& store,
                                             const std::string& state, const char* provider) {
  if (!plausible_identity_token(state)) {
    send_identity_problem(req, res, kUnknownFlow);
    return std::nullopt;
  }
  Result<std::optional<IdentityFlow>> found = find_identity_flow_by_state(store, sha256_of(state));
  if (!found) {
    send_identity_server_error(req, res);
    return std::nullopt;
  }
  if (!found.value() || found.value()->provider != provider) {
    send_identity_problem(req, res, kUnknownFlow);
    return std::nullopt;
  }
  IdentityFlow& flow = *found.value();
  // A request without the browser's cookie has no say over the flow: it is not ended here,
  // so someone who sends the link elsewhere cannot spoil the owner's identification.
  const std::string cookie = identity_request_cookie(req, kIdentityCookie);
  if (!plausible_identity_token(cookie) || !tokens_equal(sha256_of(cookie), flow.browser_sha256)) {
    send_identity_problem(req, res, kOtherBrowser);
    return std::nullopt;
  }
  if (flow.identified || flow.ended) {
    send_identity_problem(req, res, kUsedFlow, flow.return_to);
    return std::nullopt;
  }
  const int64_t now = identity_unix_now();
  if (now >= flow.expires_at) {
    end_identity_flow(store, flow.id, now);
    send_identity_problem(req, res, kExpiredFlow, flow.return_to);
    return std::nullopt;
  }
  return std::move(flow);
}

// --- [SECTION] Starting an identification ----------------------------------------------------

void begin_identification(AppContext& app, const httplib::Request& req, httplib::Response& res, IdentityPurpose purpose,
                          const std::string& target, const std::string& return_to) {
  const IdentityOptions& options = app.options.identity;
  if (options.provider != "dev" && options.provider != "oidc") {
    return send_identity_problem(req, res,
                                 IdentityProblem{503, "Identifiering är inte tillgänglig", "Identification is not available",
                                                 "Den här tjänsten kan inte identifiera dig. Kontakta kommunen.",
                                                 "This service cannot identify you. Please contact the municipality."});
  }
  const std::string back = local_path_or_empty(return_to);
  if (back.empty() || target.empty()) {
    log_identity_failure("identity.bad_call", "begin_identification needs a target and a local return path");
    return send_identity_server_error(req, res);
  }
  Result<Store*> store = request_store(app.database_path);
  if (!store) return send_identity_server_error(req, res);

  const std::string state = random_token();
  const std::string browser = random_token();
  IdentityFlow flow;
  flow.state_sha256 = sha256_of(state);
  flow.browser_sha256 = sha256_of(browser);
  flow.purpose = identity_purpose_name(purpose);
  flow.target = target;
  flow.return_to = back;
  flow.provider = options.provider;
  flow.nonce = random_token();
  flow.code_verifier = random_token();  // 43 characters: RFC 7636's minimum
  flow.csrf_token = random_token();
  flow.created_at = identity_unix_now();
  flow.expires_at = flow.created_at + kIdentityRoundTripSeconds;

  std::string location = "/identity/dev?state=" + state;
  if (options.provider == "oidc") {
    // Discovered now so that a broker that is down is reported before anything is stored.
    Result<OidcProvider> provider = discover_oidc_provider(options.oidc.issuer);
    if (!provider) {
      log_identity_failure(provider.errors().front().code, provider.errors().front().message);
      return send_identity_problem(req, res,
                                   IdentityProblem{502, "Identifieringstjänsten svarar inte", "The identification service does not answer",
                                                   "Det gick inte att nå tjänsten för e-legitimation. Försök igen om en stund.",
                                                   "The e-ID service could not be reached. Please try again in a moment."},
                                   back);
    }
    // Same origin first: see identity_oidc_pages.cc for why not straight to the provider.
    location = "/identity/continue?state=" + state;
  }

  const std::string previous = identity_request_cookie(req, kIdentityCookie);
  Result<int64_t> id = insert_identity_flow(*store.value(), flow, plausible_identity_token(previous) ? sha256_of(previous) : "");
  if (!id) return send_identity_server_error(req, res);
  res.set_header("Set-Cookie", std::string(kIdentityCookie) + "=" + browser + "; Path=/; HttpOnly; SameSite=Lax" +
                                   (app.tls ? "; Secure" : ""));
  res.set_header("Cache-Control", "no-store");
  res.set_redirect(location, 303);
}

// --- [SECTION] Using a proved identity -------------------------------------------------------

Result<std::optional<VerifiedIdentity>> identified_for(AppContext&, Store& store, const httplib::Request& req,
                                                       IdentityPurpose purpose, const std::string& target) {
  const std::string cookie = identity_request_cookie(req, kIdentityCookie);
  if (!plausible_identity_token(cookie) || target.empty()) return std::optional<VerifiedIdentity>();
  Result<std::optional<IdentityFlow>> flow =
      find_identified_flow(store, sha256_of(cookie), identity_purpose_name(purpose), target, identity_unix_now());
  if (!flow) return flow.errors();
  if (!flow.value()) return std::optional<VerifiedIdentity>();
  const IdentityFlow& f = *flow.value();
  return std::optional<VerifiedIdentity>(VerifiedIdentity{f.id, f.provider, f.subject, f.personal_number, f.name, f.csrf_token});
}

bool check_identity_csrf(const httplib::Request& req, const VerifiedIdentity& identity) {
  return tokens_equal(form_value(req, "identity_csrf"), identity.csrf_token);
}

Result<bool> end_identification(Store& store, int64_t flow_id) { return end_identity_flow(store, flow_id, identity_unix_now()); }

void register_identity_routes(httplib::Server& http, AppContext& app) {
  register_dev_identity_routes(http, app);
  register_oidc_routes(http, app);
}

}  // namespace blankett
