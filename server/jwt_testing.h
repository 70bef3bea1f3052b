// Signing keys and compact JWS tokens made in tests (RS256 and ES256 with OpenSSL, EdDSA
// with libsodium), and the JWKs that verify them. Header-only; included by
// server/*_test.cc only (jwt_test.cc, oidc_client_test.cc, identity_test.cc).
#pragma once
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <sodium.h>

#include <memory>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "jwt.h"

namespace blankett {

class TestSigningKey {
 public:
  // alg: "RS256" (rsa_bits: 2048 unless a test wants a short key), "ES256", "EdDSA".
  TestSigningKey(std::string alg, std::string kid, int rsa_bits = 2048) : alg_(std::move(alg)), kid_(std::move(kid)) {
    if (alg_ == "RS256") {
      key_.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(rsa_bits)));
    } else if (alg_ == "ES256") {
      key_.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    } else {
      if (sodium_init() < 0) throw std::runtime_error("libsodium");
      crypto_sign_keypair(ed_public_, ed_secret_);
    }
    if (alg_ != "EdDSA" && !key_) throw std::runtime_error("key generation failed");
  }

  const std::string& alg() const { return alg_; }
  const std::string& kid() const { return kid_; }

  // The public JWK (with "kid", "use": "sig" and "alg").
  nlohmann::json jwk() const {
    nlohmann::json k = {{"kid", kid_}, {"use", "sig"}, {"alg", alg_}};
    if (alg_ == "RS256") {
      k["kty"] = "RSA";
      k["n"] = base64url_encode_bytes(bn_param(OSSL_PKEY_PARAM_RSA_N));
      k["e"] = base64url_encode_bytes(bn_param(OSSL_PKEY_PARAM_RSA_E));
    } else if (alg_ == "ES256") {
      k["kty"] = "EC";
      k["crv"] = "P-256";
      k["x"] = base64url_encode_bytes(padded(bn_param(OSSL_PKEY_PARAM_EC_PUB_X), 32));
      k["y"] = base64url_encode_bytes(padded(bn_param(OSSL_PKEY_PARAM_EC_PUB_Y), 32));
    } else {
      k["kty"] = "OKP";
      k["crv"] = "Ed25519";
      k["x"] = base64url_encode_bytes(std::string(reinterpret_cast<const char*>(ed_public_), sizeof ed_public_));
    }
    return k;
  }
  nlohmann::json jwks() const { return {{"keys", nlohmann::json::array({jwk()})}}; }

  // A compact JWS of `claims` with this key; `header` members override the defaults
  // {"alg": alg(), "kid": kid(), "typ": "JWT"} (a null value removes one).
  std::string sign(const nlohmann::json& claims, const nlohmann::json& header_overrides = nlohmann::json::object()) const {
    nlohmann::json header = {{"alg", alg_}, {"kid", kid_}, {"typ", "JWT"}};
    for (auto it = header_overrides.begin(); it != header_overrides.end(); ++it) {
      if (it.value().is_null()) header.erase(it.key());
      else header[it.key()] = it.value();
    }
    const std::string input = base64url_encode_bytes(header.dump()) + "." + base64url_encode_bytes(claims.dump());
    return input + "." + base64url_encode_bytes(signature(input));
  }

  // The raw JWS signature of `input` (r || s for ES256).
  std::string signature(const std::string& input) const {
    if (alg_ == "EdDSA") {
      unsigned char sig[crypto_sign_BYTES];
      crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(input.data()), input.size(), ed_secret_);
      return std::string(reinterpret_cast<const char*>(sig), sizeof sig);
    }
    std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> md(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    size_t size = 0;
    if (EVP_DigestSignInit(md.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1 ||
        EVP_DigestSign(md.get(), nullptr, &size, reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1) {
      throw std::runtime_error("sign");
    }
    std::string sig(size, '\0');
    if (EVP_DigestSign(md.get(), reinterpret_cast<unsigned char*>(sig.data()), &size,
                       reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1) {
      throw std::runtime_error("sign");
    }
    sig.resize(size);
    if (alg_ != "ES256") return sig;
    // DER → r || s
    const unsigned char* p = reinterpret_cast<const unsigned char*>(sig.data());
    std::unique_ptr<ECDSA_SIG, void (*)(ECDSA_SIG*)> ecdsa(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(sig.size())),
                                                           ECDSA_SIG_free);
    if (!ecdsa) throw std::runtime_error("ecdsa");
    return padded(bn_bytes(ECDSA_SIG_get0_r(ecdsa.get())), 32) + padded(bn_bytes(ECDSA_SIG_get0_s(ecdsa.get())), 32);
  }

 private:
  static std::string bn_bytes(const BIGNUM* bn) {
    std::string out(static_cast<size_t>(BN_num_bytes(bn)), '\0');
    BN_bn2bin(bn, reinterpret_cast<unsigned char*>(out.data()));
    return out;
  }
  static std::string padded(std::string bytes, size_t size) {
    return bytes.size() >= size ? bytes : std::string(size - bytes.size(), '\0') + bytes;
  }
  std::string bn_param(const char* name) const {
    BIGNUM* bn = nullptr;
    if (EVP_PKEY_get_bn_param(key_.get(), name, &bn) != 1) throw std::runtime_error(name);
    std::string out = bn_bytes(bn);
    BN_free(bn);
    return out;
  }

  std::string alg_;
  std::string kid_;
  std::unique_ptr<EVP_PKEY, void (*)(EVP_PKEY*)> key_{nullptr, EVP_PKEY_free};
  unsigned char ed_public_[crypto_sign_PUBLICKEYBYTES] = {};
  unsigned char ed_secret_[crypto_sign_SECRETKEYBYTES] = {};
};

}  // namespace blankett
