#include "webhooks.h"

#include <cstdlib>
#include <sstream>

#include <sodium.h>

#include "cli_args.h"
#include "clock.h"

namespace blankett {

namespace {

Error bad(const std::string& code, const std::string& message) { return Error{code, "", 0, 0, message}; }

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : ",") + s;
  return out;
}

std::string hmac_hex(const std::string& secret, const std::string& message) {
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(message.data()), message.size());
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_final(&state, mac);
  char hex[sizeof mac * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
  return hex;
}

bool valid_form_id(const std::string& id) {
  if (id.empty() || id.size() > 63 || id[0] < 'a' || id[0] > 'z') return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

Result<bool> step_all(sql::Statement& s) { return sql::run(s); }

}  // namespace

const std::vector<std::string>& webhook_event_names() {
  static const std::vector<std::string> names = {kEventSubmissionCreated, kEventCaseStatusChanged, kEventSignatureCompleted,
                                                 kEventCompletionReceived};
  return names;
}

std::string new_webhook_secret() {
  if (sodium_init() < 0) std::abort();  // no secret from an unseeded generator
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  char hex[sizeof bytes * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
  return hex;
}

Result<int64_t> add_webhook(Store& store, const std::string& form_id, const std::string& url, const std::string& secret,
                            const std::vector<std::string>& events, const std::string& created_by) {
  if (!valid_form_id(form_id)) return Errors{bad("webhook.bad_form", "not a form id: lower-case letters, digits and '-'")};
  const bool scheme = url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0;
  if (!scheme || url.size() > 2000 || url.find_first_of(" \r\n\t") != std::string::npos) {
    return Errors{bad("webhook.bad_url", "the URL must start with https:// (or http:// on a trusted network)")};
  }
  if (secret.size() < 16 || secret.size() > 1024) return Errors{bad("webhook.bad_secret", "the secret must be 16-1024 characters")};
  if (events.empty()) return Errors{bad("webhook.bad_event", "name at least one event")};
  for (const std::string& e : events) {
    bool known = false;
    for (const std::string& n : webhook_event_names()) known = known || n == e;
    if (!known) return Errors{bad("webhook.bad_event", "unknown event '" + e + "'")};
  }
  Result<sql::Statement> s = prepare(store,
      "INSERT INTO webhooks (form_id, url, secret, events, created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  if (!s) return s.errors();
  sql::bind_text(s.value(), 1, form_id);
  sql::bind_text(s.value(), 2, url);
  sql::bind_text(s.value(), 3, secret);
  sql::bind_text(s.value(), 4, join(events));
  sql::bind_text(s.value(), 5, created_by);
  sql::bind_text(s.value(), 6, utc_now());
  Result<bool> done = sql::run(s.value());
  if (!done) return done.errors();
  return static_cast<int64_t>(sqlite3_last_insert_rowid(store.db.get()));
}

Result<std::vector<Webhook>> list_webhooks(Store& store, const std::string& form_id) {
  Result<sql::Statement> s = prepare(store,
      "SELECT id, form_id, url, secret, events, created_by, created_at, COALESCE(disabled_at, '') FROM webhooks "
      "WHERE (?1 = '' OR form_id = ?1) ORDER BY id");
  if (!s) return s.errors();
  sql::bind_text(s.value(), 1, form_id);
  std::vector<Webhook> out;
  for (;;) {
    Result<bool> row = sql::step(s.value());
    if (!row) return row.errors();
    if (!row.value()) break;
    const sql::Statement& r = s.value();
    out.push_back(Webhook{sql::column_int64(r, 0), sql::column_text(r, 1), sql::column_text(r, 2), sql::column_text(r, 3),
                          split_commas(sql::column_text(r, 4)), sql::column_text(r, 5), sql::column_text(r, 6), sql::column_text(r, 7)});
  }
  return out;
}

Result<bool> disable_webhook(Store& store, int64_t id) {
  Result<sql::Statement> s = prepare(store,
      "UPDATE webhooks SET disabled_at = COALESCE(disabled_at, ?2) WHERE id = ?1");
  if (!s) return s.errors();
  sql::bind_int64(s.value(), 1, id);
  sql::bind_text(s.value(), 2, utc_now());
  Result<bool> done = sql::run(s.value());
  if (!done) return done.errors();
  if (sqlite3_changes(store.db.get()) == 0) return Errors{bad("webhook.not_found", "no webhook " + std::to_string(id))};
  return true;
}

std::string webhook_signature_header(const std::string& secret, const std::string& body, int64_t unix_time) {
  const std::string t = std::to_string(unix_time);
  return "t=" + t + ",v1=" + hmac_hex(secret, t + "." + body);
}

bool verify_webhook_signature(const std::string& secret, const std::string& header, const std::string& body, int64_t now,
                              int64_t tolerance_seconds) {
  std::string t;
  std::vector<std::string> v1s;
  for (const std::string& part : split_commas(header)) {
    if (part.rfind("t=", 0) == 0) t = part.substr(2);
    else if (part.rfind("v1=", 0) == 0) v1s.push_back(part.substr(3));
  }
  if (t.empty() || t.size() > 18 || t.find_first_not_of("0123456789") != std::string::npos || v1s.empty()) return false;
  const int64_t when = std::strtoll(t.c_str(), nullptr, 10);
  if (when > now + tolerance_seconds || when < now - tolerance_seconds) return false;
  const std::string expected = hmac_hex(secret, t + "." + body);
  for (const std::string& v : v1s) {
    if (v.size() == expected.size() && sodium_memcmp(v.data(), expected.data(), expected.size()) == 0) return true;
  }
  return false;
}

nlohmann::json webhook_payload(const std::string& event, const std::string& form_id, const std::string& reference,
                               int64_t seq, const std::string& at, const std::string& status) {
  nlohmann::json p = {{"event", event}, {"form", form_id}, {"reference", reference}, {"seq", seq}, {"at", at}};
  if (!status.empty()) p["status"] = status;
  return p;
}

Result<int> enqueue_webhook_event(Store& store, const std::string& form_id, const std::string& event,
                                  const std::string& event_key, const nlohmann::json& payload) {
  Result<std::vector<Webhook>> hooks = list_webhooks(store, form_id);
  if (!hooks) return hooks.errors();
  int added = 0;
  const std::string body = payload.dump();
  for (const Webhook& h : hooks.value()) {
    if (!h.disabled_at.empty()) continue;
    bool wants = false;
    for (const std::string& e : h.events) wants = wants || e == event;
    if (!wants) continue;
    Result<sql::Statement> s = prepare(store,
        "INSERT OR IGNORE INTO webhook_deliveries (webhook_id, event, event_key, payload) VALUES (?1, ?2, ?3, ?4)");
    if (!s) return s.errors();
    sql::bind_int64(s.value(), 1, h.id);
    sql::bind_text(s.value(), 2, event);
    sql::bind_text(s.value(), 3, event_key);
    sql::bind_text(s.value(), 4, body);
    Result<bool> done = step_all(s.value());
    if (!done) return done.errors();
    added += sqlite3_changes(store.db.get());
  }
  return added;
}

namespace {

constexpr const char* kDeliveryColumns =
    "d.id, d.webhook_id, d.event, d.event_key, d.payload, d.state, d.attempts, d.next_attempt_at, d.last_status, "
    "d.last_error, COALESCE(d.delivered_at, ''), w.url, w.secret";

Result<std::vector<WebhookDelivery>> read_deliveries(sql::Statement& s) {
  std::vector<WebhookDelivery> out;
  for (;;) {
    Result<bool> row = sql::step(s);
    if (!row) return row.errors();
    if (!row.value()) break;
    WebhookDelivery d;
    d.id = sql::column_int64(s, 0);
    d.webhook_id = sql::column_int64(s, 1);
    d.event = sql::column_text(s, 2);
    d.event_key = sql::column_text(s, 3);
    d.payload = sql::column_text(s, 4);
    d.state = sql::column_text(s, 5);
    d.attempts = sql::column_int64(s, 6);
    d.next_attempt_at = sql::column_int64(s, 7);
    d.last_status = sql::column_int64(s, 8);
    d.last_error = sql::column_text(s, 9);
    d.delivered_at = sql::column_text(s, 10);
    d.url = sql::column_text(s, 11);
    d.secret = sql::column_text(s, 12);
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace

Result<std::vector<WebhookDelivery>> list_deliveries(Store& store, int64_t webhook_id, int limit) {
  Result<sql::Statement> s = prepare(store, std::string("SELECT ") + kDeliveryColumns +
      " FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id WHERE (?1 = 0 OR d.webhook_id = ?1) "
      "ORDER BY d.id DESC LIMIT ?2");
  if (!s) return s.errors();
  sql::bind_int64(s.value(), 1, webhook_id);
  sql::bind_int64(s.value(), 2, limit);
  return read_deliveries(s.value());
}

Result<std::vector<WebhookDelivery>> due_deliveries(Store& store, int64_t now, int limit) {
  Result<sql::Statement> s = prepare(store, std::string("SELECT ") + kDeliveryColumns +
      " FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id WHERE d.state = 'pending' AND "
      "d.next_attempt_at <= ?1 AND w.disabled_at IS NULL ORDER BY d.next_attempt_at, d.id LIMIT ?2");
  if (!s) return s.errors();
  sql::bind_int64(s.value(), 1, now);
  sql::bind_int64(s.value(), 2, limit);
  return read_deliveries(s.value());
}

Result<bool> record_delivery_attempt(Store& store, int64_t id, bool delivered, int64_t http_status, const std::string& error,
                                     int64_t next_attempt_at, bool give_up, const std::string& now_text) {
  Result<sql::Statement> s = prepare(store,
      "UPDATE webhook_deliveries SET attempts = attempts + 1, last_status = ?2, last_error = ?3, next_attempt_at = ?4, "
      "state = CASE WHEN ?5 THEN 'delivered' WHEN ?6 THEN 'failed' ELSE 'pending' END, "
      "delivered_at = CASE WHEN ?5 THEN ?7 ELSE delivered_at END WHERE id = ?1");
  if (!s) return s.errors();
  sql::bind_int64(s.value(), 1, id);
  sql::bind_int64(s.value(), 2, http_status);
  sql::bind_text(s.value(), 3, error);
  sql::bind_int64(s.value(), 4, next_attempt_at);
  sql::bind_int64(s.value(), 5, delivered ? 1 : 0);
  sql::bind_int64(s.value(), 6, give_up ? 1 : 0);
  sql::bind_text(s.value(), 7, now_text);
  return sql::run(s.value());
}

Result<bool> replay_delivery(Store& store, int64_t delivery_id) {
  Result<sql::Statement> s = prepare(store,
      "UPDATE webhook_deliveries SET state = 'pending', attempts = 0, next_attempt_at = 0, last_error = '' WHERE id = ?1");
  if (!s) return s.errors();
  sql::bind_int64(s.value(), 1, delivery_id);
  Result<bool> done = sql::run(s.value());
  if (!done) return done.errors();
  if (sqlite3_changes(store.db.get()) == 0) {
    return Errors{bad("webhook.delivery_not_found", "no webhook delivery " + std::to_string(delivery_id))};
  }
  return true;
}

}  // namespace blankett
