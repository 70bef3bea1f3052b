// Signing keys: creation on first start, file modes, refusal of unsafe files and
// directories, reloading, rotation, the public JSON, base64url and Ed25519 itself.
#include "signing_keys.h"

#include <gtest/gtest.h>

#include "temp_dir.h"
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "blankett/submission.h"

namespace blankett {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;


mode_t mode_of(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::lstat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void spit(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary | std::ios::trunc) << text; }

std::string code_of(const Errors& errors) { return errors.empty() ? "" : errors.front().code; }

PublicKeyBytes bytes_from_hex(const std::string& hex) {
  PublicKeyBytes out{};
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<unsigned char>(std::stoi(hex.substr(2 * i, 2), nullptr, 16));
  return out;
}

class SigningKeysTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_FALSE(tmp.path.empty()); }
  std::string data() const { return tmp.path + "/data"; }
  std::string keys() const { return tmp.path + "/data/keys"; }
  TempDir tmp;
};

TEST_F(SigningKeysTest, FirstStartCreatesOneActiveKeyWithDerivedId) {
  Result<KeyRing> ring = load_or_create_keys(data(), "2026-08-15T10:00:00Z");
  ASSERT_TRUE(ring.ok()) << to_string(ring.errors().front());
  ASSERT_EQ(ring.value().keys.size(), 1u);
  const SigningKey& k = ring.value().keys[0];
  EXPECT_TRUE(k.active);
  EXPECT_EQ(&ring.value().active(), &k);
  EXPECT_EQ(k.created_at, "2026-08-15T10:00:00Z");
  const std::string raw(reinterpret_cast<const char*>(k.public_key.data()), k.public_key.size());
  EXPECT_EQ(k.key_id, "ed25519-" + sha256_of(raw).substr(0, 16));
  EXPECT_EQ(ring.value().dir, keys());
  EXPECT_TRUE(fs::is_regular_file(keys() + "/" + k.key_id + ".key"));
  EXPECT_TRUE(fs::is_regular_file(keys() + "/" + k.key_id + ".pub"));
  EXPECT_EQ(slurp(keys() + "/active"), k.key_id + "\n");
  // Nothing left over from the atomic writes.
  for (const auto& e : fs::directory_iterator(keys())) EXPECT_NE(e.path().extension(), ".tmp") << e.path();
}

TEST_F(SigningKeysTest, KeyFilesAre0600AndDirectory0700WhateverTheUmask) {
  const mode_t old_umask = ::umask(0);  // a naive open(…, 0644) would now give 0644
  Result<KeyRing> ring = load_or_create_keys(data(), "2026-08-15T10:00:00Z");
  ::umask(old_umask);
  ASSERT_TRUE(ring.ok()) << to_string(ring.errors().front());
  const std::string id = ring.value().active().key_id;
  EXPECT_EQ(mode_of(keys()), 0700u);
  EXPECT_EQ(mode_of(keys() + "/" + id + ".key"), 0600u);
  EXPECT_EQ(mode_of(keys() + "/" + id + ".pub"), 0644u);
  ASSERT_TRUE(rotate_key(ring.value(), "2026-09-01T00:00:00Z").ok());
  EXPECT_EQ(mode_of(keys() + "/" + ring.value().active().key_id + ".key"), 0600u);
}

TEST_F(SigningKeysTest, KeyFileHoldsTheSeedAndPubFileThePublicKey) {
  Result<KeyRing> ring = load_or_create_keys(data(), "2026-08-15T10:00:00Z");
  ASSERT_TRUE(ring.ok());
  const SigningKey& k = ring.value().active();
  const json key = json::parse(slurp(keys() + "/" + k.key_id + ".key"));
  EXPECT_EQ(key["algorithm"], "Ed25519");
  EXPECT_EQ(key["key_id"], k.key_id);
  EXPECT_EQ(key["created_at"], "2026-08-15T10:00:00Z");
  EXPECT_EQ(key["public_key"], base64url_encode(k.public_key.data(), k.public_key.size()));
  EXPECT_EQ(key["private_key"].get<std::string>().size(), 43u);  // 32 bytes, base64url
  EXPECT_EQ(key.size(), 5u);
  const json pub = json::parse(slurp(keys() + "/" + k.key_id + ".pub"));
  EXPECT_FALSE(pub.contains("private_key"));
  EXPECT_FALSE(pub.contains("active"));  // the .pub file never changes; "active" does
  Result<std::vector<PublicKey>> parsed = parse_public_keys(pub);
  ASSERT_TRUE(parsed.ok());
  ASSERT_EQ(parsed.value().size(), 1u);
  EXPECT_EQ(parsed.value()[0].public_key, k.public_key);
}

TEST_F(SigningKeysTest, ReloadingGivesTheSameKeyAndItsSignaturesVerify) {
  Result<KeyRing> first = load_or_create_keys(data(), "2026-08-15T10:00:00Z");
  ASSERT_TRUE(first.ok());
  const Signature sig = first.value().sign("hello");
  Result<KeyRing> again = load_or_create_keys(data(), "2026-12-31T00:00:00Z");
  ASSERT_TRUE(again.ok()) << to_string(again.errors().front());
  ASSERT_EQ(again.value().keys.size(), 1u);
  EXPECT_EQ(again.value().active().key_id, first.value().active().key_id);
  EXPECT_EQ(again.value().active().created_at, "2026-08-15T10:00:00Z");
  EXPECT_TRUE(signature_valid(again.value().active().public_key, "hello", sig));
  EXPECT_EQ(again.value().sign("hello"), sig);  // Ed25519 is deterministic: same secret
  EXPECT_FALSE(signature_valid(again.value().active().public_key, "hellO", sig));
}

TEST_F(SigningKeysTest, WorldOrGroupReadableKeyFileIsRefused) {
  Result<KeyRing> ring = load_or_create_keys(data(), "2026-08-15T10:00:00Z");
  ASSERT_TRUE(ring.ok());
  const std::string key_file = keys() + "/" + ring.value().active().key_id + ".key";
  for (mode_t mode : {0644, 0640, 0604, 0660}) {
    ASSERT_EQ(::chmod(key_file.c_str(), mode), 0);
    Result<KeyRing> again = load_or_create_keys(data(), "2026-08-15T10:00:00Z");
    ASSERT_FALSE(again.ok()) << std::oct << mode;
    EXPECT_EQ(code_of(again.errors()), "keys.unsafe_file");
    EXPECT_NE(again.errors().front().message.find(key_file), std::string::npos) << again.errors().front().message;
  }
  ASSERT_EQ(::chmod(key_file.c_str(), 0400), 0);  // read-only for the owner is fine
  EXPECT_TRUE(load_or_create_keys(data(), "2026-08-15T10:00:00Z").ok());
}

TEST_F(SigningKeysTest, UnsafeKeysDirectoryIsRefused) {
  ASSERT_TRUE(load_or_create_keys(data(), "2026-08-15T10:00:00Z").ok());
  ASSERT_EQ(::chmod(keys().c_str(), 0755), 0);
  Result<KeyRing> open_dir = load_or_create_keys(data(), "2026-08-15T10:00:00Z");
  ASSERT_FALSE(open_dir.ok());
  EXPECT_EQ(code_of(open_dir.errors()), "keys.unsafe_directory");
  ASSERT_EQ(::chmod(keys().c_str(), 0700), 0);

  // A symbolic link in place of keys/ could point anywhere: refused, even to a good dir.
  fs::rename(keys(), tmp.path + "/elsewhere");
  fs::create_directory_symlink(tmp.path + "/elsewhere", keys());
  Result<KeyRing> linked = load_or_create_keys(data(), "2026-08-15T10:00:00Z");
  ASSERT_FALSE(linked.ok());
  EXPECT_EQ(code_of(linked.errors()), "keys.unsafe_directory");
}

TEST_F(SigningKeysTest, SymlinkedKeyFileIsRefused) {
  Result<KeyRing> ring = load_or_create_keys(data(), "2026-08-15T10:00:00Z");
  ASSERT_TRUE(ring.ok());
  const std::string key_file = keys() + "/" + ring.value().active().key_id + ".key";
  fs::rename(key_file, tmp.path + "/moved.key");
  fs::create_symlink(tmp.path + "/moved.key", key_file);
  Result<KeyRing> again = load_or_create_keys(data(), "2026-08-15T10:00:00Z");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(code_of(again.errors()), "keys.unsafe_file");
}

TEST_F(SigningKeysTest, KeyFileThatDoesNotMatchItsNameOrKeyIsRefused) {
  Result<KeyRing> ring = load_or_create_keys(data(), "2026-08-15T10:00:00Z");
  ASSERT_TRUE(ring.ok());
  const std::string id = ring.value().active().key_id;
  const std::string key_file = keys() + "/" + id + ".key";
  const std::string original = slurp(key_file);

  json j = json::parse(original);
  j["key_id"] = "ed25519-0000000000000000";
  spit(key_file, j.dump());
  ASSERT_EQ(::chmod(key_file.c_str(), 0600), 0);
  Result<KeyRing> renamed = load_or_create_keys(data(), "2026-08-15T10:00:00Z");
  ASSERT_FALSE(renamed.ok());
  EXPECT_EQ(code_of(renamed.errors()), "keys.bad_file");

  j = json::parse(original);
  PublicKeyBytes other{};
  j["public_key"] = base64url_encode(other.data(), other.size());
  spit(key_file, j.dump());
  Result<KeyRing> mismatched = load_or_create_keys(data(), "2026-08-15T10:00:00Z");
  ASSERT_FALSE(mismatched.ok());
  EXPECT_EQ(code_of(mismatched.errors()), "keys.bad_file");

  spit(key_file, "not json");
  Result<KeyRing> garbage = load_or_create_keys(data(), "2026-08-15T10:00:00Z");
  ASSERT_FALSE(garbage.ok());
  EXPECT_EQ(code_of(garbage.errors()), "keys.bad_file");
}

TEST_F(SigningKeysTest, LostKeysAreAnErrorNotANewIdentity) {
  Result<KeyRing> ring = load_or_create_keys(data(), "2026-08-15T10:00:00Z");
  ASSERT_TRUE(ring.ok());
  const std::string id = ring.value().active().key_id;
  fs::remove(keys() + "/" + id + ".key");
  Result<KeyRing> again = load_or_create_keys(data(), "2026-08-15T10:00:00Z");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(code_of(again.errors()), "keys.no_active_key");
}

TEST_F(SigningKeysTest, MissingPubFileIsRewrittenAndMissingActiveFileAdoptsTheOnlyKey) {
  Result<KeyRing> ring = load_or_create_keys(data(), "2026-08-15T10:00:00Z");
  ASSERT_TRUE(ring.ok());
  const std::string id = ring.value().active().key_id;
  const std::string pub = slurp(keys() + "/" + id + ".pub");
  fs::remove(keys() + "/" + id + ".pub");
  fs::remove(keys() + "/active");  // as if the first start stopped halfway
  Result<KeyRing> again = load_or_create_keys(data(), "2026-08-15T10:00:00Z");
  ASSERT_TRUE(again.ok()) << to_string(again.errors().front());
  EXPECT_EQ(again.value().active().key_id, id);
  EXPECT_EQ(slurp(keys() + "/" + id + ".pub"), pub);
  EXPECT_EQ(slurp(keys() + "/active"), id + "\n");
}

TEST_F(SigningKeysTest, RotationAddsANewActiveKeyAndKeepsTheOld) {
  Result<KeyRing> ring = load_or_create_keys(data(), "2026-08-15T10:00:00Z");
  ASSERT_TRUE(ring.ok());
  const std::string old_id = ring.value().active().key_id;
  const Signature old_sig = ring.value().sign("receipt 1");
  Result<std::string> new_id = rotate_key(ring.value(), "2026-09-01T00:00:00Z");
  ASSERT_TRUE(new_id.ok()) << to_string(new_id.errors().front());
  EXPECT_NE(new_id.value(), old_id);
  ASSERT_EQ(ring.value().keys.size(), 2u);
  EXPECT_EQ(ring.value().active().key_id, new_id.value());
  EXPECT_FALSE(ring.value().keys[0].active);
  EXPECT_TRUE(signature_valid(ring.value().active().public_key, "receipt 2", ring.value().sign("receipt 2")));

  // From disk: both keys, the new one active, the old one still checks old signatures.
  Result<KeyRing> again = load_or_create_keys(data(), "2026-10-01T00:00:00Z");
  ASSERT_TRUE(again.ok()) << to_string(again.errors().front());
  ASSERT_EQ(again.value().keys.size(), 2u);
  EXPECT_EQ(again.value().keys[0].key_id, old_id);  // oldest first
  EXPECT_FALSE(again.value().keys[0].active);
  EXPECT_EQ(again.value().active().key_id, new_id.value());
  EXPECT_TRUE(signature_valid(again.value().keys[0].public_key, "receipt 1", old_sig));

  const json pub = again.value().public_keys_json();
  ASSERT_EQ(pub.size(), 2u);
  EXPECT_EQ(pub[0]["key_id"], old_id);
  EXPECT_EQ(pub[0]["active"], false);
  EXPECT_EQ(pub[1]["key_id"], new_id.value());
  EXPECT_EQ(pub[1]["active"], true);
  EXPECT_EQ(pub[1]["created_at"], "2026-09-01T00:00:00Z");
}

TEST_F(SigningKeysTest, SeveralKeysWithoutActiveFileAreRefused) {
  Result<KeyRing> ring = load_or_create_keys(data(), "2026-08-15T10:00:00Z");
  ASSERT_TRUE(ring.ok());
  ASSERT_TRUE(rotate_key(ring.value(), "2026-09-01T00:00:00Z").ok());
  fs::remove(keys() + "/active");
  Result<KeyRing> again = load_or_create_keys(data(), "2026-10-01T00:00:00Z");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(code_of(again.errors()), "keys.no_active_key");
}

TEST_F(SigningKeysTest, PublicKeysJsonHasTheDocumentedShape) {
  Result<KeyRing> ring = load_or_create_keys(data(), "2026-08-15T10:00:00Z");
  ASSERT_TRUE(ring.ok());
  const json pub = ring.value().public_keys_json();
  ASSERT_TRUE(pub.is_array());
  ASSERT_EQ(pub.size(), 1u);
  const json& k = pub[0];
  EXPECT_EQ(k.size(), 5u);
  EXPECT_EQ(k["key_id"], ring.value().active().key_id);
  EXPECT_EQ(k["algorithm"], "Ed25519");
  EXPECT_EQ(k["created_at"], "2026-08-15T10:00:00Z");
  EXPECT_EQ(k["active"], true);
  const std::string b64 = k["public_key"];
  EXPECT_EQ(b64.size(), 43u);  // 32 bytes, no padding
  EXPECT_EQ(b64.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), std::string::npos);
  // Round trip: what a verifier parses is the key that signs.
  Result<std::vector<PublicKey>> parsed = parse_public_keys(pub);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed.value()[0].public_key, ring.value().active().public_key);
  EXPECT_TRUE(parsed.value()[0].active);
}

TEST(PublicKeys, ParsingRefusesAnIdThatIsNotTheKeys) {
  const PublicKeyBytes a = bytes_from_hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  json good = public_key_json(PublicKey{key_id_for(a), a, "2026-01-01T00:00:00Z", true});
  EXPECT_TRUE(parse_public_keys(good).ok());
  EXPECT_TRUE(parse_public_keys(json::array({good})).ok());

  json wrong_id = good;
  wrong_id["key_id"] = "ed25519-0123456789abcdef";
  Result<std::vector<PublicKey>> r = parse_public_keys(json::array({good, wrong_id}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.errors().front().code, "keys.bad_public_key");
  EXPECT_EQ(r.errors().front().pointer, "/1/key_id");

  json wrong_alg = good;
  wrong_alg["algorithm"] = "RS256";
  EXPECT_EQ(parse_public_keys(wrong_alg).errors().front().pointer, "/algorithm");
  json short_key = good;
  short_key["public_key"] = "AAAA";
  EXPECT_EQ(parse_public_keys(short_key).errors().front().pointer, "/public_key");
  EXPECT_FALSE(parse_public_keys(json::array()).ok());
  EXPECT_FALSE(parse_public_keys(json("key")).ok());
}

TEST(Base64url, EncodesWithoutPaddingAndDecodesOnlyCanonicalText) {
  const unsigned char foo[] = {'f', 'o', 'o', 'b'};
  EXPECT_EQ(base64url_encode(foo, 1), "Zg");
  EXPECT_EQ(base64url_encode(foo, 2), "Zm8");
  EXPECT_EQ(base64url_encode(foo, 3), "Zm9v");
  EXPECT_EQ(base64url_encode(foo, 4), "Zm9vYg");
  const unsigned char url[] = {0xfb, 0xff};
  EXPECT_EQ(base64url_encode(url, 2), "-_8");

  unsigned char out[2] = {};
  EXPECT_TRUE(base64url_decode("-_8", out, 2));
  EXPECT_EQ(out[0], 0xfb);
  EXPECT_EQ(out[1], 0xff);
  EXPECT_FALSE(base64url_decode("+/8", out, 2));    // standard alphabet
  EXPECT_FALSE(base64url_decode("Zm8=", out, 2));   // padding
  EXPECT_FALSE(base64url_decode("Zm9", out, 2));    // trailing bits not zero
  EXPECT_FALSE(base64url_decode("Zg", out, 2));     // too short
  EXPECT_FALSE(base64url_decode("Zm9vYg", out, 2)); // too long
  EXPECT_FALSE(base64url_decode("Zm 8", out, 2));   // stray characters
}

// RFC 8032, 7.1, TEST 1: the same Ed25519 that WebCrypto implements.
TEST(Ed25519, VerifiesTheRfc8032TestVector) {
  const PublicKeyBytes pk = bytes_from_hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  const std::string sig_hex =
      "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";
  Signature sig{};
  for (std::size_t i = 0; i < sig.size(); ++i) sig[i] = static_cast<unsigned char>(std::stoi(sig_hex.substr(2 * i, 2), nullptr, 16));
  EXPECT_TRUE(signature_valid(pk, "", sig));
  EXPECT_FALSE(signature_valid(pk, "x", sig));
  sig[0] ^= 1;
  EXPECT_FALSE(signature_valid(pk, "", sig));
}

}  // namespace
}  // namespace blankett
