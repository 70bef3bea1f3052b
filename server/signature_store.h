// Further signers of a case: the form's "signers" whose condition held when the
// submission arrived (runtime: blankett/signers.h). Each has a row in signature_requests
// with a single-purpose, expiring link token (only its SHA-256 is stored). The case waits
// in "awaiting_signatures" until the last signature moves it to "new". docs/signers.md.
//
// Every change here is one write transaction together with its case history event, its
// audit entry, its e-mail (notifications outbox) and its webhook delivery, so that no
// signer is waited for who was never told and no signature is recorded half.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "blankett/error.h"
#include "blankett/state.h"
#include "case_store.h"
#include "signature_receipt.h"
#include "signing_keys.h"
#include "store.h"

namespace blankett {

// How long a signing link works, and how often a caseworker may send a new one.
inline constexpr int64_t kSigningLinkDays = 30;
inline constexpr int64_t kMaxReminders = 5;                 // per signer
inline constexpr int64_t kReminderIntervalSeconds = 3600;  // per signer

// ---------------------------------------------------------------------------------------
// [SECTION] Links and their e-mail
// ---------------------------------------------------------------------------------------

// A link's token: the time it was made (`now_ms`, milliseconds since 1970, as 12 hex
// digits), then 32 random bytes (libsodium) in base64url without padding: 55 characters.
// Only the random part is secret. The time leads so that the keys of new links sort after
// the older ones: their unique index grows at its end, where a random key would dirty a
// page of its own in every batch of submissions (docs/performance.md).
std::string new_signing_token(int64_t now_ms);
// Whether `token` has the shape of one: anything else is never looked up. Links mailed
// before tokens had their time (43 base64url characters) keep working.
bool plausible_signing_token(std::string_view token);
// What is stored of a token, and looked up by (signature_requests.token_sha256): its time
// prefix followed by the SHA-256 hex of the whole token; for a link from before the time
// prefix, the SHA-256 hex alone.
std::string signing_token_key(std::string_view token);

struct SigningMail {
  std::string subject;
  std::string body;  // plain text holding the link
};
// The fixed text of the e-mail with a signing link, in "sv", "en" or "nb" (others: "sv").
// It says that an application waits for a signature, the link and until when it works;
// never what the application is about, who sent it or any answer (docs/notifications.md).
SigningMail signing_mail(const std::string& lang, const std::string& link, const std::string& expires_at, bool reminder);

// The signature requests a valid, filled-in form needs (runtime required_signers): each
// with a fresh random token, its expiry, and its e-mail (in `lang`, with the link
// public_url + "/sign/" + token). Error (the submission is refused with 422):
// "signer.no_email" / "signer.no_personal_number" with the pointer of the field, for a
// required signer whose field is empty.
Result<std::vector<NewSignatureRequest>> plan_signature_requests(const FormState& state, const std::string& public_url,
                                                                 const std::string& lang);

// Inserts the case's signature requests and queues each signer's e-mail, inside
// insert_submission's transaction (the case row exists already).
Result<bool> insert_signature_requests(Store& store, int64_t seq, const std::vector<NewSignatureRequest>& signers);

// ---------------------------------------------------------------------------------------
// [SECTION] Reading
// ---------------------------------------------------------------------------------------

struct SignatureRequest {
  int64_t id = 0;
  int64_t seq = 0;               // the case
  std::string signer_id;         // the form's signers[].id
  nlohmann::json title;          // as in the form: a string or {lang: text}
  std::string expected_number;   // the personal number the signer must prove, or ""
  std::string email;
  std::string created_at;
  std::string expires_at;        // of the current link
  std::string state;             // "pending", "signed", "expired"
  std::string signed_at;         // "" unless signed
  std::string provider;          // identity provider of the signature, "" unless signed
  std::string receipt;           // the signer's signature receipt (JSON text), "" unless signed
  int64_t reminders = 0;
  std::string last_reminder_at;  // "" when none was sent
  std::string lang;              // of the submitter: the e-mails' language
};

// The case's requests in the form's signer order (by id).
Result<std::vector<SignatureRequest>> list_signature_requests(Store& store, int64_t seq);

// A signing link's request and the case it belongs to.
struct SigningLink {
  SignatureRequest request;
  std::string form_id;
  std::string reference;
  CaseStatus status = CaseStatus::awaiting_signatures;
  std::string signing_deadline;  // "YYYY-MM-DD" or ""
};
Result<std::optional<SigningLink>> find_signing_link(Store& store, std::string_view token_sha256);

enum class LinkState {
  open,     // may be signed now
  done,     // signed already
  expired,  // the link or the case's signing deadline has passed
  closed,   // the case no longer waits for signatures (a caseworker closed it)
};
// `now` in utc_now()'s format. The request's stored state may lag behind the clock (the
// dispatcher marks expiry); this decides on the times themselves.
LinkState signing_link_state(const SigningLink& link, const std::string& now);

// The title's text in `lang` ("sv", "en", "nb"), else Swedish, else any; the signer id
// when the title has no text.
std::string signer_title_text(const nlohmann::json& title, const std::string& lang, const std::string& signer_id);

// ---------------------------------------------------------------------------------------
// [SECTION] Signing
// ---------------------------------------------------------------------------------------

struct SignatureDone {
  nlohmann::json receipt;     // the signer's signature receipt (blankett-signature/1)
  std::string signed_at;
  std::string reference;
  std::string submission_sha256;
  bool case_complete = false;  // this was the last signature: the case is "new" now
};

// Records the signature of the link's request by `who`, at `now`, in one transaction:
// the request becomes signed (with the identity and the signature receipt), a case event
// "signature" and an audit entry (actor "signer:<request id>"); after the last one the
// case moves to "new" (event "status", no user) and a "signature.completed" webhook is
// queued. The request's e-mails still in the outbox are withdrawn. `also` runs inside the transaction before it commits (ending the identity
// flow, so that a flow signs once); its failure rolls everything back.
// Errors: "signature.not_found", "signature.already_signed", "signature.expired",
// "signature.closed", "signature.wrong_person" (the link asks for another personal
// number), "signature.bad_identity" (the provider gave no subject, or a personal number
// not of the form YYYYMMDD-NNNN), "case.no_submission", store errors.
Result<SignatureDone> record_signature(Store& store, const KeyRing& keys, std::string_view token_sha256,
                                       const SignerIdentity& who, const std::string& now,
                                       const std::function<Result<bool>()>& also);

// ---------------------------------------------------------------------------------------
// [SECTION] The caseworker's actions
// ---------------------------------------------------------------------------------------

// A new link for a signer who has not signed (the old link stops working, and its e-mails
// still in the outbox are withdrawn), a new expiry, a new e-mail (in the submitter's
// language), reminders + 1; re-opens an expired request.
// A history event "signature_reminder" and an audit entry by `user_id`. `now_ms` is
// milliseconds since the epoch. Returns the request as it is now. Errors:
// "signature.not_found" (no such signer on the case), "signature.already_signed",
// "signature.not_awaiting" (the case no longer waits for signatures),
// "signature.deadline_passed" (set a new deadline first), "signature.too_soon" (one
// reminder per signer per hour), "signature.too_many" (at most kMaxReminders).
Result<SignatureRequest> remind_signer(Store& store, int64_t seq, std::string_view signer_id, const std::string& public_url,
                                       int64_t user_id, int64_t now_ms);

// Sets the day by the end of which (UTC) every signature is due, and clears the case's
// "signature_deadline_passed" flag. A history event "signing_deadline" and an audit
// entry. Errors: "signature.bad_deadline" (not a date "YYYY-MM-DD", or before the UTC
// day of `now_ms`), "signature.not_awaiting", "case.not_found".
Result<bool> set_signing_deadline(Store& store, int64_t seq, const std::string& date, int64_t user_id, int64_t now_ms);
// Removes the deadline (no day by which signatures are due any more) and clears the flag.
// The same event ("to": null) and audit entry. Returns true when a deadline was removed,
// false when there was none (then nothing is recorded). Errors: "signature.not_awaiting",
// "case.not_found".
Result<bool> remove_signing_deadline(Store& store, int64_t seq, int64_t user_id, int64_t now_ms);

// ---------------------------------------------------------------------------------------
// [SECTION] E-mails whose link no longer leads anywhere
// ---------------------------------------------------------------------------------------
//
// A signing e-mail waits in the outbox while the mail server is down. When its link is
// replaced (a reminder) or its request is signed or expires, the e-mail would bring the
// signer to a dead link or ask for a signature no longer wanted: it is withdrawn
// (notifications.h cancel_notification; kept in the outbox, marked cancelled). remind_signer,
// record_signature and sweep_signature_requests do that in their own transactions.

// The key (signing_token_key) of the token in a signing e-mail's link ("…/sign/<token>"),
// or "" when the link is not one.
std::string signing_link_key(std::string_view link);

// Withdraws the pending e-mails whose link's key is `token_key`, with `reason`. Returns
// how many were withdrawn.
Result<int> cancel_signing_mails(Store& store, std::string_view token_key, const std::string& reason);

// Why a pending e-mail with `link` must not be sent any more: its link was replaced, or
// its request is signed, expired or closed (a caseworker moved the case on: case_store.h
// does not know about the outbox). "" when it may be sent, or is no signing e-mail. The
// dispatcher asks before each send. `now` in utc_now()'s format.
Result<std::string> stale_signing_mail_reason(Store& store, std::string_view link, const std::string& now);

// ---------------------------------------------------------------------------------------
// [SECTION] The dispatcher's sweep
// ---------------------------------------------------------------------------------------

struct SignatureSweep {
  int links_expired = 0;     // requests whose link expired
  int deadlines_passed = 0;  // cases flagged "signature_deadline_passed"
};
// At `now_ms`: for each waiting case whose signing deadline day has passed (UTC) and is
// not flagged yet, its pending requests become expired, the case is flagged and gets one
// event "signature_deadline"; then every pending request whose link has expired becomes
// expired (event "signature_link_expired"). The e-mails of expired requests still in the
// outbox are withdrawn. Reads only (no write transaction) when nothing is due.
Result<SignatureSweep> sweep_signature_requests(Store& store, int64_t now_ms);

}  // namespace blankett
