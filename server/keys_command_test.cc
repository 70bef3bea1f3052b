#include "keys_command.h"

#include <sys/stat.h>

#include <filesystem>
#include <sstream>

#include <gtest/gtest.h>

#include "receipt.h"
#include "signing_keys.h"
#include "temp_dir.h"

namespace blankett {
namespace {

int run(const std::vector<std::string>& args, std::string* out) {
  std::ostringstream o, e;
  const int code = keys_command(args, o, e);
  *out = o.str() + e.str();
  return code;
}

TEST(KeysCommand, RotationMakesANewSigningKeyAndKeepsTheOldForVerifying) {
  TempDir dir;
  const std::string data = dir.path;
  std::string out;
  Result<KeyRing> before = load_or_create_keys(data, "2026-08-15T10:00:00Z");  // the first key, as serve makes it
  ASSERT_EQ(run({"list", "--data", data}, &out), 0) << out;
  ASSERT_TRUE(before.ok());
  ASSERT_EQ(before.value().keys.size(), 1u);
  const std::string old_id = before.value().active().key_id;
  EXPECT_NE(out.find(old_id + "  created"), std::string::npos) << out;

  ReceiptFields f;
  f.reference = "SKOL-2026-000001";
  f.form_id = "skolskjuts";
  f.form_version = std::string(64, 'a');
  f.submission_sha256 = std::string(64, 'b');
  f.received_at = "2026-08-15T10:00:00.000Z";
  f.previous_receipt_sha256 = first_previous_receipt_sha256();
  f.sequence = 1;
  const nlohmann::json old_receipt = sign_receipt(f, before.value());

  ASSERT_EQ(run({"rotate", "--data", data}, &out), 0) << out;
  Result<KeyRing> after = load_or_create_keys(data, "2026-08-15T11:00:00Z");
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after.value().keys.size(), 2u);
  const std::string new_id = after.value().active().key_id;
  EXPECT_NE(new_id, old_id);
  EXPECT_NE(out.find(new_id + " now signs new receipts"), std::string::npos) << out;
  EXPECT_NE(out.find(new_id + "  created"), std::string::npos) << out;
  // New receipts name the new key; the old receipt still verifies with the published keys.
  EXPECT_EQ(sign_receipt(f, after.value())["key_id"], new_id);
  EXPECT_TRUE(verify_receipt(old_receipt, after.value().public_keys()).ok());
}

TEST(KeysCommand, UsageErrorsExit2) {
  std::string out;
  EXPECT_EQ(run({}, &out), 2);
  EXPECT_EQ(run({"delete"}, &out), 2);
  EXPECT_EQ(run({"rotate", "--data"}, &out), 2);
  EXPECT_NE(out.find("usage: blankett keys"), std::string::npos);
}

// A typo in --data must not make a new data directory with a signing key no server uses.
TEST(KeysCommand, ListCreatesNothing) {
  TempDir dir;
  const std::string typo = dir.path + "/dta";
  std::string out;
  EXPECT_EQ(run({"list", "--data", typo}, &out), 1);
  EXPECT_NE(out.find("keys: no data directory at " + typo), std::string::npos) << out;
  EXPECT_FALSE(std::filesystem::exists(typo));

  EXPECT_EQ(run({"list", "--data", dir.path}, &out), 1);
  EXPECT_NE(out.find("no signing keys in " + dir.path + "/keys"), std::string::npos) << out;
  EXPECT_FALSE(std::filesystem::exists(dir.path + "/keys"));
}

// Rotation may start a data directory: its first key, then the rotated one.
TEST(KeysCommand, RotateCreatesTheFirstKey) {
  TempDir dir;
  std::string out;
  ASSERT_EQ(run({"rotate", "--data", dir.path + "/new"}, &out), 0) << out;
  EXPECT_EQ(run({"list", "--data", dir.path + "/new"}, &out), 0) << out;
}

TEST(KeysCommand, UnsafeKeyDirectoryIsRefused) {
  TempDir dir;
  std::string out;
  ASSERT_TRUE(load_or_create_keys(dir.path, "2026-08-15T10:00:00Z").ok());
  ASSERT_EQ(::chmod((dir.path + "/keys").c_str(), 0755), 0);
  EXPECT_EQ(run({"rotate", "--data", dir.path}, &out), 1);
  EXPECT_NE(out.find("keys.unsafe_directory"), std::string::npos) << out;
}

}  // namespace
}  // namespace blankett
