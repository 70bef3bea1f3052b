// The notification outbox: e-mails waiting to be sent (by the dispatcher, dispatcher.h,
// over SMTP, smtp_client.h), with their attempts and last error.
//
// What a message may contain: a short text rendered from a fixed template and a link to
// where the recipient signs in to see more. Never answers, names of other people,
// personal identity numbers or anything else from a submission: e-mail is not a
// confidential channel. Callers pass a rendered text; enqueue_notification refuses
// obviously wrong input (empty fields, a body without its link, control characters in
// the header fields) but cannot know what the text means, so the rule is the caller's.
// docs/notifications.md.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "blankett/error.h"
#include "store.h"

namespace blankett {

struct Notification {
  int64_t id = 0;
  std::string recipient;  // one e-mail address
  std::string subject;
  std::string body;  // plain text; contains `link`
  std::string link;  // https://… (or http:// in development)
  std::string created_at;
  std::string state;  // "pending", "sent", "failed"
  int64_t attempts = 0;
  int64_t next_attempt_at = 0;  // unix seconds
  std::string last_error;  // error code and message, with the SMTP server's reply line
  std::string sent_at;
};

// Adds a pending message, due now; returns its id. Errors "notification.bad_recipient",
// "notification.bad_subject", "notification.bad_link", "notification.bad_body".
Result<int64_t> enqueue_notification(Store& store, const std::string& recipient, const std::string& subject,
                                     const std::string& body_text, const std::string& link);

// Newest first, for an admin view and tests. `state` "" = every state.
Result<std::vector<Notification>> list_notifications(Store& store, const std::string& state = "", int limit = 100);

// For the dispatcher: pending messages due at `now` (unix seconds), oldest first.
Result<std::vector<Notification>> due_notifications(Store& store, int64_t now, int limit = 50);
// Records one attempt: sent, or failed with `error` and the next try at `next_attempt_at`
// (or for good: state "failed" when `give_up`).
Result<bool> mark_notification_sent(Store& store, int64_t id, const std::string& sent_at);
// A failed message back to pending, due now, attempts reset (an administrator fixed the
// address or the mail server). Error "notification.not_found" (or not failed).
Result<bool> retry_notification(Store& store, int64_t id);
Result<bool> mark_notification_failed(Store& store, int64_t id, const std::string& error, int64_t next_attempt_at,
                                      bool give_up);

}  // namespace blankett
