#include "token_command.h"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>

#include "accounts.h"
#include "api_tokens.h"
#include "audit_log.h"
#include "cli_args.h"
#include "published_forms.h"
#include "store.h"

namespace blankett {

const char kTokenUsage[] =
    "usage: blankett token create --kind integration --form FORM_ID --user USERNAME --label TEXT [--data DIR]\n"
    "       blankett token create --kind publish --user USERNAME --label TEXT [--data DIR]\n"
    "       blankett token list [--data DIR]\n"
    "       blankett token revoke ID [--data DIR]\n";

namespace {

const char* const kUsage = kTokenUsage;

// Inside the caller's transaction: the change and its audit entry commit together.
bool audit(Store& store, const std::string& action, int64_t token_id, nlohmann::json detail, std::ostream& err) {
  AuditEntry e;
  e.actor = "cli";
  e.action = action;
  e.target = "token:" + std::to_string(token_id);
  e.detail = std::move(detail);
  Result<AuditEntry> done = append_audit(store, std::move(e), true);
  if (!done) err << "token: the audit log could not be written: " << to_string(done.errors().front()) << "\n";
  return done.ok();
}

bool commit(sql::Transaction& txn, std::ostream& err) {
  Result<bool> done = txn.commit();
  if (!done) err << "token: " << to_string(done.errors().front()) << "\n";
  return done.ok();
}

std::optional<sql::Transaction> begin(Store& store, std::ostream& err) {
  Result<sql::Transaction> txn = sql::Transaction::begin(store.db.get());
  if (!txn) {
    err << "token: " << to_string(txn.errors().front()) << "\n";
    return std::nullopt;
  }
  return std::move(txn).value();
}

int create(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  const std::optional<CliArgs> a = parse_cli_args(args, {"kind", "form", "user", "label", "data"});
  if (!a || !a->positional.empty() || !a->options.count("kind") || !a->options.count("user") || !a->options.count("label")) {
    err << kUsage;
    return 2;
  }
  std::optional<Store> store = open_data_store("token", cli_option(*a, "data", "./data"), err);
  if (!store) return 1;
  const std::string kind = cli_option(*a, "kind"), form = cli_option(*a, "form"), username = cli_option(*a, "user");
  Result<std::optional<User>> user = find_user(*store, username);
  if (!user) {
    err << "token: " << to_string(user.errors().front()) << "\n";
    return 1;
  }
  if (!user.value() || user.value()->disabled) {
    err << "token: there is no active user '" << username << "'\n";
    return 1;
  }
  if (kind == "integration" && !form.empty() && !require_published_forms(*store, "token", {form}, err)) return 1;
  std::optional<sql::Transaction> txn = begin(*store, err);
  if (!txn) return 1;
  Result<NewApiToken> made = create_api_token(*store, kind, form, user.value()->id, cli_option(*a, "label"));
  if (!made) {
    for (const Error& e : made.errors()) err << "token: " << e.code << ": " << e.message << "\n";
    return 1;
  }
  const ApiToken& t = made.value().info;
  if (!audit(*store, "token.create", t.id, {{"kind", t.kind}, {"form", t.form_id}, {"user", t.user_id}}, err) ||
      !commit(*txn, err)) {
    return 1;
  }
  err << "token " << t.id << " (" << t.kind << (t.form_id.empty() ? "" : ", form " + t.form_id) << ") for "
      << user.value()->username << ". It is shown only once, below: store it now, it cannot be shown again.\n";
  out << made.value().token << "\n";
  return 0;
}

int list(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  const std::optional<CliArgs> a = parse_cli_args(args, {"data"});
  if (!a || !a->positional.empty()) {
    err << kUsage;
    return 2;
  }
  std::optional<Store> store = open_data_store("token", cli_option(*a, "data", "./data"), err);
  if (!store) return 1;
  Result<std::vector<ApiToken>> tokens = list_api_tokens(*store);
  if (!tokens) {
    err << "token: " << to_string(tokens.errors().front()) << "\n";
    return 1;
  }
  if (tokens.value().empty()) {
    out << "no tokens\n";
    return 0;
  }
  out << "id\tkind\tform\tuser\tcreated\trevoked\tlabel\n";
  for (const ApiToken& t : tokens.value()) {
    Result<std::optional<User>> u = get_user(*store, t.user_id);
    const std::string who = u && u.value() ? u.value()->username : std::to_string(t.user_id);
    out << t.id << "\t" << t.kind << "\t" << (t.form_id.empty() ? "-" : t.form_id) << "\t" << who << "\t" << t.created_at
        << "\t" << (t.revoked_at.empty() ? "-" : t.revoked_at) << "\t" << t.label << "\n";
  }
  return 0;
}

int revoke(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  const std::optional<CliArgs> a = parse_cli_args(args, {"data"});
  const std::optional<int64_t> id = a && a->positional.size() == 1 ? parse_cli_id(a->positional[0]) : std::nullopt;
  if (!id) {
    err << kUsage;
    return 2;
  }
  std::optional<Store> store = open_data_store("token", cli_option(*a, "data", "./data"), err);
  if (!store) return 1;
  std::optional<sql::Transaction> txn = begin(*store, err);
  if (!txn) return 1;
  Result<bool> revoked = revoke_api_token(*store, *id);
  if (!revoked) {
    err << "token: " << revoked.errors().front().message << "\n";
    return 1;
  }
  if (!audit(*store, "token.revoke", *id, nlohmann::json::object(), err) || !commit(*txn, err)) return 1;
  out << "token " << *id << " revoked\n";
  return 0;
}

}  // namespace

int token_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  const std::string sub = args.empty() ? "" : args[0];
  if (sub == "create") return create(args, out, err);
  if (sub == "list") return list(args, out, err);
  if (sub == "revoke") return revoke(args, out, err);
  err << kUsage;
  return 2;
}

int token_command(int argc, char** argv) {
  return token_command(std::vector<std::string>(argv + std::min(argc, 2), argv + argc), std::cout, std::cerr);
}

}  // namespace blankett
