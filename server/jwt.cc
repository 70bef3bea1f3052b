// Implementation of jwt.h. Index:
//   [SECTION] base64url
//   [SECTION] Keys from JWKs (OpenSSL 3 EVP; Ed25519 stays raw bytes for libsodium)
//   [SECTION] Signatures
//   [SECTION] ID token claims
#include "jwt.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <sodium.h>

#include <cmath>
#include <memory>
#include <vector>

namespace blankett {

namespace {

using nlohmann::json;

Error jwt_error(const char* code, std::string message) { return Error{code, "", 0, 0, std::move(message)}; }

}  // namespace

// --- [SECTION] base64url -----------------------------------------------------------------

std::optional<std::string> base64url_decode_bytes(std::string_view text) {
  if (sodium_init() < 0) return std::nullopt;
  std::string out(text.size() * 3 / 4 + 3, '\0');
  size_t size = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(), nullptr, &size,
                        &end, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      end != text.data() + text.size()) {
    return std::nullopt;
  }
  out.resize(size);
  return out;
}

std::string base64url_encode_bytes(std::string_view bytes) {
  const size_t size = sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  std::string out(size, '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(size - 1);  // the terminating NUL
  return out;
}

namespace {

// --- [SECTION] Keys from JWKs --------------------------------------------------------------

struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
struct BnFree {
  void operator()(BIGNUM* b) const { BN_free(b); }
};
struct ParamBldFree {
  void operator()(OSSL_PARAM_BLD* b) const { OSSL_PARAM_BLD_free(b); }
};
struct ParamFree {
  void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
};
struct EcdsaSigFree {
  void operator()(ECDSA_SIG* s) const { ECDSA_SIG_free(s); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using Bn = std::unique_ptr<BIGNUM, BnFree>;

enum class Alg { rs256, es256, eddsa };

std::optional<Alg> parse_alg(const std::string& alg) {
  if (alg == "RS256") return Alg::rs256;
  if (alg == "ES256") return Alg::es256;
  if (alg == "EdDSA") return Alg::eddsa;
  return std::nullopt;
}

std::string string_member(const json& object, const char* name) {
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Whether a JWK may verify signatures with `alg`: its type and curve, and what it says
// about itself ("alg", "use", "key_ops") when it says it.
bool key_suits(const json& jwk, Alg alg, const std::string& alg_name) {
  if (!jwk.is_object()) return false;
  const std::string kty = string_member(jwk, "kty");
  const std::string crv = string_member(jwk, "crv");
  bool type_ok = false;
  switch (alg) {
    case Alg::rs256: type_ok = kty == "RSA"; break;
    case Alg::es256: type_ok = kty == "EC" && crv == "P-256"; break;
    case Alg::eddsa: type_ok = kty == "OKP" && crv == "Ed25519"; break;
  }
  if (!type_ok) return false;
  if (jwk.contains("alg") && string_member(jwk, "alg") != alg_name) return false;
  if (jwk.contains("use") && string_member(jwk, "use") != "sig") return false;
  if (auto ops = jwk.find("key_ops"); ops != jwk.end()) {
    if (!ops->is_array()) return false;
    bool verify = false;
    for (const json& op : *ops) verify = verify || op == "verify";
    if (!verify) return false;
  }
  return true;
}

Pkey key_from_params(const char* type, OSSL_PARAM_BLD* bld) {
  std::unique_ptr<OSSL_PARAM, ParamFree> params(OSSL_PARAM_BLD_to_param(bld));
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1) return nullptr;
  EVP_PKEY* key = nullptr;
  if (EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) return nullptr;
  Pkey owned(key);
  // fromdata takes the numbers as given; the check refuses a point off the curve and
  // other nonsense before it is used.
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> check(EVP_PKEY_CTX_new_from_pkey(nullptr, owned.get(), nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) != 1) return nullptr;
  return owned;
}

Bn bignum(const std::string& bytes) {
  return Bn(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()), nullptr));
}

// RSA of at least 2048 bits: shorter keys are factorable by a determined attacker.
Pkey rsa_key(const json& jwk) {
  const std::optional<std::string> n = base64url_decode_bytes(string_member(jwk, "n"));
  const std::optional<std::string> e = base64url_decode_bytes(string_member(jwk, "e"));
  if (!n || !e || n->empty() || e->empty() || n->size() > 2048) return nullptr;
  Bn bn_n = bignum(*n);
  Bn bn_e = bignum(*e);
  std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree> bld(OSSL_PARAM_BLD_new());
  if (!bn_n || !bn_e || !bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()) != 1) {
    return nullptr;
  }
  Pkey key = key_from_params("RSA", bld.get());
  if (key && EVP_PKEY_get_bits(key.get()) < 2048) return nullptr;
  return key;
}

Pkey p256_key(const json& jwk) {
  const std::optional<std::string> x = base64url_decode_bytes(string_member(jwk, "x"));
  const std::optional<std::string> y = base64url_decode_bytes(string_member(jwk, "y"));
  if (!x || !y || x->size() != 32 || y->size() != 32) return nullptr;
  const std::string point = std::string(1, '\x04') + *x + *y;  // uncompressed SEC 1 point
  std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree> bld(OSSL_PARAM_BLD_new());
  if (!bld || OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) != 1) {
    return nullptr;
  }
  return key_from_params("EC", bld.get());
}

// --- [SECTION] Signatures ----------------------------------------------------------------

bool evp_verify(EVP_PKEY* key, std::string_view message, const std::string& signature) {
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> md(EVP_MD_CTX_new());
  return md && EVP_DigestVerifyInit(md.get(), nullptr, EVP_sha256(), nullptr, key) == 1 &&
         EVP_DigestVerify(md.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                          reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
}

// JWS carries an ES256 signature as r || s (32 bytes each); OpenSSL wants DER.
std::optional<std::string> es256_der(const std::string& raw) {
  if (raw.size() != 64) return std::nullopt;
  std::unique_ptr<ECDSA_SIG, EcdsaSigFree> sig(ECDSA_SIG_new());
  Bn r = bignum(raw.substr(0, 32));
  Bn s = bignum(raw.substr(32));
  if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) return std::nullopt;
  r.release();  // owned by sig now
  s.release();
  const int size = i2d_ECDSA_SIG(sig.get(), nullptr);
  if (size <= 0) return std::nullopt;
  std::string der(static_cast<size_t>(size), '\0');
  unsigned char* p = reinterpret_cast<unsigned char*>(der.data());
  if (i2d_ECDSA_SIG(sig.get(), &p) != size) return std::nullopt;
  return der;
}

enum class Check { verified, bad_signature, bad_key };

Check verify_with(const json& jwk, Alg alg, std::string_view message, const std::string& signature) {
  switch (alg) {
    case Alg::rs256: {
      Pkey key = rsa_key(jwk);
      if (!key) return Check::bad_key;
      return evp_verify(key.get(), message, signature) ? Check::verified : Check::bad_signature;
    }
    case Alg::es256: {
      Pkey key = p256_key(jwk);
      if (!key) return Check::bad_key;
      const std::optional<std::string> der = es256_der(signature);
      return der && evp_verify(key.get(), message, *der) ? Check::verified : Check::bad_signature;
    }
    case Alg::eddsa: {
      const std::optional<std::string> x = base64url_decode_bytes(string_member(jwk, "x"));
      if (!x || x->size() != crypto_sign_PUBLICKEYBYTES || sodium_init() < 0) return Check::bad_key;
      if (signature.size() != crypto_sign_BYTES) return Check::bad_signature;
      return crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(signature.data()),
                                         reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                                         reinterpret_cast<const unsigned char*>(x->data())) == 0
                 ? Check::verified
                 : Check::bad_signature;
    }
  }
  return Check::bad_key;
}

std::optional<json> json_object_part(std::string_view part) {
  const std::optional<std::string> bytes = base64url_decode_bytes(part);
  if (!bytes) return std::nullopt;
  json value = json::parse(*bytes, nullptr, false);
  if (value.is_discarded() || !value.is_object()) return std::nullopt;
  return value;
}

// --- [SECTION] ID token claims -----------------------------------------------------------

// A NumericDate (seconds, possibly with a fraction), or nullopt when it is not a number.
std::optional<int64_t> numeric_date(const json& claims, const char* name) {
  auto it = claims.find(name);
  if (it == claims.end() || !it->is_number()) return std::nullopt;
  const double v = it->get<double>();
  if (!std::isfinite(v) || std::fabs(v) > 1e15) return std::nullopt;
  return static_cast<int64_t>(std::floor(v));
}

bool same_text(const std::string& a, const std::string& b) {
  return a.size() == b.size() && !a.empty() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

Result<json> verify_jws(std::string_view token, const json& jwks) {
  const size_t dot1 = token.find('.');
  const size_t dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    return Errors{jwt_error("jwt.malformed", "the token is not three dot-separated parts (compact JWS)")};
  }
  const std::optional<json> header = json_object_part(token.substr(0, dot1));
  const std::optional<json> payload = json_object_part(token.substr(dot1 + 1, dot2 - dot1 - 1));
  const std::optional<std::string> signature = base64url_decode_bytes(token.substr(dot2 + 1));
  if (!header || !payload || !signature) {
    return Errors{jwt_error("jwt.malformed", "the token's header or payload is not base64url of a JSON object")};
  }
  const std::string alg_name = string_member(*header, "alg");
  const std::optional<Alg> alg = parse_alg(alg_name);
  if (!alg) return Errors{jwt_error("jwt.algorithm", "the token is not signed with RS256, ES256 or EdDSA")};
  if (header->contains("crit")) {
    return Errors{jwt_error("jwt.algorithm", "the token's header has critical extensions (\"crit\"), which are not supported")};
  }

  const bool has_kid = header->contains("kid");
  const std::string kid = string_member(*header, "kid");
  if (has_kid && kid.empty()) return Errors{jwt_error("jwt.malformed", "the token's \"kid\" is not a string")};
  std::vector<const json*> candidates;
  if (jwks.is_object() && jwks.contains("keys") && jwks["keys"].is_array()) {
    for (const json& key : jwks["keys"]) {
      if (has_kid && (!key.is_object() || string_member(key, "kid") != kid)) continue;
      if (key_suits(key, *alg, alg_name)) candidates.push_back(&key);
    }
  }
  if (candidates.empty()) {
    return Errors{jwt_error("jwt.unknown_key", has_kid ? "the provider's key set has no key '" + kid + "' for " + alg_name
                                                       : "the provider's key set has no key for " + alg_name)};
  }
  const std::string_view signed_part = token.substr(0, dot2);
  bool any_usable = false;
  for (const json* key : candidates) {
    const Check check = verify_with(*key, *alg, signed_part, *signature);
    if (check == Check::verified) return *payload;
    any_usable = any_usable || check == Check::bad_signature;
  }
  if (!any_usable) return Errors{jwt_error("jwt.bad_key", "the provider's key for the token is not a usable public key")};
  return Errors{jwt_error("jwt.signature", "the token's signature does not verify")};
}

Result<json> verify_id_token(std::string_view token, const json& jwks, const IdTokenExpectations& expect) {
  Result<json> verified = verify_jws(token, jwks);
  if (!verified) return verified;
  const json& claims = verified.value();

  if (string_member(claims, "iss") != expect.issuer || expect.issuer.empty()) {
    return Errors{jwt_error("jwt.issuer", "the ID token was not issued by " + expect.issuer)};
  }
  const json aud = claims.contains("aud") ? claims["aud"] : json();
  bool audience_ok = false;
  size_t audiences = 0;
  if (aud.is_string()) {
    audiences = 1;
    audience_ok = aud == expect.client_id;
  } else if (aud.is_array()) {
    audiences = aud.size();
    for (const json& a : aud) audience_ok = audience_ok || (a.is_string() && a == expect.client_id);
  }
  // Several audiences: the authorized party must be us, or the token was meant for
  // another client that shares it (Core 3.1.3.7 items 4 and 5).
  const bool has_azp = claims.contains("azp");
  if (has_azp && string_member(claims, "azp") != expect.client_id) audience_ok = false;
  if (audiences > 1 && !has_azp) audience_ok = false;
  if (!audience_ok || expect.client_id.empty()) {
    return Errors{jwt_error("jwt.audience", "the ID token is not meant for this client")};
  }

  const std::optional<int64_t> exp = numeric_date(claims, "exp");
  if (!exp || expect.now > *exp + expect.leeway) return Errors{jwt_error("jwt.expired", "the ID token has expired")};
  const std::optional<int64_t> iat = numeric_date(claims, "iat");
  if (!iat || *iat > expect.now + expect.leeway) {
    return Errors{jwt_error("jwt.issued_in_future", "the ID token has no issue time, or one in the future")};
  }
  if (claims.contains("nbf")) {
    const std::optional<int64_t> nbf = numeric_date(claims, "nbf");
    if (!nbf || *nbf > expect.now + expect.leeway) return Errors{jwt_error("jwt.not_yet_valid", "the ID token is not valid yet")};
  }
  if (!same_text(string_member(claims, "nonce"), expect.nonce)) {
    return Errors{jwt_error("jwt.nonce", "the ID token's nonce is not the one this identification sent")};
  }
  if (string_member(claims, "sub").empty()) return Errors{jwt_error("jwt.subject", "the ID token has no subject (\"sub\")")};
  return verified;
}

}  // namespace blankett
