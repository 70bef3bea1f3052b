// The dispatcher: one background thread of the server that
//  (a) turns new cases (submission.created) and status changes (case.status_changed)
//      into webhook deliveries, by reading past its cursors in dispatch_cursors, so the
//      submission path itself writes nothing extra;
//  (b) sends due webhook deliveries (HTTP POST, signed; 2xx = delivered);
//  (c) sends due notifications over SMTP when SMTP is configured (else they wait),
//      withdrawing instead a signing e-mail whose link no longer leads anywhere;
//  (d) at most once a minute, expires signature requests whose link or whose case's
//      signing deadline has passed, and flags those cases (signature_store.h).
// Failed attempts are retried with exponential backoff (10 s, 20 s, 40 s, … at most
// 1 h) and given up ("failed") after max_attempts; every attempt is recorded on its row.
// Log lines (stderr) carry ids and error codes only, never addresses or content.
// docs/notifications.md, docs/webhooks.md.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "blankett/error.h"
#include "notifications.h"
#include "smtp_client.h"
#include "store.h"

namespace blankett {

struct DispatcherOptions {
  std::string db_path;
  SmtpOptions smtp;  // smtp.host "" = notifications stay pending
  int interval_ms = 1000;
  int max_attempts = 10;
  int http_timeout_ms = 5000;
  std::function<int64_t()> now;  // unix seconds; empty = the system clock
  bool log = true;               // stderr lines (ids and codes only)
  // Waits until everything the submission writer has committed is durable (false: it
  // stopped on a failed sync). Called after reading what is due and before sending it,
  // so that no e-mail or webhook tells of a row a power cut could take back. Empty: the
  // rows read are durable already (tests; no writer).
  std::function<bool()> wait_durable;
};

// The delay before attempt `attempts + 1` after `attempts` failed ones (>= 1).
int64_t retry_delay_seconds(int64_t attempts);

struct DispatchStats {
  int events = 0;  // deliveries created from new cases and status changes
  int webhooks_delivered = 0;
  int webhooks_failed = 0;  // attempts that failed (retried or given up)
  int mails_sent = 0;
  int mails_failed = 0;
  int mails_withdrawn = 0;  // signing e-mails not sent: their link no longer leads anywhere
  int signature_links_expired = 0;     // requests whose link expired in this pass
  int signature_deadlines_passed = 0;  // cases flagged "signature_deadline_passed" in this pass
};

class Dispatcher {
 public:
  // Opens its own store connection. On the first open, its cursors start at the current
  // end of cases and case_events: webhooks get what happens from then on, no backlog.
  static Result<std::unique_ptr<Dispatcher>> open(DispatcherOptions options);
  ~Dispatcher();  // stop()
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  // Runs passes on a background thread every interval_ms (sooner after nudge()).
  void start();
  // Ends the thread (after its current pass) and joins it. Idempotent.
  void stop();
  void nudge();
  // One pass on the calling thread (tests); not at the same time as another pass.
  Result<DispatchStats> run_once();

 private:
  explicit Dispatcher(DispatcherOptions options, Store store);
  int64_t now() const;
  Result<int> collect_events();
  void send_webhooks(DispatchStats& stats);
  void send_notifications(DispatchStats& stats);
  bool withdraw_if_stale(const Notification& n);  // true: not to be sent (withdrawn)
  void sweep_signatures(DispatchStats& stats);
  bool durable(const char* what) const;  // options_.wait_durable, logged when it fails
  void log(const std::string& line) const;

  DispatcherOptions options_;
  std::mutex pass_mutex_;  // one pass at a time; guards store_
  Store store_;
  int64_t idle_cursor_moved_at_ = 0;  // now() when the cursors last skipped ahead with no webhook
  bool signatures_swept_ = false;     // whether sweep_signatures ran at all yet
  int64_t signatures_swept_at_ = 0;   // now() of its last run
  std::mutex wake_mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool nudged_ = false;
  std::thread thread_;
};

}  // namespace blankett
