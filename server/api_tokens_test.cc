// API tokens: made once, stored as a hash, checked, revoked; the Bearer header; and the
// `blankett token` command with its audit entries.
#include "api_tokens.h"

#include <sstream>

#include <gtest/gtest.h>
#include <httplib.h>

#include "audit_log.h"
#include "blankett/submission.h"
#include "store_testing.h"
#include "token_command.h"

namespace blankett {
namespace {

class ApiTokensTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::make_unique<Store>(must_open_store(dir_.file("blankett.db")));
    // Users straight into the table: the password hash is never checked here.
    ASSERT_TRUE(sql::exec(store_->db.get(),
                          "INSERT INTO users (id, username, display_name, password_hash, created_at) VALUES "
                          "(1, 'karin', 'Karin Admin', 'x', '2026-01-01'), (2, 'olle', 'Olle Utvecklare', 'x', '2026-01-01')")
                    .ok());
    const std::string definition = R"({"id":"skolskjuts"})";
    ASSERT_TRUE(put_form_version(*store_, FormVersion{"skolskjuts", sha256_of(definition), definition, ""}).ok());
  }

  std::string query_text(const char* sql) {
    Result<sql::Statement> s = sql::prepare(store_->db.get(), sql);
    EXPECT_TRUE(s.ok());
    Result<bool> row = sql::step(s.value());
    return row.ok() && row.value() ? sql::column_text(s.value(), 0) : "";
  }

  int token(const std::vector<std::string>& args, std::string* out = nullptr, std::string* err = nullptr) {
    std::ostringstream o, e;
    std::vector<std::string> all = args;
    all.push_back("--data");
    all.push_back(dir_.path);
    const int code = token_command(all, o, e);
    if (out) *out = o.str();
    if (err) *err = e.str();
    return code;
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(ApiTokensTest, ATokenIsShownOnceAndStoredAsItsHash) {
  Result<NewApiToken> made = create_api_token(*store_, "integration", "skolskjuts", 1, "Ekonomisystemet");
  ASSERT_TRUE(made.ok()) << to_string(made.errors().front());
  const std::string& raw = made.value().token;
  EXPECT_EQ(raw.rfind("blk_", 0), 0u);
  EXPECT_EQ(raw.size(), 4u + 43u);
  EXPECT_EQ(made.value().info.kind, "integration");
  EXPECT_EQ(made.value().info.form_id, "skolskjuts");
  EXPECT_GT(made.value().info.id, 0);
  EXPECT_EQ(query_text("SELECT token_sha256 FROM api_tokens"), sha256_of(raw));
  EXPECT_EQ(query_text("SELECT COUNT(*) FROM api_tokens WHERE instr(token_sha256 || label || created_at, 'blk_') > 0"), "0");

  Result<std::optional<ApiToken>> found = check_api_token(*store_, raw);
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found.value().has_value());
  EXPECT_EQ(found.value()->id, made.value().info.id);
  EXPECT_EQ(found.value()->user_id, 1);
  EXPECT_EQ(found.value()->label, "Ekonomisystemet");
  EXPECT_FALSE(check_api_token(*store_, raw + "x").value().has_value());
  EXPECT_FALSE(check_api_token(*store_, raw.substr(4)).value().has_value());
  EXPECT_FALSE(check_api_token(*store_, "").value().has_value());

  // Two tokens are never the same.
  EXPECT_NE(create_api_token(*store_, "integration", "skolskjuts", 1, "Andra").value().token, raw);
}

TEST_F(ApiTokensTest, RefusesBadKindsFormsLabelsAndUsers) {
  EXPECT_EQ(create_api_token(*store_, "admin", "", 1, "x").errors().front().code, "token.bad_kind");
  EXPECT_EQ(create_api_token(*store_, "integration", "", 1, "x").errors().front().code, "token.bad_form");
  EXPECT_EQ(create_api_token(*store_, "integration", "Skol skjuts", 1, "x").errors().front().code, "token.bad_form");
  EXPECT_EQ(create_api_token(*store_, "publish", "skolskjuts", 2, "x").errors().front().code, "token.bad_form");
  EXPECT_EQ(create_api_token(*store_, "publish", "", 2, "").errors().front().code, "token.bad_label");
  EXPECT_EQ(create_api_token(*store_, "publish", "", 2, std::string(101, 'x')).errors().front().code, "token.bad_label");
  EXPECT_EQ(create_api_token(*store_, "publish", "", 2, "two\nlines").errors().front().code, "token.bad_label");
  std::string hundred_letters;
  for (int i = 0; i < 100; ++i) hundred_letters += "å";
  EXPECT_TRUE(create_api_token(*store_, "publish", "", 2, hundred_letters).ok());
  // Counted as the engine counts (code_point_count): a byte that begins no UTF-8 sequence
  // is a character too, not nothing.
  EXPECT_EQ(create_api_token(*store_, "publish", "", 2, "a" + std::string(150, '\x80')).errors().front().code, "token.bad_label");
  EXPECT_EQ(create_api_token(*store_, "publish", "", 99, "x").errors().front().code, "token.bad_user");
}

TEST_F(ApiTokensTest, RevokedTokensStopWorkingAndAreListed) {
  const NewApiToken a = create_api_token(*store_, "integration", "skolskjuts", 1, "A").value();
  const NewApiToken b = create_api_token(*store_, "publish", "", 2, "B").value();
  ASSERT_TRUE(revoke_api_token(*store_, a.info.id).ok());
  EXPECT_FALSE(check_api_token(*store_, a.token).value().has_value());
  EXPECT_TRUE(check_api_token(*store_, b.token).value().has_value());
  EXPECT_TRUE(revoke_api_token(*store_, a.info.id).ok());  // again: still revoked, at the first time
  EXPECT_EQ(revoke_api_token(*store_, 999).errors().front().code, "token.not_found");

  Result<std::vector<ApiToken>> all = list_api_tokens(*store_);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all.value().size(), 2u);
  EXPECT_EQ(all.value()[0].label, "A");
  EXPECT_FALSE(all.value()[0].revoked_at.empty());
  EXPECT_EQ(all.value()[1].kind, "publish");
  EXPECT_EQ(all.value()[1].form_id, "");
  EXPECT_TRUE(all.value()[1].revoked_at.empty());
}

TEST(BearerToken, ReadsTheAuthorizationHeader) {
  auto with = [](const std::string& value) {
    httplib::Request req;
    if (!value.empty()) req.set_header("Authorization", value);
    return bearer_token(req);
  };
  EXPECT_EQ(with("Bearer blk_abc"), "blk_abc");
  EXPECT_EQ(with("bearer   blk_abc  "), "blk_abc");
  EXPECT_EQ(with("Basic dXNlcjpwYXNz"), "");
  EXPECT_EQ(with("Bearer "), "");
  EXPECT_EQ(with("Bearer"), "");
  EXPECT_EQ(with(""), "");
}

TEST_F(ApiTokensTest, TheTokenCommandCreatesListsAndRevokesWithAuditEntries) {
  std::string out, err;
  ASSERT_EQ(token({"create", "--kind", "integration", "--form", "skolskjuts", "--user", "karin", "--label", "Procapita"}, &out, &err), 0)
      << err;
  // The raw token alone on stdout, the warning on stderr.
  ASSERT_EQ(out.rfind("blk_", 0), 0u) << out;
  EXPECT_EQ(out.size(), 4u + 43u + 1u);
  EXPECT_NE(err.find("shown only once"), std::string::npos) << err;
  EXPECT_TRUE(check_api_token(*store_, out.substr(0, out.size() - 1)).value().has_value());

  ASSERT_EQ(token({"create", "--kind", "publish", "--user", "olle", "--label", "Olles laptop"}, &out, &err), 0) << err;
  ASSERT_EQ(token({"list"}, &out, &err), 0) << err;
  EXPECT_NE(out.find("1\tintegration\tskolskjuts\tkarin\t"), std::string::npos) << out;
  EXPECT_NE(out.find("2\tpublish\t-\tolle\t"), std::string::npos) << out;
  EXPECT_EQ(out.find("blk_"), std::string::npos) << out;  // never shown again

  ASSERT_EQ(token({"revoke", "1"}, &out, &err), 0) << err;
  EXPECT_EQ(out, "token 1 revoked\n");
  EXPECT_EQ(token({"revoke", "77"}, &out, &err), 1);

  // Refusals: unknown user, unknown form, bad label, usage.
  EXPECT_EQ(token({"create", "--kind", "integration", "--form", "skolskjuts", "--user", "nobody", "--label", "x"}, &out, &err), 1);
  EXPECT_EQ(token({"create", "--kind", "integration", "--form", "bygglov", "--user", "karin", "--label", "x"}, &out, &err), 1);
  EXPECT_NE(err.find("bygglov"), std::string::npos);
  EXPECT_EQ(token({"create", "--kind", "integration", "--form", "skolskjuts", "--user", "karin", "--label", ""}, &out, &err), 1);
  EXPECT_EQ(token({"create", "--kind", "integration", "--user", "karin"}, &out, &err), 2);
  EXPECT_EQ(token({"revoke", "one"}, &out, &err), 2);
  EXPECT_EQ(token({"frobnicate"}, &out, &err), 2);
  std::ostringstream o, e;
  EXPECT_EQ(token_command({"list", "--data", dir_.file("nowhere")}, o, e), 1);

  Result<std::vector<AuditEntry>> audit = list_audit(*store_, 0, 10);
  ASSERT_TRUE(audit.ok());
  ASSERT_EQ(audit.value().size(), 3u);  // two creations and one revocation; nothing for refusals
  EXPECT_EQ(audit.value()[2].actor, "cli");
  EXPECT_EQ(audit.value()[2].action, "token.create");
  EXPECT_EQ(audit.value()[2].target, "token:1");
  EXPECT_EQ(audit.value()[2].detail, (nlohmann::json{{"kind", "integration"}, {"form", "skolskjuts"}, {"user", 1}}));
  EXPECT_EQ(audit.value()[0].action, "token.revoke");
  EXPECT_EQ(audit.value()[0].target, "token:1");
}

}  // namespace
}  // namespace blankett
