#include "notifications.h"

#include "blankett/utf8.h"
#include "clock.h"

namespace blankett {

namespace {

Error bad(const std::string& code, const std::string& message) { return Error{code, "", 0, 0, message}; }

// RFC 5322 atext and ".", and any byte of a UTF-8 sequence (RFC 6531 addresses).
bool local_part_byte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80 ||
         std::string_view("!#$%&'*+-/=?^_`{|}~.").find(static_cast<char>(c)) != std::string_view::npos;
}
bool domain_byte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80 || c == '.' || c == '-';
}

// Header fields must not carry CR/LF (header injection) or other control characters.
bool has_control(const std::string& text) {
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

bool plausible_address(const std::string& a) {
  const size_t at = a.find('@');
  return a.size() <= 254 && at != std::string::npos && at > 0 && at + 1 < a.size() && a.find('@', at + 1) == std::string::npos &&
         a.find_first_of(" <>,;\"") == std::string::npos && !has_control(a);
}

Notification read_row(const sql::Statement& s) {
  Notification n;
  n.id = sql::column_int64(s, 0);
  n.recipient = sql::column_text(s, 1);
  n.subject = sql::column_text(s, 2);
  n.body = sql::column_text(s, 3);
  n.link = sql::column_text(s, 4);
  n.created_at = sql::column_text(s, 5);
  n.state = sql::column_text(s, 6);
  n.attempts = sql::column_int64(s, 7);
  n.next_attempt_at = sql::column_int64(s, 8);
  n.last_error = sql::column_text(s, 9);
  n.sent_at = sql::column_text(s, 10);
  return n;
}

constexpr const char* kColumns =
    "id, recipient, subject, body, link, created_at, state, attempts, next_attempt_at, last_error, sent_at";

Result<std::vector<Notification>> read_all(sql::Statement& s) {
  std::vector<Notification> out;
  for (;;) {
    Result<bool> row = sql::step(s);
    if (!row) return row.errors();
    if (!row.value()) break;
    out.push_back(read_row(s));
  }
  return out;
}

}  // namespace

std::string masked_email_address(std::string_view address) {
  const size_t at = address.find('@');
  size_t first = 0;
  char32_t cp = 0;
  // The whole first character: half of "å" would not be UTF-8.
  if (at == std::string_view::npos || at == 0 || !next_code_point(address, &first, &cp) || first > at) return "***";
  return std::string(address.substr(0, first)) + "***" + std::string(address.substr(at));
}

std::string mask_email_addresses(std::string_view text) {
  std::string out;
  size_t copied = 0;  // text before this is in `out`
  for (size_t at = text.find('@'); at != std::string_view::npos; at = text.find('@', at + 1)) {
    size_t start = at;
    while (start > copied && local_part_byte(static_cast<unsigned char>(text[start - 1]))) --start;
    size_t end = at + 1;
    while (end < text.size() && domain_byte(static_cast<unsigned char>(text[end]))) ++end;
    while (end > at + 1 && text[end - 1] == '.') --end;  // the full stop of a sentence
    if (start == at || end == at + 1) continue;  // not an address: nothing before or after the "@"
    out.append(text.substr(copied, start - copied));
    out += masked_email_address(text.substr(start, end - start));
    copied = end;
    at = end - 1;
  }
  out.append(text.substr(copied));
  return out;
}

Result<int64_t> enqueue_notification(Store& store, const std::string& recipient, const std::string& subject,
                                     const std::string& body_text, const std::string& link) {
  if (!plausible_address(recipient)) return Errors{bad("notification.bad_recipient", "the recipient is not one e-mail address")};
  if (subject.empty() || subject.size() > 200 || has_control(subject)) {
    return Errors{bad("notification.bad_subject", "the subject must be 1-200 characters on one line")};
  }
  if (!(link.rfind("https://", 0) == 0 || link.rfind("http://", 0) == 0) || has_control(link) || link.size() > 2000) {
    return Errors{bad("notification.bad_link", "the link must be an http(s) URL")};
  }
  if (body_text.empty() || body_text.size() > 20000 || body_text.find(link) == std::string::npos) {
    return Errors{bad("notification.bad_body", "the body must be a short text that contains the link")};
  }
  Result<sql::Statement> s = prepare(store,
      "INSERT INTO notifications (recipient, subject, body, link, created_at) VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!s) return s.errors();
  sql::bind_text(s.value(), 1, recipient);
  sql::bind_text(s.value(), 2, subject);
  sql::bind_text(s.value(), 3, body_text);
  sql::bind_text(s.value(), 4, link);
  sql::bind_text(s.value(), 5, utc_now());
  Result<bool> done = sql::run(s.value());
  if (!done) return done.errors();
  return static_cast<int64_t>(sqlite3_last_insert_rowid(store.db.get()));
}

Result<std::vector<Notification>> list_notifications(Store& store, const std::string& state, int limit) {
  Result<sql::Statement> s = prepare(store, std::string("SELECT ") + kColumns +
      " FROM notifications WHERE (?1 = '' OR state = ?1) ORDER BY id DESC LIMIT ?2");
  if (!s) return s.errors();
  sql::bind_text(s.value(), 1, state);
  sql::bind_int64(s.value(), 2, limit);
  return read_all(s.value());
}

Result<std::vector<Notification>> due_notifications(Store& store, int64_t now, int limit) {
  Result<sql::Statement> s = prepare(store, std::string("SELECT ") + kColumns +
      " FROM notifications WHERE state = 'pending' AND next_attempt_at <= ?1 ORDER BY next_attempt_at, id LIMIT ?2");
  if (!s) return s.errors();
  sql::bind_int64(s.value(), 1, now);
  sql::bind_int64(s.value(), 2, limit);
  return read_all(s.value());
}

Result<bool> mark_notification_sent(Store& store, int64_t id, const std::string& sent_at) {
  Result<sql::Statement> s = prepare(store,
      "UPDATE notifications SET state = 'sent', attempts = attempts + 1, sent_at = ?2, last_error = '' WHERE id = ?1");
  if (!s) return s.errors();
  sql::bind_int64(s.value(), 1, id);
  sql::bind_text(s.value(), 2, sent_at);
  return sql::run(s.value());
}

Result<bool> mark_notification_failed(Store& store, int64_t id, const std::string& error, int64_t next_attempt_at,
                                      bool give_up) {
  // Only a pending row: one withdrawn while the dispatcher tried it stays cancelled, not
  // put back to pending to be sent after all.
  Result<sql::Statement> s = prepare(store,
      "UPDATE notifications SET attempts = attempts + 1, last_error = ?2, next_attempt_at = ?3, "
      "state = CASE WHEN ?4 THEN 'failed' ELSE 'pending' END WHERE id = ?1 AND state = 'pending'");
  if (!s) return s.errors();
  sql::bind_int64(s.value(), 1, id);
  // The outbox shows it, and its recipient column is masked too. (A named string: the
  // statement reads the text when it runs.)
  const std::string masked = mask_email_addresses(error);
  sql::bind_text(s.value(), 2, masked);
  sql::bind_int64(s.value(), 3, next_attempt_at);
  sql::bind_int64(s.value(), 4, give_up ? 1 : 0);
  return sql::run(s.value());
}

Result<bool> retry_notification(Store& store, int64_t id) {
  Result<sql::Statement> s = prepare(store,
      "UPDATE notifications SET state = 'pending', attempts = 0, next_attempt_at = 0 WHERE id = ?1 AND state = 'failed'");
  if (!s) return s.errors();
  sql::bind_int64(s.value(), 1, id);
  Result<bool> done = sql::run(s.value());
  if (!done) return done.errors();
  if (sqlite3_changes(store.db.get()) == 0) return Errors{bad("notification.not_found", "no failed message with that id")};
  return true;
}

Result<std::vector<Notification>> pending_notifications_linking(Store& store, const std::string& fragment) {
  Result<sql::Statement> s = prepare(store, std::string("SELECT ") + kColumns +
      " FROM notifications WHERE state = 'pending' AND instr(link, ?1) > 0 ORDER BY id");
  if (!s) return s.errors();
  sql::bind_text(s.value(), 1, fragment);
  return read_all(s.value());
}

Result<bool> cancel_notification(Store& store, int64_t id, const std::string& reason) {
  Result<sql::Statement> s = prepare(store,
      "UPDATE notifications SET state = 'cancelled', last_error = ?2, next_attempt_at = 0 WHERE id = ?1 AND state = 'pending'");
  if (!s) return s.errors();
  sql::bind_int64(s.value(), 1, id);
  sql::bind_text(s.value(), 2, reason);
  Result<bool> done = sql::run(s.value());
  if (!done) return done.errors();
  return sqlite3_changes(store.db.get()) == 1;
}

}  // namespace blankett
