// Webhooks for business systems: per form, a URL that receives a signed JSON POST on
// events. Deliveries are rows of webhook_deliveries, sent and retried by the dispatcher
// (dispatcher.h); each (webhook, event) is delivered once, and a delivery can be
// replayed. Payloads carry ids only, never answers. docs/webhooks.md.
//
// Signature header: "Blankett-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret,
// "<t>.<body>")>". The secret is stored as given (it is needed to sign); the database
// file is 0600 in a 0700 directory.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "blankett/error.h"
#include "store.h"

namespace blankett {

inline constexpr const char* kEventSubmissionCreated = "submission.created";
inline constexpr const char* kEventCaseStatusChanged = "case.status_changed";
inline constexpr const char* kEventSignatureCompleted = "signature.completed";
inline constexpr const char* kEventCompletionReceived = "completion.received";
const std::vector<std::string>& webhook_event_names();  // the four above

struct Webhook {
  int64_t id = 0;
  std::string form_id;
  std::string url;
  std::string secret;
  std::vector<std::string> events;
  std::string created_by;  // "cli", "user:<id>"
  std::string created_at;
  std::string disabled_at;  // "" while active
};

// Errors "webhook.bad_form", "webhook.bad_url" (http:// or https:// only),
// "webhook.bad_secret" (at least 16 characters), "webhook.bad_event".
Result<int64_t> add_webhook(Store& store, const std::string& form_id, const std::string& url, const std::string& secret,
                            const std::vector<std::string>& events, const std::string& created_by);
// `form_id` "" = every form. Oldest first.
Result<std::vector<Webhook>> list_webhooks(Store& store, const std::string& form_id = "");
// Error "webhook.not_found". Pending deliveries of a disabled webhook are not sent.
Result<bool> disable_webhook(Store& store, int64_t id);

// 32 random bytes as 64 hex digits: a secret for `webhook add` without --secret.
std::string new_webhook_secret();

std::string webhook_signature_header(const std::string& secret, const std::string& body, int64_t unix_time);
// For receivers and tests: the header parses, its v1 matches the body and secret
// (constant-time compare), and |now - t| <= tolerance_seconds.
bool verify_webhook_signature(const std::string& secret, const std::string& header, const std::string& body, int64_t now,
                              int64_t tolerance_seconds = 300);

// {"event","form","reference","seq","at"} plus "status" when not empty. Ids only.
nlohmann::json webhook_payload(const std::string& event, const std::string& form_id, const std::string& reference,
                               int64_t seq, const std::string& at, const std::string& status = "");

// For every active webhook of `form_id` subscribed to `event`, a pending delivery of
// `payload`, unless one with this `event_key` (e.g. "case:12") exists already. Returns how
// many were added. Signers and completion requests call this for their events.
Result<int> enqueue_webhook_event(Store& store, const std::string& form_id, const std::string& event,
                                  const std::string& event_key, const nlohmann::json& payload);

struct WebhookDelivery {
  int64_t id = 0;
  int64_t webhook_id = 0;
  std::string event;
  std::string event_key;
  std::string payload;
  std::string state;  // "pending", "delivered", "failed"
  int64_t attempts = 0;
  int64_t next_attempt_at = 0;
  int64_t last_status = 0;  // HTTP status of the last attempt, 0 if none came
  std::string last_error;
  std::string delivered_at;
  std::string url;     // of the webhook
  std::string secret;  // of the webhook
};

// Newest first; `webhook_id` 0 = all.
Result<std::vector<WebhookDelivery>> list_deliveries(Store& store, int64_t webhook_id = 0, int limit = 100);
// Pending deliveries due at `now` of active webhooks, oldest first.
Result<std::vector<WebhookDelivery>> due_deliveries(Store& store, int64_t now, int limit = 50);
Result<bool> record_delivery_attempt(Store& store, int64_t id, bool delivered, int64_t http_status, const std::string& error,
                                     int64_t next_attempt_at, bool give_up, const std::string& now_text);
// Back to pending, due now, attempts reset (its event_key stays). Error "webhook.delivery_not_found".
Result<bool> replay_delivery(Store& store, int64_t delivery_id);

}  // namespace blankett
