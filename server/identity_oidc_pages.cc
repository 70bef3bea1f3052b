// The OpenID Connect pages. docs/identity.md.
//
// GET /identity/continue?state=…: the hand-over to the provider. begin_identification
// answers the signing or completion page's POST with a 303 here (same origin), and this
// page sends the browser on with a Refresh header and a link. A 303 straight to the
// provider would be blocked: the pages' CSP has form-action 'self', which browsers apply
// to every redirect that follows a form's POST.
//
// GET /identity/callback: where the provider sends the browser back with an
// authorization code (or an error). The flow is found by its state and must belong to
// this browser; the code is exchanged and the ID token verified (oidc_client.h); only
// then is the identity stored on the flow. Any failure ends the flow and stores nothing.
#include <httplib.h>

#include "html_page.h"
#include "http_server.h"
#include "identity.h"
#include "identity_internal.h"
#include "identity_personal_number.h"
#include "oidc_client.h"
#include "request_store.h"

namespace blankett {

namespace {

using nlohmann::json;

const IdentityProblem kNotOidc{404, "Sidan finns inte", "Page not found",
                               "Den här servern använder inte OpenID Connect för identifiering.",
                               "This server does not use OpenID Connect for identification."};
const IdentityProblem kCancelled{400, "Identifieringen avbröts", "The identification was cancelled",
                                 "Identifieringen avbröts eller nekades hos tjänsten för e-legitimation.",
                                 "The identification was cancelled or refused at the e-ID service."};
const IdentityProblem kFailed{400, "Identifieringen misslyckades", "The identification failed",
                              "Tjänsten för e-legitimation kunde inte identifiera dig.",
                              "The e-ID service could not identify you."};
const IdentityProblem kUnreachable{502, "Identifieringstjänsten svarar inte", "The identification service does not answer",
                                   "Det gick inte att nå tjänsten för e-legitimation. Försök igen om en stund.",
                                   "The e-ID service could not be reached. Please try again in a moment."};
const IdentityProblem kUnverified{400, "Identifieringen kunde inte kontrolleras", "The identification could not be verified",
                                  "Svaret från tjänsten för e-legitimation kunde inte kontrolleras och användes inte.",
                                  "The answer from the e-ID service could not be verified and was not used."};
const IdentityProblem kBadNumber{400, "Personnumret kunde inte läsas", "The personal identity number could not be read",
                                 "Tjänsten för e-legitimation gav inget giltigt personnummer.",
                                 "The e-ID service did not give a valid personal identity number."};

std::string claim_text(const json& claims, const std::string& name) {
  auto it = claims.find(name);
  return it != claims.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// "name", else "given_name family_name"; "" when the provider gives neither.
std::string display_name(const json& claims) {
  std::string name = claim_text(claims, "name");
  if (!name.empty()) return name;
  const std::string given = claim_text(claims, "given_name");
  const std::string family = claim_text(claims, "family_name");
  return given.empty() || family.empty() ? given + family : given + " " + family;
}

void handle_continue(const httplib::Request& req, httplib::Response& res, AppContext& app) {
  const IdentityOptions& options = app.options.identity;
  if (options.provider != "oidc") return send_identity_problem(req, res, kNotOidc);
  Result<Store*> opened = request_store(app.database_path);
  if (!opened) return send_identity_server_error(req, res);
  const std::string state = req.get_param_value("state");
  std::optional<IdentityFlow> flow = pending_flow_for(req, res, *opened.value(), state, "oidc");
  if (!flow) return;
  Result<OidcProvider> provider = discover_oidc_provider(options.oidc.issuer);
  if (!provider) {
    const Error& e = provider.errors().front();
    log_identity_failure(e.code, e.message);
    return send_identity_problem(req, res, e.code == "oidc.unreachable" ? kUnreachable : kUnverified, flow->return_to);
  }
  const std::string lang = page_lang(req);
  const std::string url = authorization_url(provider.value(),
                                            AuthorizationRequest{options.oidc.client_id, app.public_url + "/identity/callback",
                                                                 options.oidc.scopes, state, flow->nonce, flow->code_verifier, lang});
  // Every value in the URL is percent-encoded, so it cannot end the header line.
  res.set_header("Refresh", "0; url=" + url);
  const std::string title = tr(lang, "Till e-legitimationen", "To the e-ID service");
  send_page(req, res, 200, PageFrame{lang, title, nullptr, "/"},
            "<h1>" + html_escape(title) + "</h1><p>" +
                tr(lang, "Du skickas vidare till tjänsten för e-legitimation.", "You are being sent on to the e-ID service.") +
                "</p><p><a class=\"button\" href=\"" + html_escape(url) + "\">" +
                tr(lang, "Fortsätt till e-legitimationen", "Continue to the e-ID service") + "</a></p>");
}

void handle_callback(const httplib::Request& req, httplib::Response& res, AppContext& app) {
  const IdentityOptions& options = app.options.identity;
  if (options.provider != "oidc") return send_identity_problem(req, res, kNotOidc);
  Result<Store*> opened = request_store(app.database_path);
  if (!opened) return send_identity_server_error(req, res);
  Store& store = *opened.value();
  std::optional<IdentityFlow> flow = pending_flow_for(req, res, store, req.get_param_value("state"), "oidc");
  if (!flow) return;

  // From here on the flow is this browser's: whatever fails ends it (a code or a state is
  // good for one try).
  auto fail = [&](const IdentityProblem& problem, const std::string& code, const std::string& message) {
    end_identity_flow(store, flow->id, identity_unix_now());
    log_identity_failure(code, message);
    send_identity_problem(req, res, problem, flow->return_to);
  };
  if (const std::string error = req.get_param_value("error"); !error.empty()) {
    const bool cancelled = error == "access_denied" || error == "login_required" || error == "consent_required";
    // The provider's error code is short ASCII; anything else is not repeated in the log.
    const bool loggable = error.size() <= 64 && error.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") == std::string::npos;
    return fail(cancelled ? kCancelled : kFailed, "oidc.provider_error",
                "the provider answered with an error" + (loggable ? " (" + error + ")" : std::string()));
  }
  const std::string code = req.get_param_value("code");
  if (code.empty() || code.size() > 2048) return fail(kFailed, "oidc.no_code", "the provider sent no authorization code");

  Result<OidcProvider> provider = discover_oidc_provider(options.oidc.issuer);
  if (!provider) {
    const Error& e = provider.errors().front();
    return fail(e.code == "oidc.unreachable" ? kUnreachable : kUnverified, e.code, e.message);
  }
  const CodeRedemption redemption{code, flow->code_verifier, app.public_url + "/identity/callback", flow->nonce,
                                  identity_unix_now()};
  Result<json> claims = redeem_authorization_code(provider.value(), options.oidc, redemption, options.oidc.personal_number_claim);
  if (!claims) {
    const Error& e = claims.errors().front();
    return fail(e.code == "oidc.unreachable" ? kUnreachable : kUnverified, e.code, e.message);
  }

  std::string number;
  if (claims.value().contains(options.oidc.personal_number_claim)) {
    std::optional<std::string> normalized =
        normalize_personal_number(claim_text(claims.value(), options.oidc.personal_number_claim), app.options.today());
    if (!normalized) {
      return fail(kBadNumber, "oidc.personal_number", "the claim " + options.oidc.personal_number_claim + " is not a valid personal identity number");
    }
    number = *normalized;
  } else {
    // Not a failure by itself (a page decides whether it needs the number), but the usual
    // cause is a claim name or scope that does not match the provider's.
    log_identity_failure("oidc.no_personal_number", "the ID token has no claim " + options.oidc.personal_number_claim);
  }

  const int64_t now = identity_unix_now();
  Result<bool> recorded = record_flow_identity(store, flow->id, claim_text(claims.value(), "sub"), number,
                                               display_name(claims.value()), now);
  if (!recorded) return send_identity_server_error(req, res);
  // Another request finished the flow first; it keeps what it stored.
  if (!recorded.value()) return send_identity_problem(req, res, kFailed, flow->return_to);
  res.set_header("Cache-Control", "no-store");
  res.set_redirect(flow->return_to, 303);
}

}  // namespace

void register_oidc_routes(httplib::Server& http, AppContext& app) {
  http.Get("/identity/continue", [&app](const httplib::Request& req, httplib::Response& res) { handle_continue(req, res, app); });
  http.Get("/identity/callback", [&app](const httplib::Request& req, httplib::Response& res) { handle_callback(req, res, app); });
}

}  // namespace blankett
