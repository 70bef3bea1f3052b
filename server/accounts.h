// People who sign in: users, their roles and, for caseworkers, the forms they handle.
// Passwords are stored as argon2id hashes (libsodium crypto_pwhash_str) and never leave
// this file in any other shape. Used by `blankett user …`, the admin page and login.
// Docs: docs/accounts.md.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "blankett/error.h"
#include "store.h"

namespace blankett {

enum class Role { admin, developer, owner, caseworker };

const char* role_name(Role role);  // "admin", "developer", "owner", "caseworker"
std::optional<Role> parse_role(std::string_view name);

struct User {
  int64_t id = 0;
  std::string username;      // unique, case-insensitive; 2–64 of a–z 0–9 . _ - @
  std::string display_name;
  bool disabled = false;
  std::string created_at;
  std::vector<Role> roles;
  // Caseworkers: what they handle, as stored: form ids and "group:<name>".
  std::vector<std::string> scopes;

  bool has(Role role) const;
};

struct NewUser {
  std::string username;
  std::string display_name;
  std::string password;  // at least 12 characters
  std::vector<Role> roles;
  std::vector<std::string> scopes;
};

// Errors: "user.bad_name", "user.exists", a password rule's code (check_password_rules),
// "user.no_role", "user.bad_scope" (a scope is a form id or "group:<name>").
Result<int64_t> add_user(Store& store, const NewUser& user);
Result<std::optional<User>> find_user(Store& store, std::string_view username);
Result<std::optional<User>> get_user(Store& store, int64_t id);
Result<std::vector<User>> list_users(Store& store);  // by username

// "user.not_found", a password rule's code (check_password_rules). Ends every session of
// the user.
Result<bool> set_password(Store& store, std::string_view username, std::string_view password);
// "user.not_found". Disabling ends every session of the user.
Result<bool> set_disabled(Store& store, std::string_view username, bool disabled);
Result<bool> set_roles(Store& store, int64_t user_id, const std::vector<Role>& roles);
Result<bool> set_scopes(Store& store, int64_t user_id, const std::vector<std::string>& scopes);
// Form groups: "group:<name>" scopes expand to these. The group's forms become exactly
// `form_ids`; an empty list removes the group. "user.bad_scope" for a bad group name
// (pointer "/group") or form id ("/form_ids").
Result<bool> set_form_group(Store& store, std::string_view group, const std::vector<std::string>& form_ids);
// Every form group with its form ids, by name.
struct FormGroup {
  std::string name;
  std::vector<std::string> form_ids;
};
Result<std::vector<FormGroup>> list_form_groups(Store& store);

// Checks without storing anything: the errors add_user gives (but "user.exists"), located by pointer
// ("/username", "/display_name", "/password", "/roles", "/scopes"), so a page can mark the
// field. Usernames are lower-cased first.
Errors check_new_user(const NewUser& user);
// The first password rule `password` breaks, pointer "/password", one code per rule:
// "user.password_too_short" (under 12 characters), "user.password_too_long" (over 1024
// bytes), "user.password_is_username" (the username, ignoring ASCII case).
Errors check_password_rules(std::string_view username, std::string_view password);
bool valid_scope(std::string_view scope);

// The user if the password is right and the account is enabled, else nullopt. Takes the
// same time for an unknown user as for a wrong password (a dummy hash is checked).
Result<std::optional<User>> check_password(Store& store, std::string_view username, std::string_view password);

// The form ids a user may see cases of: every form for nobody (admins see no cases unless
// they are caseworkers too), the expanded scopes for caseworkers.
Result<std::vector<std::string>> case_forms_of(Store& store, const User& user);

}  // namespace blankett
