// Exports: one case as JSON (GET /inbox/cases/{ref}/export.json) and as a printable page
// (…/print); a filtered set of cases as CSV (GET /inbox/export.csv) or JSON Lines
// (…/export.jsonl). The lists are streamed with a chunked response, one case at a time
// from for_each_case, so a million cases cost constant memory. Every export is audited.
// Formats: docs/inbox.md#exports.
#include <httplib.h>

#include "audit_log.h"
#include "blankett/form.h"
#include "clock.h"
#include "completion_store.h"
#include "inbox_internal.h"
#include "request_store.h"

namespace blankett {

namespace {

using nlohmann::json;

// ---------------------------------------------------------------------------------------
// One case
// ---------------------------------------------------------------------------------------

// The case's summary object with which version its answers are: the exports always hold
// the current answers (a completion reply replaces the ones it corrects), and say so.
json summary_with_answers(const CaseSummary& c, const std::string& form_version, int answers_version,
                          const std::string& answers_reference) {
  json out = case_summary_json(c, form_version);
  out["answers_version"] = answers_version;
  out["answers_reference"] = answers_reference;
  return out;
}

json history_json(const std::vector<CaseEvent>& events) {
  json out = json::array();
  for (const CaseEvent& e : events) {
    out.push_back({{"at", e.at}, {"user_id", e.user_id}, {"user_name", e.user_name}, {"kind", e.kind}, {"detail", e.detail}});
  }
  return out;
}

void case_json(AppContext& app, const httplib::Request& req, httplib::Response& res) {
  std::optional<InboxUser> u = inbox_user(req, res, app);
  if (!u) return;
  std::optional<CaseSummary> c = visible_case(req, res, *u, req.matches[1].str());
  if (!c) return;
  Result<CaseDocument> doc = load_case_document(app, *u->store, *c, u->lang);
  Result<std::vector<CaseEvent>> events = case_history(*u->store, c->seq);
  Result<std::vector<CaseVersion>> versions = list_case_versions(*u->store, c->seq);
  if (!doc.ok() || !events.ok() || !versions.ok()) return send_store_unavailable(req, res, *u);
  int answers_version = 1;  // the number of the version the document holds (the latest)
  for (const CaseVersion& v : versions.value()) {
    if (v.submission.seq == doc.value().submission.seq) answers_version = v.version;
  }
  if (!inbox_audit(*u, "case.export", "case:" + c->reference, {{"format", "json"}})) return send_store_unavailable(req, res, *u);
  json attachments = json::array();
  for (const SubmissionAttachment& a : doc.value().attachments) {
    attachments.push_back({{"field_path", a.field_path}, {"name", a.name}, {"sha256", a.sha256}});
  }
  const json out = {{"format", "blankett-case/1"},
                    {"case", summary_with_answers(*c, doc.value().submission.version, answers_version,
                                                  doc.value().submission.reference)},
                    {"submission", doc.value().document},
                    {"receipt", doc.value().receipt},
                    {"receipt_verified", doc.value().receipt_check.verified},
                    {"attachments", attachments},
                    {"history", history_json(events.value())},
                    {"exported_at", utc_now()}};
  res.status = 200;
  res.set_content(out.dump(2, ' ', false, json::error_handler_t::replace) + "\n", "application/json; charset=utf-8");
  res.set_header("Content-Disposition", "attachment; filename=\"" + c->reference + ".json\"");
  res.set_header("Cache-Control", "no-store");
}

void case_print(AppContext& app, const httplib::Request& req, httplib::Response& res) {
  std::optional<InboxUser> user = inbox_user(req, res, app);
  if (!user) return;
  const InboxUser& u = *user;
  const std::string& l = u.lang;
  std::optional<CaseSummary> c = visible_case(req, res, u, req.matches[1].str());
  if (!c) return;
  Result<CaseDocument> doc = load_case_document(app, *u.store, *c, l);
  if (!doc.ok()) return send_store_unavailable(req, res, u);
  if (!inbox_audit(u, "case.export", "case:" + c->reference, {{"format", "print"}})) return send_store_unavailable(req, res, u);

  const std::string title = std::string(tr(l, "Ärende ", "Case ")) + c->reference;
  std::string body = "<div class=\"print-page\"><p class=\"no-print\"><a href=\"/inbox/cases/" + url_encode(c->reference) + "\">" +
                     tr(l, "Tillbaka till ärendet", "Back to the case") + "</a></p>";
  body += "<span class=\"caption\">" + html_escape(form_title(app, c->form_id, l)) + "</span><h1>" + html_escape(title) + "</h1>";
  body += "<dl class=\"facts\">";
  auto fact = [&body](const char* label, const std::string& value_html) {
    body += std::string("<div class=\"facts__item\"><dt>") + label + "</dt><dd>" + value_html + "</dd></div>";
  };
  fact(tr(l, "Status", "Status"), html_escape(status_label(c->status, l)));
  fact(tr(l, "Handläggare", "Assigned to"), c->assignee == 0 ? std::string(tr(l, "Ingen", "Nobody")) : html_escape(c->assignee_name));
  fact(tr(l, "Mottaget", "Received"), time_html(c->received_at));
  fact(tr(l, "Sökande", "Applicant"), c->applicant_name.empty() ? "–" : html_escape(c->applicant_name));
  fact(tr(l, "Personnummer", "Personal identity number"), c->applicant_number.empty() ? "–" : html_escape(c->applicant_number));
  fact(tr(l, "Utskrivet", "Printed"), time_html(utc_now()));
  body += "</dl>";
  body += answers_html(doc.value(), l, 2);
  body += std::string("<h2>") + tr(l, "Bilagor", "Attachments") + "</h2>" + attachments_html(doc.value(), l, "");
  body += std::string("<h2>") + tr(l, "Kvitto", "Receipt") + "</h2>" + receipt_html(doc.value(), l) + "</div>";

  // No navigation and no sign-out form: the frame without a user is the bare page.
  PageFrame frame;
  frame.lang = l;
  frame.title = title;
  frame.current_path = req.path;
  send_page(req, res, 200, frame, body);
}

// ---------------------------------------------------------------------------------------
// Lists: CSV and JSON Lines
// ---------------------------------------------------------------------------------------

enum class ListFormat { csv, jsonl };

// A spreadsheet runs a cell that starts with = + - @ (or a tab or CR before them) as a
// formula: such cells get a leading apostrophe, which spreadsheets show as text.
std::string csv_cell(std::string text) {
  if (!text.empty() && std::string("=+-@\t\r").find(text[0]) != std::string::npos) text.insert(0, "'");
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char ch : text) {
    if (ch == '"') quoted += '"';
    quoted += ch;
  }
  return quoted + "\"";
}

// An answer as a cell: text as it is, numbers and yes/no as JSON writes them, lists and
// repeat groups as compact JSON text.
std::string answer_cell(const json& value) {
  if (value.is_null()) return "";
  if (value.is_string()) return value.get<std::string>();
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

// The top-level answers of the form's current version, in step order: the extra CSV
// columns when the export is of one form. Info texts hold no answer.
std::vector<std::string> answer_columns(AppContext& app, const std::string& form_id) {
  std::vector<std::string> ids;
  const FormPtr form = app.catalog.current(form_id);
  if (!form) return ids;
  const json& def = form_definition(*form);
  if (!def.contains("steps") || !def["steps"].is_array()) return ids;
  for (const json& step : def["steps"]) {
    if (!step.contains("fields") || !step["fields"].is_array()) continue;
    for (const json& field : step["fields"]) {
      if (!field.contains("id") || !field["id"].is_string()) continue;
      if (field.value("type", std::string()) == "info") continue;
      ids.push_back(field["id"]);
    }
  }
  return ids;
}

struct ListExport {
  ListFormat format = ListFormat::csv;
  std::string database_path;
  CaseFilter filter;
  std::vector<std::string> columns;  // answer columns (CSV, one form)
  std::string actor;
};

// Appends one case, with its current answers, to `out`.
void write_case(const ListExport& x, const CaseSummary& c, const CaseAnswers& answers_now, std::string* out) {
  const std::string_view canonical = answers_now.canonical;
  const json document = json::parse(canonical, nullptr, false);
  const bool readable = !document.is_discarded() && document.is_object();
  const std::string version = readable && document.contains("version") && document["version"].is_string() ? document["version"].get<std::string>() : "";
  if (x.format == ListFormat::jsonl) {
    // The summary, then the canonical bytes spliced as they were hashed.
    std::string line = summary_with_answers(c, version, answers_now.version, answers_now.reference)
                           .dump(-1, ' ', false, json::error_handler_t::replace);
    line.pop_back();
    out->append(line).append(",\"submission\":");
    if (readable) out->append(canonical.data(), canonical.size());
    else out->append("null");
    out->append("}\n");
    return;
  }
  const std::string fixed[] = {c.reference,       c.form_id,          version,
                               c.received_at,     case_status_name(c.status), c.assignee_name,
                               c.applicant_name,  c.applicant_number, std::to_string(answers_now.version),
                               answers_now.reference};
  std::string row;
  for (const std::string& cell : fixed) row.append(row.empty() ? "" : ",").append(csv_cell(cell));
  const json* answers = readable && document.contains("answers") && document["answers"].is_object() ? &document["answers"] : nullptr;
  for (const std::string& column : x.columns) {
    row += ',';
    if (answers && answers->contains(column)) row += csv_cell(answer_cell((*answers)[column]));
  }
  out->append(row).append("\r\n");
}

// The body, produced on the request thread after the headers: the rows straight from the
// database to the socket in 64 KiB chunks. Returns false (httplib then drops the
// connection, so the client sees an incomplete download, never a short "complete" one)
// when the store fails or the export cannot be recorded.
bool stream_list(const ListExport& x, httplib::DataSink& sink) {
  Result<Store*> store = request_store(x.database_path);
  if (!store.ok()) return false;
  std::string buffer;
  if (x.format == ListFormat::csv) {
    buffer = "\xEF\xBB\xBF";  // UTF-8 byte order mark: Excel then reads the file as UTF-8
    std::string header =
        "reference,form,version,received_at,status,assignee,applicant_name,applicant_number,answers_version,answers_reference";
    for (const std::string& column : x.columns) header += "," + csv_cell(column);
    buffer += header + "\r\n";
  }
  bool written = true;
  int64_t count = 0;
  if (!x.filter.form_ids.empty()) {
    Result<int64_t> visited = for_each_case(*store.value(), x.filter, [&](const CaseSummary& c, const CaseAnswers& answers) {
      write_case(x, c, answers, &buffer);
      if (buffer.size() >= 64 * 1024) {
        written = sink.write(buffer.data(), buffer.size());
        buffer.clear();
      }
      return written;
    });
    if (!visited.ok() || !written) return false;
    count = visited.value();
  }
  if (!buffer.empty() && !sink.write(buffer.data(), buffer.size())) return false;
  // The rows above are read while streaming, after the response's durability barrier
  // (http_server.cc), so the last ones may be a batch the writer has not synced yet. The
  // audit entry's COMMIT syncs the log (synchronous=FULL on this connection) and only
  // then does sink.done() end the download: a complete file holds only durable rows.
  AuditEntry e;
  e.actor = x.actor;
  e.action = "cases.export";
  e.target = x.filter.form_ids.size() == 1 ? "form:" + x.filter.form_ids[0] : "";
  e.detail = {{"format", x.format == ListFormat::csv ? "csv" : "jsonl"}, {"count", count}};
  if (!append_audit(*store.value(), std::move(e)).ok()) return false;
  sink.done();
  return true;
}

void list_export(AppContext& app, const httplib::Request& req, httplib::Response& res, ListFormat format) {
  std::optional<InboxUser> user = inbox_user(req, res, app);
  if (!user) return;
  const InboxUser& u = *user;
  const ParsedFilter p = parse_filter(req, u);
  if (!p.problems.empty()) {
    std::string text;
    for (const FieldError& problem : p.problems) text += (text.empty() ? "" : " ") + problem.message + ".";
    return send_message_page(req, res, u, 400, tr(u.lang, "Filtret är inte giltigt", "The filter is not valid"), text);
  }
  auto x = std::make_shared<ListExport>();
  x->format = format;
  x->database_path = app.database_path;
  x->filter = p.filter;
  x->actor = u.actor();
  const bool one_form = !p.input.form.empty();
  if (format == ListFormat::csv && one_form) x->columns = answer_columns(app, p.input.form);
  const std::string name = "cases-" + (one_form ? p.input.form : std::string("all")) + "-" + utc_file_stamp() +
                           (format == ListFormat::csv ? ".csv" : ".jsonl");
  res.status = 200;
  res.set_header("Content-Disposition", "attachment; filename=\"" + name + "\"");
  res.set_header("Cache-Control", "no-store");
  res.set_chunked_content_provider(format == ListFormat::csv ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8",
                                   [x](size_t, httplib::DataSink& sink) { return stream_list(*x, sink); });
}

}  // namespace

void register_inbox_export_routes(httplib::Server& http, AppContext& app) {
  http.Get(R"(/inbox/cases/([^/]+)/export\.json)", [&app](const httplib::Request& req, httplib::Response& res) { case_json(app, req, res); });
  http.Get(R"(/inbox/cases/([^/]+)/print)", [&app](const httplib::Request& req, httplib::Response& res) { case_print(app, req, res); });
  http.Get("/inbox/export.csv", [&app](const httplib::Request& req, httplib::Response& res) { list_export(app, req, res, ListFormat::csv); });
  http.Get("/inbox/export.jsonl", [&app](const httplib::Request& req, httplib::Response& res) { list_export(app, req, res, ListFormat::jsonl); });
}

}  // namespace blankett
