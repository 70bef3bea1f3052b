// `blankett verify` end to end: real key files, receipt and submission files in a temp
// directory, the command run as main runs it, exit codes and output checked.
#include "verify_command.h"

#include <gtest/gtest.h>

#include "temp_dir.h"
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "blankett/submission.h"
#include "receipt.h"
#include "signature_receipt.h"
#include "signing_keys.h"

namespace blankett {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;


void spit(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary | std::ios::trunc) << text; }

struct Outcome {
  int code = -1;
  std::string out;
  std::string err;
};

Outcome run(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  Outcome r;
  r.code = verify_command(args, out, err);
  r.out = out.str();
  r.err = err.str();
  return r;
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class VerifyCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(tmp.path.empty());
    Result<KeyRing> r = load_or_create_keys(tmp.path + "/data", "2026-08-01T00:00:00Z");
    ASSERT_TRUE(r.ok()) << to_string(r.errors().front());
    ring = std::move(r).value();
    submission_bytes = R"({"answers":{"pupil_name":"Alva Berg"},"form":"skolskjuts","format":"blankett-submission/1","version":")" +
                       sha256_of("form") + "\"}";
    ReceiptFields f;
    f.reference = "SKOL-2026-000123";
    f.form_id = "skolskjuts";
    f.form_version = sha256_of("form");
    f.submission_sha256 = sha256_of(submission_bytes);
    f.received_at = "2026-08-15T10:12:03Z";
    f.previous_receipt_sha256 = first_previous_receipt_sha256();
    f.sequence = 123;
    receipt = sign_receipt(f, ring);
    spit(path("receipt.json"), receipt.dump(2) + "\n");  // as a person might save it
    spit(path("submission.json"), submission_bytes);
    spit(path("keys.json"), ring.public_keys_json().dump());
  }
  std::string path(const std::string& name) const { return tmp.path + "/" + name; }
  std::string pub_file() const { return tmp.path + "/data/keys/" + ring.active().key_id + ".pub"; }
  std::string success_line() const {
    return "receipt SKOL-2026-000123 verifies: signed by " + ring.active().key_id + " at 2026-08-15T10:12:03Z\n";
  }

  TempDir tmp;
  KeyRing ring;
  json receipt;
  std::string submission_bytes;
};

TEST_F(VerifyCommandTest, VerifiesWithThePubFile) {
  const Outcome r = run({path("receipt.json"), "--key", pub_file()});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(r.out, success_line());
  EXPECT_EQ(r.err, "");
}

TEST_F(VerifyCommandTest, VerifiesWithTheKeysListAfterRotation) {
  const std::string old_line = success_line();
  ASSERT_TRUE(rotate_key(ring, "2026-09-01T00:00:00Z").ok());
  spit(path("keys.json"), ring.public_keys_json().dump(2));  // GET /api/keys, saved
  const Outcome r = run({"--key", path("keys.json"), path("receipt.json")});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(r.out, old_line);
}

TEST_F(VerifyCommandTest, KeyOptionWithEqualsSignAndSeveralKeys) {
  TempDir other;
  ASSERT_TRUE(load_or_create_keys(other.path, "2026-08-01T00:00:00Z").ok());
  std::string other_pub;
  for (const auto& e : fs::directory_iterator(other.path + "/keys")) {
    if (e.path().extension() == ".pub") other_pub = e.path().string();
  }
  const Outcome r = run({path("receipt.json"), "--key=" + other_pub, "--key=" + pub_file()});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(r.out, success_line());
}

TEST_F(VerifyCommandTest, ChecksTheSubmissionBytes) {
  const Outcome ok = run({path("receipt.json"), "--key", pub_file(), "--submission", path("submission.json")});
  EXPECT_EQ(ok.code, 0) << ok.out << ok.err;
  EXPECT_EQ(ok.out, success_line() + "submission " + path("submission.json") + " matches: sha256 " + sha256_of(submission_bytes) + "\n");

  const std::string other = R"({"answers":{"pupil_name":"Alva Bergh"},"form":"skolskjuts","format":"blankett-submission/1","version":")" +
                            sha256_of("form") + "\"}";
  spit(path("other.json"), other);
  const Outcome bad = run({path("receipt.json"), "--key", pub_file(), "--submission", path("other.json")});
  EXPECT_EQ(bad.code, 1);
  EXPECT_TRUE(has(bad.out, path("other.json") + ": receipt.submission_mismatch: ")) << bad.out;
  EXPECT_TRUE(has(bad.out, sha256_of(other))) << bad.out;
  EXPECT_FALSE(has(bad.out, "verifies"));
}

// The server hashed the canonical bytes; the citizen may have saved the submission with
// any tool (python's json.dump escapes non-ASCII and adds spaces; jq indents).
TEST_F(VerifyCommandTest, AcceptsTheSubmissionInAnyJsonFormatting) {
  spit(path("pretty.json"), "{\n  \"version\": \"" + sha256_of("form") +
                                "\",\n  \"format\": \"blankett-submission/1\", \"form\": \"skolskjuts\",\n"
                                "  \"answers\": {\"pupil_name\": \"Alva Berg\"}\n}\n");
  const Outcome ok = run({path("receipt.json"), "--key", pub_file(), "--submission", path("pretty.json")});
  EXPECT_EQ(ok.code, 0) << ok.out << ok.err;
  EXPECT_EQ(ok.out, success_line() + "submission " + path("pretty.json") + " matches: sha256 " + sha256_of(submission_bytes) + "\n");
}

TEST_F(VerifyCommandTest, EscapedNonAsciiIsTheSameSubmission) {
  const std::string with_letters = R"({"answers":{"pupil_name":"Åsa Öberg"},"form":"skolskjuts","format":"blankett-submission/1","version":")" +
                                   sha256_of("form") + "\"}";
  ReceiptFields f = read_receipt(receipt).value();
  f.submission_sha256 = sha256_of(with_letters);
  spit(path("letters-receipt.json"), sign_receipt(f, ring).dump());
  // As python's json.dump writes it: ensure_ascii and ", " / ": " separators.
  spit(path("ascii.json"), R"({"answers": {"pupil_name": "\u00c5sa \u00d6berg"}, "form": "skolskjuts", "format": "blankett-submission/1", "version": ")" +
                               sha256_of("form") + "\"}");
  const Outcome ok = run({path("letters-receipt.json"), "--key", pub_file(), "--submission", path("ascii.json")});
  EXPECT_EQ(ok.code, 0) << ok.out << ok.err;
}

TEST_F(VerifyCommandTest, SubmissionThatIsNotJsonSaysWhere) {
  spit(path("broken.json"), "{\"answers\": {\n  \"pupil_name\": Alva\n}}");
  const Outcome r = run({path("receipt.json"), "--key", pub_file(), "--submission", path("broken.json")});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(has(r.out, path("broken.json") + ":2:17: json.syntax: invalid JSON")) << r.out;
  EXPECT_TRUE(has(r.out, "\"submission\" of the server's 201 answer")) << r.out;
  EXPECT_FALSE(has(r.out, "receipt.submission_mismatch")) << r.out;
  EXPECT_FALSE(has(r.out, "json.exception")) << r.out;
}

TEST_F(VerifyCommandTest, TamperedReceiptFails) {
  json changed = receipt;
  changed["received_at"] = "2026-08-14T10:12:03Z";  // backdated
  spit(path("receipt.json"), changed.dump(2));
  const Outcome r = run({path("receipt.json"), "--key", pub_file()});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(has(r.out, path("receipt.json") + ": receipt.bad_signature: ")) << r.out;
  EXPECT_TRUE(has(r.out, "[/signature]")) << r.out;
}

TEST_F(VerifyCommandTest, ReceiptOfAnotherKeyFails) {
  TempDir other;
  Result<KeyRing> other_ring = load_or_create_keys(other.path, "2026-08-01T00:00:00Z");
  ASSERT_TRUE(other_ring.ok());
  spit(path("other-keys.json"), other_ring.value().public_keys_json().dump());
  const Outcome r = run({path("receipt.json"), "--key", path("other-keys.json")});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(has(r.out, "receipt.unknown_key")) << r.out;
  EXPECT_TRUE(has(r.out, ring.active().key_id)) << r.out;
}

TEST_F(VerifyCommandTest, MalformedReceiptOrKeyFileFails) {
  spit(path("broken.json"), "{\"format\": ");
  const Outcome not_json = run({path("broken.json"), "--key", pub_file()});
  EXPECT_EQ(not_json.code, 1);
  EXPECT_TRUE(has(not_json.out, "receipt.bad_format")) << not_json.out;

  json extra = receipt;
  extra["comment"] = "x";
  spit(path("extra.json"), extra.dump());
  const Outcome extra_key = run({path("extra.json"), "--key", pub_file()});
  EXPECT_EQ(extra_key.code, 1);
  EXPECT_TRUE(has(extra_key.out, "receipt.bad_format")) << extra_key.out;
  EXPECT_TRUE(has(extra_key.out, "[/comment]")) << extra_key.out;

  json keys = ring.public_keys_json();
  keys[0]["key_id"] = "ed25519-0123456789abcdef";  // an id that is not this key's
  spit(path("forged.json"), keys.dump());
  const Outcome forged = run({path("receipt.json"), "--key", path("forged.json")});
  EXPECT_EQ(forged.code, 1);
  EXPECT_TRUE(has(forged.out, path("forged.json") + ": keys.bad_public_key")) << forged.out;
}

TEST_F(VerifyCommandTest, WithoutAKeyExplainsAndExits2) {
  const Outcome r = run({path("receipt.json")});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_TRUE(has(r.err, "a public key is needed")) << r.err;
  EXPECT_TRUE(has(r.err, "GET /api/keys")) << r.err;
  EXPECT_TRUE(has(r.err, "network")) << r.err;
}

TEST_F(VerifyCommandTest, UsageErrorsExit2) {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {},
           {"--key", pub_file()},
           {path("receipt.json"), "--key"},
           {path("receipt.json"), "--key", pub_file(), "--verbose"},
           {path("receipt.json"), path("receipt.json"), "--key", pub_file()},
           {path("receipt.json"), "--key", pub_file(), "--submission", "a", "--submission", "b"},
           {path("missing.json"), "--key", pub_file()},
           {path("receipt.json"), "--key", path("missing.pub")},
           {path("receipt.json"), "--key", pub_file(), "--submission", path("missing.json")},
       }) {
    const Outcome r = run(args);
    EXPECT_EQ(r.code, 2) << r.out;
    EXPECT_TRUE(has(r.err, "usage: blankett verify")) << r.err;
    EXPECT_EQ(r.out, "");
  }
}


// A signer's receipt (blankett-signature/1) is recognised by its format and checked the
// same way, with the same codes.
class VerifySignatureCommandTest : public VerifyCommandTest {
 protected:
  void SetUp() override {
    VerifyCommandTest::SetUp();
    SignatureReceiptFields f;
    f.reference = "SKOL-2026-000123";
    f.form_id = "skolskjuts";
    f.form_version = sha256_of("form");
    f.signer = "guardian2";
    f.signer_identity = {"dev", "dev:19850704-9982", "19850704-9982"};
    f.signed_at = "2026-08-16T08:00:00.250Z";
    f.submission_sha256 = sha256_of(submission_bytes);
    f.receipt_sha256 = receipt_sha256(receipt);
    signature = sign_signature_receipt(f, ring);
    spit(path("signature.json"), signature.dump(2) + "\n");
  }
  std::string signature_line() const {
    return "signature of guardian2 on SKOL-2026-000123 verifies: signed by " + ring.active().key_id + " at 2026-08-16T08:00:00.250Z\n";
  }
  json signature;
};

TEST_F(VerifySignatureCommandTest, VerifiesASignersReceiptAndItsSubmission) {
  const Outcome r = run({path("signature.json"), "--key", pub_file(), "--submission", path("submission.json")});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(r.out, signature_line() + "submission " + path("submission.json") + " matches: sha256 " + sha256_of(submission_bytes) + "\n");

  spit(path("other.json"), json::parse(submission_bytes).dump(2));  // the same submission, indented
  const Outcome same = run({path("signature.json"), "--key", pub_file(), "--submission", path("other.json")});
  EXPECT_EQ(same.code, 0) << same.out << same.err;

  spit(path("other.json"), "{}");
  const Outcome bad = run({path("signature.json"), "--key", pub_file(), "--submission", path("other.json")});
  EXPECT_EQ(bad.code, 1);
  EXPECT_TRUE(has(bad.out, path("other.json") + ": receipt.submission_mismatch: ")) << bad.out;
}

TEST_F(VerifySignatureCommandTest, ChangedSignerIdentityOrExtraKeyFails) {
  json changed = signature;
  changed["signer_identity"]["personal_number"] = "19811218-9876";  // someone else
  spit(path("changed.json"), changed.dump());
  const Outcome r = run({path("changed.json"), "--key", pub_file()});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(has(r.out, path("changed.json") + ": receipt.bad_signature: ")) << r.out;
  EXPECT_TRUE(has(r.out, "[/signature]")) << r.out;

  json extra = signature;
  extra["signer_identity"]["name"] = "Johan";
  spit(path("extra.json"), extra.dump());
  const Outcome e = run({path("extra.json"), "--key", pub_file()});
  EXPECT_EQ(e.code, 1);
  EXPECT_TRUE(has(e.out, "receipt.bad_format")) << e.out;
  EXPECT_TRUE(has(e.out, "[/signer_identity/name]")) << e.out;
}

TEST_F(VerifySignatureCommandTest, SignatureOfAnotherKeyFails) {
  TempDir other;
  Result<KeyRing> other_ring = load_or_create_keys(other.path, "2026-08-01T00:00:00Z");
  ASSERT_TRUE(other_ring.ok());
  spit(path("other-keys.json"), other_ring.value().public_keys_json().dump());
  const Outcome r = run({path("signature.json"), "--key", path("other-keys.json")});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(has(r.out, path("signature.json") + ": receipt.unknown_key")) << r.out;
}

}  // namespace
}  // namespace blankett
