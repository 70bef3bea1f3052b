#include "user_command.h"

#include <termios.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <optional>

#include "accounts.h"
#include "audit_log.h"
#include "blankett/utf8.h"
#include "published_forms.h"
#include "store.h"

namespace blankett {

const char kUserUsage[] =
    "usage: blankett user <subcommand> [--data DIR]\n"
    "  add <username> --name \"Full Name\" --role R [--role R…] [--scope FORM_ID|group:NAME …] [--password-stdin]\n"
    "  passwd <username> [--password-stdin]\n"
    "  disable <username>\n"
    "  enable <username>\n"
    "  list\n"
    "  roles <username> R…           the user's roles become exactly these\n"
    "  assign <username> SCOPE…      the user's forms become exactly these (none: no forms)\n"
    "  group <name> FORM_ID…         the group's forms become exactly these (none: remove it)\n"
    "roles: admin, developer, owner, caseworker. --data defaults to ./data.\n";

namespace {

const char* const kUsage = kUserUsage;

struct Args {
  std::string sub;
  std::vector<std::string> positional;
  std::optional<std::string> name;
  std::vector<std::string> roles, scopes;
  bool password_stdin = false;
  std::string data_dir = "./data";
};

// Splits options from positional arguments. nullopt (usage error) for an unknown option
// or one without its value.
std::optional<Args> parse_args(const std::vector<std::string>& args) {
  if (args.empty()) return std::nullopt;
  Args a;
  a.sub = args[0];
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& arg = args[i];
    auto value = [&](std::string* out) {
      if (i + 1 >= args.size()) return false;
      *out = args[++i];
      return true;
    };
    std::string v;
    if (arg == "--name") {
      if (!value(&v)) return std::nullopt;
      a.name = v;
    } else if (arg == "--role") {
      if (!value(&v)) return std::nullopt;
      a.roles.push_back(v);
    } else if (arg == "--scope") {
      if (!value(&v)) return std::nullopt;
      a.scopes.push_back(v);
    } else if (arg == "--data") {
      if (!value(&a.data_dir)) return std::nullopt;
    } else if (arg == "--password-stdin") {
      a.password_stdin = true;
    } else if (arg.rfind("--", 0) == 0) {
      return std::nullopt;
    } else {
      a.positional.push_back(arg);
    }
  }
  return a;
}

std::optional<std::vector<Role>> parse_roles(const std::vector<std::string>& names, std::ostream& err) {
  std::vector<Role> roles;
  for (const std::string& n : names) {
    std::optional<Role> r = parse_role(n);
    if (!r) {
      err << "user: unknown role '" << n << "' (admin, developer, owner, caseworker)\n";
      return std::nullopt;
    }
    roles.push_back(*r);
  }
  return roles;
}

// One line from the terminal with echo off, so the password is not shown or left in the
// scrollback.
bool read_hidden(const char* prompt, std::string* line) {
  if (!isatty(STDIN_FILENO)) return false;
  std::cerr << prompt << std::flush;
  termios old{};
  const bool have_old = tcgetattr(STDIN_FILENO, &old) == 0;
  if (have_old) {
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  const bool ok = static_cast<bool>(std::getline(std::cin, *line));
  if (have_old) tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
  std::cerr << "\n";
  return ok;
}

// 0 and the password, or the exit code (1 mismatch, 2 nowhere to read it from).
int read_password(const Args& a, std::istream& in, std::ostream& err, std::string* password) {
  if (a.password_stdin) {
    if (!std::getline(in, *password)) {
      err << "user: --password-stdin: no password on standard input\n";
      return 1;
    }
    if (!password->empty() && password->back() == '\r') password->pop_back();
    return 0;
  }
  std::string again;
  if (!read_hidden("New password: ", password)) {
    err << "user: no terminal to ask for the password on; pipe it in with --password-stdin\n";
    return 2;
  }
  if (!read_hidden("The same password again: ", &again)) return 2;
  if (again != *password) {
    err << "user: the two passwords differ; nothing was changed\n";
    return 1;
  }
  return 0;
}

int fail(std::ostream& err, const Errors& errors) {
  for (const Error& e : errors) err << "user: " << e.message << " (" << e.code << ")\n";
  return 1;
}

// Every change is audited; a change that cannot be audited is reported as a failure
// (it has happened, but the operator must know the log lacks it).
int audited(Store& store, std::ostream& err, const std::string& action, const std::string& target, nlohmann::json detail) {
  AuditEntry e;
  e.actor = "cli";
  e.action = action;
  e.target = target;
  e.detail = std::move(detail);
  Result<AuditEntry> stored = append_audit(store, std::move(e));
  if (!stored) {
    err << "user: the change was made but could not be written to the audit log:\n";
    return fail(err, stored.errors());
  }
  return 0;
}

nlohmann::json role_names(const std::vector<Role>& roles) {
  nlohmann::json names = nlohmann::json::array();
  for (Role r : roles) names.push_back(role_name(r));
  return names;
}

std::string joined(const std::vector<std::string>& items, const char* separator) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : separator) + s;
  return out;
}

void print_table(std::ostream& out, const std::vector<User>& users) {
  std::vector<std::vector<std::string>> rows = {{"USERNAME", "NAME", "ROLES", "SCOPES", "DISABLED"}};
  for (const User& u : users) {
    std::vector<std::string> roles;
    for (Role r : u.roles) roles.push_back(role_name(r));
    rows.push_back({u.username, u.display_name, joined(roles, ","), u.scopes.empty() ? "-" : joined(u.scopes, ","),
                    u.disabled ? "yes" : "no"});
  }
  std::vector<size_t> widths(5, 0);
  for (const auto& row : rows) {
    for (size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], code_point_count(row[c]));  // display width
  }
  for (const auto& row : rows) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c) {
      line += row[c];
      if (c + 1 < row.size()) line += std::string(widths[c] - code_point_count(row[c]) + 2, ' ');
    }
    out << line << "\n";
  }
}

// The form ids among scopes: "group:NAME" names a group of forms, anything else a form.
std::vector<std::string> scope_form_ids(const std::vector<std::string>& scopes) {
  std::vector<std::string> forms;
  for (const std::string& s : scopes) {
    if (s.rfind("group:", 0) != 0) forms.push_back(s);
  }
  return forms;
}

Result<User> existing_user(Store& store, const std::string& username) {
  Result<std::optional<User>> user = find_user(store, username);
  if (!user) return user.errors();
  if (!user.value()) return Errors{Error{"user.not_found", "", 0, 0, "there is no user '" + username + "'"}};
  return std::move(*user.value());
}

int run(const Args& a, Store& store, std::istream& in, std::ostream& out, std::ostream& err) {
  const auto& pos = a.positional;
  if (a.sub == "list") {
    Result<std::vector<User>> users = list_users(store);
    if (!users) return fail(err, users.errors());
    print_table(out, users.value());
    return 0;
  }
  if (a.sub == "add") {
    std::optional<std::vector<Role>> roles = parse_roles(a.roles, err);
    if (!roles) return 2;
    NewUser nu;
    nu.username = pos[0];
    nu.display_name = a.name.value_or("");
    nu.roles = *roles;
    nu.scopes = a.scopes;
    // Everything but the password is checked before asking for it.
    nu.password = std::string(12, 'x');
    for (const Error& e : check_new_user(nu)) {
      // The stand-in password may break a rule (a username of twelve x's); the real one
      // is checked when add_user gets it.
      if (e.pointer != "/password") return fail(err, {e});
    }
    Result<std::optional<User>> taken = find_user(store, nu.username);
    if (!taken) return fail(err, taken.errors());
    if (taken.value()) return fail(err, {Error{"user.exists", "/username", 0, 0, "there is already a user with that username"}});
    if (!require_published_forms(store, "user", scope_form_ids(a.scopes), err)) return 1;
    if (const int code = read_password(a, in, err, &nu.password); code != 0) return code;
    Result<int64_t> id = add_user(store, nu);
    if (!id) return fail(err, id.errors());
    out << "user: added " << pos[0] << " (id " << id.value() << ")\n";
    return audited(store, err, "user.add", "user:" + std::to_string(id.value()),
                   {{"roles", role_names(*roles)}, {"scopes", a.scopes}});
  }
  Result<User> user = existing_user(store, pos[0]);
  if (!user) return fail(err, user.errors());
  const std::string target = "user:" + std::to_string(user.value().id);
  if (a.sub == "passwd") {
    std::string password;
    if (const int code = read_password(a, in, err, &password); code != 0) return code;
    Result<bool> changed = set_password(store, user.value().username, password);
    if (!changed) return fail(err, changed.errors());
    out << "user: new password set for " << user.value().username << "; their sessions were ended\n";
    return audited(store, err, "user.password", target, nlohmann::json::object());
  }
  if (a.sub == "disable" || a.sub == "enable") {
    const bool disable = a.sub == "disable";
    Result<bool> changed = set_disabled(store, user.value().username, disable);
    if (!changed) return fail(err, changed.errors());
    out << "user: " << user.value().username << (disable ? " disabled; their sessions were ended\n" : " enabled\n");
    return audited(store, err, disable ? "user.disable" : "user.enable", target, nlohmann::json::object());
  }
  if (a.sub == "roles") {
    std::optional<std::vector<Role>> roles = parse_roles({pos.begin() + 1, pos.end()}, err);
    if (!roles) return 2;
    Result<bool> changed = set_roles(store, user.value().id, *roles);
    if (!changed) return fail(err, changed.errors());
    out << "user: " << user.value().username << " now has the roles " << joined({pos.begin() + 1, pos.end()}, ", ") << "\n";
    return audited(store, err, "user.roles", target, {{"roles", role_names(*roles)}});
  }
  // assign
  const std::vector<std::string> scopes(pos.begin() + 1, pos.end());
  if (!require_published_forms(store, "user", scope_form_ids(scopes), err)) return 1;
  Result<bool> changed = set_scopes(store, user.value().id, scopes);
  if (!changed) return fail(err, changed.errors());
  out << "user: " << user.value().username << " now handles " << (scopes.empty() ? "no forms" : joined(scopes, ", ")) << "\n";
  return audited(store, err, "user.scopes", target, {{"scopes", scopes}});
}

// Whether the subcommand got the arguments it needs.
bool arity_ok(const Args& a) {
  const size_t n = a.positional.size();
  if (a.sub == "list") return n == 0;
  if (a.sub == "add") return n == 1 && a.name && !a.roles.empty();
  if (a.sub == "passwd" || a.sub == "disable" || a.sub == "enable") return n == 1;
  if (a.sub == "roles") return n >= 2;
  if (a.sub == "assign" || a.sub == "group") return n >= 1;
  return false;
}

}  // namespace

int user_command(const std::vector<std::string>& args, std::istream& in, std::ostream& out, std::ostream& err) {
  std::optional<Args> a = parse_args(args);
  if (!a || !arity_ok(*a)) {
    err << kUsage;
    return 2;
  }
  std::error_code ec;
  std::filesystem::create_directories(a->data_dir, ec);
  if (ec) {
    err << "user: cannot create " << a->data_dir << ": " << ec.message() << "\n";
    return 1;
  }
  Result<Store> store = open_store(a->data_dir + "/blankett.db");
  if (!store) return fail(err, store.errors());
  if (a->sub == "group") {
    const std::vector<std::string> forms(a->positional.begin() + 1, a->positional.end());
    if (!require_published_forms(store.value(), "user", forms, err)) return 1;
    Result<bool> changed = set_form_group(store.value(), a->positional[0], forms);
    if (!changed) return fail(err, changed.errors());
    out << "user: group " << a->positional[0] << (forms.empty() ? " removed" : " holds " + joined(forms, ", ")) << "\n";
    return audited(store.value(), err, "group.set", "group:" + a->positional[0], {{"form_ids", forms}});
  }
  return run(*a, store.value(), in, out, err);
}

int user_command(int argc, char** argv) {
  return user_command(std::vector<std::string>(argv + 2, argv + argc), std::cin, std::cout, std::cerr);
}

}  // namespace blankett
