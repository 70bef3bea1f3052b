// How `blankett serve` identifies signers and applicants who complete an application:
// which identity provider, and the OpenID Connect client's settings. docs/identity.md.
#pragma once
#include <string>

namespace blankett {

struct OidcOptions {
  std::string issuer;         // e.g. "https://eid-broker.example.se" (http:// only on loopback)
  std::string client_id;
  std::string client_secret;  // from BLANKETT_OIDC_CLIENT_SECRET, never a flag
  // The ID token claim that holds the personal identity number (the Swedish OIDC
  // profile's name by default).
  std::string personal_number_claim = "https://id.oidc.se/claim/personalIdentityNumber";
  // The scopes asked for, separated by spaces ("openid" is added when missing). Swedish
  // brokers release the personal number for https://id.oidc.se/scope/naturalPersonNumber.
  std::string scopes = "openid";
};

struct IdentityOptions {
  // "": no identification (signing and completion pages say so), "dev": the development
  // provider (type a personal identity number; refused with --production), "oidc".
  std::string provider;
  OidcOptions oidc;
};

}  // namespace blankett
