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
#include <string_view>
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
  std::string state;  // "pending", "sent", "failed", "cancelled" (withdrawn: cancel_notification)
  int64_t attempts = 0;
  int64_t next_attempt_at = 0;  // unix seconds
  // Error code and message, with the SMTP server's reply line (addresses masked); for a
  // cancelled message, why it was withdrawn.
  std::string last_error;
  std::string sent_at;
};

// "a***@kommun.se": the first character and the domain of an address, enough to tell
// messages apart without a list of citizens' addresses on a screen. "***" for a text
// without a local part and an "@".
std::string masked_email_address(std::string_view address);
// `text` with every e-mail address in it masked as masked_email_address does: SMTP
// servers repeat the recipient in their replies ("550 5.1.1 <anna@example.se>: …").
std::string mask_email_addresses(std::string_view text);

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
// address or the mail server). Error "notification.not_found" (or not failed, or
// cancelled).
Result<bool> retry_notification(Store& store, int64_t id);
// `error` is stored with its e-mail addresses masked (mask_email_addresses). A message
// no longer pending (cancelled meanwhile) is left as it is.
Result<bool> mark_notification_failed(Store& store, int64_t id, const std::string& error, int64_t next_attempt_at,
                                      bool give_up);

// Pending messages whose link contains `fragment` (such as "/sign/"), oldest first: for
// the features that must withdraw a message whose link no longer leads anywhere.
Result<std::vector<Notification>> pending_notifications_linking(Store& store, const std::string& fragment);
// Withdraws a pending message, kept in the outbox for the record: state "cancelled" with
// `reason` as its last_error, so the dispatcher never sends it and retry_notification
// refuses it. Returns false when it was not pending (sent or failed meanwhile).
Result<bool> cancel_notification(Store& store, int64_t id, const std::string& reason);

}  // namespace blankett
