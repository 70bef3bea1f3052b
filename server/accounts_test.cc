#include "accounts.h"

#include <gtest/gtest.h>

#include "sessions.h"
#include "store_testing.h"

namespace blankett {
namespace {

constexpr const char* kPassword = "correct horse battery";

class AccountsTest : public ::testing::Test {
 protected:
  TempDir dir_;
  Store store_ = must_open_store(dir_.file("blankett.db"));

  int64_t add(const std::string& username, std::vector<Role> roles, std::vector<std::string> scopes = {}) {
    Result<int64_t> id = add_user(store_, NewUser{username, "Anna Andersson", kPassword, std::move(roles), std::move(scopes)});
    EXPECT_TRUE(id.ok()) << (id.ok() ? "" : to_string(id.errors().front()));
    return id.ok() ? id.value() : 0;
  }
  std::string first_code(const Errors& errors) { return errors.empty() ? "" : errors.front().code; }
  int64_t count(const char* sql) {
    Result<sql::Statement> s = sql::prepare(store_.db.get(), sql);
    EXPECT_TRUE(s.ok());
    EXPECT_TRUE(sql::step(s.value()).value());
    return sql::column_int64(s.value(), 0);
  }
};

TEST_F(AccountsTest, AddedUserIsFoundCaseInsensitivelyWithRolesAndScopes) {
  const int64_t id = add("Anna.Andersson", {Role::caseworker, Role::owner, Role::caseworker}, {"skolskjuts", "group:skola"});
  Result<std::optional<User>> found = find_user(store_, "ANNA.andersson");
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found.value().has_value());
  const User& u = *found.value();
  EXPECT_EQ(u.id, id);
  EXPECT_EQ(u.username, "anna.andersson");  // stored lower-cased
  EXPECT_EQ(u.display_name, "Anna Andersson");
  EXPECT_EQ(u.roles, (std::vector<Role>{Role::owner, Role::caseworker}));
  EXPECT_EQ(u.scopes, (std::vector<std::string>{"group:skola", "skolskjuts"}));
  EXPECT_TRUE(u.has(Role::owner));
  EXPECT_FALSE(u.has(Role::admin));
  EXPECT_FALSE(u.disabled);
  EXPECT_EQ(get_user(store_, id).value()->username, "anna.andersson");
  EXPECT_FALSE(get_user(store_, id + 100).value().has_value());
}

TEST_F(AccountsTest, PasswordIsStoredAsArgon2idHashOnly) {
  add("anna", {Role::admin});
  Result<sql::Statement> s = sql::prepare(store_.db.get(), "SELECT password_hash FROM users");
  ASSERT_TRUE(sql::step(s.value()).value());
  const std::string hash = sql::column_text(s.value(), 0);
  EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u) << hash;
  EXPECT_EQ(hash.find(kPassword), std::string::npos);
}

TEST_F(AccountsTest, CheckPasswordAcceptsOnlyTheRightPasswordOfAnEnabledUser) {
  const int64_t id = add("anna", {Role::caseworker});
  Result<std::optional<User>> right = check_password(store_, "Anna", kPassword);
  ASSERT_TRUE(right.ok());
  ASSERT_TRUE(right.value().has_value());
  EXPECT_EQ(right.value()->id, id);
  EXPECT_FALSE(check_password(store_, "anna", "correct horse battery!").value().has_value());
  EXPECT_FALSE(check_password(store_, "anna", "").value().has_value());
  EXPECT_FALSE(check_password(store_, "nobody", kPassword).value().has_value());
  ASSERT_TRUE(set_disabled(store_, "anna", true).ok());
  EXPECT_FALSE(check_password(store_, "anna", kPassword).value().has_value());
  EXPECT_TRUE(get_user(store_, id).value()->disabled);
  ASSERT_TRUE(set_disabled(store_, "anna", false).ok());
  EXPECT_TRUE(check_password(store_, "anna", kPassword).value().has_value());
}

TEST_F(AccountsTest, NewUsersAreCheckedBeforeAnythingIsStored) {
  auto code = [&](NewUser u) {
    Result<int64_t> r = add_user(store_, u);
    return r.ok() ? std::string("ok") : first_code(r.errors());
  };
  EXPECT_EQ(code({"a", "Anna", kPassword, {Role::admin}, {}}), "user.bad_name");
  EXPECT_EQ(code({"anna andersson", "Anna", kPassword, {Role::admin}, {}}), "user.bad_name");
  EXPECT_EQ(code({"anna<script>", "Anna", kPassword, {Role::admin}, {}}), "user.bad_name");
  EXPECT_EQ(code({"anna", "", kPassword, {Role::admin}, {}}), "user.bad_name");
  EXPECT_EQ(code({"anna", "Anna\nAndersson", kPassword, {Role::admin}, {}}), "user.bad_name");
  // One code per password rule.
  EXPECT_EQ(code({"anna", "Anna", "elva tecken", {Role::admin}, {}}), "user.password_too_short");
  EXPECT_EQ(code({"anna", "Anna", std::string(1025, 'x'), {Role::admin}, {}}), "user.password_too_long");
  EXPECT_EQ(code({"anna.andersson1", "Anna", "Anna.Andersson1", {Role::admin}, {}}), "user.password_is_username");
  EXPECT_EQ(code({"anna", "Anna", kPassword, {}, {}}), "user.no_role");
  EXPECT_EQ(code({"anna", "Anna", kPassword, {Role::caseworker}, {"Skolskjuts"}}), "user.bad_scope");
  EXPECT_EQ(code({"anna", "Anna", kPassword, {Role::caseworker}, {"group:"}}), "user.bad_scope");
  EXPECT_EQ(count("SELECT COUNT(*) FROM users"), 0);
  // Twelve characters, not twelve bytes: "åäöåäöåäöåäö" is 24 bytes but only 12 letters.
  EXPECT_EQ(code({"anna", "Anna", "åäöåäöåäöåä", {Role::admin}, {}}), "user.password_too_short");
  EXPECT_EQ(code({"anna", "Anna", "åäöåäöåäöåäö", {Role::admin}, {}}), "ok");
  // Counted as the engine counts (code_point_count): a byte that begins no UTF-8 sequence
  // is a character too, not nothing.
  EXPECT_EQ(code({"anna", "A" + std::string(150, '\x80'), kPassword, {Role::admin}, {}}), "user.bad_name");
  EXPECT_EQ(code({"ANNA", "Anna", kPassword, {Role::admin}, {}}), "user.exists");
}

TEST_F(AccountsTest, CheckNewUserLocatesEveryProblem) {
  const Errors errors = check_new_user(NewUser{"x", "", "short", {}, {"BAD"}});
  std::vector<std::string> pointers;
  for (const Error& e : errors) pointers.push_back(e.pointer);
  EXPECT_EQ(pointers, (std::vector<std::string>{"/username", "/display_name", "/password", "/roles", "/scopes"}));
}

TEST_F(AccountsTest, NewPasswordAndDisablingEndTheUsersSessions) {
  const int64_t id = add("anna", {Role::caseworker});
  const std::string now = "2026-08-15T10:00:00.000Z";
  ASSERT_TRUE(create_session(store_, id, now, SessionPolicy{}).ok());
  ASSERT_TRUE(create_session(store_, id, now, SessionPolicy{}).ok());
  EXPECT_EQ(count("SELECT COUNT(*) FROM sessions"), 2);

  Result<bool> weak = set_password(store_, "anna", "short");
  ASSERT_FALSE(weak.ok());
  EXPECT_EQ(first_code(weak.errors()), "user.password_too_short");
  EXPECT_EQ(count("SELECT COUNT(*) FROM sessions"), 2);  // a refused change changes nothing

  ASSERT_TRUE(set_password(store_, "ANNA", "a brand new passphrase").ok());
  EXPECT_EQ(count("SELECT COUNT(*) FROM sessions"), 0);
  EXPECT_FALSE(check_password(store_, "anna", kPassword).value().has_value());
  EXPECT_TRUE(check_password(store_, "anna", "a brand new passphrase").value().has_value());

  ASSERT_TRUE(create_session(store_, id, now, SessionPolicy{}).ok());
  ASSERT_TRUE(set_disabled(store_, "anna", true).ok());
  EXPECT_EQ(count("SELECT COUNT(*) FROM sessions"), 0);

  EXPECT_EQ(first_code(set_password(store_, "nobody", "a brand new passphrase").errors()), "user.not_found");
  EXPECT_EQ(first_code(set_disabled(store_, "nobody", true).errors()), "user.not_found");
}

TEST_F(AccountsTest, RolesAndScopesAreReplaced) {
  const int64_t id = add("anna", {Role::caseworker}, {"skolskjuts"});
  ASSERT_TRUE(set_roles(store_, id, {Role::developer, Role::admin}).ok());
  ASSERT_TRUE(set_scopes(store_, id, {"group:skola", "bygglov", "bygglov"}).ok());
  const User u = *get_user(store_, id).value();
  EXPECT_EQ(u.roles, (std::vector<Role>{Role::admin, Role::developer}));
  EXPECT_EQ(u.scopes, (std::vector<std::string>{"bygglov", "group:skola"}));
  EXPECT_EQ(first_code(set_roles(store_, id, {}).errors()), "user.no_role");
  EXPECT_EQ(first_code(set_scopes(store_, id, {"no spaces"}).errors()), "user.bad_scope");
  EXPECT_EQ(first_code(set_roles(store_, id + 1, {Role::admin}).errors()), "user.not_found");
  EXPECT_EQ(first_code(set_scopes(store_, id + 1, {}).errors()), "user.not_found");
  ASSERT_TRUE(set_scopes(store_, id, {}).ok());
  EXPECT_TRUE(get_user(store_, id).value()->scopes.empty());
}

TEST_F(AccountsTest, CaseworkersSeeTheirFormsAndTheirGroupsForms) {
  ASSERT_TRUE(set_form_group(store_, "skola", {"skolskjuts", "fritids"}).ok());
  ASSERT_TRUE(set_form_group(store_, "bygg", {"bygglov"}).ok());
  const int64_t caseworker = add("anna", {Role::caseworker}, {"group:skola", "parkering", "skolskjuts"});
  const int64_t admin = add("boss", {Role::admin}, {"bygglov"});
  EXPECT_EQ(case_forms_of(store_, *get_user(store_, caseworker).value()).value(),
            (std::vector<std::string>{"fritids", "parkering", "skolskjuts"}));
  // Scopes mean nothing without the caseworker role.
  EXPECT_TRUE(case_forms_of(store_, *get_user(store_, admin).value()).value().empty());
  // A group that changes changes what its caseworkers see.
  ASSERT_TRUE(set_form_group(store_, "skola", {}).ok());
  EXPECT_EQ(case_forms_of(store_, *get_user(store_, caseworker).value()).value(),
            (std::vector<std::string>{"parkering", "skolskjuts"}));
}

TEST_F(AccountsTest, FormGroupsAreListedAndValidated) {
  ASSERT_TRUE(set_form_group(store_, "skola", {"skolskjuts", "fritids", "fritids"}).ok());
  ASSERT_TRUE(set_form_group(store_, "bygg", {"bygglov"}).ok());
  const std::vector<FormGroup> groups = list_form_groups(store_).value();
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].name, "bygg");
  EXPECT_EQ(groups[1].name, "skola");
  EXPECT_EQ(groups[1].form_ids, (std::vector<std::string>{"fritids", "skolskjuts"}));
  EXPECT_EQ(first_code(set_form_group(store_, "Skola", {"x"}).errors()), "user.bad_scope");
  EXPECT_EQ(first_code(set_form_group(store_, "skola", {"no'quote"}).errors()), "user.bad_scope");
  EXPECT_EQ(list_form_groups(store_).value()[1].form_ids.size(), 2u);
}

TEST_F(AccountsTest, ListUsersIsOrderedByUsername) {
  add("cecilia", {Role::owner});
  add("anna", {Role::admin});
  add("bertil", {Role::developer});
  std::vector<std::string> names;
  const std::vector<User> users = list_users(store_).value();
  for (const User& u : users) names.push_back(u.username);
  EXPECT_EQ(names, (std::vector<std::string>{"anna", "bertil", "cecilia"}));
}

TEST(Roles, NamesRoundTrip) {
  for (Role r : {Role::admin, Role::developer, Role::owner, Role::caseworker}) EXPECT_EQ(parse_role(role_name(r)), r);
  EXPECT_FALSE(parse_role("Admin").has_value());
  EXPECT_FALSE(parse_role("").has_value());
}

}  // namespace
}  // namespace blankett
