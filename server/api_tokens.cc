// API tokens: made from libsodium randomness, stored as their SHA-256 only, so that the
// database (or a backup of it) opens no API.
#include "api_tokens.h"

#include <cctype>

#include <httplib.h>

#include "blankett/submission.h"
#include "blankett/utf8.h"
#include "clock.h"
#include "sessions.h"

namespace blankett {

namespace {


Error token_error(const char* code, std::string message) { return Error{code, "", 0, 0, std::move(message)}; }

constexpr const char* kColumns = "id, kind, COALESCE(form_id, ''), user_id, label, created_at, COALESCE(revoked_at, '')";

ApiToken read_token(const sql::Statement& s) {
  return ApiToken{sql::column_int64(s, 0), sql::column_text(s, 1), sql::column_text(s, 2), sql::column_int64(s, 3),
                  sql::column_text(s, 4),  sql::column_text(s, 5), sql::column_text(s, 6)};
}

// Form ids as the server's routes accept them ([a-z][a-z0-9-]{0,62}).
bool is_form_id(std::string_view id) {
  if (id.empty() || id.size() > 63 || id[0] < 'a' || id[0] > 'z') return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

bool has_control_characters(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) return true;
  }
  return false;
}

}  // namespace

Result<NewApiToken> create_api_token(Store& store, std::string_view kind, std::string_view form_id, int64_t user_id,
                                     std::string_view label) {
  if (kind != "integration" && kind != "publish") {
    return Errors{token_error("token.bad_kind", "a token's kind is \"integration\" or \"publish\"")};
  }
  if (kind == "integration" && !is_form_id(form_id)) {
    return Errors{token_error("token.bad_form", "an integration token reads one form: give its id")};
  }
  if (kind == "publish" && !form_id.empty()) {
    return Errors{token_error("token.bad_form", "a publish token is not bound to a form")};
  }
  const size_t length = code_point_count(label);
  if (length < 1 || length > 100 || has_control_characters(label)) {
    return Errors{token_error("token.bad_label", "a token's label has 1 to 100 characters, on one line")};
  }
  NewApiToken made;
  made.token = "blk_" + random_token();
  made.info = ApiToken{0, std::string(kind), std::string(form_id), user_id, std::string(label), utc_now(), ""};
  Result<sql::Statement> s = prepare(store,
      "INSERT INTO api_tokens (token_sha256, kind, form_id, user_id, label, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  if (!s) return s.errors();
  sql::bind_text(s.value(), 1, sha256_of(made.token));
  sql::bind_text(s.value(), 2, made.info.kind);
  if (made.info.form_id.empty()) sql::bind_null(s.value(), 3);
  else sql::bind_text(s.value(), 3, made.info.form_id);
  sql::bind_int64(s.value(), 4, user_id);
  sql::bind_text(s.value(), 5, made.info.label);
  sql::bind_text(s.value(), 6, made.info.created_at);
  if (!sql::run(s.value())) {
    if (sql::last_error_code(store.db.get()) == SQLITE_CONSTRAINT_FOREIGNKEY) {
      return Errors{token_error("token.bad_user", "there is no user " + std::to_string(user_id))};
    }
    return Errors{sql::sqlite_error(store.db.get(), "cannot store the token")};
  }
  made.info.id = sqlite3_last_insert_rowid(store.db.get());
  return made;
}

Result<std::optional<ApiToken>> check_api_token(Store& store, std::string_view raw_token) {
  if (raw_token.rfind("blk_", 0) != 0) return std::optional<ApiToken>();
  Result<sql::Statement> s = prepare(
      store, std::string("SELECT ") + kColumns + " FROM api_tokens WHERE token_sha256 = ?1 AND revoked_at IS NULL");
  if (!s) return s.errors();
  // Looked up by its hash: the comparison the database makes reveals nothing of the token.
  sql::bind_text(s.value(), 1, sha256_of(raw_token));
  Result<bool> row = sql::step(s.value());
  if (!row) return row.errors();
  if (!row.value()) return std::optional<ApiToken>();
  return std::optional<ApiToken>(read_token(s.value()));
}

Result<bool> revoke_api_token(Store& store, int64_t id) {
  Result<sql::Statement> s =
      prepare(store, "UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, ?2) WHERE id = ?1");
  if (!s) return s.errors();
  sql::bind_int64(s.value(), 1, id);
  sql::bind_text(s.value(), 2, utc_now());
  Result<bool> done = sql::run(s.value());
  if (!done) return done;
  if (sqlite3_changes(store.db.get()) == 0) {
    return Errors{token_error("token.not_found", "there is no token " + std::to_string(id))};
  }
  return true;
}

Result<std::vector<ApiToken>> list_api_tokens(Store& store) {
  Result<sql::Statement> s = prepare(store, std::string("SELECT ") + kColumns + " FROM api_tokens ORDER BY id");
  if (!s) return s.errors();
  std::vector<ApiToken> out;
  for (;;) {
    Result<bool> row = sql::step(s.value());
    if (!row) return row.errors();
    if (!row.value()) return out;
    out.push_back(read_token(s.value()));
  }
}

std::string bearer_token(const httplib::Request& req) {
  const std::string header = req.get_header_value("Authorization");
  // The scheme is case-insensitive (RFC 7235); the token is not.
  if (header.size() <= 7) return "";
  std::string scheme = header.substr(0, 7);
  for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (scheme != "bearer ") return "";
  const size_t start = header.find_first_not_of(' ', 7);
  if (start == std::string::npos) return "";
  const size_t end = header.find_last_not_of(' ');
  return header.substr(start, end - start + 1);
}

}  // namespace blankett
