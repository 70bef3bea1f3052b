#include "user_command.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "accounts.h"
#include "audit_log.h"
#include "blankett/submission.h"
#include "store_testing.h"

namespace blankett {
namespace {

constexpr const char* kPassword = "correct horse battery";

class UserCommandTest : public ::testing::Test {
 protected:
  TempDir dir_;
  std::string data_ = dir_.file("data");
  std::string out_;

  int run(std::vector<std::string> args, const std::string& stdin_text = "") {
    args.push_back("--data");
    args.push_back(data_);
    std::istringstream in(stdin_text);
    std::ostringstream out, err;
    const int code = user_command(args, in, out, err);
    out_ = out.str() + err.str();
    return code;
  }
  Store store() { return must_open_store(data_ + "/blankett.db"); }
  // A version of `form_id` in the database, as `blankett serve` stores each form it
  // publishes: scopes and groups name only such forms.
  void publish(const std::string& form_id) {
    std::filesystem::create_directories(data_);
    Store s = store();
    const std::string definition = "{\"id\":\"" + form_id + "\"}";
    ASSERT_TRUE(put_form_version(s, FormVersion{form_id, sha256_of(definition), definition, ""}).ok());
  }
  void SetUp() override {
    publish("skolskjuts");
    publish("fritids");
  }
};

TEST_F(UserCommandTest, AddCreatesTheDatabaseAndTheUser) {
  ASSERT_EQ(run({"add", "Anna", "--name", "Anna Andersson", "--role", "caseworker", "--role", "owner", "--scope", "skolskjuts",
                 "--password-stdin"},
                std::string(kPassword) + "\n"),
            0)
      << out_;
  EXPECT_NE(out_.find("added Anna (id 1)"), std::string::npos) << out_;
  Store s = store();
  std::optional<User> u = find_user(s, "anna").value();
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(u->display_name, "Anna Andersson");
  EXPECT_EQ(u->roles, (std::vector<Role>{Role::owner, Role::caseworker}));
  EXPECT_EQ(u->scopes, std::vector<std::string>{"skolskjuts"});
  EXPECT_TRUE(check_password(s, "anna", kPassword).value().has_value());
  const std::vector<AuditEntry> log = list_audit(s, 0, 10).value();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].actor, "cli");
  EXPECT_EQ(log[0].action, "user.add");
  EXPECT_EQ(log[0].target, "user:1");
  EXPECT_EQ(out_.find(kPassword), std::string::npos);
}

// Each password rule has its own code. A username the stand-in password (twelve x's,
// used to check everything else before asking) equals is no problem.
TEST_F(UserCommandTest, AddNamesThePasswordRuleThatFailed) {
  EXPECT_EQ(run({"add", "xxxxxxxxxxxx", "--name", "X", "--role", "admin", "--password-stdin"}, "XXXXXXXXXXXX\n"), 1);
  EXPECT_NE(out_.find("user: the password must not be the username (user.password_is_username)"), std::string::npos) << out_;
  EXPECT_EQ(run({"add", "xxxxxxxxxxxx", "--name", "X", "--role", "admin", "--password-stdin"}, std::string(kPassword) + "\n"), 0)
      << out_;
}

TEST_F(UserCommandTest, ListShowsATable) {
  ASSERT_EQ(run({"add", "anna", "--name", "Anna Åberg", "--role", "caseworker", "--scope", "skolskjuts", "--scope", "group:skola",
                 "--password-stdin"},
                kPassword),
            0)
      << out_;
  ASSERT_EQ(run({"add", "boss", "--name", "Bo Ss", "--role", "admin", "--password-stdin"}, kPassword), 0) << out_;
  ASSERT_EQ(run({"disable", "boss"}), 0) << out_;
  ASSERT_EQ(run({"list"}), 0);
  EXPECT_EQ(out_,
            "USERNAME  NAME        ROLES       SCOPES                  DISABLED\n"
            "anna      Anna Åberg  caseworker  group:skola,skolskjuts  no\n"
            "boss      Bo Ss       admin       -                       yes\n");
}

TEST_F(UserCommandTest, PasswdDisableEnableRolesAssignGroup) {
  ASSERT_EQ(run({"add", "anna", "--name", "Anna", "--role", "owner", "--password-stdin"}, kPassword), 0) << out_;
  ASSERT_EQ(run({"passwd", "ANNA", "--password-stdin"}, "a brand new passphrase\r\n"), 0) << out_;
  EXPECT_EQ(run({"passwd", "anna", "--password-stdin"}, "short\n"), 1);
  EXPECT_NE(out_.find("at least 12 characters"), std::string::npos) << out_;
  EXPECT_NE(out_.find("(user.password_too_short)"), std::string::npos) << out_;
  EXPECT_EQ(run({"passwd", "anna", "--password-stdin"}, std::string(1100, 'x') + "\n"), 1);
  EXPECT_NE(out_.find("(user.password_too_long)"), std::string::npos) << out_;
  ASSERT_EQ(run({"disable", "anna"}), 0) << out_;
  {
    Store s = store();
    EXPECT_FALSE(check_password(s, "anna", "a brand new passphrase").value().has_value());
  }
  ASSERT_EQ(run({"enable", "anna"}), 0) << out_;
  ASSERT_EQ(run({"roles", "anna", "caseworker", "developer"}), 0) << out_;
  ASSERT_EQ(run({"assign", "anna", "skolskjuts", "group:skola"}), 0) << out_;
  ASSERT_EQ(run({"group", "skola", "fritids", "skolskjuts"}), 0) << out_;
  Store s = store();
  const User u = *find_user(s, "anna").value();
  EXPECT_TRUE(check_password(s, "anna", "a brand new passphrase").value().has_value());
  EXPECT_EQ(u.roles, (std::vector<Role>{Role::developer, Role::caseworker}));
  EXPECT_EQ(case_forms_of(s, u).value(), (std::vector<std::string>{"fritids", "skolskjuts"}));
  std::vector<std::string> actions;
  const std::vector<AuditEntry> log = list_audit(s, 0, 20).value();
  for (const AuditEntry& e : log) {
    actions.insert(actions.begin(), e.action);
    EXPECT_EQ(e.actor, "cli");
  }
  EXPECT_EQ(actions, (std::vector<std::string>{"user.add", "user.password", "user.disable", "user.enable", "user.roles",
                                               "user.scopes", "group.set"}));
  ASSERT_EQ(run({"assign", "anna"}), 0) << out_;  // no scopes: no forms
  EXPECT_NE(out_.find("now handles no forms"), std::string::npos);
}

TEST_F(UserCommandTest, FailuresExit1) {
  ASSERT_EQ(run({"add", "anna", "--name", "Anna", "--role", "owner", "--password-stdin"}, kPassword), 0) << out_;
  EXPECT_EQ(run({"add", "anna", "--name", "Anna", "--role", "owner", "--password-stdin"}, kPassword), 1);
  EXPECT_NE(out_.find("already a user"), std::string::npos) << out_;
  EXPECT_EQ(run({"add", "bertil", "--name", "Bertil", "--role", "owner", "--password-stdin"}, "short"), 1);
  EXPECT_EQ(run({"add", "bertil", "--name", "Bertil", "--role", "owner", "--password-stdin"}, ""), 1);
  EXPECT_EQ(run({"add", "b", "--name", "Bertil", "--role", "owner", "--password-stdin"}, kPassword), 1);
  EXPECT_NE(out_.find("(user.bad_name)"), std::string::npos) << out_;
  EXPECT_EQ(run({"disable", "nobody"}), 1);
  EXPECT_NE(out_.find("there is no user 'nobody'"), std::string::npos) << out_;
  EXPECT_EQ(run({"assign", "anna", "Not A Form"}), 1);
  EXPECT_EQ(run({"group", "Bad!", "x"}), 1);
  Store s = store();
  EXPECT_EQ(list_users(s).value().size(), 1u);
}

// As `token create --form`: a form id that was never published is refused (exit 1, the
// same message), before a password is asked for, and nothing changes.
TEST_F(UserCommandTest, FormIdsThatWereNeverPublishedAreRefused) {
  const std::string refusal = "user: no version of form 'skolskjut' has been published on this server\n";
  EXPECT_EQ(run({"add", "anna", "--name", "Anna", "--role", "caseworker", "--scope", "skolskjut", "--password-stdin"}, kPassword), 1);
  EXPECT_EQ(out_, refusal);
  ASSERT_EQ(run({"add", "anna", "--name", "Anna", "--role", "caseworker", "--scope", "group:skola", "--password-stdin"}, kPassword), 0)
      << out_;
  EXPECT_EQ(run({"assign", "anna", "skolskjuts", "skolskjut"}), 1);
  EXPECT_EQ(out_, refusal);
  EXPECT_EQ(run({"group", "skola", "fritids", "skolskjut"}), 1);
  EXPECT_EQ(out_, refusal);
  Store s = store();
  const User u = *find_user(s, "anna").value();
  EXPECT_EQ(u.scopes, std::vector<std::string>{"group:skola"});
  EXPECT_TRUE(case_forms_of(s, u).value().empty());  // the group was never made
}

TEST_F(UserCommandTest, UsageErrorsExit2) {
  EXPECT_EQ(run({}), 2);
  EXPECT_NE(out_.find("usage: blankett user"), std::string::npos);
  EXPECT_EQ(run({"delete", "anna"}), 2);
  EXPECT_EQ(run({"add", "anna", "--role", "owner", "--password-stdin"}), 2);   // no --name
  EXPECT_EQ(run({"add", "anna", "--name", "Anna", "--password-stdin"}), 2);    // no --role
  EXPECT_EQ(run({"add", "anna", "--name", "Anna", "--role", "boss", "--password-stdin"}, kPassword), 2);
  EXPECT_NE(out_.find("unknown role 'boss'"), std::string::npos);
  EXPECT_EQ(run({"add", "anna", "--name"}), 2);
  EXPECT_EQ(run({"list", "extra"}), 2);
  EXPECT_EQ(run({"roles", "anna"}), 2);
  EXPECT_EQ(run({"list", "--verbose"}), 2);
}

}  // namespace
}  // namespace blankett
