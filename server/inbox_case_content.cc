// A case's content as the caseworker sees it (inbox_internal.h): the answers rendered by
// the engine from the exact form version the citizen filled, the attachments, and the
// receipt with its verification done now. Used by the case page, the print page and the
// JSON export.
#include <cstdio>
#include <map>

#include "blankett/draft.h"
#include "blankett/form.h"
#include "blankett/submission.h"
#include "blankett/view.h"
#include "inbox_internal.h"

#include "completion_store.h"
#include "receipt.h"

namespace blankett {

using nlohmann::json;

ReceiptCheck check_receipt(const KeyRing& keys, const json& receipt, std::string_view canonical, const std::string& lang) {
  const std::string& l = lang;
  if (!receipt.is_object()) return {false, tr(l, "Det sparade kvittot kan inte läsas.", "The stored receipt cannot be read.")};
  try {
    Result<bool> signature = verify_receipt(receipt, keys.public_keys());
    if (!signature.ok()) {
      const std::string& code = signature.errors().front().code;
      if (code == "receipt.unknown_key") {
        return {false, tr(l, "Kvittot är signerat med en nyckel som servern inte känner till.",
                          "The receipt is signed with a key this server does not know.")};
      }
      if (code == "receipt.bad_signature") {
        return {false, tr(l, "Signaturen stämmer inte med kvittots innehåll: kvittot har ändrats.",
                          "The signature does not match the receipt's content: the receipt was changed.")};
      }
      return {false, tr(l, "Kvittot har inte kvittoformatet.", "The receipt is not in the receipt format.")};
    }
    Result<ReceiptFields> fields = read_receipt(receipt);
    if (!fields.ok()) return {false, tr(l, "Kvittot har inte kvittoformatet.", "The receipt is not in the receipt format.")};
    if (sha256_of(canonical) != fields.value().submission_sha256) {
      return {false, tr(l, "Svaren stämmer inte med kvittots kontrollsumma: de har ändrats efter mottagandet.",
                        "The answers do not match the receipt's hash: they were changed after they were received.")};
    }
  } catch (const std::exception&) {
    return {false, tr(l, "Det sparade kvittot kan inte läsas.", "The stored receipt cannot be read.")};
  }
  return {true, ""};
}

Result<CaseDocument> load_case_document(AppContext& app, Store& store, const CaseSummary& c, const std::string& lang) {
  // The latest version: a completion reply replaces the answers (versions_section_html
  // shows each version and what changed).
  Result<StoredSubmission> found = latest_case_submission(store, c.seq);
  if (!found.ok()) return found.errors();
  CaseDocument doc;
  doc.submission = std::move(found).value();
  doc.document = json::parse(doc.submission.canonical, nullptr, false);
  if (doc.document.is_discarded()) doc.document = nullptr;
  doc.receipt = json::parse(doc.submission.receipt, nullptr, false);
  if (doc.receipt.is_discarded()) doc.receipt = nullptr;
  doc.receipt_check = check_receipt(app.keys, doc.receipt, doc.submission.canonical, lang);

  // The engine renders the answers with the version the citizen filled: labels, option
  // texts and step order as they were. The answers go in as a draft of that very
  // version, so that every answer is kept and calculated fields are computed again
  // (set_answers alone refuses calculated values); "today" is the day it was received.
  const FormPtr form = app.catalog.version(doc.submission.form_id, doc.submission.version);
  if (form && doc.document.is_object() && doc.document.contains("answers") && doc.document["answers"].is_object()) {
    const json draft = {{"format", "blankett-draft/1"},
                        {"form", doc.submission.form_id},
                        {"version", doc.submission.version},
                        {"answers", doc.document["answers"]}};
    std::string today = local_date_of(doc.submission.received_at);
    if (today.empty()) today = doc.submission.received_at.substr(0, 10);
    Result<RestoredDraft> restored = restore_draft(form, draft, today);
    if (restored.ok()) {
      const FormState& state = restored.value().state;
      doc.summary = view_summary(state, lang);
      doc.reevaluation_differs = canonical_submission(state).bytes != doc.submission.canonical;
    }
  }
  Result<std::vector<SubmissionAttachment>> attachments = list_submission_attachments(store, doc.submission.seq);
  if (!attachments.ok()) return attachments.errors();
  doc.attachments = std::move(attachments).value();
  return doc;
}

namespace {

const char* heading_tag(int level) {
  static const char* kTags[] = {"h1", "h2", "h3", "h4", "h5", "h6"};
  return kTags[level < 1 ? 0 : level > 6 ? 5 : level - 1];
}

std::string value_html(const json& value, const std::string& lang) {
  const std::string text = value.is_string() ? value.get<std::string>() : std::string();
  if (text.empty()) return std::string("<span class=\"not-answered\">") + tr(lang, "Inte besvarad", "Not answered") + "</span>";
  return html_escape(text);
}

std::string text_of(const json& object, const char* key) {
  return object.is_object() && object.contains(key) && object[key].is_string() ? object[key].get<std::string>() : "";
}

std::string fields_html(const json& fields, const std::string& lang) {
  std::string h = "<dl class=\"answers\">";
  for (const json& f : fields) {
    h += "<div class=\"answers__item\"><dt>" + html_escape(text_of(f, "label")) + "</dt><dd>";
    if (f.contains("rows")) {
      const json& rows = f["rows"];
      if (!rows.is_array() || rows.empty()) {
        h += value_html(nullptr, lang);
      } else {
        h += "<ol class=\"answer-rows\">";
        for (size_t r = 0; r < rows.size(); ++r) {
          std::string item = text_of(f, "item_label");
          if (item.empty()) item = tr(lang, "Rad", "Row");
          h += "<li><p class=\"answer-rows__label\">" + html_escape(item) + " " + std::to_string(r + 1) + "</p>";
          h += fields_html(rows[r], lang) + "</li>";
        }
        h += "</ol>";
      }
    } else {
      h += value_html(f.contains("value") ? f["value"] : json(nullptr), lang);
    }
    h += "</dd></div>";
  }
  return h + "</dl>";
}

// The element of `root` at an answer path: "documents/0", "children/1/certificate/0".
const json* json_at(const json& root, const std::string& path) {
  const json* at = &root;
  size_t start = 0;
  while (start <= path.size()) {
    const size_t slash = path.find('/', start);
    const std::string part = path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (at->is_object()) {
      if (!at->contains(part)) return nullptr;
      at = &(*at)[part];
    } else if (at->is_array()) {
      if (part.empty() || part.size() > 6 || part.find_first_not_of("0123456789") != std::string::npos) return nullptr;
      const size_t i = std::stoul(part);
      if (i >= at->size()) return nullptr;
      at = &(*at)[i];
    } else {
      return nullptr;
    }
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return at;
}

// Labels of every answer path in the view: for naming an attachment's field.
void collect_labels(const json& fields, std::map<std::string, std::string>* out) {
  for (const json& f : fields) {
    (*out)[text_of(f, "path")] = text_of(f, "label");
    if (f.contains("rows") && f["rows"].is_array()) {
      for (const json& row : f["rows"]) collect_labels(row, out);
    }
  }
}

std::string size_text(int64_t bytes, const std::string& lang) {
  char buf[32];
  if (bytes < 1024) {
    std::snprintf(buf, sizeof buf, "%lld B", static_cast<long long>(bytes));
  } else if (bytes < 1024 * 1024) {
    std::snprintf(buf, sizeof buf, "%lld kB", static_cast<long long>((bytes + 512) / 1024));
  } else {
    std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(bytes) / (1024.0 * 1024.0));
    if (lang == "sv") {
      for (char* p = buf; *p; ++p) {
        if (*p == '.') *p = ',';
      }
    }
  }
  return buf;
}

}  // namespace

std::string answers_html(const CaseDocument& doc, const std::string& lang, int level) {
  const char* h = heading_tag(level);
  if (doc.summary.is_null()) {
    // The version cannot be compiled any more: show what was received, as it is.
    std::string out = std::string("<") + h + ">" + tr(lang, "Svar", "Answers") + "</" + h + "><p>" +
                      tr(lang, "Blankettversionen kan inte visas fält för fält. Svaren som de togs emot:",
                         "The form version cannot be shown field by field. The answers as received:") +
                      "</p><pre class=\"raw-answers\">";
    const json answers = doc.document.is_object() && doc.document.contains("answers") ? doc.document["answers"] : json(nullptr);
    out += html_escape(answers.dump(2, ' ', false, json::error_handler_t::replace));
    return out + "</pre>";
  }
  std::string out;
  if (doc.reevaluation_differs) {
    out += std::string("<div class=\"warning-text\"><p>") +
           tr(lang, "Svaren nedan har räknats fram på nytt och skiljer sig från det som togs emot. "
                    "Exporten (JSON) innehåller svaren exakt som de togs emot.",
              "The answers below were evaluated again and differ from what was received. "
              "The JSON export holds the answers exactly as received.") +
           "</p></div>";
  }
  for (const json& step : doc.summary["steps"]) {
    out += std::string("<section class=\"answer-step\"><") + h + ">" + html_escape(text_of(step, "title")) + "</" + h + ">";
    out += fields_html(step["fields"], lang) + "</section>";
  }
  return out;
}

std::string attachments_html(const CaseDocument& doc, const std::string& lang, const std::string& download_prefix) {
  if (doc.attachments.empty()) return std::string("<p>") + tr(lang, "Inga bilagor.", "No attachments.") + "</p>";
  std::map<std::string, std::string> labels;
  if (doc.summary.is_object()) {
    for (const json& step : doc.summary["steps"]) collect_labels(step["fields"], &labels);
  }
  const json answers = doc.document.is_object() && doc.document.contains("answers") ? doc.document["answers"] : json::object();
  std::string h = "<ul class=\"attachments\">";
  for (const SubmissionAttachment& a : doc.attachments) {
    // "documents/0" is file 0 of the field "documents".
    const size_t slash = a.field_path.rfind('/');
    const std::string field_path = slash == std::string::npos ? a.field_path : a.field_path.substr(0, slash);
    const auto label = labels.find(field_path);
    const json* meta = json_at(answers, a.field_path);
    h += "<li>";
    if (download_prefix.empty()) {
      h += "<span class=\"attachment__name\">" + html_escape(a.name) + "</span>";
    } else {
      h += "<a href=\"" + html_escape(download_prefix + a.sha256) + "\">" + html_escape(a.name) + "</a>";
    }
    std::string facts = label != labels.end() && !label->second.empty() ? label->second : field_path;
    if (meta && meta->is_object()) {
      if (meta->contains("type") && (*meta)["type"].is_string()) facts += ", " + (*meta)["type"].get<std::string>();
      if (meta->contains("size") && (*meta)["size"].is_number_integer()) facts += ", " + size_text((*meta)["size"].get<int64_t>(), lang);
    }
    h += " <span class=\"attachment__facts\">(" + html_escape(facts) + ")</span></li>";
  }
  return h + "</ul>";
}

std::string receipt_html(const CaseDocument& doc, const std::string& lang) {
  const std::string& l = lang;
  const json& r = doc.receipt;
  auto field = [&r](const char* key) -> std::string {
    if (!r.is_object() || !r.contains(key)) return "";
    return r[key].is_string() ? r[key].get<std::string>() : r[key].dump();
  };
  std::string h = "<dl class=\"facts\">";
  auto row = [&h](const char* label, const std::string& value_html) {
    h += std::string("<div class=\"facts__item\"><dt>") + label + "</dt><dd>" + value_html + "</dd></div>";
  };
  row(tr(l, "Ärendenummer", "Reference"), html_escape(doc.submission.reference));
  row(tr(l, "Mottaget", "Received"), time_html(doc.submission.received_at));
  row(tr(l, "Löpnummer i kedjan", "Position in the chain"), html_escape(field("sequence")));
  row(tr(l, "Svarens SHA-256", "Submission SHA-256"), "<code class=\"hash\">" + html_escape(doc.submission.submission_sha256) + "</code>");
  row(tr(l, "Nyckel", "Key id"), "<code>" + html_escape(field("key_id")) + "</code>");
  h += "</dl>";
  if (doc.receipt_check.verified) {
    h += std::string("<p class=\"receipt-status receipt-status--verified\" id=\"receipt-status\" data-verified=\"true\"><strong>") +
         tr(l, "Kvittot är verifierat.", "The receipt is verified.") + "</strong> " +
         tr(l, "Signaturen är giltig och svaren är exakt de som kvittot gäller.",
            "The signature is valid and the answers are exactly the ones the receipt is for.") +
         "</p>";
  } else {
    h += std::string("<p class=\"receipt-status receipt-status--failed\" id=\"receipt-status\" data-verified=\"false\"><strong>") +
         tr(l, "Kvittot kan inte verifieras.", "The receipt cannot be verified.") + "</strong> " +
         html_escape(doc.receipt_check.problem) + "</p>";
  }
  return h;
}

json case_summary_json(const CaseSummary& c, const std::string& version) {
  json assignee = nullptr;
  if (c.assignee != 0) assignee = {{"id", c.assignee}, {"name", c.assignee_name}};
  return {{"reference", c.reference},
          {"form", c.form_id},
          {"version", version},
          {"received_at", c.received_at},
          {"status", case_status_name(c.status)},
          {"assignee", assignee},
          {"applicant_name", c.applicant_name},
          {"applicant_number", c.applicant_number},
          {"updated_at", c.updated_at}};
}

}  // namespace blankett
