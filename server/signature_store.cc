// Signature requests (signature_store.h): planning them with a submission, reading them,
// signing, reminders, deadlines and the dispatcher's sweep. Index of this file:
//   [SECTION] Small helpers
//   [SECTION] Links and their e-mail
//   [SECTION] Reading
//   [SECTION] Signing
//   [SECTION] The caseworker's actions
//   [SECTION] E-mails whose link no longer leads anywhere
//   [SECTION] The dispatcher's sweep
#include "signature_store.h"

#include <sodium.h>

#include <algorithm>
#include <cstdio>

#include "audit_log.h"
#include "blankett/form.h"
#include "blankett/signers.h"
#include "blankett/submission.h"
#include "clock.h"
#include "notifications.h"
#include "receipt.h"
#include "sqlite_db.h"
#include "webhooks.h"

namespace blankett {

namespace {

using nlohmann::json;

constexpr int64_t kDayMs = 86400000;

//----------------------------------------------------------------------------------------
// [SECTION] Small helpers
//----------------------------------------------------------------------------------------

Error signature_error(const char* code, const std::string& message) { return Error{code, "", 0, 0, message}; }

// The columns read_request reads, in its order (r: signature_requests).
constexpr const char* kRequestColumns =
    "r.id, r.seq, r.signer_id, r.title, r.expected_number, r.email, r.created_at, r.expires_at, r.state, r.signed_at, "
    "r.provider, r.receipt, r.reminders, r.last_reminder_at, r.lang";
constexpr int kRequestColumnCount = 15;

SignatureRequest read_request(const sql::Statement& s) {
  SignatureRequest r;
  r.id = sql::column_int64(s, 0);
  r.seq = sql::column_int64(s, 1);
  r.signer_id = sql::column_text(s, 2);
  r.title = json::parse(sql::column_text(s, 3), nullptr, false);
  if (r.title.is_discarded()) r.title = nullptr;
  r.expected_number = sql::column_text(s, 4);
  r.email = sql::column_text(s, 5);
  r.created_at = sql::column_text(s, 6);
  r.expires_at = sql::column_text(s, 7);
  r.state = sql::column_text(s, 8);
  r.signed_at = sql::column_text(s, 9);
  r.provider = sql::column_text(s, 10);
  r.receipt = sql::column_text(s, 11);
  r.reminders = sql::column_int64(s, 12);
  r.last_reminder_at = sql::column_text(s, 13);
  r.lang = sql::column_text(s, 14);
  return r;
}

// What the changes here need of a case.
struct CaseRow {
  int64_t seq = 0;
  std::string form_id, reference, status, signing_deadline, flag, updated_at;
};

Result<std::optional<CaseRow>> read_case_row(Store& store, int64_t seq) {
  Result<sql::Statement> s = prepare(
      store, "SELECT seq, form_id, reference, status, signing_deadline, flag, updated_at FROM cases WHERE seq = ?1");
  if (!s) return s.errors();
  sql::bind_int64(s.value(), 1, seq);
  Result<bool> row = sql::step(s.value());
  if (!row) return row.errors();
  if (!row.value()) return std::optional<CaseRow>();
  const sql::Statement& st = s.value();
  return std::optional<CaseRow>(CaseRow{sql::column_int64(st, 0), sql::column_text(st, 1), sql::column_text(st, 2),
                                        sql::column_text(st, 3), sql::column_text(st, 4), sql::column_text(st, 5),
                                        sql::column_text(st, 6)});
}

Result<bool> touch_case(Store& store, const CaseRow& c, const std::string& now) {
  Result<sql::Statement> s = prepare(store, "UPDATE cases SET updated_at = ?2 WHERE seq = ?1");
  if (!s) return s.errors();
  sql::bind_int64(s.value(), 1, c.seq);
  sql::bind_text(s.value(), 2, case_updated_at_after(c.updated_at, now));
  return sql::run(s.value());
}

Result<bool> audit(Store& store, const std::string& at, const std::string& actor, const char* action, const std::string& reference,
                   json detail) {
  AuditEntry e;
  e.at = at;
  e.actor = actor;
  e.action = action;
  e.target = "case:" + reference;
  e.detail = std::move(detail);
  Result<AuditEntry> added = append_audit(store, std::move(e), true);
  if (!added) return added.errors();
  return true;
}

std::string normalised_lang(const std::string& lang) { return lang == "en" || lang == "nb" ? lang : "sv"; }

constexpr std::string_view kSignPath = "/sign/";
constexpr const char* kMailReplaced = "the signing link was replaced by a reminder";
constexpr const char* kMailSigned = "the request is signed";
constexpr const char* kMailExpired = "the signing link or deadline has passed";
constexpr const char* kMailClosed = "the case no longer waits for signatures";

// Withdraws the outbox e-mails of the requests `where` selects (a condition on
// signature_requests with ?1 = `value`), before a change makes their links dead.
Result<bool> cancel_mails_of_requests(Store& store, const char* where, int64_t value, const char* reason);

// "2026-09-14 10:12 UTC" of an RFC 3339 UTC time: when a link stops working, for the mail.
std::string mail_time(const std::string& rfc3339) {
  if (rfc3339.size() < 16) return rfc3339;
  return rfc3339.substr(0, 10) + " " + rfc3339.substr(11, 5) + " UTC";
}

//----------------------------------------------------------------------------------------
// [SECTION] Links and their e-mail (the fixed texts)
//----------------------------------------------------------------------------------------

struct MailText {
  const char* lang;
  const char* subject;
  const char* reminder_subject;
  const char* opening;           // first mail
  const char* reminder_opening;  // reminder
  const char* rest;              // "{link}" and "{until}" are replaced
};

const MailText kMailTexts[] = {
    {"sv", "En ansökan väntar på din underskrift", "Påminnelse: en ansökan väntar på din underskrift",
     "Hej!\n\nEn ansökan som har lämnats in i kommunens e-tjänst väntar på din underskrift.\n\n",
     "Hej!\n\nEn ansökan som har lämnats in i kommunens e-tjänst väntar fortfarande på din underskrift. "
     "Länken nedan ersätter den du fick tidigare; den gamla länken fungerar inte längre.\n\n",
     "Öppna länken, legitimera dig och läs ansökan innan du skriver under:\n{link}\n\n"
     "Länken gäller till {until} och är personlig: skicka inte vidare den.\n\n"
     "Har du inte väntat dig det här meddelandet kan du bortse från det.\n"},
    {"en", "An application is waiting for your signature", "Reminder: an application is waiting for your signature",
     "Hello,\n\nAn application submitted through the municipality's e-service is waiting for your signature.\n\n",
     "Hello,\n\nAn application submitted through the municipality's e-service is still waiting for your signature. "
     "The link below replaces the one you received before; the old link no longer works.\n\n",
     "Open the link, identify yourself and read the application before you sign:\n{link}\n\n"
     "The link works until {until} and is meant for you only: do not forward it.\n\n"
     "If you did not expect this message, you can ignore it.\n"},
    {"nb", "En søknad venter på din signatur", "Påminnelse: en søknad venter på din signatur",
     "Hei!\n\nEn søknad som er sendt inn i kommunens e-tjeneste, venter på din signatur.\n\n",
     "Hei!\n\nEn søknad som er sendt inn i kommunens e-tjeneste, venter fortsatt på din signatur. "
     "Lenken nedenfor erstatter den du fikk tidligere; den gamle lenken virker ikke lenger.\n\n",
     "Åpne lenken, identifiser deg og les søknaden før du signerer:\n{link}\n\n"
     "Lenken gjelder til {until} og er personlig: ikke send den videre.\n\n"
     "Hvis du ikke ventet denne meldingen, kan du se bort fra den.\n"},
};

const MailText& mail_text(const std::string& lang) {
  for (const MailText& t : kMailTexts) {
    if (lang == t.lang) return t;
  }
  return kMailTexts[0];
}

void replace_all(std::string* text, const std::string& what, const std::string& with) {
  for (size_t at = text->find(what); at != std::string::npos; at = text->find(what, at + with.size())) {
    text->replace(at, what.size(), with);
  }
}

// The language a planned request's first e-mail was written in: NewSignatureRequest
// (store.h) carries the rendered mail, not its language, and reminders need it.
std::string lang_of_planned_mail(const NewSignatureRequest& r) {
  for (const MailText& t : kMailTexts) {
    if (r.mail_subject == t.subject) return t.lang;
  }
  return "sv";
}

constexpr size_t kTokenTimeDigits = 12;      // 48 bits of milliseconds: until the year 10889
constexpr size_t kTokenSecretChars = 43;     // 32 bytes, base64url without padding
constexpr size_t kTokenChars = kTokenTimeDigits + kTokenSecretChars;

}  // namespace

std::string new_signing_token(int64_t now_ms) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium cannot start");
  // Fixed-width lower-case hex compares as strings the way the times compare as numbers.
  char time[kTokenTimeDigits + 1];
  std::snprintf(time, sizeof time, "%012llx", static_cast<unsigned long long>(std::max<int64_t>(now_ms, 0)) & 0xffffffffffffULL);
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  std::string token = std::string(time, kTokenTimeDigits) + base64url_encode(bytes, sizeof bytes);
  sodium_memzero(bytes, sizeof bytes);
  return token;
}

bool plausible_signing_token(std::string_view token) {
  if (token.size() == kTokenSecretChars) return is_base64url_text(token);  // a link from before the time prefix
  return token.size() == kTokenChars && is_lower_hex(token.substr(0, kTokenTimeDigits)) &&
         is_base64url_text(token.substr(kTokenTimeDigits));
}

std::string signing_token_key(std::string_view token) {
  if (token.size() != kTokenChars) return sha256_of(token);
  return std::string(token.substr(0, kTokenTimeDigits)) + sha256_of(token);
}

SigningMail signing_mail(const std::string& lang, const std::string& link, const std::string& expires_at, bool reminder) {
  const MailText& t = mail_text(normalised_lang(lang));
  std::string body = std::string(reminder ? t.reminder_opening : t.opening) + t.rest;
  replace_all(&body, "{until}", mail_time(expires_at));
  replace_all(&body, "{link}", link);
  return SigningMail{reminder ? t.reminder_subject : t.subject, body};
}

Result<std::vector<NewSignatureRequest>> plan_signature_requests(const FormState& state, const std::string& public_url,
                                                                 const std::string& lang) {
  const std::vector<RequiredSigner> required = required_signers(state);
  std::vector<NewSignatureRequest> out;
  if (required.empty()) return out;
  // The loader checked that each signer names a personnummer and an email field; their
  // ids give the pointer of an empty one.
  const json& definition = form_definition(*state.form());
  const auto signers = definition.find("signers");  // not value(): that copies the array per submission
  static const json kNone = json::array();
  const json& declared = signers != definition.end() ? *signers : kNone;
  const int64_t now_ms = utc_now_ms();
  const std::string expires_at = format_utc_ms(now_ms + kSigningLinkDays * kDayMs);
  for (const RequiredSigner& s : required) {
    std::string number_field, email_field;
    for (const json& d : declared) {
      if (d.is_object() && d.value("id", "") == s.id) {
        number_field = d.value("personal_number", "");
        email_field = d.value("email", "");
      }
    }
    if (s.email.empty()) {
      return Errors{Error{"signer.no_email", "/" + email_field, 0, 0,
                          "signer '" + s.id + "' must sign, and their e-mail address is needed to send them the link"}};
    }
    if (s.personal_number.empty()) {
      return Errors{Error{"signer.no_personal_number", "/" + number_field, 0, 0,
                          "signer '" + s.id + "' must sign, and their personal identity number is needed to check who signs"}};
    }
    const std::string token = new_signing_token(now_ms);
    NewSignatureRequest r;
    r.signer_id = s.id;
    r.title_json = s.title.dump();
    r.expected_number = s.personal_number;
    r.email = s.email;
    r.token_sha256 = signing_token_key(token);
    r.expires_at = expires_at;
    r.link = public_url + "/sign/" + token;
    SigningMail mail = signing_mail(lang, r.link, expires_at, false);
    r.mail_subject = std::move(mail.subject);
    r.mail_body = std::move(mail.body);
    out.push_back(std::move(r));
  }
  return out;
}

Result<bool> insert_signature_requests(Store& store, int64_t seq, const std::vector<NewSignatureRequest>& signers) {
  Result<sql::Statement> insert = prepare(
      store, "INSERT INTO signature_requests (seq, signer_id, title, expected_number, email, token_sha256, created_at, expires_at, lang) "
             "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  if (!insert) return insert.errors();
  const std::string now = utc_now();
  for (const NewSignatureRequest& r : signers) {
    sql::Statement& s = insert.value();
    sql::reset(s);
    sql::bind_int64(s, 1, seq);
    sql::bind_text(s, 2, r.signer_id);
    sql::bind_text(s, 3, r.title_json);
    sql::bind_text(s, 4, r.expected_number);
    sql::bind_text(s, 5, r.email);
    sql::bind_text(s, 6, r.token_sha256);
    sql::bind_text(s, 7, now);
    sql::bind_text(s, 8, r.expires_at);
    sql::bind_text(s, 9, lang_of_planned_mail(r));
    Result<bool> done = sql::run(s);
    if (!done) return done.errors();
    // The link goes out through the outbox, committed with the request: no signer is
    // waited for who was never told.
    Result<int64_t> mail = enqueue_notification(store, r.email, r.mail_subject, r.mail_body, r.link);
    if (!mail) return mail.errors();
  }
  return true;
}

//----------------------------------------------------------------------------------------
// [SECTION] Reading
//----------------------------------------------------------------------------------------

Result<std::vector<SignatureRequest>> list_signature_requests(Store& store, int64_t seq) {
  Result<sql::Statement> s =
      prepare(store, std::string("SELECT ") + kRequestColumns + " FROM signature_requests r WHERE r.seq = ?1 ORDER BY r.id");
  if (!s) return s.errors();
  sql::bind_int64(s.value(), 1, seq);
  std::vector<SignatureRequest> out;
  for (;;) {
    Result<bool> row = sql::step(s.value());
    if (!row) return row.errors();
    if (!row.value()) return out;
    out.push_back(read_request(s.value()));
  }
}

Result<std::optional<SigningLink>> find_signing_link(Store& store, std::string_view token_sha256) {
  Result<sql::Statement> s = prepare(store, std::string("SELECT ") + kRequestColumns +
                                                ", c.form_id, c.reference, c.status, c.signing_deadline "
                                                "FROM signature_requests r JOIN cases c ON c.seq = r.seq WHERE r.token_sha256 = ?1");
  if (!s) return s.errors();
  sql::bind_text(s.value(), 1, token_sha256);
  Result<bool> row = sql::step(s.value());
  if (!row) return row.errors();
  if (!row.value()) return std::optional<SigningLink>();
  SigningLink link;
  link.request = read_request(s.value());
  const int c = kRequestColumnCount;
  link.form_id = sql::column_text(s.value(), c);
  link.reference = sql::column_text(s.value(), c + 1);
  link.status = parse_case_status(sql::column_text(s.value(), c + 2)).value_or(CaseStatus::closed);
  link.signing_deadline = sql::column_text(s.value(), c + 3);
  return std::optional<SigningLink>(std::move(link));
}

LinkState signing_link_state(const SigningLink& link, const std::string& now) {
  const SignatureRequest& r = link.request;
  if (r.state == "signed") return LinkState::done;
  if (link.status != CaseStatus::awaiting_signatures) return LinkState::closed;
  if (r.state != "pending" || r.expires_at <= now) return LinkState::expired;
  // The deadline is the end of its day in UTC: passed once the UTC date is later.
  if (!link.signing_deadline.empty() && link.signing_deadline < now.substr(0, 10)) return LinkState::expired;
  return LinkState::open;
}

std::string signer_title_text(const json& title, const std::string& lang, const std::string& signer_id) {
  if (title.is_string() && !title.get_ref<const std::string&>().empty()) return title.get<std::string>();
  if (title.is_object()) {
    for (const std::string& l : {lang, std::string("sv")}) {
      const auto it = title.find(l);
      if (it != title.end() && it->is_string() && !it->get_ref<const std::string&>().empty()) return it->get<std::string>();
    }
    for (const auto& item : title.items()) {
      if (item.value().is_string() && !item.value().get_ref<const std::string&>().empty()) return item.value().get<std::string>();
    }
  }
  return signer_id;
}

//----------------------------------------------------------------------------------------
// [SECTION] Signing
//----------------------------------------------------------------------------------------

Result<SignatureDone> record_signature(Store& store, const KeyRing& keys, std::string_view token_sha256, const SignerIdentity& who,
                                       const std::string& now, const std::function<Result<bool>()>& also) {
  Result<sql::Transaction> txn = sql::Transaction::begin(store.db.get());
  if (!txn) return txn.errors();
  // Read again under the write lock: a second POST with the same link waits here and
  // then finds the request signed.
  Result<std::optional<SigningLink>> found = find_signing_link(store, token_sha256);
  if (!found) return found.errors();
  if (!found.value()) return Errors{signature_error("signature.not_found", "no signature request has this link")};
  const SigningLink& link = *found.value();
  const SignatureRequest& r = link.request;
  switch (signing_link_state(link, now)) {
    case LinkState::done: return Errors{signature_error("signature.already_signed", "this request is signed already")};
    case LinkState::closed: return Errors{signature_error("signature.closed", "the case no longer waits for signatures")};
    case LinkState::expired: return Errors{signature_error("signature.expired", "the link or the signing deadline has passed")};
    case LinkState::open: break;
  }
  if (!r.expected_number.empty() && who.personal_number != r.expected_number) {
    return Errors{signature_error("signature.wrong_person", "the link is for another person")};
  }
  Result<std::optional<StoredSubmission>> submission = get_submission(store, r.seq);
  if (!submission) return submission.errors();
  if (!submission.value()) return Errors{signature_error("case.no_submission", "the case has no submission")};
  const StoredSubmission& sub = *submission.value();
  Result<std::optional<CaseRow>> case_row = read_case_row(store, r.seq);
  if (!case_row) return case_row.errors();
  if (!case_row.value()) return Errors{signature_error("case.no_submission", "the case has no row")};
  const CaseRow& c = *case_row.value();

  SignatureReceiptFields fields;
  fields.reference = sub.reference;
  fields.form_id = sub.form_id;
  fields.form_version = sub.version;
  fields.signer = r.signer_id;
  fields.signer_identity = who;
  fields.signed_at = now;
  fields.submission_sha256 = sub.submission_sha256;
  fields.receipt_sha256 = sub.receipt_sha256;
  json receipt;
  try {
    receipt = sign_signature_receipt(fields, keys);
  } catch (const std::invalid_argument& e) {
    return Errors{signature_error("signature.bad_identity", e.what())};
  }

  {
    Result<sql::Statement> s = prepare(store,
        "UPDATE signature_requests SET state = 'signed', signed_at = ?2, provider = ?3, subject = ?4, signer_number = ?5, "
        "receipt = ?6 WHERE id = ?1 AND state = 'pending'");
    if (!s) return s.errors();
    sql::bind_int64(s.value(), 1, r.id);
    sql::bind_text(s.value(), 2, now);
    sql::bind_text(s.value(), 3, who.provider);
    sql::bind_text(s.value(), 4, who.subject);
    sql::bind_text(s.value(), 5, who.personal_number);
    sql::bind_text(s.value(), 6, receipt.dump());
    Result<bool> updated = sql::run(s.value());
    if (!updated) return updated.errors();
    if (sqlite3_changes(store.db.get()) != 1) return Errors{signature_error("signature.already_signed", "this request is signed already")};
  }
  Result<int> withdrawn = cancel_signing_mails(store, token_sha256, kMailSigned);
  if (!withdrawn) return withdrawn.errors();
  // The history says who (by role) and when; never the personal number.
  Result<bool> event = add_case_event(store, r.seq, now, 0, "signature", {{"signer", r.signer_id}, {"title", r.title}, {"at", now}});
  if (!event) return event.errors();

  Result<sql::Statement> left = prepare(store, "SELECT COUNT(*) FROM signature_requests WHERE seq = ?1 AND state <> 'signed'");
  if (!left) return left.errors();
  sql::bind_int64(left.value(), 1, r.seq);
  Result<bool> counted = sql::step(left.value());
  if (!counted) return counted.errors();
  const bool complete = counted.value() && sql::column_int64(left.value(), 0) == 0;
  sql::reset(left.value());

  if (complete) {
    // Every signer has signed: the case is ready for a caseworker. A deadline flag no
    // longer means anything; the history keeps that it passed.
    Result<sql::Statement> s = prepare(store, "UPDATE cases SET status = 'new', flag = '', updated_at = ?2 WHERE seq = ?1");
    if (!s) return s.errors();
    sql::bind_int64(s.value(), 1, r.seq);
    sql::bind_text(s.value(), 2, case_updated_at_after(c.updated_at, now));
    Result<bool> moved = sql::run(s.value());
    if (!moved) return moved.errors();
    Result<bool> status = add_case_event(store, r.seq, now, 0, "status", {{"from", "awaiting_signatures"}, {"to", "new"}});
    if (!status) return status.errors();
    Result<int> hook = enqueue_webhook_event(store, sub.form_id, kEventSignatureCompleted, "signatures:" + std::to_string(r.seq),
                                             webhook_payload(kEventSignatureCompleted, sub.form_id, sub.reference, r.seq, now));
    if (!hook) return hook.errors();
  }
  Result<bool> audited = audit(store, now, "signer:" + std::to_string(r.id), "case.signature", sub.reference,
                               {{"signer", r.signer_id}, {"provider", who.provider}, {"case_complete", complete}});
  if (!audited) return audited.errors();
  if (also) {
    Result<bool> extra = also();
    if (!extra) return extra.errors();
  }
  Result<bool> committed = txn.value().commit();
  if (!committed) return committed.errors();
  return SignatureDone{std::move(receipt), now, sub.reference, sub.submission_sha256, complete};
}

//----------------------------------------------------------------------------------------
// [SECTION] The caseworker's actions
//----------------------------------------------------------------------------------------

Result<SignatureRequest> remind_signer(Store& store, int64_t seq, std::string_view signer_id, const std::string& public_url,
                                       int64_t user_id, int64_t now_ms) {
  const std::string now = format_utc_ms(now_ms);
  Result<sql::Transaction> txn = sql::Transaction::begin(store.db.get());
  if (!txn) return txn.errors();
  Result<std::optional<CaseRow>> case_row = read_case_row(store, seq);
  if (!case_row) return case_row.errors();
  if (!case_row.value()) return Errors{signature_error("signature.not_found", "there is no such case")};
  const CaseRow& c = *case_row.value();
  Result<sql::Statement> read = prepare(store, std::string("SELECT ") + kRequestColumns +
                                                   " FROM signature_requests r WHERE r.seq = ?1 AND r.signer_id = ?2");
  if (!read) return read.errors();
  sql::bind_int64(read.value(), 1, seq);
  sql::bind_text(read.value(), 2, signer_id);
  Result<bool> row = sql::step(read.value());
  if (!row) return row.errors();
  if (!row.value()) return Errors{signature_error("signature.not_found", "the case has no such signer")};
  SignatureRequest r = read_request(read.value());
  sql::reset(read.value());

  if (r.state == "signed") return Errors{signature_error("signature.already_signed", "the signer has signed already")};
  if (c.status != "awaiting_signatures") return Errors{signature_error("signature.not_awaiting", "the case no longer waits for signatures")};
  if (!c.signing_deadline.empty() && c.signing_deadline < now.substr(0, 10)) {
    return Errors{signature_error("signature.deadline_passed", "the signing deadline has passed; set a new one first")};
  }
  if (r.reminders >= kMaxReminders) {
    return Errors{signature_error("signature.too_many", "at most " + std::to_string(kMaxReminders) + " reminders per signer")};
  }
  const std::optional<int64_t> last = parse_utc_ms(r.last_reminder_at);
  if (last && now_ms - *last < kReminderIntervalSeconds * 1000) {
    return Errors{signature_error("signature.too_soon", "at most one reminder per signer per hour")};
  }

  // The old link stops working: its e-mail must not arrive after the new one.
  Result<bool> withdrawn = cancel_mails_of_requests(store, "id = ?1", r.id, kMailReplaced);
  if (!withdrawn) return withdrawn.errors();
  const std::string token = new_signing_token(now_ms);
  const std::string expires_at = format_utc_ms(now_ms + kSigningLinkDays * kDayMs);
  {
    Result<sql::Statement> s = prepare(store,
        "UPDATE signature_requests SET token_sha256 = ?2, expires_at = ?3, state = 'pending', reminders = reminders + 1, "
        "last_reminder_at = ?4 WHERE id = ?1");
    if (!s) return s.errors();
    sql::bind_int64(s.value(), 1, r.id);
    sql::bind_text(s.value(), 2, signing_token_key(token));
    sql::bind_text(s.value(), 3, expires_at);
    sql::bind_text(s.value(), 4, now);
    Result<bool> updated = sql::run(s.value());
    if (!updated) return updated.errors();
  }
  const std::string link = public_url + "/sign/" + token;
  const SigningMail mail = signing_mail(r.lang, link, expires_at, true);
  Result<int64_t> queued = enqueue_notification(store, r.email, mail.subject, mail.body, link);
  if (!queued) return queued.errors();
  r.state = "pending";
  r.expires_at = expires_at;
  r.reminders += 1;
  r.last_reminder_at = now;
  Result<bool> touched = touch_case(store, c, now);
  if (!touched) return touched.errors();
  Result<bool> event = add_case_event(store, seq, now, user_id, "signature_reminder",
                                 {{"signer", r.signer_id}, {"title", r.title}, {"reminder", r.reminders}});
  if (!event) return event.errors();
  Result<bool> audited = audit(store, now, "user:" + std::to_string(user_id), "case.signature_reminder", c.reference,
                               {{"signer", r.signer_id}, {"reminder", r.reminders}});
  if (!audited) return audited.errors();
  Result<bool> committed = txn.value().commit();
  if (!committed) return committed.errors();
  return r;
}

namespace {

// "YYYY-MM-DD" naming a day that exists.
bool is_date(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  return parse_utc_ms(s + "T00:00:00Z").has_value();
}

// The deadline set to `date`, or removed (nullopt), with its history event and audit
// entry; clears the "signature_deadline_passed" flag either way.
Result<bool> change_signing_deadline(Store& store, int64_t seq, const std::optional<std::string>& date, int64_t user_id,
                                     const std::string& now) {
  Result<sql::Transaction> txn = sql::Transaction::begin(store.db.get());
  if (!txn) return txn.errors();
  Result<std::optional<CaseRow>> case_row = read_case_row(store, seq);
  if (!case_row) return case_row.errors();
  if (!case_row.value()) return Errors{signature_error("case.not_found", "there is no such case")};
  const CaseRow& c = *case_row.value();
  if (c.status != "awaiting_signatures") return Errors{signature_error("signature.not_awaiting", "the case no longer waits for signatures")};
  if (!date && c.signing_deadline.empty()) return false;  // nothing to remove: nothing recorded
  Result<sql::Statement> s = prepare(store, "UPDATE cases SET signing_deadline = ?2, flag = '', updated_at = ?3 WHERE seq = ?1");
  if (!s) return s.errors();
  sql::bind_int64(s.value(), 1, seq);
  if (date) sql::bind_text(s.value(), 2, *date);
  else sql::bind_null(s.value(), 2);
  sql::bind_text(s.value(), 3, case_updated_at_after(c.updated_at, now));
  Result<bool> updated = sql::run(s.value());
  if (!updated) return updated.errors();
  const json from = c.signing_deadline.empty() ? json(nullptr) : json(c.signing_deadline);
  const json to = date ? json(*date) : json(nullptr);
  Result<bool> event = add_case_event(store, seq, now, user_id, "signing_deadline", {{"from", from}, {"to", to}});
  if (!event) return event.errors();
  Result<bool> audited = audit(store, now, "user:" + std::to_string(user_id), "case.signing_deadline", c.reference,
                               {{"from", from}, {"to", to}});
  if (!audited) return audited.errors();
  Result<bool> committed = txn.value().commit();
  if (!committed) return committed.errors();
  return true;
}

}  // namespace

Result<bool> set_signing_deadline(Store& store, int64_t seq, const std::string& date, int64_t user_id, int64_t now_ms) {
  const std::string now = format_utc_ms(now_ms);
  if (!is_date(date)) return Errors{signature_error("signature.bad_deadline", "a deadline is a date YYYY-MM-DD")};
  if (date < now.substr(0, 10)) return Errors{signature_error("signature.bad_deadline", "the deadline is in the past")};
  return change_signing_deadline(store, seq, date, user_id, now);
}

Result<bool> remove_signing_deadline(Store& store, int64_t seq, int64_t user_id, int64_t now_ms) {
  return change_signing_deadline(store, seq, std::nullopt, user_id, format_utc_ms(now_ms));
}

//----------------------------------------------------------------------------------------
// [SECTION] E-mails whose link no longer leads anywhere
//----------------------------------------------------------------------------------------

std::string signing_link_key(std::string_view link) {
  const size_t at = link.rfind(kSignPath);
  if (at == std::string_view::npos) return "";
  const std::string_view token = link.substr(at + kSignPath.size());
  return plausible_signing_token(token) ? signing_token_key(token) : "";
}

Result<int> cancel_signing_mails(Store& store, std::string_view token_key, const std::string& reason) {
  // A key begins with its token's time (signing_token_key): the outbox search can match
  // the link's text on it, leaving few links to hash.
  const bool timed = token_key.size() == kTokenTimeDigits + 64;
  const std::string fragment = std::string(kSignPath) + (timed ? std::string(token_key.substr(0, kTokenTimeDigits)) : "");
  Result<std::vector<Notification>> pending = pending_notifications_linking(store, fragment);
  if (!pending) return pending.errors();
  int withdrawn = 0;
  for (const Notification& n : pending.value()) {
    if (signing_link_key(n.link) != token_key) continue;
    Result<bool> cancelled = cancel_notification(store, n.id, reason);
    if (!cancelled) return cancelled.errors();
    withdrawn += cancelled.value() ? 1 : 0;
  }
  return withdrawn;
}

Result<std::string> stale_signing_mail_reason(Store& store, std::string_view link, const std::string& now) {
  const std::string key = signing_link_key(link);
  if (key.empty()) return std::string();
  Result<std::optional<SigningLink>> found = find_signing_link(store, key);
  if (!found) return found.errors();
  if (!found.value()) return std::string(kMailReplaced);  // no request has this link any more
  switch (signing_link_state(*found.value(), now)) {
    case LinkState::open: return std::string();
    case LinkState::done: return std::string(kMailSigned);
    case LinkState::expired: return std::string(kMailExpired);
    case LinkState::closed: return std::string(kMailClosed);
  }
  return std::string();
}

namespace {

Result<bool> cancel_mails_of_requests(Store& store, const char* where, int64_t value, const char* reason) {
  Result<sql::Statement> s = prepare(store, std::string("SELECT token_sha256 FROM signature_requests WHERE ") + where);
  if (!s) return s.errors();
  sql::bind_int64(s.value(), 1, value);
  std::vector<std::string> keys;
  for (;;) {
    Result<bool> row = sql::step(s.value());
    if (!row) return row.errors();
    if (!row.value()) break;
    keys.push_back(sql::column_text(s.value(), 0));
  }
  sql::reset(s.value());
  for (const std::string& key : keys) {
    Result<int> withdrawn = cancel_signing_mails(store, key, reason);
    if (!withdrawn) return withdrawn.errors();
  }
  return true;
}

}  // namespace

//----------------------------------------------------------------------------------------
// [SECTION] The dispatcher's sweep
//----------------------------------------------------------------------------------------

namespace {

// Waiting cases whose deadline day is before `today` and that are not flagged yet. The
// requests drive the search: few are pending or expired, while cases grow for ever.
constexpr const char* kDeadlineCases =
    "SELECT c.seq, c.signing_deadline, c.reference FROM cases c WHERE c.seq IN "
    "(SELECT r.seq FROM signature_requests r WHERE r.state IN ('pending', 'expired')) "
    "AND c.status = 'awaiting_signatures' AND c.flag = '' AND c.signing_deadline IS NOT NULL AND c.signing_deadline < ?1";
constexpr const char* kExpiredLinks =
    "SELECT r.id, r.seq, r.signer_id, r.title, c.reference FROM signature_requests r JOIN cases c ON c.seq = r.seq "
    "WHERE r.state = 'pending' AND r.expires_at <= ?1 ORDER BY r.id";

Result<bool> any_row(Store& store, const char* sql, const std::string& value) {
  Result<sql::Statement> s = prepare(store, sql);
  if (!s) return s.errors();
  sql::bind_text(s.value(), 1, value);
  Result<bool> row = sql::step(s.value());
  if (!row) return row.errors();
  const bool found = row.value();
  sql::reset(s.value());
  return found;
}

}  // namespace

Result<SignatureSweep> sweep_signature_requests(Store& store, int64_t now_ms) {
  SignatureSweep sweep;
  const std::string now = format_utc_ms(now_ms);
  const std::string today = now.substr(0, 10);
  // Most passes find nothing: learn that without taking the write lock.
  Result<bool> deadlines = any_row(store, kDeadlineCases, today);
  if (!deadlines) return deadlines.errors();
  Result<bool> links = any_row(store, kExpiredLinks, now);
  if (!links) return links.errors();
  if (!deadlines.value() && !links.value()) return sweep;

  Result<sql::Transaction> txn = sql::Transaction::begin(store.db.get());
  if (!txn) return txn.errors();
  {
    struct Due {
      int64_t seq;
      std::string deadline, reference;
    };
    std::vector<Due> due;
    Result<sql::Statement> s = prepare(store, kDeadlineCases);
    if (!s) return s.errors();
    sql::bind_text(s.value(), 1, today);
    for (;;) {
      Result<bool> row = sql::step(s.value());
      if (!row) return row.errors();
      if (!row.value()) break;
      due.push_back({sql::column_int64(s.value(), 0), sql::column_text(s.value(), 1), sql::column_text(s.value(), 2)});
    }
    sql::reset(s.value());
    for (const auto& [seq, deadline, reference] : due) {
      Result<std::vector<SignatureRequest>> requests = list_signature_requests(store, seq);
      if (!requests) return requests.errors();
      json missing = json::array();
      for (const SignatureRequest& r : requests.value()) {
        if (r.state != "signed") missing.push_back(r.signer_id);
      }
      Result<bool> withdrawn = cancel_mails_of_requests(store, "seq = ?1 AND state = 'pending'", seq, kMailExpired);
      if (!withdrawn) return withdrawn.errors();
      Result<sql::Statement> expire = prepare(store, "UPDATE signature_requests SET state = 'expired' WHERE seq = ?1 AND state = 'pending'");
      if (!expire) return expire.errors();
      sql::bind_int64(expire.value(), 1, seq);
      Result<bool> expired = sql::run(expire.value());
      if (!expired) return expired.errors();
      Result<sql::Statement> flag = prepare(store, "UPDATE cases SET flag = 'signature_deadline_passed' WHERE seq = ?1");
      if (!flag) return flag.errors();
      sql::bind_int64(flag.value(), 1, seq);
      Result<bool> flagged = sql::run(flag.value());
      if (!flagged) return flagged.errors();
      Result<bool> event = add_case_event(store, seq, now, 0, "signature_deadline", {{"deadline", deadline}, {"signers", missing}});
      if (!event) return event.errors();
      // The server acted on the case by itself: that belongs in the audit log too.
      Result<bool> audited = audit(store, now, "system", "case.signature_deadline_passed", reference, {{"deadline", deadline}, {"signers", missing}});
      if (!audited) return audited.errors();
      ++sweep.deadlines_passed;
    }
  }
  {
    struct Expired {
      int64_t id, seq;
      std::string signer_id, title, reference;
    };
    std::vector<Expired> due;
    Result<sql::Statement> s = prepare(store, kExpiredLinks);
    if (!s) return s.errors();
    sql::bind_text(s.value(), 1, now);
    for (;;) {
      Result<bool> row = sql::step(s.value());
      if (!row) return row.errors();
      if (!row.value()) break;
      due.push_back({sql::column_int64(s.value(), 0), sql::column_int64(s.value(), 1), sql::column_text(s.value(), 2),
                     sql::column_text(s.value(), 3), sql::column_text(s.value(), 4)});
    }
    sql::reset(s.value());
    for (const Expired& e : due) {
      Result<bool> withdrawn = cancel_mails_of_requests(store, "id = ?1 AND state = 'pending'", e.id, kMailExpired);
      if (!withdrawn) return withdrawn.errors();
      Result<sql::Statement> expire = prepare(store, "UPDATE signature_requests SET state = 'expired' WHERE id = ?1 AND state = 'pending'");
      if (!expire) return expire.errors();
      sql::bind_int64(expire.value(), 1, e.id);
      Result<bool> expired = sql::run(expire.value());
      if (!expired) return expired.errors();
      json title = json::parse(e.title, nullptr, false);
      if (title.is_discarded()) title = nullptr;
      Result<bool> event = add_case_event(store, e.seq, now, 0, "signature_link_expired", {{"signer", e.signer_id}, {"title", title}});
      if (!event) return event.errors();
      Result<bool> audited = audit(store, now, "system", "case.signature_link_expired", e.reference, {{"signer", e.signer_id}});
      if (!audited) return audited.errors();
      ++sweep.links_expired;
    }
  }
  Result<bool> committed = txn.value().commit();
  if (!committed) return committed.errors();
  return sweep;
}

}  // namespace blankett
