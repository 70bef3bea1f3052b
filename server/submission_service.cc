#include "submission_service.h"

#include <algorithm>
#include <initializer_list>
#include <optional>

#include <httplib.h>

#include "blankett/form.h"
#include "blankett/state.h"
#include "blankett/submission.h"
#include "blankett/json_input.h"
#include "case_store.h"
#include "media_sniff.h"
#include "media_type.h"
#include "receipt.h"
#include "request_store.h"
#include "signature_store.h"

namespace blankett {

namespace {

using nlohmann::json;

// The language for messages: the body's "language", else the first of Accept-Language
// that the form has, else the form's first language (the engine falls back itself).
std::string pick_language(const json& body, const std::string& accept_language) {
  if (body.contains("language") && body["language"].is_string()) return body["language"];
  for (const char* lang : {"sv", "en", "nb"}) {
    if (accept_language.rfind(lang, 0) == 0) return lang;
  }
  return "";
}

// "2026-08-15T10:12:03Z" or with milliseconds: what a client may report as the time it
// first saved a draft.
bool is_utc_timestamp(const std::string& t) {
  if (t.size() != 20 && t.size() != 24) return false;
  const std::string shape = t.size() == 20 ? "dddd-dd-ddTdd:dd:ddZ" : "dddd-dd-ddTdd:dd:dd.dddZ";
  for (size_t i = 0; i < t.size(); ++i) {
    if (shape[i] == 'd' ? !(t[i] >= '0' && t[i] <= '9') : t[i] != shape[i]) return false;
  }
  return true;
}

// The optional "client" object: what the citizen's app reports about the filling, for
// the usage statistics. Only "draft_started_at" is known.
std::optional<Error> read_client_info(const json& body, std::string* draft_started_at) {
  const auto client = body.find("client");
  if (client == body.end()) return std::nullopt;
  if (!client->is_object()) return Error{"request.wrong_type", "/client", 0, 0, "\"client\" is an object {\"draft_started_at\": time}"};
  for (const auto& item : client->items()) {
    if (item.key() != "draft_started_at") {
      return Error{"request.unknown_key", "/client/" + item.key(), 0, 0, "unknown key '" + item.key() + "' (\"client\" has \"draft_started_at\")"};
    }
    if (!item.value().is_string() || !is_utc_timestamp(item.value().get<std::string>())) {
      return Error{"request.wrong_type", "/client/draft_started_at", 0, 0, "a UTC time such as \"2026-08-15T10:12:03.123Z\""};
    }
    *draft_started_at = item.value().get<std::string>();
  }
  return std::nullopt;
}

// Who the case is about, from the form's "applicant" answers (empty when it names none).
void read_applicant(const FormState& state, const CompiledForm& form, CaseIntake* intake) {
  const FormApplicant& a = form_applicant(form);
  for (const std::string& id : a.name_fields) {
    const json v = state.value(state.find_field(id), -1);
    if (!v.is_string() || v.get<std::string>().empty()) continue;
    if (!intake->applicant_name.empty()) intake->applicant_name += ' ';
    intake->applicant_name += v.get<std::string>();
  }
  if (!a.personal_number_field.empty()) {
    const json v = state.value(state.find_field(a.personal_number_field), -1);
    if (v.is_string()) intake->applicant_number = v.get<std::string>();
  }
  // Where completion requests go (docs/completion-requests.md); a hidden or empty field
  // leaves the case without one.
  if (!a.email_field.empty()) {
    const json v = state.value(state.find_field(a.email_field), -1);
    if (v.is_string()) intake->applicant_email = v.get<std::string>();
  }
}

// A refusal by the form's rules counts in the usage statistics (case_store.h); a failure
// to count must not change the answer the citizen gets.
void count_rule_rejection(SubmissionContext& ctx, const std::string& form) {
  if (!ctx.count_rejections) return;
  Result<Store*> store = request_store(ctx.database_path);
  if (store.ok()) (void)count_rejection(*store.value(), form, utc_now().substr(0, 10));
}

// The attachment checks' messages, in the language the engine gives its validation
// messages in (state.errors(lang)): the citizen's app shows both the same way, next to
// the field. "{name}" is the file's name; "{actual}" and "{claimed}" are media types.
struct AttachmentTexts {
  const char* lang;
  const char* missing;
  const char* size_mismatch;
  const char* type_mismatch;
  const char* unused;
};
constexpr AttachmentTexts kAttachmentTexts[] = {
    {"sv", "Filen '{name}' skickades inte med ansökan. Bifoga den igen.",
     "Filen '{name}' har inte den storlek som svaret anger. Bifoga den igen.",
     "Filen '{name}' är {actual} enligt sitt innehåll, inte {claimed}. Bifoga rätt fil.",
     "Filen '{name}' hör inte till något svar."},
    {"en", "The file '{name}' was not sent with the application. Attach it again.",
     "The file '{name}' is not the size its answer says. Attach it again.",
     "The file '{name}' is {actual} by its content, not {claimed}. Attach the right file.",
     "The file '{name}' is not named by any answer."},
    {"nb", "Filen '{name}' ble ikke sendt med søknaden. Legg den ved på nytt.",
     "Filen '{name}' har ikke størrelsen svaret oppgir. Legg den ved på nytt.",
     "Filen '{name}' er {actual} ifølge innholdet, ikke {claimed}. Legg ved riktig fil.",
     "Filen '{name}' hører ikke til noe svar."},
};

const AttachmentTexts* attachment_texts_in(const std::string& lang) {
  for (const AttachmentTexts& t : kAttachmentTexts) {
    if (lang == t.lang) return &t;
  }
  return nullptr;
}

// The texts in `lang` ("sv", "en", "nb"), else in the form's first language, as the
// engine picks (FormState::errors); Swedish when neither is one of ours.
const AttachmentTexts& attachment_texts(const std::string& lang, const CompiledForm& form) {
  if (const AttachmentTexts* t = attachment_texts_in(lang)) return *t;
  const std::vector<std::string> languages = form_languages(form);
  if (!languages.empty()) {
    if (const AttachmentTexts* t = attachment_texts_in(languages[0])) return *t;
  }
  return kAttachmentTexts[0];
}

// `text` with each "{key}" replaced by its value.
std::string fill(std::string text, std::initializer_list<std::pair<const char*, std::string>> values) {
  for (const auto& [key, value] : values) {
    const std::string mark = std::string("{") + key + "}";
    const size_t at = text.find(mark);
    if (at != std::string::npos) text.replace(at, mark.size(), value);
  }
  return text;
}

// "'a', 'b'": names for a message.
std::string quoted_list(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& n : names) text += (text.empty() ? "'" : ", '") + n + "'";
  return text;
}

// A multipart body has one part "submission" (the JSON) and a part "file" per attachment.
// Anything else is refused by name: a client that misspells "submission" would otherwise
// be told that its JSON ends at 1:1, and a misnamed file part would be dropped unread.
std::optional<Error> check_multipart_parts(const std::vector<std::string>& part_names) {
  static const char kShape[] = "one \"submission\" part with the JSON body and one \"file\" part per attachment";
  if (std::find(part_names.begin(), part_names.end(), "submission") == part_names.end()) {
    return Error{"request.missing_submission_part", "", 0, 0,
                 "the multipart body has no part named \"submission\" (" +
                     (part_names.empty() ? std::string("it has no parts") : "its parts: " + quoted_list(part_names)) +
                     "); send " + kShape};
  }
  std::vector<std::string> unknown;
  for (const std::string& n : part_names) {
    if (n != "submission" && n != "file") unknown.push_back(n);
  }
  if (!unknown.empty()) {
    return Error{"request.unknown_part", "", 0, 0,
                 "the multipart body has part" + std::string(unknown.size() == 1 ? " " : "s ") + quoted_list(unknown) +
                     " that the server does not take; send " + kShape};
  }
  return std::nullopt;
}

ApiResponse reject(Metrics& metrics, int status, const Error& e) {
  metrics.submission_rejected(e.code);
  return error_response(status, e);
}

}  // namespace

bool valid_idempotency_key(const std::string& key) {
  if (key.size() < 8 || key.size() > 128) return false;
  for (char c : key) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

SubmissionRequest submission_request_of(const httplib::Request& req) {
  SubmissionRequest sr{"", req.get_header_value("Content-Type"), req.get_header_value("Idempotency-Key"),
                       req.get_header_value("Accept-Language"), req.body, {}, {}};
  if (req.is_multipart_form_data()) {
    // The answers travel in the part "submission"; each attachment in a part "file".
    sr.body = req.has_file("submission") ? req.get_file_value("submission").content : "";
    for (const auto& [name, part] : req.files) {
      if (name == "file") sr.files.push_back(Upload{part.filename, part.content});
      if (sr.part_names.empty() || sr.part_names.back() != name) sr.part_names.push_back(name);  // sorted by name
    }
  }
  return sr;
}

std::optional<ApiResponse> read_submission_body(SubmissionContext& ctx, const SubmissionRequest& req, SubmissionBody* out) {
  Metrics& m = ctx.metrics;
  const bool multipart = has_media_type(req.content_type, "multipart/form-data");
  // cpp-httplib (0.11) splits a body into its parts only when the type is written in lower
  // case (submission_request_of): any other spelling would reach the JSON parser whole.
  if (multipart && req.content_type.rfind("multipart/form-data", 0) != 0) {
    return reject(m, 415, Error{"request.unsupported_media_type", "", 0, 0,
                                "write the media type of a multipart submission in lower case, \"multipart/form-data\": "
                                "its parts are not read otherwise (got '" + req.content_type + "')"});
  }
  if (!has_media_type(req.content_type, "application/json") && !multipart) {
    return reject(m, 415, Error{"request.unsupported_media_type", "", 0, 0,
                                "send the submission as application/json, or as multipart/form-data with a \"submission\" "
                                "part and one \"file\" part per attachment (got '" + req.content_type + "')"});
  }
  if (!valid_idempotency_key(req.idempotency_key)) {
    return reject(m, 400, Error{"request.idempotency_key", "", 0, 0,
                                "an Idempotency-Key header of 8–128 characters (A–Z, a–z, 0–9, '-', '_', '.') is required, "
                                "so that a retried submission is stored once"});
  }
  if (multipart) {
    if (std::optional<Error> bad = check_multipart_parts(req.part_names)) return reject(m, 400, *bad);
  }
  json body;
  Error parse_error;
  if (!parse_json_input(req.body, &body, &parse_error)) return reject(m, 400, parse_error);
  if (!body.is_object()) return reject(m, 400, Error{"request.wrong_type", "", 0, 0, "the body is a JSON object {\"version\", \"answers\"}"});
  for (const auto& item : body.items()) {
    if (item.key() != "version" && item.key() != "answers" && item.key() != "language" && item.key() != "client") {
      return reject(m, 400, Error{"request.unknown_key", "/" + item.key(), 0, 0,
                                  "unknown key '" + item.key() + "' (the body has \"version\", \"answers\" and optionally \"language\" and \"client\")"});
    }
  }
  if (std::optional<Error> bad = read_client_info(body, &out->draft_started_at)) return reject(m, 400, *bad);
  if (!body.contains("version") || !body["version"].is_string()) {
    return reject(m, 400, Error{"request.missing_version", "/version", 0, 0,
                                "\"version\" must name the form version the answers were given for (its hash)"});
  }
  if (!body.contains("answers") || !body["answers"].is_object()) {
    return reject(m, 400, Error{"request.missing_answers", "/answers", 0, 0, "\"answers\" must be an object {field: answer, …}"});
  }
  out->version = body["version"];
  out->answers = std::move(body["answers"]);
  out->lang = pick_language(body, req.accept_language);
  if (body.contains("language")) out->language = body["language"];
  return std::nullopt;
}

std::optional<ApiResponse> check_language(SubmissionContext& ctx, const CompiledForm& form, const SubmissionBody& body) {
  if (!body.language) return std::nullopt;
  const std::vector<std::string> languages = form_languages(form);
  auto choices = [&] { return "the form is written in " + quoted_list(languages); };  // only for a refusal
  if (!body.language->is_string()) {
    return reject(ctx.metrics, 400, Error{"request.wrong_type", "/language", 0, 0,
                                          "\"language\" is a string naming one of the form's languages (" + choices() + ")"});
  }
  const std::string& asked = body.language->get_ref<const std::string&>();
  if (std::find(languages.begin(), languages.end(), asked) == languages.end()) {
    return reject(ctx.metrics, 422, Error{"submission.unknown_language", "/language", 0, 0,
                                          "the form has no language '" + asked + "': " + choices()});
  }
  return std::nullopt;
}

std::optional<ApiResponse> evaluate_answers(SubmissionContext& ctx, const FormPtr& form, json answers,
                                            const std::string& lang, std::optional<FormState>* out) {
  Metrics& m = ctx.metrics;
  // The same engine as the browser, for the version the citizen used, evaluated once
  // with all the answers.
  Result<FormState> created = FormState::create(form, ctx.today(), std::move(answers));
  if (!created.ok()) {
    Errors errors = created.errors();
    // No form or no valid today is the server's fault; everything else names an answer.
    if (errors.front().code.rfind("state.", 0) == 0) return reject(m, 500, errors.front());
    for (Error& e : errors) e.pointer = "/answers" + e.pointer;
    m.submission_rejected(errors.front().code);
    count_rule_rejection(ctx, form_id(*form));
    return errors_response(422, "submission.invalid", "some answers do not belong to this form", errors);
  }
  FormState state = std::move(created).value();
  if (!state.valid()) {
    Errors errors = state.errors(lang);
    for (Error& e : errors) e.pointer = "/answers" + e.pointer;
    m.submission_rejected(errors.front().code);
    count_rule_rejection(ctx, form_id(*form));
    return errors_response(422, "submission.invalid", "the answers do not pass the form's rules", errors);
  }
  out->emplace(std::move(state));
  return std::nullopt;
}

std::optional<ApiResponse> match_attachments(SubmissionContext& ctx, const FormState& state, const std::vector<Upload>& files,
                                             const std::vector<StoredFile>& stored, std::vector<SubmissionAttachment>* links,
                                             const std::string& lang) {
  Metrics& m = ctx.metrics;
  const AttachmentTexts& texts = attachment_texts(lang, *state.form());
  std::vector<std::string> hashes;
  for (const Upload& u : files) hashes.push_back(sha256_of(u.content));
  std::vector<bool> named(files.size(), false);
  Errors problems;
  for (int f = 0; f < state.field_count(); ++f) {
    if (state.field_type(f) != "attachment") continue;
    const std::string path = state.field_path(f, 0);
    const int group = path.find('/') == std::string::npos ? -1 : state.find_field(path.substr(0, path.find('/')));
    const int rows = group < 0 ? 1 : state.row_count(group);
    for (int r = group < 0 ? -1 : 0; r < (group < 0 ? 0 : rows); ++r) {
      const json answer = state.value(f, r);  // null when hidden or empty
      if (!answer.is_array()) continue;
      for (size_t i = 0; i < answer.size(); ++i) {
        const json& meta = answer[i];
        const std::string at = "/answers/" + state.field_path(f, r) + "/" + std::to_string(i);
        const std::string name = meta["name"];
        const std::string link_path = state.field_path(f, r) + "/" + std::to_string(i);
        size_t k = 0;
        while (k < hashes.size() && hashes[k] != meta["sha256"]) ++k;
        if (k == hashes.size()) {
          // Not sent: it may be a file the server has already (the amended version's).
          const StoredFile* earlier = nullptr;
          for (const StoredFile& s : stored) {
            if (s.sha256 == meta["sha256"]) earlier = &s;
          }
          if (earlier == nullptr) {
            problems.push_back(Error{"attachment.missing", at, 0, 0, fill(texts.missing, {{"name", name}})});
          } else if (meta["size"] != earlier->size) {
            problems.push_back(Error{"attachment.size_mismatch", at, 0, 0, fill(texts.size_mismatch, {{"name", name}})});
          } else if (meta["type"] != earlier->media_type) {
            problems.push_back(Error{"attachment.type_mismatch", at, 0, 0,
                                     fill(texts.type_mismatch, {{"name", name}, {"actual", earlier->media_type},
                                                                {"claimed", meta["type"].get<std::string>()}})});
          } else {
            links->push_back(SubmissionAttachment{link_path, earlier->sha256, name});
          }
          continue;
        }
        const Upload& upload = files[k];
        // An answer names this file (by its hash) even when its size or type is wrong:
        // that is one problem, the mismatch, and the file is not also "unused".
        named[k] = true;
        if (meta["size"] != upload.content.size()) {
          problems.push_back(Error{"attachment.size_mismatch", at, 0, 0, fill(texts.size_mismatch, {{"name", name}})});
          continue;
        }
        const std::string actual = sniff_media_type(upload.content);
        if (actual != meta["type"]) {
          problems.push_back(Error{"attachment.type_mismatch", at, 0, 0,
                                   fill(texts.type_mismatch, {{"name", name}, {"actual", actual}, {"claimed", meta["type"].get<std::string>()}})});
          continue;
        }
        links->push_back(SubmissionAttachment{link_path, hashes[k], name});
      }
    }
  }
  for (size_t k = 0; k < named.size(); ++k) {
    if (!named[k]) problems.push_back(Error{"attachment.unused", "", 0, 0, fill(texts.unused, {{"name", files[k].filename}})});
  }
  if (!problems.empty()) {
    m.submission_rejected(problems.front().code);
    count_rule_rejection(ctx, form_id(*state.form()));
    return errors_response(422, "submission.invalid", "the attached files do not match the answers", problems);
  }
  // No problem means every file sent is named by an answer and matches it: all are kept.
  if (!files.empty()) {
    // Stored by content hash before the submission, so its links always have a target.
    Result<Store> store = open_store(ctx.database_path);
    if (!store.ok()) return errors_response(503, "submission.not_stored", "the files could not be stored; please try again", store.errors());
    for (const Upload& u : files) {
      Result<std::string> put = put_attachment(store.value(), sniff_media_type(u.content), u.content);
      if (!put.ok()) return errors_response(503, "submission.not_stored", "the files could not be stored; please try again", put.errors());
    }
  }
  return std::nullopt;
}

MakeReceipt receipt_maker(const KeyRing& keys, const CompiledForm& form, const std::string& submission_sha256,
                          const std::string& reference, const std::string& amends) {
  const std::string prefix = form_reference_prefix(form);
  return [&keys, prefix, f = form_id(form), v = form_version(form), h = submission_sha256, reference,
          amends](const ChainPosition& p) -> Result<MadeReceipt> {
    ReceiptFields fields;
    fields.reference = reference.empty() ? reference_for(prefix, year_of(p.received_at), p.seq) : reference;
    fields.form_id = f;
    fields.form_version = v;
    fields.submission_sha256 = h;
    fields.received_at = p.received_at;
    fields.previous_receipt_sha256 = p.previous_receipt_sha256;
    fields.sequence = p.seq;
    fields.amends = amends;
    std::string text = signed_receipt_text(fields, keys);
    return MadeReceipt{std::move(text), std::move(fields.reference)};
  };
}

ApiResponse receipt_answer(bool created, const std::string& receipt, const std::string& canonical, const std::string& extra_json) {
  ApiResponse ok{created ? 201 : 200, nullptr, ""};
  ok.json_text.reserve(receipt.size() + canonical.size() + extra_json.size() + 64);
  ok.json_text.append("{\"receipt\":").append(receipt);
  ok.json_text.append(created ? ",\"status\":\"created\"" : ",\"status\":\"existing\"");
  ok.json_text.append(",\"submission\":").append(canonical);
  ok.json_text.append(extra_json).append("}");
  return ok;
}

ApiResponse write_submission(SubmissionContext& ctx, PendingSubmission pending, const std::string& extra_json) {
  Metrics& m = ctx.metrics;
  const std::string form = pending.form_id;
  const std::string canonical = pending.canonical;
  const bool amendment = pending.intake.amends.case_seq != 0;
  const WriteResult written = ctx.writer.submit(std::move(pending)).get();
  switch (written.status) {
    case WriteStatus::created:
    case WriteStatus::existing: {
      const bool created = written.status == WriteStatus::created;
      if (created) m.submission_accepted(form);
      // {"receipt", "status", "submission"}: both documents are canonical JSON already
      // (the receipt as stored, the submission as hashed), so they are spliced, not re-serialised.
      // No Location header: no route shows a submission by its reference (the receipt in
      // the body is the citizen's proof; caseworkers and systems use their own routes).
      return receipt_answer(created, written.receipt, canonical, extra_json);
    }
    case WriteStatus::conflict:
      return reject(m, 409, Error{"submission.idempotency_conflict", "", 0, 0,
                                  "this Idempotency-Key was already used for a different submission; use a new key for new answers"});
    case WriteStatus::failed:
    default: {
      const Error e = written.errors.empty() ? Error{"storage.failed", "", 0, 0, "the submission could not be stored"} : written.errors.front();
      m.submission_rejected(e.code);
      // A completion whose request was answered, cancelled or expired while this reply
      // was on its way (completion_store.h): only this reply fails, and a retry would too.
      if (e.code.rfind("completion.", 0) == 0) return error_response(409, e);
      // A completion's reference names its version ("…-2"): taken means another reply to
      // the same request was stored first.
      if (amendment && e.code == "storage.duplicate_reference") {
        return error_response(409, Error{"completion.not_open", "", 0, 0, "the completion request was answered by another reply"});
      }
      // The writer stopped on a failed sync (submission_writer.h): the row may or may not
      // be on disk; after a restart the same key finds it or stores it.
      if (e.code == "storage.sync_failed") {
        return error_response(503, Error{"storage.sync_failed", "", 0, 0,
                                         "the server could not make the submission durable and has stopped storing; "
                                         "retry later with the same Idempotency-Key"});
      }
      // Nothing was stored: the client may retry with the same key.
      return errors_response(503, "submission.not_stored", "the submission was not stored; please try again", written.errors);
    }
  }
}

ApiResponse handle_submission(SubmissionContext& ctx, const SubmissionRequest& req) {
  Metrics& m = ctx.metrics;
  const FormPtr current = ctx.catalog.current(req.form_id);
  if (!current) return reject(m, 404, Error{"form.not_found", "", 0, 0, "there is no published form '" + req.form_id + "'"});
  SubmissionBody body;
  if (std::optional<ApiResponse> refused = read_submission_body(ctx, req, &body)) return *refused;
  const FormPtr form = ctx.catalog.version(req.form_id, body.version);
  if (!form) {
    return reject(m, 404, Error{"form.version_not_found", "/version", 0, 0,
                                "the form '" + req.form_id + "' has no published version " + body.version});
  }
  if (std::optional<ApiResponse> refused = check_language(ctx, *form, body)) return *refused;
  std::optional<FormState> evaluated;
  if (std::optional<ApiResponse> refused = evaluate_answers(ctx, form, std::move(body.answers), body.lang, &evaluated)) return *refused;
  const FormState& state = *evaluated;
  PendingSubmission pending;
  if (std::optional<ApiResponse> refused = match_attachments(ctx, state, req.files, {}, &pending.attachments, body.lang)) return *refused;

  // Hidden fields' answers are gone from the canonical submission: only what counts is kept.
  const CanonicalSubmission canonical = canonical_submission(state);
  pending.form_id = form_id(*form);
  pending.version = form_version(*form);
  pending.idempotency_key = req.idempotency_key;
  pending.canonical = canonical.bytes;
  pending.submission_sha256 = canonical.sha256;
  pending.intake.draft_started_at = body.draft_started_at;
  read_applicant(state, *form, &pending.intake);
  // Further signers (the form's "signers"): the case waits for them, and each gets a link.
  Result<std::vector<NewSignatureRequest>> signers = plan_signature_requests(state, ctx.public_url, body.lang);
  if (!signers) return reject(m, 422, signers.errors().front());
  pending.intake.signers = std::move(signers).value();
  // Who else must sign before the case is handled (docs/signers.md); [] for most forms.
  // [{"id", "title"}] in canonical order, the title spliced as the JSON text it is stored as.
  std::string awaiting = ",\"awaiting_signatures\":[";
  for (const NewSignatureRequest& r : pending.intake.signers) {
    if (awaiting.back() != '[') awaiting += ',';
    awaiting.append("{\"id\":").append(json(r.signer_id).dump()).append(",\"title\":").append(r.title_json).append("}");
  }
  awaiting += ']';
  pending.make_receipt = receipt_maker(ctx.keys, *form, canonical.sha256);
  return write_submission(ctx, std::move(pending), awaiting);
}

}  // namespace blankett
