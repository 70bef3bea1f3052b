#include "dispatcher.h"

#include <algorithm>
#include <chrono>
#include <iostream>

#include <httplib.h>

#include "clock.h"
#include "notifications.h"
#include "signature_store.h"
#include "webhooks.h"

namespace blankett {

namespace {

Result<int64_t> read_cursor(Store& store, const char* name) {
  Result<sql::Statement> s = sql::prepare(store.db.get(), "SELECT position FROM dispatch_cursors WHERE name = ?1");
  if (!s) return s.errors();
  sql::bind_text(s.value(), 1, name);
  Result<bool> row = sql::step(s.value());
  if (!row) return row.errors();
  return row.value() ? sql::column_int64(s.value(), 0) : int64_t{-1};
}

Result<bool> write_cursor(Store& store, const char* name, int64_t position) {
  Result<sql::Statement> s = sql::prepare(store.db.get(),
      "INSERT INTO dispatch_cursors (name, position) VALUES (?1, ?2) "
      "ON CONFLICT (name) DO UPDATE SET position = excluded.position");
  if (!s) return s.errors();
  sql::bind_text(s.value(), 1, name);
  sql::bind_int64(s.value(), 2, position);
  return sql::run(s.value());
}

// Creates a missing cursor at the current end of its table (INSERT OR IGNORE: two
// servers starting at once agree).
Result<bool> init_cursor(Store& store, const char* name, const char* max_sql) {
  Result<sql::Statement> s = sql::prepare(store.db.get(), max_sql);
  if (!s) return s.errors();
  sql::bind_text(s.value(), 1, name);
  return sql::run(s.value());
}

// "https://host:port/path?q" → {"https://host:port", "/path?q"}.
std::pair<std::string, std::string> split_url(const std::string& url) {
  const size_t scheme = url.find("://");
  const size_t slash = scheme == std::string::npos ? std::string::npos : url.find('/', scheme + 3);
  if (slash == std::string::npos) return {url, "/"};
  return {url.substr(0, slash), url.substr(slash)};
}

}  // namespace

int64_t retry_delay_seconds(int64_t attempts) {
  int64_t delay = 10;
  for (int64_t i = 1; i < attempts && delay < 3600; ++i) delay *= 2;
  return std::min<int64_t>(delay, 3600);
}

Dispatcher::Dispatcher(DispatcherOptions options, Store store) : options_(std::move(options)), store_(std::move(store)) {}

Result<std::unique_ptr<Dispatcher>> Dispatcher::open(DispatcherOptions options) {
  Result<Store> store = open_store(options.db_path);
  if (!store) return store.errors();
  Result<bool> cases = init_cursor(store.value(), "cases",
      "INSERT OR IGNORE INTO dispatch_cursors (name, position) SELECT ?1, COALESCE(MAX(seq), 0) FROM cases");
  if (!cases) return cases.errors();
  Result<bool> events = init_cursor(store.value(), "case_events",
      "INSERT OR IGNORE INTO dispatch_cursors (name, position) SELECT ?1, COALESCE(MAX(id), 0) FROM case_events");
  if (!events) return events.errors();
  return std::unique_ptr<Dispatcher>(new Dispatcher(std::move(options), std::move(store).value()));
}

Dispatcher::~Dispatcher() { stop(); }

int64_t Dispatcher::now() const {
  if (options_.now) return options_.now();
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

void Dispatcher::log(const std::string& line) const {
  if (options_.log) std::cerr << "dispatch: " << line << std::endl;
}

void Dispatcher::start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] {
    std::unique_lock<std::mutex> lock(wake_mutex_);
    while (!stopping_) {
      lock.unlock();
      Result<DispatchStats> pass = run_once();
      if (!pass) log("pass failed: " + pass.errors().front().code);
      lock.lock();
      wake_.wait_for(lock, std::chrono::milliseconds(options_.interval_ms), [this] { return stopping_ || nudged_; });
      nudged_ = false;
    }
  });
}

void Dispatcher::stop() {
  {
    std::lock_guard<std::mutex> lock(wake_mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Dispatcher::nudge() {
  {
    std::lock_guard<std::mutex> lock(wake_mutex_);
    nudged_ = true;
  }
  wake_.notify_all();
}

Result<DispatchStats> Dispatcher::run_once() {
  std::lock_guard<std::mutex> pass(pass_mutex_);
  DispatchStats stats;
  Result<int> events = collect_events();
  if (!events) return events.errors();
  stats.events = events.value();
  // Before the webhooks: nothing here queues one, but a flagged case should be visible
  // as soon as possible.
  sweep_signatures(stats);
  send_webhooks(stats);
  send_notifications(stats);
  return stats;
}

// New cases and status changes since the cursors, each batch with its cursor move in one
// transaction: a crash repeats nothing and loses nothing (and the UNIQUE event_key would
// absorb a repeat anyway).
Result<int> Dispatcher::collect_events() {
  int added = 0;
  sqlite3* db = store_.db.get();
  {
    // Most passes find nothing: learn that without taking the write lock.
    Result<sql::Statement> news = sql::prepare(db,
        "SELECT (SELECT COALESCE(MAX(seq), 0) FROM cases) > (SELECT position FROM dispatch_cursors WHERE name = 'cases') "
        "OR (SELECT COALESCE(MAX(id), 0) FROM case_events) > (SELECT position FROM dispatch_cursors WHERE name = 'case_events')");
    if (!news) return news.errors();
    Result<bool> row = sql::step(news.value());
    if (!row) return row.errors();
    if (row.value() && sql::column_int64(news.value(), 0) == 0) return 0;
  }
  {
    // No webhook to deliver to (the usual case): the cursors only skip ahead, at most once
    // a minute, so that a busy server's group-commit writer does not share the write lock
    // and the disk with a dispatcher commit every second. A webhook added later sees at
    // most that minute's events.
    Result<sql::Statement> any = sql::prepare(db, "SELECT EXISTS (SELECT 1 FROM webhooks WHERE disabled_at IS NULL)");
    if (!any) return any.errors();
    Result<bool> row = sql::step(any.value());
    if (!row) return row.errors();
    if (row.value() && sql::column_int64(any.value(), 0) == 0) {
      if (now() - idle_cursor_moved_at_ < 60) return 0;
      idle_cursor_moved_at_ = now();
      Result<bool> moved = sql::exec(db,
          "UPDATE dispatch_cursors SET position = CASE name "
          "WHEN 'cases' THEN (SELECT COALESCE(MAX(seq), 0) FROM cases) "
          "WHEN 'case_events' THEN (SELECT COALESCE(MAX(id), 0) FROM case_events) ELSE position END");
      if (!moved) return moved.errors();
      return 0;
    }
  }
  for (;;) {
    Result<sql::Transaction> txn = sql::Transaction::begin(db);
    if (!txn) return txn.errors();
    Result<int64_t> cases_at = read_cursor(store_, "cases");
    if (!cases_at) return cases_at.errors();
    Result<int64_t> events_at = read_cursor(store_, "case_events");
    if (!events_at) return events_at.errors();
    int64_t cases_to = cases_at.value();
    int64_t events_to = events_at.value();
    int rows = 0;
    {
      Result<sql::Statement> s = sql::prepare(db,
          "SELECT seq, form_id, reference, received_at FROM cases WHERE seq > ?1 ORDER BY seq LIMIT 2000");
      if (!s) return s.errors();
      sql::bind_int64(s.value(), 1, cases_at.value());
      for (;;) {
        Result<bool> row = sql::step(s.value());
        if (!row) return row.errors();
        if (!row.value()) break;
        ++rows;
        const int64_t seq = sql::column_int64(s.value(), 0);
        const std::string form = sql::column_text(s.value(), 1);
        const std::string reference = sql::column_text(s.value(), 2);
        Result<int> n = enqueue_webhook_event(store_, form, kEventSubmissionCreated, "case:" + std::to_string(seq),
            webhook_payload(kEventSubmissionCreated, form, reference, seq, sql::column_text(s.value(), 3)));
        if (!n) return n.errors();
        added += n.value();
        cases_to = seq;
      }
    }
    {
      Result<sql::Statement> s = sql::prepare(db,
          "SELECT e.id, e.seq, e.at, e.detail, c.form_id, c.reference FROM case_events e JOIN cases c ON c.seq = e.seq "
          "WHERE e.id > ?1 AND e.kind = 'status' ORDER BY e.id LIMIT 2000");
      if (!s) return s.errors();
      sql::bind_int64(s.value(), 1, events_at.value());
      for (;;) {
        Result<bool> row = sql::step(s.value());
        if (!row) return row.errors();
        if (!row.value()) break;
        ++rows;
        const int64_t id = sql::column_int64(s.value(), 0);
        const nlohmann::json detail = nlohmann::json::parse(sql::column_text(s.value(), 3), nullptr, false);
        const std::string status = detail.is_object() && detail.contains("to") && detail["to"].is_string()
                                       ? detail["to"].get<std::string>() : "";
        const std::string form = sql::column_text(s.value(), 4);
        Result<int> n = enqueue_webhook_event(store_, form, kEventCaseStatusChanged, "case_event:" + std::to_string(id),
            webhook_payload(kEventCaseStatusChanged, form, sql::column_text(s.value(), 5), sql::column_int64(s.value(), 1),
                            sql::column_text(s.value(), 2), status));
        if (!n) return n.errors();
        added += n.value();
        events_to = id;
      }
    }
    if (rows == 0) return added;  // the transaction rolls back: nothing was written
    if (cases_to != cases_at.value()) {
      Result<bool> w = write_cursor(store_, "cases", cases_to);
      if (!w) return w.errors();
    }
    if (events_to != events_at.value()) {
      Result<bool> w = write_cursor(store_, "case_events", events_to);
      if (!w) return w.errors();
    }
    Result<bool> committed = txn.value().commit();
    if (!committed) return committed.errors();
  }
}

// Deadlines are whole days and links last 30 days, so once a minute is on time; the
// pages decide on the times themselves, so a late sweep never lets anyone sign late. The
// sweep only reads unless something is due: an idle server's dispatcher never takes the
// write lock from the submission writer (see collect_events).
void Dispatcher::sweep_signatures(DispatchStats& stats) {
  const int64_t t = now();
  if (signatures_swept_ && t - signatures_swept_at_ < 60 && t >= signatures_swept_at_) return;
  signatures_swept_ = true;
  signatures_swept_at_ = t;
  Result<SignatureSweep> sweep = sweep_signature_requests(store_, t * 1000);
  if (!sweep) {
    log("signature sweep failed: " + sweep.errors().front().code);
    return;
  }
  stats.signature_links_expired = sweep.value().links_expired;
  stats.signature_deadlines_passed = sweep.value().deadlines_passed;
  if (sweep.value().links_expired + sweep.value().deadlines_passed > 0) {
    log("signatures: " + std::to_string(sweep.value().links_expired) + " links expired, " +
        std::to_string(sweep.value().deadlines_passed) + " deadlines passed");
  }
}

bool Dispatcher::durable(const char* what) const {
  if (!options_.wait_durable || options_.wait_durable()) return true;
  log(std::string("not sending ") + what + ": the submission writer has stopped on a failed sync");
  return false;
}

void Dispatcher::send_webhooks(DispatchStats& stats) {
  Result<std::vector<WebhookDelivery>> due = due_deliveries(store_, now());
  if (!due) {
    log("reading webhook deliveries failed: " + due.errors().front().code);
    return;
  }
  if (!durable("webhook deliveries")) return;
  for (const WebhookDelivery& d : due.value()) {
    {
      std::lock_guard<std::mutex> lock(wake_mutex_);
      if (stopping_) return;
    }
    const auto [base, path] = split_url(d.url);
    httplib::Client client(base);
    client.set_connection_timeout(std::chrono::milliseconds(options_.http_timeout_ms));
    client.set_read_timeout(std::chrono::milliseconds(options_.http_timeout_ms));
    client.set_write_timeout(std::chrono::milliseconds(options_.http_timeout_ms));
    const int64_t t = now();
    httplib::Headers headers = {{"Blankett-Signature", webhook_signature_header(d.secret, d.payload, t)},
                                {"Blankett-Event", d.event},
                                {"Blankett-Delivery", std::to_string(d.id)},
                                {"User-Agent", "Blankett-Webhook/1"}};
    httplib::Result res = client.Post(path, headers, d.payload, "application/json");
    const int status = res ? res->status : 0;
    const bool ok = status >= 200 && status < 300;
    const int64_t attempts = d.attempts + 1;
    const bool give_up = !ok && attempts >= options_.max_attempts;
    const std::string error = ok ? "" : res ? "webhook.http_status " + std::to_string(status)
                                            : "webhook.connect " + httplib::to_string(res.error());
    Result<bool> rec = record_delivery_attempt(store_, d.id, ok, status, error, ok ? t : t + retry_delay_seconds(attempts),
                                               give_up, utc_now());
    if (!rec) log("recording webhook delivery " + std::to_string(d.id) + " failed: " + rec.errors().front().code);
    if (ok) {
      ++stats.webhooks_delivered;
    } else {
      ++stats.webhooks_failed;
      log("webhook delivery " + std::to_string(d.id) + " (webhook " + std::to_string(d.webhook_id) + ") attempt " +
          std::to_string(attempts) + " failed: " + error + (give_up ? "; given up" : ""));
    }
  }
}

// A signing e-mail whose link was replaced, or whose request was signed, expired or closed
// while it waited (the mail server was down) is withdrawn, not sent: signature_store.h
// withdraws most when they happen; a case a caseworker moved on is only caught here.
bool Dispatcher::withdraw_if_stale(const Notification& n) {
  Result<std::string> reason = stale_signing_mail_reason(store_, n.link, utc_now());
  if (!reason) {
    log("checking notification " + std::to_string(n.id) + " failed: " + reason.errors().front().code);
    return false;  // sent as before: a mail too many is better than a signer never told
  }
  if (reason.value().empty()) return false;
  Result<bool> cancelled = cancel_notification(store_, n.id, reason.value());
  if (!cancelled) log("withdrawing notification " + std::to_string(n.id) + " failed: " + cancelled.errors().front().code);
  else log("notification " + std::to_string(n.id) + " withdrawn: its signing link no longer leads anywhere");
  return true;
}

void Dispatcher::send_notifications(DispatchStats& stats) {
  if (options_.smtp.host.empty()) return;
  Result<std::vector<Notification>> due = due_notifications(store_, now());
  if (!due) {
    log("reading notifications failed: " + due.errors().front().code);
    return;
  }
  if (!durable("notifications")) return;
  for (const Notification& n : due.value()) {
    {
      std::lock_guard<std::mutex> lock(wake_mutex_);
      if (stopping_) return;
    }
    if (withdraw_if_stale(n)) {
      ++stats.mails_withdrawn;
      continue;
    }
    Result<bool> sent = send_mail(options_.smtp, MailMessage{n.recipient, n.subject, n.body});
    const int64_t attempts = n.attempts + 1;
    if (sent) {
      Result<bool> rec = mark_notification_sent(store_, n.id, utc_now());
      if (!rec) log("recording notification " + std::to_string(n.id) + " failed: " + rec.errors().front().code);
      ++stats.mails_sent;
      continue;
    }
    const Error& e = sent.errors().front();
    const bool give_up = attempts >= options_.max_attempts;
    // The row keeps the server's reply (addresses masked: mark_notification_failed); the
    // log only the code and the reply's number.
    Result<bool> rec = mark_notification_failed(store_, n.id, e.code + ": " + e.message, now() + retry_delay_seconds(attempts),
                                                give_up);
    if (!rec) log("recording notification " + std::to_string(n.id) + " failed: " + rec.errors().front().code);
    ++stats.mails_failed;
    const size_t colon = e.message.find(": ");
    const std::string reply = e.code == "smtp.rejected" && colon != std::string::npos ? " " + e.message.substr(colon + 2, 3) : "";
    log("notification " + std::to_string(n.id) + " attempt " + std::to_string(attempts) + " failed: " + e.code + reply +
        (give_up ? "; given up" : ""));
  }
}

}  // namespace blankett
