#include "jwt.h"

#include <gtest/gtest.h>

#include <memory>

#include "jwt_testing.h"

namespace blankett {
namespace {

using nlohmann::json;

constexpr int64_t kNow = 1790000000;

IdTokenExpectations expectations() { return IdTokenExpectations{"https://idp.example", "blankett", "n-0123456789", kNow, 60}; }

json good_claims() {
  return {{"iss", "https://idp.example"}, {"aud", "blankett"}, {"sub", "person-1"}, {"nonce", "n-0123456789"},
          {"iat", kNow - 5}, {"exp", kNow + 300}};
}

std::string code_of(const Result<json>& r) { return r.ok() ? "ok" : r.errors().front().code; }

// One key of each kind for the whole suite: RSA generation takes a moment.
class JwtTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    rsa_ = std::make_unique<TestSigningKey>("RS256", "rsa-1");
    ec_ = std::make_unique<TestSigningKey>("ES256", "ec-1");
    ed_ = std::make_unique<TestSigningKey>("EdDSA", "ed-1");
  }
  static void TearDownTestSuite() {
    rsa_.reset();
    ec_.reset();
    ed_.reset();
  }
  static json all_keys() { return {{"keys", {rsa_->jwk(), ec_->jwk(), ed_->jwk()}}}; }

  static std::unique_ptr<TestSigningKey> rsa_, ec_, ed_;
};
std::unique_ptr<TestSigningKey> JwtTest::rsa_, JwtTest::ec_, JwtTest::ed_;

TEST_F(JwtTest, GoodTokensOfEachAlgorithmVerify) {
  for (const TestSigningKey* key : {rsa_.get(), ec_.get(), ed_.get()}) {
    Result<json> claims = verify_id_token(key->sign(good_claims()), all_keys(), expectations());
    ASSERT_TRUE(claims.ok()) << key->alg() << ": " << code_of(claims);
    EXPECT_EQ(claims.value()["sub"], "person-1") << key->alg();
  }
}

TEST_F(JwtTest, AChangedPayloadOrSignatureDoesNotVerify) {
  for (const TestSigningKey* key : {rsa_.get(), ec_.get(), ed_.get()}) {
    const std::string token = key->sign(good_claims());
    // Another payload under the original signature.
    json other = good_claims();
    other["sub"] = "someone-else";
    const size_t dot1 = token.find('.');
    const size_t dot2 = token.find('.', dot1 + 1);
    const std::string swapped = token.substr(0, dot1 + 1) + base64url_encode_bytes(other.dump()) + token.substr(dot2);
    EXPECT_EQ(code_of(verify_jws(swapped, all_keys())), "jwt.signature") << key->alg();
    // A signature from another key of the same kind.
    TestSigningKey impostor(key->alg(), key->kid());
    EXPECT_EQ(code_of(verify_jws(impostor.sign(good_claims()), all_keys())), "jwt.signature") << key->alg();
  }
}

TEST_F(JwtTest, NoneAndHmacAreRefusedWhateverTheKeySetHolds) {
  const std::string body = base64url_encode_bytes(good_claims().dump());
  const std::string none = base64url_encode_bytes(R"({"alg":"none"})") + "." + body + ".";
  EXPECT_EQ(code_of(verify_jws(none, all_keys())), "jwt.algorithm");
  const std::string no_alg = base64url_encode_bytes(R"({"kid":"rsa-1"})") + "." + body + ".AAAA";
  EXPECT_EQ(code_of(verify_jws(no_alg, all_keys())), "jwt.algorithm");
  // An HMAC token "signed" with a symmetric key someone put in the public set.
  const json with_oct = {{"keys", {{{"kty", "oct"}, {"kid", "h"}, {"k", base64url_encode_bytes("secret")}}}}};
  const std::string hs = base64url_encode_bytes(R"({"alg":"HS256","kid":"h"})") + "." + body + ".AAAA";
  EXPECT_EQ(code_of(verify_jws(hs, with_oct)), "jwt.algorithm");
  EXPECT_EQ(code_of(verify_jws(rsa_->sign(good_claims(), {{"alg", "RS384"}}), all_keys())), "jwt.algorithm");
  EXPECT_EQ(code_of(verify_jws(rsa_->sign(good_claims(), {{"crit", {"exp"}}}), all_keys())), "jwt.algorithm");
}

TEST_F(JwtTest, TheKeyMustMatchTheKidAndSuitTheAlgorithm) {
  EXPECT_EQ(code_of(verify_jws(rsa_->sign(good_claims(), {{"kid", "rotated-away"}}), all_keys())), "jwt.unknown_key");
  // An RSA signature presented as ES256 under the EC key's kid: the EC key cannot be
  // used for RS256 and vice versa (no algorithm confusion).
  EXPECT_EQ(code_of(verify_jws(rsa_->sign(good_claims(), {{"kid", "ec-1"}}), all_keys())), "jwt.unknown_key");
  EXPECT_EQ(code_of(verify_jws(ec_->sign(good_claims()), rsa_->jwks())), "jwt.unknown_key");
  // A key meant for encryption, or declared for another algorithm, is not used.
  json enc = rsa_->jwk();
  enc["use"] = "enc";
  EXPECT_EQ(code_of(verify_jws(rsa_->sign(good_claims()), json{{"keys", {enc}}})), "jwt.unknown_key");
  json other_alg = rsa_->jwk();
  other_alg["alg"] = "PS256";
  EXPECT_EQ(code_of(verify_jws(rsa_->sign(good_claims()), json{{"keys", {other_alg}}})), "jwt.unknown_key");
  EXPECT_EQ(code_of(verify_jws(rsa_->sign(good_claims()), json::object())), "jwt.unknown_key");
  // Without a kid, any suitable key may verify.
  EXPECT_EQ(code_of(verify_jws(ed_->sign(good_claims(), {{"kid", nullptr}}), all_keys())), "ok");
}

TEST_F(JwtTest, AShortRsaKeyOrABrokenKeyIsNotUsed) {
  TestSigningKey short_key("RS256", "short", 1024);
  EXPECT_EQ(code_of(verify_jws(short_key.sign(good_claims()), short_key.jwks())), "jwt.bad_key");
  json off_curve = ec_->jwk();
  off_curve["y"] = off_curve["x"];
  EXPECT_EQ(code_of(verify_jws(ec_->sign(good_claims()), json{{"keys", {off_curve}}})), "jwt.bad_key");
}

TEST_F(JwtTest, MalformedTokensAreRefused) {
  EXPECT_EQ(code_of(verify_jws("", all_keys())), "jwt.malformed");
  EXPECT_EQ(code_of(verify_jws("a.b", all_keys())), "jwt.malformed");
  EXPECT_EQ(code_of(verify_jws("a.b.c.d", all_keys())), "jwt.malformed");
  const std::string token = rsa_->sign(good_claims());
  EXPECT_EQ(code_of(verify_jws(token + "=", all_keys())), "jwt.malformed");  // padding
  const std::string array_payload = token.substr(0, token.find('.') + 1) + base64url_encode_bytes("[1]") + ".AAAA";
  EXPECT_EQ(code_of(verify_jws(array_payload, all_keys())), "jwt.malformed");
}

TEST_F(JwtTest, ExpiryIssueTimeAndNotBeforeAllowSixtySecondsOfSkew) {
  auto with = [](const char* name, json value) {
    json c = good_claims();
    if (value.is_null()) c.erase(name);
    else c[name] = value;
    return c;
  };
  auto check = [&](const json& claims) { return code_of(verify_id_token(ec_->sign(claims), all_keys(), expectations())); };
  EXPECT_EQ(check(with("exp", kNow - 59)), "ok");
  EXPECT_EQ(check(with("exp", kNow - 61)), "jwt.expired");
  EXPECT_EQ(check(with("exp", nullptr)), "jwt.expired");
  EXPECT_EQ(check(with("exp", "tomorrow")), "jwt.expired");
  EXPECT_EQ(check(with("iat", kNow + 59)), "ok");
  EXPECT_EQ(check(with("iat", kNow + 61)), "jwt.issued_in_future");
  EXPECT_EQ(check(with("iat", nullptr)), "jwt.issued_in_future");
  EXPECT_EQ(check(with("nbf", kNow + 30)), "ok");
  EXPECT_EQ(check(with("nbf", kNow + 120)), "jwt.not_yet_valid");
}

TEST_F(JwtTest, IssuerAudienceNonceAndSubjectMustBeTheExpectedOnes) {
  auto check = [&](json claims) { return code_of(verify_id_token(rsa_->sign(claims), all_keys(), expectations())); };
  json c = good_claims();
  c["iss"] = "https://idp.example/";  // exact match only
  EXPECT_EQ(check(c), "jwt.issuer");
  c = good_claims();
  c["aud"] = "another-client";
  EXPECT_EQ(check(c), "jwt.audience");
  c["aud"] = json::array({"blankett"});
  EXPECT_EQ(check(c), "ok");
  c["aud"] = json::array({"blankett", "another-client"});
  EXPECT_EQ(check(c), "jwt.audience");  // several audiences need azp
  c["azp"] = "blankett";
  EXPECT_EQ(check(c), "ok");
  c["azp"] = "another-client";
  EXPECT_EQ(check(c), "jwt.audience");
  c = good_claims();
  c["nonce"] = "n-9876543210";
  EXPECT_EQ(check(c), "jwt.nonce");
  c.erase("nonce");
  EXPECT_EQ(check(c), "jwt.nonce");
  c = good_claims();
  c["sub"] = "";
  EXPECT_EQ(check(c), "jwt.subject");
  c["sub"] = 17;
  EXPECT_EQ(check(c), "jwt.subject");
}

TEST(JwtBase64Url, DecodesAnyLengthAndRefusesPaddingAndOtherCharacters) {
  EXPECT_EQ(base64url_decode_bytes(""), std::string());
  EXPECT_EQ(base64url_decode_bytes("Zg"), std::string("f"));
  EXPECT_EQ(base64url_decode_bytes("Zm8"), std::string("fo"));
  EXPECT_EQ(base64url_decode_bytes("-_8"), std::string("\xfb\xff"));
  EXPECT_EQ(base64url_decode_bytes("Zg=="), std::nullopt);
  EXPECT_EQ(base64url_decode_bytes("Z+8"), std::nullopt);
  EXPECT_EQ(base64url_decode_bytes("Zh"), std::nullopt);  // non-zero leftover bits
  EXPECT_EQ(base64url_encode_bytes("\xfb\xff"), "-_8");
}

}  // namespace
}  // namespace blankett
