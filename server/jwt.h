// JSON Web Signatures in compact form (RFC 7515) checked against a JSON Web Key Set
// (RFC 7517), and the checks an OpenID Connect client makes on an ID token (OpenID
// Connect Core 1.0, 3.1.3.7). Used by oidc_client.cc; docs/identity.md.
//
// Only asymmetric algorithms an identity provider signs with are accepted: RS256 (RSA of
// at least 2048 bits, OpenSSL), ES256 (P-256, OpenSSL) and EdDSA (Ed25519, libsodium).
// "none" and the HMAC algorithms are refused whatever the key set says: an HMAC "key" in
// a public key set would let anyone who read it sign tokens.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "blankett/error.h"

namespace blankett {

struct IdTokenExpectations {
  std::string issuer;     // "iss" must be exactly this
  std::string client_id;  // "aud" must contain it; "azp", when present or needed, must be it
  std::string nonce;      // "nonce" must be exactly this
  int64_t now = 0;        // unix seconds
  int64_t leeway = 60;    // clock skew allowed on exp, iat and nbf, in seconds
};

// The payload of `token` (a JSON object) when one of the keys in `jwks` ({"keys": [...]})
// verifies its signature. The key is chosen by the header's "kid" (when it has one) and
// must suit the header's "alg" (kty, crv, and the key's own "alg" and "use" when given).
// Errors (code, then a message without token contents):
//   jwt.malformed    not three base64url parts, or a header or payload that is not a JSON object
//   jwt.algorithm    "alg" is missing, "none", HMAC or another algorithm not listed above,
//                    or the header has "crit" (no extension is understood)
//   jwt.unknown_key  no key in the set has the header's "kid", or none suits the algorithm
//                    (the caller may fetch the key set again: keys rotate)
//   jwt.bad_key      the chosen key is not a usable public key (a short RSA key, a point
//                    not on the curve)
//   jwt.signature    the signature does not verify
Result<nlohmann::json> verify_jws(std::string_view token, const nlohmann::json& jwks);

// verify_jws, then the ID token's claims. Further errors:
//   jwt.issuer            "iss" is not the expected issuer
//   jwt.audience          "aud" does not contain the client id, or "azp" is wrong or
//                         missing although there are several audiences
//   jwt.expired           "exp" is missing, not a number, or more than `leeway` ago
//   jwt.issued_in_future  "iat" is missing, not a number, or more than `leeway` ahead
//   jwt.not_yet_valid     "nbf" is more than `leeway` ahead
//   jwt.nonce             "nonce" is missing or not the expected one
//   jwt.subject           "sub" is missing, empty or not a string
Result<nlohmann::json> verify_id_token(std::string_view token, const nlohmann::json& jwks,
                                       const IdTokenExpectations& expect);

// Bytes of base64url text without padding (JOSE's encoding), of any length; nullopt for
// anything else (padding, other characters, a non-canonical last character).
std::optional<std::string> base64url_decode_bytes(std::string_view text);
// base64url without padding of any bytes.
std::string base64url_encode_bytes(std::string_view bytes);

}  // namespace blankett
