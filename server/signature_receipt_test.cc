// Signature receipts (blankett-signature/1): signed like receipts, strict about their
// shape, and any change to what they bind (who, what, when) breaks the signature.
#include "signature_receipt.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "blankett/submission.h"
#include "receipt.h"
#include "temp_dir.h"

namespace blankett {
namespace {

using nlohmann::json;

class SignatureReceiptTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<KeyRing> r = load_or_create_keys(tmp.path + "/data", "2026-08-01T00:00:00Z");
    ASSERT_TRUE(r.ok()) << to_string(r.errors().front());
    ring = std::move(r).value();
    fields.reference = "SKOL-2026-000007";
    fields.form_id = "skolskjuts";
    fields.form_version = sha256_of("form");
    fields.signer = "guardian2";
    fields.signer_identity = {"dev", "dev:19850704-9982", "19850704-9982"};
    fields.signed_at = "2026-08-16T08:00:00.250Z";
    fields.submission_sha256 = sha256_of("submission");
    fields.receipt_sha256 = sha256_of("receipt");
  }
  TempDir tmp;
  KeyRing ring;
  SignatureReceiptFields fields;
};

TEST_F(SignatureReceiptTest, SignsExactlyTheDocumentedKeysAndVerifies) {
  const json r = sign_signature_receipt(fields, ring);
  std::vector<std::string> keys;
  for (const auto& item : r.items()) keys.push_back(item.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"form_id", "form_version", "format", "key_id", "receipt_sha256", "reference",
                                            "signature", "signed_at", "signer", "signer_identity", "submission_sha256"}));
  EXPECT_EQ(r["format"], "blankett-signature/1");
  EXPECT_EQ(r["key_id"], ring.active().key_id);
  EXPECT_EQ(r["signer_identity"], (json{{"provider", "dev"}, {"subject", "dev:19850704-9982"}, {"personal_number", "19850704-9982"}}));
  EXPECT_TRUE(verify_signature_receipt(r, ring.public_keys()).ok());

  // The signed bytes are receipt.h's: canonical JSON without "signature".
  Signature sig{};
  ASSERT_TRUE(base64url_decode(r["signature"].get<std::string>(), sig.data(), sig.size()));
  EXPECT_TRUE(signature_valid(ring.active().public_key, receipt_signed_bytes(r), sig));
  // Deterministic, and a receipt parsed back from pretty-printed text verifies too.
  EXPECT_EQ(sign_signature_receipt(fields, ring), r);
  EXPECT_TRUE(verify_signature_receipt(json::parse(r.dump(2)), ring.public_keys()).ok());

  Result<SignatureReceiptFields> read = read_signature_receipt(r);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read.value().signer, "guardian2");
  EXPECT_EQ(read.value().signer_identity.personal_number, "19850704-9982");
  EXPECT_EQ(read.value().key_id, ring.active().key_id);
  EXPECT_EQ(read.value().receipt_sha256, sha256_of("receipt"));
}

TEST_F(SignatureReceiptTest, AnyChangeToWhatItBindsBreaksTheSignature) {
  const json r = sign_signature_receipt(fields, ring);
  const std::vector<std::pair<json::json_pointer, json>> changes = {
      {json::json_pointer("/signer"), "guardian1"},
      {json::json_pointer("/signer_identity/personal_number"), "19811218-9876"},
      {json::json_pointer("/signer_identity/subject"), "dev:someone"},
      {json::json_pointer("/signed_at"), "2026-08-15T08:00:00Z"},
      {json::json_pointer("/submission_sha256"), sha256_of("other")},
      {json::json_pointer("/receipt_sha256"), sha256_of("other")},
      {json::json_pointer("/reference"), "SKOL-2026-000008"},
  };
  for (const auto& [pointer, value] : changes) {
    json changed = r;
    changed[pointer] = value;
    Result<bool> v = verify_signature_receipt(changed, ring.public_keys());
    ASSERT_FALSE(v.ok()) << pointer.to_string();
    EXPECT_EQ(v.errors().front().code, "receipt.bad_signature") << pointer.to_string();
    EXPECT_EQ(v.errors().front().pointer, "/signature");
  }
}

TEST_F(SignatureReceiptTest, ShapeProblemsAreReportedWithPointers) {
  const json r = sign_signature_receipt(fields, ring);
  auto problems = [](const json& j) {
    std::vector<std::string> out;
    Result<SignatureReceiptFields> read = read_signature_receipt(j);
    if (read.ok()) return out;
    for (const Error& e : read.errors()) {
      EXPECT_EQ(e.code, "receipt.bad_format");
      out.push_back(e.pointer);
    }
    return out;
  };
  EXPECT_EQ(problems(json::array()), std::vector<std::string>{""});
  json missing = r;
  missing.erase("signer");
  EXPECT_EQ(problems(missing), std::vector<std::string>{"/signer"});
  json extra = r;
  extra["name"] = "Johan Berg";
  EXPECT_EQ(problems(extra), std::vector<std::string>{"/name"});
  json bad_number = r;
  bad_number["signer_identity"]["personal_number"] = "850704-9982";
  EXPECT_EQ(problems(bad_number), std::vector<std::string>{"/signer_identity/personal_number"});
  json no_subject = r;
  no_subject["signer_identity"]["subject"] = "";
  EXPECT_EQ(problems(no_subject), std::vector<std::string>{"/signer_identity/subject"});
  json receipt_format = r;
  receipt_format["format"] = "blankett-receipt/1";
  EXPECT_EQ(problems(receipt_format), std::vector<std::string>{"/format"});
  json bad_time = r;
  bad_time["signed_at"] = "2026-08-16 08:00";
  EXPECT_EQ(problems(bad_time), std::vector<std::string>{"/signed_at"});
  json bad_hash = r;
  bad_hash["receipt_sha256"] = "ABC";
  EXPECT_EQ(problems(bad_hash), std::vector<std::string>{"/receipt_sha256"});
  // An identity without a personal number (a provider that gives none) is a valid shape.
  json no_number = r;
  no_number["signer_identity"]["personal_number"] = "";
  EXPECT_TRUE(problems(no_number).empty());
}

TEST_F(SignatureReceiptTest, UnknownKeyAndTextThatIsNotUtf8) {
  TempDir other;
  Result<KeyRing> other_ring = load_or_create_keys(other.path, "2026-08-01T00:00:00Z");
  ASSERT_TRUE(other_ring.ok());
  const json r = sign_signature_receipt(fields, ring);
  Result<bool> v = verify_signature_receipt(r, other_ring.value().public_keys());
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.errors().front().code, "receipt.unknown_key");
  EXPECT_EQ(v.errors().front().pointer, "/key_id");

  json bad = r;
  bad["signer"] = std::string("guardian\xff");
  Result<bool> b = verify_signature_receipt(bad, ring.public_keys());
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.errors().front().code, "receipt.bad_format");
}

TEST_F(SignatureReceiptTest, RefusesToSignFieldsThatCouldNeverVerify) {
  SignatureReceiptFields no_subject = fields;
  no_subject.signer_identity.subject = "";
  EXPECT_THROW(sign_signature_receipt(no_subject, ring), std::invalid_argument);
  SignatureReceiptFields bad_time = fields;
  bad_time.signed_at = "yesterday";
  EXPECT_THROW(sign_signature_receipt(bad_time, ring), std::invalid_argument);
}

}  // namespace
}  // namespace blankett
