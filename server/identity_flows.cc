// Implementation of identity_flows.h: prepared statements on the store's connection.
#include "identity_flows.h"

namespace blankett {

namespace {

constexpr const char* kColumns =
    "id, state_sha256, browser_sha256, purpose, target, return_to, provider, nonce, code_verifier, csrf_token, "
    "created_at, expires_at, subject, personal_number, name, identified_at, ended_at";

IdentityFlow read_flow(const sql::Statement& q) {
  IdentityFlow f;
  f.id = sql::column_int64(q, 0);
  f.state_sha256 = sql::column_text(q, 1);
  f.browser_sha256 = sql::column_text(q, 2);
  f.purpose = sql::column_text(q, 3);
  f.target = sql::column_text(q, 4);
  f.return_to = sql::column_text(q, 5);
  f.provider = sql::column_text(q, 6);
  f.nonce = sql::column_text(q, 7);
  f.code_verifier = sql::column_text(q, 8);
  f.csrf_token = sql::column_text(q, 9);
  f.created_at = sql::column_int64(q, 10);
  f.expires_at = sql::column_int64(q, 11);
  f.identified = !sql::column_is_null(q, 15);
  f.subject = sql::column_text(q, 12);
  f.personal_number = sql::column_text(q, 13);
  f.name = sql::column_text(q, 14);
  f.identified_at = sql::column_int64(q, 15);
  f.ended = !sql::column_is_null(q, 16);
  return f;
}

Result<std::optional<IdentityFlow>> one_flow(Result<sql::Statement>& q) {
  Result<bool> row = sql::step(q.value());
  if (!row) return row.errors();
  if (!row.value()) return std::optional<IdentityFlow>();
  return std::optional<IdentityFlow>(read_flow(q.value()));
}

}  // namespace

Result<int64_t> insert_identity_flow(Store& store, const IdentityFlow& f, const std::string& previous_browser_sha256) {
  Result<sql::Transaction> txn = sql::Transaction::begin(store.db.get());
  if (!txn) return txn.errors();
  // Flows nobody finished (closed tabs, abandoned signings) go here, so the table stays
  // small without a timer.
  Result<sql::Statement> sweep = prepare(store, "DELETE FROM identity_flows WHERE expires_at <= ?1 OR browser_sha256 = ?2");
  if (!sweep) return sweep.errors();
  sql::bind_int64(sweep.value(), 1, f.created_at);
  sql::bind_text(sweep.value(), 2, previous_browser_sha256);
  Result<bool> swept = sql::run(sweep.value());
  if (!swept) return swept.errors();
  Result<sql::Statement> ins = prepare(store,
                                       "INSERT INTO identity_flows (state_sha256, browser_sha256, purpose, target, return_to, "
                                       "provider, nonce, code_verifier, csrf_token, created_at, expires_at) "
                                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
  if (!ins) return ins.errors();
  sql::Statement& s = ins.value();
  sql::bind_text(s, 1, f.state_sha256);
  sql::bind_text(s, 2, f.browser_sha256);
  sql::bind_text(s, 3, f.purpose);
  sql::bind_text(s, 4, f.target);
  sql::bind_text(s, 5, f.return_to);
  sql::bind_text(s, 6, f.provider);
  sql::bind_text(s, 7, f.nonce);
  sql::bind_text(s, 8, f.code_verifier);
  sql::bind_text(s, 9, f.csrf_token);
  sql::bind_int64(s, 10, f.created_at);
  sql::bind_int64(s, 11, f.expires_at);
  Result<bool> inserted = sql::run(s);
  if (!inserted) return inserted.errors();
  const int64_t id = sqlite3_last_insert_rowid(store.db.get());
  Result<bool> committed = txn.value().commit();
  if (!committed) return committed.errors();
  return id;
}

Result<std::optional<IdentityFlow>> find_identity_flow_by_state(Store& store, const std::string& state_sha256) {
  Result<sql::Statement> q = prepare(store, std::string("SELECT ") + kColumns + " FROM identity_flows WHERE state_sha256 = ?1");
  if (!q) return q.errors();
  sql::bind_text(q.value(), 1, state_sha256);
  return one_flow(q);
}

Result<bool> record_flow_identity(Store& store, int64_t flow_id, const std::string& subject, const std::string& personal_number,
                                  const std::string& name, int64_t now) {
  Result<sql::Statement> q = prepare(store,
                                     "UPDATE identity_flows SET subject = ?2, personal_number = ?3, name = ?4, identified_at = ?5, "
                                     "expires_at = ?6 WHERE id = ?1 AND identified_at IS NULL AND ended_at IS NULL");
  if (!q) return q.errors();
  sql::bind_int64(q.value(), 1, flow_id);
  sql::bind_text(q.value(), 2, subject);
  sql::bind_text(q.value(), 3, personal_number);
  sql::bind_text(q.value(), 4, name);
  sql::bind_int64(q.value(), 5, now);
  sql::bind_int64(q.value(), 6, now + kIdentityValidSeconds);
  Result<bool> ran = sql::run(q.value());
  if (!ran) return ran;
  return sqlite3_changes(store.db.get()) > 0;
}

Result<bool> end_identity_flow(Store& store, int64_t flow_id, int64_t now) {
  Result<sql::Statement> q = prepare(store, "UPDATE identity_flows SET ended_at = ?2 WHERE id = ?1 AND ended_at IS NULL");
  if (!q) return q.errors();
  sql::bind_int64(q.value(), 1, flow_id);
  sql::bind_int64(q.value(), 2, now);
  Result<bool> ran = sql::run(q.value());
  if (!ran) return ran;
  return sqlite3_changes(store.db.get()) > 0;
}

Result<std::optional<IdentityFlow>> find_identified_flow(Store& store, const std::string& browser_sha256,
                                                         const std::string& purpose, const std::string& target, int64_t now) {
  Result<sql::Statement> q = prepare(store, std::string("SELECT ") + kColumns +
                                                " FROM identity_flows WHERE browser_sha256 = ?1 AND purpose = ?2 AND target = ?3 "
                                                "AND identified_at IS NOT NULL AND ended_at IS NULL AND identified_at > ?4 "
                                                "AND expires_at > ?5");
  if (!q) return q.errors();
  sql::bind_text(q.value(), 1, browser_sha256);
  sql::bind_text(q.value(), 2, purpose);
  sql::bind_text(q.value(), 3, target);
  sql::bind_int64(q.value(), 4, now - kIdentityValidSeconds);
  sql::bind_int64(q.value(), 5, now);
  return one_flow(q);
}

}  // namespace blankett
