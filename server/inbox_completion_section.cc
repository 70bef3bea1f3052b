// The case page's completion parts (inbox_internal.h): the "Request completion" form and
// the case's requests, the versions of the answers with the differences between them,
// and the history entries these record. Routes: completion_pages.cc.
// docs/completion-requests.md.
#include <algorithm>
#include <map>

#include "blankett/view.h"
#include "clock.h"
#include "completion_pages.h"
#include "completion_store.h"
#include "inbox_internal.h"

namespace blankett {

namespace {

using nlohmann::json;

std::string section_start(const char* id, const std::string& heading) {
  return std::string("<section class=\"case-section\" aria-labelledby=\"") + id + "\"><h2 id=\"" + id + "\">" +
         html_escape(heading) + "</h2>";
}

std::string unreadable(const std::string& lang) {
  return std::string("<p>") + tr(lang, "Uppgifterna kan inte läsas just nu.", "The details cannot be read right now.") + "</p>";
}

// A table in its scrolling region, labelled by its caption.
std::string table_start(const std::string& id, const std::string& caption) {
  return "<div class=\"table-wrap\" role=\"region\" aria-labelledby=\"" + id + "-caption\" tabindex=\"0\"><table class=\"table\" id=\"" +
         id + "\"><caption id=\"" + id + "-caption\" class=\"table__caption\">" + html_escape(caption) + "</caption>";
}

std::string date_of(const std::string& rfc3339) { return local_date_of(rfc3339).empty() ? rfc3339.substr(0, 10) : local_date_of(rfc3339); }

// ---------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------

std::string state_html(const CompletionRequest& r, const std::string& now, const std::string& l) {
  if (r.state == "answered") return std::string(tr(l, "Besvarad ", "Answered ")) + time_html(r.answered_at);
  if (r.state == "cancelled") return tr(l, "Återkallad", "Cancelled");
  if (r.state == "expired" || !r.usable_at(now)) {
    return std::string(tr(l, "Gick ut ", "Expired ")) + time_html(r.expires_at);
  }
  return html_escape(std::string(tr(l, "Öppen, länken gäller till och med ", "Open, the link can be used until ")) + date_of(r.expires_at));
}

std::string requests_table(const InboxUser& u, const CaseSummary& c, const std::vector<CompletionRequest>& requests,
                           const std::map<std::string, std::string>& labels) {
  const std::string& l = u.lang;
  const std::string now = utc_now();
  std::string h = table_start("completion-requests", tr(l, "Begäranden om komplettering, nyaste först", "Completion requests, newest first"));
  h += std::string("<thead><tr><th scope=\"col\">") + tr(l, "Skickad", "Sent") + "</th><th scope=\"col\">" +
       tr(l, "Svar att komplettera", "Answers to complete") + "</th><th scope=\"col\">" + tr(l, "Meddelande", "Message") +
       "</th><th scope=\"col\">" + tr(l, "Läge", "State") + "</th><th scope=\"col\">" + tr(l, "Åtgärd", "Action") + "</th></tr></thead><tbody>";
  for (const CompletionRequest& r : requests) {
    std::string fields;
    for (const std::string& path : r.fields) {
      const auto label = labels.find(path);
      fields += (fields.empty() ? "" : ", ") + (label != labels.end() && !label->second.empty() ? label->second : path);
    }
    h += "<tr><th scope=\"row\">" + time_html(r.created_at) + "</th><td>" + html_escape(fields) + "</td><td class=\"note\">" +
         html_escape(r.message) + "</td><td>" + state_html(r, now, l) + "</td><td>";
    if (r.usable_at(now)) {
      h += "<form method=\"post\" action=\"/inbox/cases/" + html_escape(url_encode(c.reference)) + "/completion/" +
           std::to_string(r.id) + "/cancel\">" + csrf_input(u.who) + "<button type=\"submit\" class=\"button button--secondary\">" +
           tr(l, "Återkalla", "Cancel") + "<span class=\"visually-hidden\"> " +
           tr(l, "begäran om komplettering", "the completion request") + "</span></button></form>";
    } else {
      h += "–";
    }
    h += "</td></tr>";
  }
  return h + "</tbody></table></div>";
}

}  // namespace

std::string completion_request_form_html(const InboxUser& u, const CaseSummary& c, const std::vector<CompletionField>& fields,
                                         const std::vector<FieldError>& problems, const CompletionInput& kept) {
  const std::string& l = u.lang;
  std::string h = std::string("<h3 id=\"completion-form-heading\">") + tr(l, "Begär komplettering", "Request completion") + "</h3>";
  if (c.applicant_email.empty()) {
    h += std::string("<div class=\"warning-text\"><p>") +
         tr(l, "Den sökande har inte lämnat någon e-postadress, så ingen begäran kan skickas.",
            "The applicant gave no e-mail address, so no request can be sent.") +
         "</p></div>";
  }
  // Multipart: a 2,000-character message is too long for httplib's URL-encoded limit.
  h += "<form method=\"post\" enctype=\"multipart/form-data\" action=\"/inbox/cases/" + html_escape(url_encode(c.reference)) +
       "/completion\" aria-labelledby=\"completion-form-heading\">" + csrf_input(u.who);
  const std::string fields_error = field_error_html(l, problems, "completion-fields");
  h += std::string("<fieldset class=\"field") + (fields_error.empty() ? "" : " field--error") +
       "\" aria-describedby=\"completion-fields-hint" + (fields_error.empty() ? "" : " completion-fields-error") + "\"><legend>" +
       tr(l, "Vilka svar ska den sökande komplettera?", "Which answers must the applicant complete?") +
       "</legend><p class=\"hint\" id=\"completion-fields-hint\">" +
       tr(l, "Den sökande får bara ändra de svar du markerar. En grupp markeras med alla sina rader.",
          "The applicant can change only the answers you mark. A group is marked with all its rows.") +
       "</p>" + fields_error + "<div class=\"checkboxes\">";
  bool first = true;
  for (const CompletionField& f : fields) {
    // The first box carries the id the error summary links to.
    const std::string id = first ? "completion-fields" : "completion-field-" + f.path;
    std::string label = f.label.empty() ? f.path : f.label;
    if (f.type == "attachment") label += tr(l, " (bilaga)", " (attachment)");
    const bool ticked = std::find(kept.fields.begin(), kept.fields.end(), f.path) != kept.fields.end();
    h += "<div class=\"checkbox\"><input type=\"checkbox\" id=\"" + html_escape(id) + "\" name=\"fields\" value=\"" + html_escape(f.path) +
         "\"" + (ticked ? " checked" : "") + "><label for=\"" + html_escape(id) + "\">" + html_escape(label) + "</label></div>";
    first = false;
  }
  h += "</div></fieldset>";
  const std::string message_error = field_error_html(l, problems, "completion-message");
  h += std::string("<div class=\"field") + (message_error.empty() ? "" : " field--error") + "\"><label for=\"completion-message\">" +
       tr(l, "Meddelande till den sökande", "Message to the applicant") + "</label><p class=\"hint\" id=\"completion-message-hint\">" +
       tr(l, "Visas för den sökande på sidan bakom länken, aldrig i e-postmeddelandet. Högst 2 000 tecken.",
          "Shown to the applicant on the page behind the link, never in the e-mail. At most 2,000 characters.") +
       "</p>" + message_error + "<textarea id=\"completion-message\" name=\"message\" rows=\"5\" maxlength=\"2000\" required aria-describedby=\"completion-message-hint" +
       (message_error.empty() ? "\"" : " completion-message-error\" aria-invalid=\"true\"") + ">" + html_escape(kept.message) +
       "</textarea></div>";
  h += std::string("<button type=\"submit\" class=\"button\">") + tr(l, "Skicka begäran", "Send the request") + "</button></form>";
  return h;
}

namespace {

// ---------------------------------------------------------------------------------------
// Versions and differences
// ---------------------------------------------------------------------------------------

std::string not_answered(const std::string& l) {
  return std::string("<span class=\"not-answered\">") + tr(l, "Inte besvarad", "Not answered") + "</span>";
}

// A top-level field's value as a person reads it (the engine's display_value; a file's
// name for attachments); a repeat group as a list of its rows.
std::string value_html(const FormState& state, int f, const std::string& l) {
  const json view = view_field(state, f, -1, l);
  if (!view.is_object() || !view.value("visible", true)) return not_answered(l);
  if (view.value("type", "") != "group") {
    const std::string text = display_value(state, f, -1, l);
    return text.empty() ? not_answered(l) : html_escape(text);
  }
  const int rows = state.row_count(f);
  if (rows == 0) return not_answered(l);
  const std::string item = view.value("item_label", std::string(tr(l, "Rad", "Row")));
  std::string h = "<ol class=\"answer-rows\">";
  for (int r = 0; r < rows; ++r) {
    std::string parts;
    for (int child = 0; child < state.field_count(); ++child) {
      const std::string path = state.field_path(child, r);
      if (path.rfind(view.value("id", "") + "/" + std::to_string(r) + "/", 0) != 0) continue;
      const json cv = view_field(state, child, r, l);
      const std::string text = display_value(state, child, r, l);
      if (!cv.is_object() || cv.value("type", "") == "info" || !cv.value("visible", true) || text.empty()) continue;
      parts += (parts.empty() ? "" : "; ") + cv.value("label", "") + ": " + text;
    }
    h += "<li>" + html_escape(item + " " + std::to_string(r + 1) + (parts.empty() ? "" : ": " + parts)) + "</li>";
  }
  return h + "</ol>";
}

json answers_of(const StoredSubmission& s) {
  const json doc = json::parse(s.canonical, nullptr, false);
  return doc.is_object() && doc.contains("answers") && doc["answers"].is_object() ? doc["answers"] : json::object();
}

// The rows of the differences between two versions: every top-level field whose
// received answer (the canonical submission's) differs.
std::string differences_html(AppContext& app, const CaseVersion& before, const CaseVersion& after, const std::string& l) {
  const json a = answers_of(before.submission), b = answers_of(after.submission);
  const std::optional<FormState> sa = submission_state(app, before.submission);
  const std::optional<FormState> sb = submission_state(app, after.submission);
  std::string rows;
  if (sa && sb) {
    for (int f = 0; f < sb->field_count(); ++f) {
      if (!sb->has_instance(f, -1)) continue;
      const json view = view_field(*sb, f, -1, l);
      const std::string id = view.value("id", "");
      if (view.value("type", "") == "info" || id.empty()) continue;
      const json va = a.contains(id) ? a[id] : json(nullptr), vb = b.contains(id) ? b[id] : json(nullptr);
      if (va == vb) continue;
      const int fa = sa->find_field(id);
      rows += "<tr><th scope=\"row\">" + html_escape(view.value("label", id)) + "</th><td>" +
              (fa < 0 ? not_answered(l) : value_html(*sa, fa, l)) + "</td><td>" + value_html(*sb, f, l) + "</td></tr>";
    }
  } else {
    // The form version cannot be compiled any more: the received values as they are.
    std::vector<std::string> keys;
    for (const auto& item : a.items()) keys.push_back(item.key());
    for (const auto& item : b.items()) {
      if (!a.contains(item.key())) keys.push_back(item.key());
    }
    for (const std::string& k : keys) {
      const json va = a.contains(k) ? a[k] : json(nullptr), vb = b.contains(k) ? b[k] : json(nullptr);
      if (va == vb) continue;
      rows += "<tr><th scope=\"row\">" + html_escape(k) + "</th><td><code>" + html_escape(va.dump(-1, ' ', false, json::error_handler_t::replace)) +
              "</code></td><td><code>" + html_escape(vb.dump(-1, ' ', false, json::error_handler_t::replace)) + "</code></td></tr>";
    }
  }
  const std::string n = std::to_string(after.version), m = std::to_string(before.version);
  std::string h = "<h3 id=\"version-" + n + "-changes\">" + html_escape(std::string(tr(l, "Ändringar i version ", "Changes in version ")) + n) + "</h3>";
  if (rows.empty()) return h + "<p>" + tr(l, "Inga svar ändrades.", "No answers changed.") + "</p>";
  h += table_start("version-" + n + "-differences",
                   std::string(tr(l, "Ändrade svar från version ", "Changed answers from version ")) + m + tr(l, " till ", " to ") + n);
  h += std::string("<thead><tr><th scope=\"col\">") + tr(l, "Fält", "Field") + "</th><th scope=\"col\">" + tr(l, "Före", "Before") +
       "</th><th scope=\"col\">" + tr(l, "Efter", "After") + "</th></tr></thead><tbody>" + rows + "</tbody></table></div>";
  return h;
}

}  // namespace

std::string completion_section_html(AppContext& app, const InboxUser& u, const CaseSummary& c, const CaseDocument& doc,
                                    const std::vector<FieldError>& problems) {
  return completion_section_html(app, u, c, doc, problems, CompletionInput{});
}

std::string completion_section_html(AppContext& app, const InboxUser& u, const CaseSummary& c, const CaseDocument& doc,
                                    const std::vector<FieldError>& problems, const CompletionInput& kept) {
  const std::string& l = u.lang;
  Result<std::vector<CompletionRequest>> requests = list_completion_requests(*u.store, c.seq);
  const bool can_request = c.status != CaseStatus::awaiting_signatures && c.status != CaseStatus::decided && c.status != CaseStatus::closed;
  if (requests.ok() && requests.value().empty() && !can_request) return "";
  std::string h = section_start("completion-heading", tr(l, "Komplettering", "Completion"));
  if (!requests.ok()) return h + unreadable(l) + "</section>";
  // The fields of the form version the answers are in (every version of a case has the
  // same one: a completion answers in the version it completes).
  const FormPtr form = app.catalog.version(doc.submission.form_id, doc.submission.version);
  const std::vector<CompletionField> fields = completion_fields(form, l);
  std::map<std::string, std::string> labels;
  for (const CompletionField& f : fields) labels[f.path] = f.label;
  const std::string now = utc_now();
  bool open = false;
  for (const CompletionRequest& r : requests.value()) open = open || r.usable_at(now);
  if (!requests.value().empty()) h += requests_table(u, c, requests.value(), labels);
  if (!can_request) return h + "</section>";
  if (open) {
    h += std::string("<p>") + tr(l, "Du kan begära en ny komplettering när den öppna begäran är besvarad eller återkallad.",
                                 "You can request a new completion when the open request has been answered or cancelled.") +
         "</p>";
  } else if (fields.empty()) {
    h += std::string("<p>") + tr(l, "Blankettversionen kan inte läsas, så ingen komplettering kan begäras.",
                                 "The form version cannot be read, so no completion can be requested.") +
         "</p>";
  } else {
    h += completion_request_form_html(u, c, fields, problems, kept);
  }
  return h + "</section>";
}

std::string versions_section_html(AppContext& app, const InboxUser& u, const CaseSummary& c, const CaseDocument&) {
  const std::string& l = u.lang;
  Result<std::vector<CaseVersion>> versions = list_case_versions(*u.store, c.seq);
  if (versions.ok() && versions.value().size() < 2) return "";
  std::string h = section_start("versions-heading", tr(l, "Versioner av svaren", "Versions of the answers"));
  if (!versions.ok()) return h + unreadable(l) + "</section>";
  h += std::string("<p>") +
       tr(l, "Ärendet har kompletterats. Varje version är en egen inlämning med ett eget kvitto; version 1 är den ursprungliga.",
          "The case has been completed. Each version is a submission of its own with its own receipt; version 1 is the original.") +
       "</p>";
  h += table_start("case-versions", tr(l, "Versioner, äldsta först", "Versions, oldest first"));
  h += std::string("<thead><tr><th scope=\"col\">") + tr(l, "Version", "Version") + "</th><th scope=\"col\">" +
       tr(l, "Ärendenummer", "Reference") + "</th><th scope=\"col\">" + tr(l, "Mottagen", "Received") + "</th><th scope=\"col\">" +
       tr(l, "Kvitto", "Receipt") + "</th></tr></thead><tbody>";
  for (const CaseVersion& v : versions.value()) {
    const json receipt = json::parse(v.submission.receipt, nullptr, false);
    const ReceiptCheck check = check_receipt(app.keys, receipt.is_discarded() ? json(nullptr) : receipt, v.submission.canonical, l);
    const std::string name = std::to_string(v.version) + (v.version == 1 ? tr(l, " (ursprunglig)", " (original)") : "");
    h += "<tr><th scope=\"row\">" + html_escape(name) + "</th><td>" + html_escape(v.submission.reference) + "</td><td>" +
         time_html(v.submission.received_at) + "</td><td>" +
         (check.verified ? std::string("<span class=\"receipt-status--verified\" data-verified=\"true\">") + tr(l, "Verifierat", "Verified") + "</span>"
                         : std::string("<span class=\"receipt-status--failed\" data-verified=\"false\">") +
                               html_escape(std::string(tr(l, "Kan inte verifieras: ", "Cannot be verified: ")) + check.problem) + "</span>") +
         "</td></tr>";
  }
  h += "</tbody></table></div>";
  for (size_t i = 1; i < versions.value().size(); ++i) h += differences_html(app, versions.value()[i - 1], versions.value()[i], l);
  return h + "</section>";
}

std::string completion_event_html(const CaseEvent& e, const std::string& l) {
  const json& d = e.detail;
  if (!d.is_object()) return "";
  if (e.kind == "completion_request") {
    std::string fields;
    const json labels = d.value("labels", json::array()), paths = d.value("fields", json::array());
    const json& names = labels.is_array() && !labels.empty() ? labels : paths;
    for (const json& n : names) {
      if (n.is_string()) fields += (fields.empty() ? "" : ", ") + n.get<std::string>();
    }
    return "<p>" + html_escape(std::string(tr(l, "Begärde komplettering av: ", "Requested completion of: ")) + fields + ".") +
           "</p><blockquote class=\"note\"><p>" + html_escape(d.value("message", "")) + "</p></blockquote>";
  }
  if (e.kind == "completion_cancelled") {
    // Deciding or closing the case cancels its open request (change_case_status).
    const std::string reason = d.value("reason", "");
    if (reason == "decided" || reason == "closed") {
      return std::string("<p>") +
             (reason == "decided" ? tr(l, "Begäran om komplettering återkallades när ärendet beslutades.",
                                       "The completion request was cancelled because the case was decided.")
                                  : tr(l, "Begäran om komplettering återkallades när ärendet avslutades.",
                                       "The completion request was cancelled because the case was closed.")) +
             "</p>";
    }
    return std::string("<p>") + tr(l, "Återkallade begäran om komplettering.", "Cancelled the completion request.") + "</p>";
  }
  if (e.kind == "completion") {
    const json version = d.value("version", json());
    return "<p>" + html_escape(std::string(tr(l, "Den sökande skickade en komplettering: version ", "The applicant sent a completion: version ")) +
                               (version.is_number_integer() ? std::to_string(version.get<int64_t>()) : std::string("?")) + " (" +
                               d.value("reference", "") + ").") +
           "</p>";
  }
  return "";
}

}  // namespace blankett
