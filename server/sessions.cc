// Sessions in the store: only the SHA-256 of a token is kept, so the database (or a copy
// of it) opens no session. Expiry is decided here from the `now` the caller passes, which
// lets tests step through time.
#include "sessions.h"

#include <sodium.h>

#include "blankett/submission.h"
#include "clock.h"
#include "signing_keys.h"

namespace blankett {

namespace {


bool sodium_ready() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

// Times are utc_now()'s format (clock.h), so stored times compare as strings; -1 for a
// time that is not.
int64_t epoch_ms(const std::string& t) { return parse_utc_ms(t).value_or(-1); }

Error bad_time(const std::string& now) {
  return Error{"session.bad_time", "", 0, 0, "not an RFC 3339 UTC time: '" + now + "'"};
}

// A token we hand out is 43 base64url characters; anything else is not worth a lookup.
bool plausible_token(std::string_view token) { return token.size() == 43 && is_base64url_text(token); }

// Once a minute is enough to keep the idle clock honest; a write per request is not.
constexpr int64_t kTouchEveryMs = 60 * 1000;

Result<bool> delete_session(Store& store, const std::string& token_sha256) {
  Result<sql::Statement> del = prepare(store, "DELETE FROM sessions WHERE token_sha256 = ?1");
  if (!del) return del.errors();
  sql::bind_text(del.value(), 1, token_sha256);
  return sql::run(del.value());
}

}  // namespace

std::string random_token() {
  unsigned char bytes[32];
  if (!sodium_ready()) std::abort();  // no randomness: never hand out a guessable token
  randombytes_buf(bytes, sizeof bytes);
  std::string token = base64url_encode(bytes, sizeof bytes);
  sodium_memzero(bytes, sizeof bytes);
  return token;
}

bool tokens_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size() || a.empty()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

Result<Session> create_session(Store& store, int64_t user_id, const std::string& now, const SessionPolicy& policy) {
  const int64_t now_ms = epoch_ms(now);
  if (now_ms < 0) return Errors{bad_time(now)};
  Session s;
  s.token = random_token();
  s.token_sha256 = sha256_of(s.token);
  s.user_id = user_id;
  s.csrf_token = random_token();
  s.created_at = format_utc_ms(now_ms);
  s.last_seen_at = s.created_at;
  s.expires_at = format_utc_ms(now_ms + int64_t{policy.absolute_seconds} * 1000);

  Result<sql::Transaction> txn = sql::Transaction::begin(store.db.get());
  if (!txn) return txn.errors();
  // Sessions nobody ended (closed browsers) go here, so the table stays small without a
  // timer thread.
  Result<sql::Statement> sweep = prepare(store, "DELETE FROM sessions WHERE expires_at <= ?1 OR last_seen_at <= ?2");
  if (!sweep) return sweep.errors();
  sql::bind_text(sweep.value(), 1, s.created_at);
  sql::bind_text(sweep.value(), 2, format_utc_ms(now_ms - int64_t{policy.idle_seconds} * 1000));
  Result<bool> swept = sql::run(sweep.value());
  if (!swept) return swept.errors();
  Result<sql::Statement> ins = prepare(store,
                                       "INSERT INTO sessions (token_sha256, user_id, csrf_token, created_at, last_seen_at, "
                                       "expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  if (!ins) return ins.errors();
  sql::bind_text(ins.value(), 1, s.token_sha256);
  sql::bind_int64(ins.value(), 2, user_id);
  sql::bind_text(ins.value(), 3, s.csrf_token);
  sql::bind_text(ins.value(), 4, s.created_at);
  sql::bind_text(ins.value(), 5, s.last_seen_at);
  sql::bind_text(ins.value(), 6, s.expires_at);
  Result<bool> inserted = sql::run(ins.value());
  if (!inserted) return inserted.errors();
  Result<bool> committed = txn.value().commit();
  if (!committed) return committed.errors();
  return s;
}

Result<std::optional<Session>> resume_session(Store& store, std::string_view token, const std::string& now,
                                              const SessionPolicy& policy) {
  const int64_t now_ms = epoch_ms(now);
  if (now_ms < 0) return Errors{bad_time(now)};
  if (!plausible_token(token)) return std::optional<Session>();
  Session s;
  s.token_sha256 = sha256_of(token);
  bool disabled = false;
  {
    Result<sql::Statement> q = prepare(store,
                                       "SELECT s.user_id, s.csrf_token, s.created_at, s.last_seen_at, s.expires_at, u.disabled "
                                       "FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_sha256 = ?1");
    if (!q) return q.errors();
    sql::bind_text(q.value(), 1, s.token_sha256);
    Result<bool> row = sql::step(q.value());
    if (!row) return row.errors();
    if (!row.value()) return std::optional<Session>();
    s.user_id = sql::column_int64(q.value(), 0);
    s.csrf_token = sql::column_text(q.value(), 1);
    s.created_at = sql::column_text(q.value(), 2);
    s.last_seen_at = sql::column_text(q.value(), 3);
    s.expires_at = sql::column_text(q.value(), 4);
    disabled = sql::column_int64(q.value(), 5) != 0;
  }
  const int64_t last_seen_ms = epoch_ms(s.last_seen_at);
  const int64_t expires_ms = epoch_ms(s.expires_at);
  const bool idle = last_seen_ms < 0 || now_ms - last_seen_ms >= int64_t{policy.idle_seconds} * 1000;
  const bool expired = expires_ms < 0 || now_ms >= expires_ms;
  if (disabled || idle || expired) {
    Result<bool> removed = delete_session(store, s.token_sha256);
    if (!removed) return removed.errors();
    return std::optional<Session>();
  }
  if (now_ms - last_seen_ms >= kTouchEveryMs) {
    s.last_seen_at = format_utc_ms(now_ms);
    Result<sql::Statement> touch = prepare(store, "UPDATE sessions SET last_seen_at = ?1 WHERE token_sha256 = ?2");
    if (!touch) return touch.errors();
    sql::bind_text(touch.value(), 1, s.last_seen_at);
    sql::bind_text(touch.value(), 2, s.token_sha256);
    Result<bool> touched = sql::run(touch.value());
    if (!touched) return touched.errors();
  }
  return std::optional<Session>(std::move(s));
}

Result<bool> end_session(Store& store, std::string_view token) {
  if (!plausible_token(token)) return false;
  Result<bool> removed = delete_session(store, sha256_of(token));
  if (!removed) return removed;
  return sqlite3_changes(store.db.get()) > 0;
}

Result<bool> end_sessions_of(Store& store, int64_t user_id) {
  Result<sql::Statement> del = prepare(store, "DELETE FROM sessions WHERE user_id = ?1");
  if (!del) return del.errors();
  sql::bind_int64(del.value(), 1, user_id);
  return sql::run(del.value());
}

}  // namespace blankett
