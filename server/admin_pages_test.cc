// The admin pages against a real server: only admins get in, every POST needs the CSRF
// token, changes are audited, and errors come back as an accessible error summary.
#include "admin_pages.h"

#include <gtest/gtest.h>

#include "audit_log.h"
#include "test_server.h"

namespace blankett {
namespace {

constexpr const char* kPassword = "correct horse battery";

class AdminPagesTest : public TestServer {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(start());
    admin_id_ = add("boss", {Role::admin});
    admin_ = sign_in(admin_id_);
  }

  int64_t add(const std::string& username, std::vector<Role> roles) {
    return add_user_with_password(username, "Boss Bossman", kPassword, std::move(roles));
  }
  // Entries about users and groups, newest first (the server's start adds its own).
  std::vector<AuditEntry> audit() {
    Result<std::vector<AuditEntry>> entries = list_audit(*store_, 0, 100);
    EXPECT_TRUE(entries.ok());
    std::vector<AuditEntry> ours;
    for (const AuditEntry& e : entries.ok() ? entries.value() : std::vector<AuditEntry>{}) {
      if (e.action.rfind("user.", 0) == 0 || e.action.rfind("group.", 0) == 0) ours.push_back(e);
    }
    return ours;
  }

  int64_t admin_id_ = 0;
  Session admin_;
};

TEST_F(AdminPagesTest, OnlyAdminsGetIn) {
  const Session caseworker = sign_in(add("anna", {Role::caseworker, Role::owner, Role::developer}));
  for (const char* path : {"/admin", "/admin/users/1", "/admin/groups"}) {
    httplib::Result res = client_->Get(path, cookie(caseworker));
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 403) << path;
    EXPECT_EQ(res->body.find("boss"), std::string::npos) << path;
    EXPECT_EQ(client_->Get(path)->status, 303) << path;  // no session: to the login page
  }
  httplib::Result add_attempt = post_as("/admin/users", caseworker,
                                     {{"username", "mallory"}, {"display_name", "M"}, {"password", kPassword}, {"roles", "admin"}});
  EXPECT_EQ(add_attempt->status, 403);
  // Without a session a POST goes to the login page, without a way back to a form action.
  httplib::Result anonymous = client_->Post("/admin/users", httplib::Params{{"username", "mallory"}});
  EXPECT_EQ(anonymous->status, 303);
  EXPECT_EQ(anonymous->get_header_value("Location"), "/login");
  EXPECT_FALSE(find_user(*store_, "mallory").value().has_value());
}

// Three password rules, each with its own code: the page names the one that failed.
TEST_F(AdminPagesTest, AWeakPasswordSaysWhichRuleFailed) {
  auto message_for = [this](const std::string& username, const std::string& password) {
    httplib::Result res = post_as("/admin/users", admin_,
                                  {{"username", username}, {"display_name", "N"}, {"password", password}, {"roles", "caseworker"}});
    EXPECT_TRUE(res);
    if (!res) return std::string();
    EXPECT_EQ(res->status, 400) << password.size();
    return res->body;
  };
  auto has = [](const std::string& body, const std::string& text) { return body.find(text) != std::string::npos; };
  const std::string too_long = message_for("bertil", std::string(1100, 'x'));
  EXPECT_TRUE(has(too_long, "The password can be at most 1024 bytes long")) << too_long;
  EXPECT_FALSE(has(too_long, "at least 12 characters long"));
  std::string swedish_letters;
  for (int i = 0; i < 600; ++i) swedish_letters += "å";  // 600 characters, 1200 bytes
  EXPECT_TRUE(has(message_for("bertil", swedish_letters), "The password can be at most 1024 bytes long"));
  EXPECT_TRUE(has(message_for("bertil", "short"), "The password must be at least 12 characters long"));
  const std::string same = message_for("bertil.berg@x", "Bertil.Berg@X");
  EXPECT_TRUE(has(same, "The password must not be the username")) << same;
  EXPECT_FALSE(has(same, "at least 12 characters long"));
  EXPECT_FALSE(find_user(*store_, "bertil").value().has_value());
}

TEST_F(AdminPagesTest, UsersPageListsUsersInAnAccessibleTable) {
  add("anna", {Role::caseworker});
  ASSERT_TRUE(set_scopes(*store_, find_user(*store_, "anna").value()->id, {"skolskjuts"}).ok());
  httplib::Result res = client_->Get("/admin", cookie(admin_));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_NE(res->body.find("<caption>All users</caption>"), std::string::npos) << res->body;
  EXPECT_NE(res->body.find("<th scope=\"col\">Username</th>"), std::string::npos);
  EXPECT_NE(res->body.find("<a href=\"/admin/users/2\">anna</a>"), std::string::npos);
  EXPECT_NE(res->body.find("<td>Caseworker</td><td>skolskjuts</td><td>Active</td>"), std::string::npos);
  EXPECT_NE(res->body.find("<label for=\"display_name\">Name</label>"), std::string::npos);
  EXPECT_NE(res->body.find("name=\"csrf\" value=\"" + admin_.csrf_token + "\""), std::string::npos);
  EXPECT_EQ(res->body.find("<script"), std::string::npos);
}

TEST_F(AdminPagesTest, AdminAddsAUser) {
  httplib::Result res = post_as("/admin/users", admin_,
                             {{"username", "Anna"}, {"display_name", "Anna <Andersson>"}, {"password", kPassword},
                              {"roles", "caseworker"}, {"roles", "owner"}, {"scopes", "skolskjuts, group:skola"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 303);
  EXPECT_EQ(res->get_header_value("Location"), "/admin?done=added");
  std::optional<User> anna = find_user(*store_, "anna").value();
  ASSERT_TRUE(anna.has_value());
  EXPECT_EQ(anna->roles, (std::vector<Role>{Role::owner, Role::caseworker}));
  EXPECT_EQ(anna->scopes, (std::vector<std::string>{"group:skola", "skolskjuts"}));
  EXPECT_TRUE(check_password(*store_, "anna", kPassword).value().has_value());

  const std::vector<AuditEntry> entries = audit();
  ASSERT_FALSE(entries.empty());
  EXPECT_EQ(entries[0].action, "user.add");
  EXPECT_EQ(entries[0].actor, "user:" + std::to_string(admin_id_));
  EXPECT_EQ(entries[0].target, "user:" + std::to_string(anna->id));
  EXPECT_EQ(entries[0].detail.dump().find("Anna"), std::string::npos);  // no names in the log

  httplib::Result page = client_->Get("/admin?done=added", cookie(admin_));
  EXPECT_NE(page->body.find("The user has been added."), std::string::npos);
  EXPECT_NE(page->body.find("Anna &lt;Andersson&gt;"), std::string::npos);
  EXPECT_EQ(page->body.find("Anna <Andersson>"), std::string::npos);
}

TEST_F(AdminPagesTest, PostsWithoutTheCsrfTokenAreRefused) {
  const httplib::Params form{{"username", "anna"}, {"display_name", "Anna"}, {"password", kPassword}, {"roles", "admin"}};
  EXPECT_EQ(post_as("/admin/users", admin_, form, false)->status, 403);
  httplib::Params wrong = form;
  wrong.emplace("csrf", std::string(43, 'A'));
  EXPECT_EQ(post_as("/admin/users", admin_, wrong, false)->status, 403);
  EXPECT_FALSE(find_user(*store_, "anna").value().has_value());
  const std::string user = "/admin/users/" + std::to_string(admin_id_);
  EXPECT_EQ(post_as(user + "/password", admin_, {{"new_password", "a brand new passphrase"}}, false)->status, 403);
  EXPECT_EQ(post_as(user + "/status", admin_, {{"disabled", "1"}}, false)->status, 403);
  EXPECT_EQ(post_as(user + "/access", admin_, {{"roles", "owner"}}, false)->status, 403);
  EXPECT_EQ(post_as("/admin/groups", admin_, {{"group", "skola"}, {"form_ids", "x"}}, false)->status, 403);
  EXPECT_TRUE(audit().empty());
  EXPECT_TRUE(check_password(*store_, "boss", kPassword).value().has_value());
}

TEST_F(AdminPagesTest, ProblemsComeBackAsAnErrorSummaryWithoutThePassword) {
  httplib::Result res = post_as("/admin/users", admin_,
                             {{"username", "x"}, {"display_name", "Anna"}, {"password", "short pw"}, {"scopes", "Bad Scope"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  const std::string& b = res->body;
  EXPECT_NE(b.find("<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\""), std::string::npos) << b;
  EXPECT_NE(b.find("<title>Error: Users"), std::string::npos);
  EXPECT_NE(b.find("<a href=\"#username\">"), std::string::npos);
  EXPECT_NE(b.find("<a href=\"#password\">"), std::string::npos);
  EXPECT_NE(b.find("<a href=\"#role-admin\">Choose at least one role</a>"), std::string::npos);
  EXPECT_NE(b.find("<a href=\"#scopes\">"), std::string::npos);
  EXPECT_NE(b.find("id=\"username\" name=\"username\" type=\"text\" autocomplete=\"off\" value=\"x\" aria-invalid=\"true\" "
                   "aria-describedby=\"username-error\""),
            std::string::npos);
  EXPECT_NE(b.find("value=\"Anna\""), std::string::npos);  // kept for the next try
  EXPECT_EQ(b.find("short pw"), std::string::npos);
  EXPECT_EQ(list_users(*store_).value().size(), 1u);

  add("anna", {Role::owner});
  httplib::Result taken = post_as("/admin/users", admin_,
                               {{"username", "ANNA"}, {"display_name", "A"}, {"password", kPassword}, {"roles", "owner"}});
  EXPECT_EQ(taken->status, 400);
  EXPECT_NE(taken->body.find("There is already a user with that username"), std::string::npos);
}

TEST_F(AdminPagesTest, AdminChangesRolesScopesPasswordAndStatus) {
  const int64_t anna_id = add("anna", {Role::owner});
  const Session anna = sign_in(anna_id);
  const std::string base = "/admin/users/" + std::to_string(anna_id);
  httplib::Result page = client_->Get(base.c_str(), cookie(admin_));
  ASSERT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("id=\"role-owner\" name=\"roles\" value=\"owner\" checked"), std::string::npos) << page->body;

  httplib::Result access = post_as(base + "/access", admin_, {{"roles", "caseworker"}, {"scopes", "skolskjuts group:skola"}});
  EXPECT_EQ(access->status, 303);
  EXPECT_EQ(access->get_header_value("Location"), base + "?done=access");
  User u = *get_user(*store_, anna_id).value();
  EXPECT_EQ(u.roles, std::vector<Role>{Role::caseworker});
  EXPECT_EQ(u.scopes, (std::vector<std::string>{"group:skola", "skolskjuts"}));

  EXPECT_EQ(post_as(base + "/access", admin_, {{"scopes", "skolskjuts"}})->status, 400);  // no role
  EXPECT_EQ(post_as(base + "/password", admin_, {{"new_password", "too short"}})->status, 400);
  EXPECT_EQ(post_as(base + "/password", admin_, {{"new_password", "a brand new passphrase"}})->status, 303);
  EXPECT_TRUE(check_password(*store_, "anna", "a brand new passphrase").value().has_value());
  EXPECT_EQ(client_->Get("/inbox", cookie(anna))->status, 303);  // her session ended

  const Session again = sign_in(anna_id);
  EXPECT_EQ(post_as(base + "/status", admin_, {{"disabled", "1"}})->get_header_value("Location"), base + "?done=disabled");
  EXPECT_TRUE(get_user(*store_, anna_id).value()->disabled);
  EXPECT_FALSE(resume_session(*store_, again.token, utc_now(), SessionPolicy{}).value().has_value());
  EXPECT_EQ(post_as(base + "/status", admin_, {{"disabled", "0"}})->status, 303);
  EXPECT_FALSE(get_user(*store_, anna_id).value()->disabled);

  std::vector<std::string> actions;
  for (const AuditEntry& e : audit()) actions.insert(actions.begin(), e.action);
  EXPECT_EQ(actions, (std::vector<std::string>{"user.roles", "user.scopes", "user.password", "user.disable", "user.enable"}));
  EXPECT_EQ(client_->Get("/admin/users/999", cookie(admin_))->status, 404);
}

TEST_F(AdminPagesTest, AdminCannotLockThemselvesOut) {
  const std::string base = "/admin/users/" + std::to_string(admin_id_);
  httplib::Result drop = post_as(base + "/access", admin_, {{"roles", "owner"}});
  EXPECT_EQ(drop->status, 400);
  EXPECT_NE(drop->body.find("You cannot remove your own administrator role"), std::string::npos);
  httplib::Result disable = post_as(base + "/status", admin_, {{"disabled", "1"}});
  EXPECT_EQ(disable->status, 400);
  EXPECT_NE(disable->body.find("You cannot disable your own account"), std::string::npos);
  EXPECT_EQ(get_user(*store_, admin_id_).value()->roles, std::vector<Role>{Role::admin});
  EXPECT_FALSE(get_user(*store_, admin_id_).value()->disabled);
}

TEST_F(AdminPagesTest, FormGroupsAreEdited) {
  httplib::Result set = post_as("/admin/groups", admin_, {{"group", "skola"}, {"form_ids", "skolskjuts fritids"}});
  EXPECT_EQ(set->status, 303);
  EXPECT_EQ(set->get_header_value("Location"), "/admin/groups?done=group");
  httplib::Result page = client_->Get("/admin/groups", cookie(admin_));
  EXPECT_NE(page->body.find("<th scope=\"row\">skola</th><td>fritids, skolskjuts</td>"), std::string::npos) << page->body;
  EXPECT_NE(page->body.find("Published now: "), std::string::npos);
  httplib::Result bad = post_as("/admin/groups", admin_, {{"group", "Skola!"}, {"form_ids", "x"}});
  EXPECT_EQ(bad->status, 400);
  EXPECT_NE(bad->body.find("<a href=\"#group\">"), std::string::npos);
  EXPECT_EQ(post_as("/admin/groups", admin_, {{"group", "skola"}, {"form_ids", ""}})->status, 303);
  EXPECT_TRUE(list_form_groups(*store_).value().empty());
  EXPECT_EQ(audit().front().action, "group.set");
}

}  // namespace
}  // namespace blankett
