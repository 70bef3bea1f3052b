// Receipts: the exact signed bytes, sign → verify, tampering with any field, wrong keys,
// shape errors, the hash chain and receipts that outlive a key rotation.
#include "receipt.h"

#include <gtest/gtest.h>

#include "temp_dir.h"
#include <unistd.h>

#include <filesystem>
#include <stdexcept>
#include <vector>

#include "blankett/submission.h"

namespace blankett {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;


ReceiptFields example_fields() {
  ReceiptFields f;
  f.reference = reference_for("SKOL", 2026, 123);
  f.form_id = "skolskjuts";
  f.form_version = sha256_of("form definition");
  f.submission_sha256 = sha256_of(R"({"answers":{},"form":"skolskjuts"})");
  f.received_at = "2026-08-15T10:12:03Z";
  f.previous_receipt_sha256 = first_previous_receipt_sha256();
  f.sequence = 123;
  return f;
}

std::string code_of(const Result<bool>& r) { return r.ok() ? "ok" : r.errors().front().code; }

// The next character of the same kind (digit, hex letter, other lowercase, capital), so
// the changed receipt keeps its shape and only the signature can object.
char flipped(char c) {
  if (c >= '0' && c <= '9') return static_cast<char>('0' + (c - '0' + 1) % 10);
  if (c >= 'a' && c <= 'f') return static_cast<char>('a' + (c - 'a' + 1) % 6);
  if (c >= 'g' && c <= 'z') return static_cast<char>('g' + (c - 'g' + 1) % 20);
  if (c >= 'A' && c <= 'Z') return static_cast<char>('A' + (c - 'A' + 1) % 26);
  return c;
}

class ReceiptTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(tmp.path.empty());
    Result<KeyRing> r = load_or_create_keys(tmp.path, "2026-08-01T00:00:00Z");
    ASSERT_TRUE(r.ok()) << to_string(r.errors().front());
    ring = std::move(r).value();
  }
  TempDir tmp;
  KeyRing ring;
};

TEST(Reference, HasSixDigitsOrMore) {
  EXPECT_EQ(reference_for("SKOL", 2026, 123), "SKOL-2026-000123");
  EXPECT_EQ(reference_for("SKOL", 2026, 1), "SKOL-2026-000001");
  EXPECT_EQ(reference_for("BYGG", 2027, 999999), "BYGG-2027-999999");
  EXPECT_EQ(reference_for("BYGG", 2027, 1234567), "BYGG-2027-1234567");
}

TEST_F(ReceiptTest, SignedReceiptHasExactlyTheFormatsKeys) {
  const json r = sign_receipt(example_fields(), ring);
  EXPECT_EQ(r.size(), 10u);
  EXPECT_EQ(r["format"], "blankett-receipt/1");
  EXPECT_EQ(r["reference"], "SKOL-2026-000123");
  EXPECT_EQ(r["key_id"], ring.active().key_id);
  EXPECT_EQ(r["sequence"], 123);
  EXPECT_EQ(r["signature"].get<std::string>().size(), 86u);  // 64 bytes, base64url
  Result<ReceiptFields> f = read_receipt(r);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f.value().submission_sha256, example_fields().submission_sha256);
  EXPECT_EQ(f.value().key_id, ring.active().key_id);
}

TEST_F(ReceiptTest, KeyIdIsAlwaysTheSigners) {
  ReceiptFields f = example_fields();
  f.key_id = "ed25519-0000000000000000";
  EXPECT_EQ(sign_receipt(f, ring)["key_id"], ring.active().key_id);
}

TEST_F(ReceiptTest, SignedBytesAreTheCanonicalJsonWithoutTheSignature) {
  const json r = sign_receipt(example_fields(), ring);
  const std::string expected = std::string("{") +                                             //
                               "\"form_id\":\"skolskjuts\"," +                                  //
                               "\"form_version\":\"" + sha256_of("form definition") + "\"," +  //
                               "\"format\":\"blankett-receipt/1\"," +                           //
                               "\"key_id\":\"" + ring.active().key_id + "\"," +                 //
                               "\"previous_receipt_sha256\":\"" + std::string(64, '0') + "\"," +
                               "\"received_at\":\"2026-08-15T10:12:03Z\"," +  //
                               "\"reference\":\"SKOL-2026-000123\"," +         //
                               "\"sequence\":123," +                           //
                               "\"submission_sha256\":\"" + example_fields().submission_sha256 + "\"}";
  EXPECT_EQ(receipt_signed_bytes(r), expected);
  // The signature is plain Ed25519 over exactly those bytes (what a browser checks).
  Signature sig{};
  ASSERT_TRUE(base64url_decode(r["signature"].get<std::string>(), sig.data(), sig.size()));
  EXPECT_TRUE(signature_valid(ring.active().public_key, expected, sig));
}

TEST_F(ReceiptTest, SignThenVerify) {
  const json r = sign_receipt(example_fields(), ring);
  const Result<bool> v = verify_receipt(r, ring.public_keys());
  ASSERT_TRUE(v.ok()) << to_string(v.errors().front());
  EXPECT_TRUE(v.value());
  // However the JSON was laid out on the way (pretty-printed, re-parsed), it verifies.
  EXPECT_TRUE(verify_receipt(json::parse(r.dump(4)), ring.public_keys()).ok());
}

TEST_F(ReceiptTest, FlippingAnyCharacterOfAnyFieldBreaksTheSignature) {
  const json r = sign_receipt(example_fields(), ring);
  int tried = 0;
  for (const char* key : {"reference", "form_id", "form_version", "submission_sha256", "received_at", "previous_receipt_sha256"}) {
    const std::string value = r[key];
    for (std::size_t i = 0; i < value.size(); ++i) {
      if (flipped(value[i]) == value[i]) continue;              // punctuation: a shape error
      if (std::string(key) == "received_at" && value[i] >= 'A') continue;  // the T and Z
      json changed = r;
      changed[key] = value.substr(0, i) + flipped(value[i]) + value.substr(i + 1);
      ASSERT_TRUE(read_receipt(changed).ok()) << key << " " << i;
      const Result<bool> v = verify_receipt(changed, ring.public_keys());
      ASSERT_EQ(code_of(v), "receipt.bad_signature") << key << " position " << i;
      EXPECT_EQ(v.errors().front().pointer, "/signature");
      ++tried;
    }
  }
  EXPECT_GE(tried, 3 * 64 + 10);  // every character of the three hashes and of "skolskjuts", at least

  json seq = r;
  seq["sequence"] = 124;
  EXPECT_EQ(code_of(verify_receipt(seq, ring.public_keys())), "receipt.bad_signature");

  // The signature itself (a middle character: all 6 bits count there).
  std::string sig = r["signature"];
  sig[40] = sig[40] == 'A' ? 'B' : 'A';
  json bad_sig = r;
  bad_sig["signature"] = sig;
  EXPECT_EQ(code_of(verify_receipt(bad_sig, ring.public_keys())), "receipt.bad_signature");
}

TEST_F(ReceiptTest, AnotherKeyIdIsUnknown) {
  json r = sign_receipt(example_fields(), ring);
  r["key_id"] = "ed25519-0123456789abcdef";
  const Result<bool> v = verify_receipt(r, ring.public_keys());
  EXPECT_EQ(code_of(v), "receipt.unknown_key");
  EXPECT_EQ(v.errors().front().pointer, "/key_id");
}

TEST_F(ReceiptTest, WrongKeysAreRefused) {
  TempDir other_dir;
  Result<KeyRing> other = load_or_create_keys(other_dir.path, "2026-08-01T00:00:00Z");
  ASSERT_TRUE(other.ok());
  const json r = sign_receipt(example_fields(), ring);
  // Another municipality's keys: the receipt's key is not among them.
  EXPECT_EQ(code_of(verify_receipt(r, other.value().public_keys())), "receipt.unknown_key");
  EXPECT_EQ(code_of(verify_receipt(r, {})), "receipt.unknown_key");
  // A list that claims our key_id but holds another public key.
  std::vector<PublicKey> forged = other.value().public_keys();
  forged[0].key_id = ring.active().key_id;
  EXPECT_EQ(code_of(verify_receipt(r, forged)), "receipt.bad_signature");
}

TEST_F(ReceiptTest, ShapeProblemsAreReportedPerKey) {
  const json r = sign_receipt(example_fields(), ring);
  auto pointers = [&](const json& receipt) {
    const Result<bool> v = verify_receipt(receipt, ring.public_keys());
    std::vector<std::string> out;
    if (v.ok()) return out;
    for (const Error& e : v.errors()) {
      EXPECT_EQ(e.code, "receipt.bad_format") << e.message;
      out.push_back(e.pointer);
    }
    return out;
  };
  using P = std::vector<std::string>;
  json missing = r;
  missing.erase("sequence");
  EXPECT_EQ(pointers(missing), P{"/sequence"});
  json extra = r;
  extra["note"] = "hello";
  EXPECT_EQ(pointers(extra), P{"/note"});
  json wrong_type = r;
  wrong_type["sequence"] = "123";
  EXPECT_EQ(pointers(wrong_type), P{"/sequence"});
  json zero = r;
  zero["sequence"] = 0;
  EXPECT_EQ(pointers(zero), P{"/sequence"});
  json fractional = r;
  fractional["sequence"] = 123.0;
  EXPECT_EQ(pointers(fractional), P{"/sequence"});
  json upper = r;
  upper["form_version"] = sha256_of("form definition").substr(0, 63) + "A";
  EXPECT_EQ(pointers(upper), P{"/form_version"});
  json local_time = r;
  local_time["received_at"] = "2026-08-15T12:12:03+02:00";
  EXPECT_EQ(pointers(local_time), P{"/received_at"});
  json other_format = r;
  other_format["format"] = "blankett-receipt/2";
  EXPECT_EQ(pointers(other_format), P{"/format"});
  json no_signature = r;
  no_signature.erase("signature");
  EXPECT_EQ(pointers(no_signature), P{"/signature"});
  json padded = r;
  padded["signature"] = r["signature"].get<std::string>() + "==";
  EXPECT_EQ(pointers(padded), P{"/signature"});
  json several = r;
  several.erase("reference");
  several["form_id"] = 7;
  EXPECT_EQ(pointers(several).size(), 2u);
  EXPECT_EQ(pointers(json::array()), P{""});
}

// signed_receipt_text writes the receipt's text itself: it must be byte for byte the
// canonical JSON of the receipt it stands for, whatever the strings hold, because the
// chain hashes that text and a verifier re-serialises the parsed receipt.
TEST_F(ReceiptTest, TheReceiptTextIsItsCanonicalJson) {
  std::vector<ReceiptFields> cases;
  cases.push_back(example_fields());
  ReceiptFields amending = example_fields();
  amending.amends = sha256_of("the first version's receipt");
  cases.push_back(amending);
  for (const char* reference : {"ÅTER-2026-000001", "A\"B\\C-2026-000002", "TAB\tNEWLINE\n-2026-3", "DEL\x7f-2026-4", "Ω-2026-5"}) {
    ReceiptFields f = example_fields();
    f.reference = reference;
    f.form_id = std::string("form ") + reference;
    cases.push_back(f);
  }
  ReceiptFields big = example_fields();
  big.sequence = 9007199254740993LL;  // beyond a double's integers
  cases.push_back(big);
  for (const ReceiptFields& f : cases) {
    const std::string text = signed_receipt_text(f, ring);
    const json parsed = json::parse(text);
    EXPECT_EQ(text, parsed.dump()) << text;
    EXPECT_EQ(parsed["reference"], f.reference);
    EXPECT_EQ(parsed["sequence"].get<long long>(), f.sequence);
    EXPECT_EQ(parsed.contains("amends"), !f.amends.empty());
    EXPECT_TRUE(verify_receipt(parsed, ring.public_keys()).ok()) << text;
    EXPECT_EQ(sign_receipt(f, ring), parsed);  // Ed25519 is deterministic
  }
  ReceiptFields bad_utf8 = example_fields();
  bad_utf8.reference = "SKOL-\xff-2026";
  EXPECT_THROW(signed_receipt_text(bad_utf8, ring), json::type_error);
}

TEST_F(ReceiptTest, SigningFieldsThatCouldNeverVerifyThrows) {
  ReceiptFields f = example_fields();
  f.submission_sha256 = "abc";
  EXPECT_THROW(sign_receipt(f, ring), std::invalid_argument);
  f = example_fields();
  f.sequence = 0;
  EXPECT_THROW(sign_receipt(f, ring), std::invalid_argument);
  f = example_fields();
  f.reference.clear();
  EXPECT_THROW(signed_receipt_text(f, ring), std::invalid_argument);
  f = example_fields();
  f.amends = "not a hash";
  EXPECT_THROW(signed_receipt_text(f, ring), std::invalid_argument);
  f = example_fields();
  f.received_at = "yesterday";
  EXPECT_THROW(signed_receipt_text(f, ring), std::invalid_argument);
}

TEST_F(ReceiptTest, ChainHashingIsDeterministic) {
  const json first = sign_receipt(example_fields(), ring);
  // Ed25519 signatures are deterministic, so equal fields give an equal receipt and hash.
  EXPECT_EQ(sign_receipt(example_fields(), ring), first);
  const std::string h = receipt_sha256(first);
  EXPECT_EQ(h.size(), 64u);
  EXPECT_EQ(h, receipt_sha256(sign_receipt(example_fields(), ring)));
  EXPECT_EQ(h, receipt_sha256(json::parse(first.dump(2))));  // layout does not matter
  EXPECT_EQ(h, sha256_of(first.dump()));                      // canonical bytes, signature included
  EXPECT_NE(h, sha256_of(receipt_signed_bytes(first)));

  ReceiptFields next = example_fields();
  next.reference = reference_for("SKOL", 2026, 124);
  next.sequence = 124;
  next.submission_sha256 = sha256_of("another submission");
  next.previous_receipt_sha256 = h;
  const json second = sign_receipt(next, ring);
  EXPECT_EQ(second["previous_receipt_sha256"], h);
  EXPECT_TRUE(verify_receipt(second, ring.public_keys()).ok());
  // Rewriting history changes the hash the next receipt holds.
  json altered = first;
  altered["received_at"] = "2026-08-15T10:12:04Z";
  EXPECT_NE(receipt_sha256(altered), second["previous_receipt_sha256"].get<std::string>());
}

// A later version of an application (a completion) names the receipt it amends; the key
// is signed like every other, and a receipt without it keeps exactly the ten keys.
TEST_F(ReceiptTest, AmendsIsAnOptionalSignedHash) {
  const json first = sign_receipt(example_fields(), ring);
  EXPECT_FALSE(first.contains("amends"));
  EXPECT_EQ(read_receipt(first).value().amends, "");

  ReceiptFields f = example_fields();
  f.reference = "SKOL-2026-000123-2";
  f.sequence = 130;
  f.amends = receipt_sha256(first);
  const json amended = sign_receipt(f, ring);
  EXPECT_EQ(amended.size(), 11u);
  EXPECT_EQ(amended["amends"], receipt_sha256(first));
  ASSERT_TRUE(verify_receipt(amended, ring.public_keys()).ok());
  EXPECT_EQ(read_receipt(amended).value().amends, receipt_sha256(first));

  // Changed, removed or added afterwards: the signature no longer matches.
  json changed = amended;
  std::string hash = amended["amends"];
  hash[10] = flipped(hash[10]);
  changed["amends"] = hash;
  EXPECT_EQ(code_of(verify_receipt(changed, ring.public_keys())), "receipt.bad_signature");
  json removed = amended;
  removed.erase("amends");
  EXPECT_EQ(code_of(verify_receipt(removed, ring.public_keys())), "receipt.bad_signature");
  json added = first;
  added["amends"] = receipt_sha256(first);
  EXPECT_EQ(code_of(verify_receipt(added, ring.public_keys())), "receipt.bad_signature");

  // Present means a hash: not empty, not upper case, not a number.
  for (const json& bad : {json(""), json(hash.substr(0, 63) + "A"), json(7), json(nullptr)}) {
    json shape = amended;
    shape["amends"] = bad;
    const Result<bool> v = verify_receipt(shape, ring.public_keys());
    ASSERT_EQ(code_of(v), "receipt.bad_format") << bad.dump();
    EXPECT_EQ(v.errors().front().pointer, "/amends");
  }
  f.amends = "not a hash";
  EXPECT_THROW(sign_receipt(f, ring), std::invalid_argument);
}

TEST_F(ReceiptTest, RotationKeepsOldReceiptsVerifiable) {
  const json before = sign_receipt(example_fields(), ring);
  const std::vector<PublicKey> old_keys = ring.public_keys();
  Result<std::string> new_id = rotate_key(ring, "2026-09-01T00:00:00Z");
  ASSERT_TRUE(new_id.ok());
  ReceiptFields f = example_fields();
  f.previous_receipt_sha256 = receipt_sha256(before);
  f.sequence = 124;
  const json after = sign_receipt(f, ring);
  EXPECT_EQ(after["key_id"], new_id.value());
  EXPECT_NE(before["key_id"], after["key_id"]);

  EXPECT_TRUE(verify_receipt(before, ring.public_keys()).ok());
  EXPECT_TRUE(verify_receipt(after, ring.public_keys()).ok());
  // And from disk, as a restarted server sees them.
  Result<KeyRing> reloaded = load_or_create_keys(tmp.path, "2026-10-01T00:00:00Z");
  ASSERT_TRUE(reloaded.ok());
  EXPECT_TRUE(verify_receipt(before, reloaded.value().public_keys()).ok());
  EXPECT_TRUE(verify_receipt(after, reloaded.value().public_keys()).ok());
  // Someone holding only the old key cannot check the new receipt.
  EXPECT_EQ(code_of(verify_receipt(after, old_keys)), "receipt.unknown_key");
}

}  // namespace
}  // namespace blankett
