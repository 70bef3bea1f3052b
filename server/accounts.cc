// Users, roles, caseworker scopes and form groups in the store (tables of schema v2), and
// the only code that sees a password: it is hashed with argon2id here and never stored,
// logged or returned in any other shape.
#include "accounts.h"

#include <sodium.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <new>
#include <set>

#include "blankett/utf8.h"
#include "clock.h"
#include "sessions.h"

namespace blankett {

namespace {


Error user_error(const char* code, const char* pointer, std::string message) {
  return Error{code, pointer, 0, 0, std::move(message)};
}

bool sodium_ready() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

// argon2id with the "interactive" limits takes 64 MiB for a fraction of a second. Without
// a bound, a burst of logins on the 64 request threads would ask for 4 GiB at once; with
// it, they queue for a moment instead.
class HashSlots {
 public:
  void acquire() {
    std::unique_lock<std::mutex> lock(mutex_);
    free_.wait(lock, [this] { return in_use_ < kSlots; });
    ++in_use_;
  }
  void release() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      --in_use_;
    }
    free_.notify_one();
  }

 private:
  static constexpr int kSlots = 4;
  std::mutex mutex_;
  std::condition_variable free_;
  int in_use_ = 0;
};

HashSlots& hash_slots() {
  static HashSlots slots;
  return slots;
}

struct SlotGuard {
  SlotGuard() { hash_slots().acquire(); }
  ~SlotGuard() { hash_slots().release(); }
  SlotGuard(const SlotGuard&) = delete;
  SlotGuard& operator=(const SlotGuard&) = delete;
};

Result<std::string> hash_password(std::string_view password) {
  if (!sodium_ready()) return Errors{Error{"user.crypto", "", 0, 0, "libsodium could not be initialised"}};
  char out[crypto_pwhash_STRBYTES];
  SlotGuard slot;
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return Errors{Error{"user.crypto", "", 0, 0, "out of memory while hashing the password"}};
  }
  return std::string(out);
}

bool password_matches(const std::string& hash, std::string_view password) {
  if (!sodium_ready()) return false;
  SlotGuard slot;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

// The hash an unknown username is checked against, so that "no such user" costs as long
// as "wrong password" and a stopwatch cannot tell them apart. Made once, of a random
// password nobody knows.
const std::string& dummy_hash() {
  static const std::string hash = [] {
    unsigned char random[32];
    if (sodium_ready()) randombytes_buf(random, sizeof random);
    Result<std::string> h = hash_password(std::string_view(reinterpret_cast<const char*>(random), sizeof random));
    return h.ok() ? h.value() : std::string();
  }();
  return hash;
}

std::string lower_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool has_control(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7F;
  });
}

bool valid_username(std::string_view name) {
  if (name.size() < 2 || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-' || c == '@';
  });
}

// The form id pattern of the catalog's routes: [a-z][a-z0-9-]{0,62}. Group names too.
bool valid_id(std::string_view id) {
  if (id.empty() || id.size() > 63 || id[0] < 'a' || id[0] > 'z') return false;
  return std::all_of(id.begin(), id.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

Errors check_display_name(std::string_view name) {
  if (name.empty() || code_point_count(name) > 100 || has_control(name)) {
    return {user_error("user.bad_name", "/display_name", "the name must be 1 to 100 characters, without control characters")};
  }
  return {};
}

Errors check_scopes(const std::vector<std::string>& scopes) {
  for (const std::string& s : scopes) {
    if (!valid_scope(s)) {
      // The scope is a form id or group name typed by an admin, not personal data.
      return {user_error("user.bad_scope", "/scopes",
                         "'" + s + "' is neither a form id nor group:<name> (lower-case letters, digits and -)")};
    }
  }
  return {};
}

std::vector<Role> unique_roles(const std::vector<Role>& roles) {
  std::vector<Role> out;
  for (Role r : roles) {
    if (std::find(out.begin(), out.end(), r) == out.end()) out.push_back(r);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> unique_sorted(std::vector<std::string> items) {
  std::sort(items.begin(), items.end());
  items.erase(std::unique(items.begin(), items.end()), items.end());
  return items;
}

// Fills roles and scopes of a user read from the users table.
Result<bool> load_access(Store& store, User& user) {
  Result<sql::Statement> roles = prepare(store, "SELECT role FROM user_roles WHERE user_id = ?1 ORDER BY role");
  if (!roles) return roles.errors();
  sql::bind_int64(roles.value(), 1, user.id);
  for (;;) {
    Result<bool> row = sql::step(roles.value());
    if (!row) return row.errors();
    if (!row.value()) break;
    if (std::optional<Role> r = parse_role(sql::column_text(roles.value(), 0))) user.roles.push_back(*r);
  }
  std::sort(user.roles.begin(), user.roles.end());
  Result<sql::Statement> scopes = prepare(store, "SELECT scope FROM caseworker_forms WHERE user_id = ?1 ORDER BY scope");
  if (!scopes) return scopes.errors();
  sql::bind_int64(scopes.value(), 1, user.id);
  for (;;) {
    Result<bool> row = sql::step(scopes.value());
    if (!row) return row.errors();
    if (!row.value()) break;
    user.scopes.push_back(sql::column_text(scopes.value(), 0));
  }
  return true;
}

constexpr const char* kUserColumns = "id, username, display_name, disabled, created_at";

User read_user(const sql::Statement& s) {
  User u;
  u.id = sql::column_int64(s, 0);
  u.username = sql::column_text(s, 1);
  u.display_name = sql::column_text(s, 2);
  u.disabled = sql::column_int64(s, 3) != 0;
  u.created_at = sql::column_text(s, 4);
  return u;
}

Result<std::optional<User>> one_user(Store& store, sql::Statement& s) {
  Result<bool> row = sql::step(s);
  if (!row) return row.errors();
  if (!row.value()) return std::optional<User>();
  User u = read_user(s);
  sql::reset(s);
  Result<bool> access = load_access(store, u);
  if (!access) return access.errors();
  return std::optional<User>(std::move(u));
}

// The user id and password hash of a username, if there is such a user.
struct Credentials {
  int64_t id = 0;
  std::string hash;
};
Result<std::optional<Credentials>> credentials_of(Store& store, std::string_view username) {
  Result<sql::Statement> s = prepare(store, "SELECT id, password_hash FROM users WHERE username = ?1");
  if (!s) return s.errors();
  sql::bind_text(s.value(), 1, username);
  Result<bool> row = sql::step(s.value());
  if (!row) return row.errors();
  if (!row.value()) return std::optional<Credentials>();
  return std::optional<Credentials>(Credentials{sql::column_int64(s.value(), 0), sql::column_text(s.value(), 1)});
}

Result<bool> user_exists(Store& store, int64_t user_id) {
  Result<sql::Statement> s = prepare(store, "SELECT 1 FROM users WHERE id = ?1");
  if (!s) return s.errors();
  sql::bind_int64(s.value(), 1, user_id);
  return sql::step(s.value());
}

Error not_found() { return user_error("user.not_found", "", "there is no such user"); }

Result<bool> write_roles(Store& store, int64_t user_id, const std::vector<Role>& roles) {
  Result<sql::Statement> del = prepare(store, "DELETE FROM user_roles WHERE user_id = ?1");
  if (!del) return del.errors();
  sql::bind_int64(del.value(), 1, user_id);
  Result<bool> deleted = sql::run(del.value());
  if (!deleted) return deleted;
  for (Role r : unique_roles(roles)) {
    Result<sql::Statement> ins = prepare(store, "INSERT INTO user_roles (user_id, role) VALUES (?1, ?2)");
    if (!ins) return ins.errors();
    sql::bind_int64(ins.value(), 1, user_id);
    sql::bind_text(ins.value(), 2, role_name(r));
    Result<bool> inserted = sql::run(ins.value());
    if (!inserted) return inserted;
  }
  return true;
}

Result<bool> write_scopes(Store& store, int64_t user_id, const std::vector<std::string>& scopes) {
  Result<sql::Statement> del = prepare(store, "DELETE FROM caseworker_forms WHERE user_id = ?1");
  if (!del) return del.errors();
  sql::bind_int64(del.value(), 1, user_id);
  Result<bool> deleted = sql::run(del.value());
  if (!deleted) return deleted;
  for (const std::string& scope : unique_sorted(scopes)) {
    Result<sql::Statement> ins = prepare(store, "INSERT INTO caseworker_forms (user_id, scope) VALUES (?1, ?2)");
    if (!ins) return ins.errors();
    sql::bind_int64(ins.value(), 1, user_id);
    sql::bind_text(ins.value(), 2, scope);
    Result<bool> inserted = sql::run(ins.value());
    if (!inserted) return inserted;
  }
  return true;
}

}  // namespace

// --- Roles and checks ----------------------------------------------------------------------

const char* role_name(Role role) {
  switch (role) {
    case Role::admin: return "admin";
    case Role::developer: return "developer";
    case Role::owner: return "owner";
    case Role::caseworker: return "caseworker";
  }
  return "";
}

std::optional<Role> parse_role(std::string_view name) {
  for (Role r : {Role::admin, Role::developer, Role::owner, Role::caseworker}) {
    if (name == role_name(r)) return r;
  }
  return std::nullopt;
}

bool User::has(Role role) const { return std::find(roles.begin(), roles.end(), role) != roles.end(); }

bool valid_scope(std::string_view scope) {
  constexpr std::string_view kGroup = "group:";
  if (scope.substr(0, kGroup.size()) == kGroup) return valid_id(scope.substr(kGroup.size()));
  return valid_id(scope);
}

Errors check_password_rules(std::string_view username, std::string_view password) {
  // Length is what makes a password hard to guess; composition rules mostly make it hard
  // to remember (NIST SP 800-63B). The upper bound only keeps requests small. One code
  // per rule, so that a page can say which one failed.
  if (code_point_count(password) < 12) {
    return {user_error("user.password_too_short", "/password", "the password must be at least 12 characters long")};
  }
  if (password.size() > 1024) {
    return {user_error("user.password_too_long", "/password", "the password must be at most 1024 bytes long")};
  }
  if (!username.empty() && lower_ascii(password) == lower_ascii(username)) {
    return {user_error("user.password_is_username", "/password", "the password must not be the username")};
  }
  return {};
}

Errors check_new_user(const NewUser& user) {
  Errors errors;
  const std::string username = lower_ascii(user.username);
  if (!valid_username(username)) {
    errors.push_back(user_error("user.bad_name", "/username",
                                "the username must be 2 to 64 characters of a-z, 0-9, '.', '_', '-' and '@'"));
  }
  for (Error& e : check_display_name(user.display_name)) errors.push_back(std::move(e));
  for (Error& e : check_password_rules(username, user.password)) errors.push_back(std::move(e));
  if (user.roles.empty()) errors.push_back(user_error("user.no_role", "/roles", "choose at least one role"));
  for (Error& e : check_scopes(user.scopes)) errors.push_back(std::move(e));
  return errors;
}

// --- Users ---------------------------------------------------------------------------------

Result<int64_t> add_user(Store& store, const NewUser& user) {
  Errors errors = check_new_user(user);
  if (!errors.empty()) return errors;
  const std::string username = lower_ascii(user.username);
  Result<std::optional<Credentials>> existing = credentials_of(store, username);
  if (!existing) return existing.errors();
  if (existing.value()) return Errors{user_error("user.exists", "/username", "there is already a user with that username")};

  // Hashing takes a while: before the write lock, not inside it.
  Result<std::string> hash = hash_password(user.password);
  if (!hash) return hash.errors();

  Result<sql::Transaction> txn = sql::Transaction::begin(store.db.get());
  if (!txn) return txn.errors();
  Result<sql::Statement> ins = prepare(
      store, "INSERT INTO users (username, display_name, password_hash, disabled, created_at) VALUES (?1, ?2, ?3, 0, ?4)");
  if (!ins) return ins.errors();
  sql::bind_text(ins.value(), 1, username);
  sql::bind_text(ins.value(), 2, user.display_name);
  sql::bind_text(ins.value(), 3, hash.value());
  sql::bind_text(ins.value(), 4, utc_now());
  Result<bool> inserted = sql::run(ins.value());
  if (!inserted) {
    // Someone added the same name between the check and the insert.
    if (sql::last_error_code(store.db.get()) == SQLITE_CONSTRAINT_UNIQUE) {
      return Errors{user_error("user.exists", "/username", "there is already a user with that username")};
    }
    return inserted.errors();
  }
  const int64_t id = sqlite3_last_insert_rowid(store.db.get());
  Result<bool> roles = write_roles(store, id, user.roles);
  if (!roles) return roles.errors();
  Result<bool> scopes = write_scopes(store, id, user.scopes);
  if (!scopes) return scopes.errors();
  Result<bool> committed = txn.value().commit();
  if (!committed) return committed.errors();
  return id;
}

Result<std::optional<User>> find_user(Store& store, std::string_view username) {
  Result<sql::Statement> s = prepare(store, std::string("SELECT ") + kUserColumns + " FROM users WHERE username = ?1");
  if (!s) return s.errors();
  sql::bind_text(s.value(), 1, lower_ascii(username));
  return one_user(store, s.value());
}

Result<std::optional<User>> get_user(Store& store, int64_t id) {
  Result<sql::Statement> s = prepare(store, std::string("SELECT ") + kUserColumns + " FROM users WHERE id = ?1");
  if (!s) return s.errors();
  sql::bind_int64(s.value(), 1, id);
  return one_user(store, s.value());
}

Result<std::vector<User>> list_users(Store& store) {
  std::vector<User> users;
  {
    Result<sql::Statement> s = prepare(store, std::string("SELECT ") + kUserColumns + " FROM users ORDER BY username");
    if (!s) return s.errors();
    for (;;) {
      Result<bool> row = sql::step(s.value());
      if (!row) return row.errors();
      if (!row.value()) break;
      users.push_back(read_user(s.value()));
    }
  }
  for (User& u : users) {
    Result<bool> access = load_access(store, u);
    if (!access) return access.errors();
  }
  return users;
}

Result<bool> set_password(Store& store, std::string_view username, std::string_view password) {
  Result<std::optional<Credentials>> who = credentials_of(store, lower_ascii(username));
  if (!who) return who.errors();
  if (!who.value()) return Errors{not_found()};
  Errors weak = check_password_rules(lower_ascii(username), password);
  if (!weak.empty()) return weak;
  Result<std::string> hash = hash_password(password);
  if (!hash) return hash.errors();

  Result<sql::Transaction> txn = sql::Transaction::begin(store.db.get());
  if (!txn) return txn.errors();
  Result<sql::Statement> upd = prepare(store, "UPDATE users SET password_hash = ?1 WHERE id = ?2");
  if (!upd) return upd.errors();
  sql::bind_text(upd.value(), 1, hash.value());
  sql::bind_int64(upd.value(), 2, who.value()->id);
  Result<bool> updated = sql::run(upd.value());
  if (!updated) return updated;
  // A new password is often the answer to "someone else knows the old one": whoever is
  // signed in with it is signed out.
  Result<bool> ended = end_sessions_of(store, who.value()->id);
  if (!ended) return ended;
  return txn.value().commit();
}

Result<bool> set_disabled(Store& store, std::string_view username, bool disabled) {
  Result<std::optional<Credentials>> who = credentials_of(store, lower_ascii(username));
  if (!who) return who.errors();
  if (!who.value()) return Errors{not_found()};
  Result<sql::Transaction> txn = sql::Transaction::begin(store.db.get());
  if (!txn) return txn.errors();
  Result<sql::Statement> upd = prepare(store, "UPDATE users SET disabled = ?1 WHERE id = ?2");
  if (!upd) return upd.errors();
  sql::bind_int64(upd.value(), 1, disabled ? 1 : 0);
  sql::bind_int64(upd.value(), 2, who.value()->id);
  Result<bool> updated = sql::run(upd.value());
  if (!updated) return updated;
  if (disabled) {
    Result<bool> ended = end_sessions_of(store, who.value()->id);
    if (!ended) return ended;
  }
  return txn.value().commit();
}

Result<bool> set_roles(Store& store, int64_t user_id, const std::vector<Role>& roles) {
  if (roles.empty()) return Errors{user_error("user.no_role", "/roles", "choose at least one role")};
  Result<sql::Transaction> txn = sql::Transaction::begin(store.db.get());
  if (!txn) return txn.errors();
  Result<bool> exists = user_exists(store, user_id);
  if (!exists) return exists;
  if (!exists.value()) return Errors{not_found()};
  Result<bool> written = write_roles(store, user_id, roles);
  if (!written) return written;
  return txn.value().commit();
}

Result<bool> set_scopes(Store& store, int64_t user_id, const std::vector<std::string>& scopes) {
  Errors bad = check_scopes(scopes);
  if (!bad.empty()) return bad;
  Result<sql::Transaction> txn = sql::Transaction::begin(store.db.get());
  if (!txn) return txn.errors();
  Result<bool> exists = user_exists(store, user_id);
  if (!exists) return exists;
  if (!exists.value()) return Errors{not_found()};
  Result<bool> written = write_scopes(store, user_id, scopes);
  if (!written) return written;
  return txn.value().commit();
}

// --- Form groups ---------------------------------------------------------------------------

Result<bool> set_form_group(Store& store, std::string_view group, const std::vector<std::string>& form_ids) {
  if (!valid_id(group)) {
    return Errors{user_error("user.bad_scope", "/group",
                             "a group name is 1 to 63 lower-case letters, digits and -, starting with a letter")};
  }
  for (const std::string& id : form_ids) {
    if (!valid_id(id)) return Errors{user_error("user.bad_scope", "/form_ids", "'" + id + "' is not a form id")};
  }
  Result<sql::Transaction> txn = sql::Transaction::begin(store.db.get());
  if (!txn) return txn.errors();
  Result<sql::Statement> del = prepare(store, "DELETE FROM form_groups WHERE group_name = ?1");
  if (!del) return del.errors();
  sql::bind_text(del.value(), 1, group);
  Result<bool> deleted = sql::run(del.value());
  if (!deleted) return deleted;
  for (const std::string& id : unique_sorted(form_ids)) {
    Result<sql::Statement> ins = prepare(store, "INSERT INTO form_groups (group_name, form_id) VALUES (?1, ?2)");
    if (!ins) return ins.errors();
    sql::bind_text(ins.value(), 1, group);
    sql::bind_text(ins.value(), 2, id);
    Result<bool> inserted = sql::run(ins.value());
    if (!inserted) return inserted;
  }
  return txn.value().commit();
}

Result<std::vector<FormGroup>> list_form_groups(Store& store) {
  Result<sql::Statement> s = prepare(store, "SELECT group_name, form_id FROM form_groups ORDER BY group_name, form_id");
  if (!s) return s.errors();
  std::vector<FormGroup> groups;
  for (;;) {
    Result<bool> row = sql::step(s.value());
    if (!row) return row.errors();
    if (!row.value()) break;
    std::string name = sql::column_text(s.value(), 0);
    if (groups.empty() || groups.back().name != name) groups.push_back(FormGroup{name, {}});
    groups.back().form_ids.push_back(sql::column_text(s.value(), 1));
  }
  return groups;
}

// --- Sign-in and what a user sees ----------------------------------------------------------

Result<std::optional<User>> check_password(Store& store, std::string_view username, std::string_view password) {
  Result<std::optional<Credentials>> who = credentials_of(store, lower_ascii(username));
  if (!who) return who.errors();
  if (!who.value()) {
    password_matches(dummy_hash(), password);  // the same work as for a real user
    return std::optional<User>();
  }
  if (!password_matches(who.value()->hash, password)) return std::optional<User>();
  Result<std::optional<User>> user = get_user(store, who.value()->id);
  if (!user) return user.errors();
  if (!user.value() || user.value()->disabled) return std::optional<User>();
  return user;
}

Result<std::vector<std::string>> case_forms_of(Store& store, const User& user) {
  std::vector<std::string> forms;
  if (!user.has(Role::caseworker)) return forms;
  constexpr std::string_view kGroup = "group:";
  for (const std::string& scope : user.scopes) {
    if (scope.substr(0, kGroup.size()) != kGroup) {
      forms.push_back(scope);
      continue;
    }
    Result<sql::Statement> s = prepare(store, "SELECT form_id FROM form_groups WHERE group_name = ?1");
    if (!s) return s.errors();
    sql::bind_text(s.value(), 1, scope.substr(kGroup.size()));
    for (;;) {
      Result<bool> row = sql::step(s.value());
      if (!row) return row.errors();
      if (!row.value()) break;
      forms.push_back(sql::column_text(s.value(), 0));
    }
  }
  return unique_sorted(std::move(forms));
}

}  // namespace blankett
