// GET /inbox: the caseworker's cases, newest first, with a filter form (a plain GET form:
// the filter lives in the address, so it can be bookmarked, and the "Older cases" link
// and the exports carry it) and keyset pagination, 50 cases a page.
#include <map>

#include <httplib.h>

#include "inbox_internal.h"

namespace blankett {

namespace {

constexpr int kPageSize = 50;

// An input's error message and the attributes that tie it to the input.
struct InputError {
  std::string message_html;  // "" when the field is fine
  std::string attributes;    // aria-describedby / aria-invalid
};

InputError field_error(const ParsedFilter& p, const std::string& id, const std::string& lang,
                       const std::string& hint_id = "") {
  InputError e;
  for (const FieldError& problem : p.problems) {
    if (problem.field_id != id) continue;
    e.message_html = "<p class=\"error-message\" id=\"" + id + "-error\"><span class=\"visually-hidden\">" +
                     tr(lang, "Fel:", "Error:") + "</span> " + html_escape(problem.message) + "</p>";
    break;
  }
  std::string described = hint_id;
  if (!e.message_html.empty()) described += (described.empty() ? "" : " ") + id + "-error";
  if (!described.empty()) e.attributes += " aria-describedby=\"" + described + "\"";
  if (!e.message_html.empty()) e.attributes += " aria-invalid=\"true\"";
  return e;
}

std::string option(const std::string& value, const std::string& label, bool selected) {
  return "<option value=\"" + html_escape(value) + "\"" + (selected ? " selected" : "") + ">" + html_escape(label) + "</option>";
}

std::string filter_form_html(AppContext& app, const InboxUser& u, const ParsedFilter& p) {
  const std::string& l = u.lang;
  const FilterInput& in = p.input;
  std::string h = std::string("<form class=\"filters\" method=\"get\" action=\"/inbox\" role=\"search\" aria-label=\"") +
                  tr(l, "Filtrera ärenden", "Filter cases") + "\">";
  h += std::string("<h2 class=\"filters__title\">") + tr(l, "Filtrera", "Filter") + "</h2><div class=\"filters__fields\">";

  InputError e = field_error(p, "filter-form", l);
  h += std::string("<div class=\"field") + (e.message_html.empty() ? "" : " field--error") + "\"><label for=\"filter-form\">" +
       tr(l, "Blankett", "Form") + "</label>" + e.message_html + "<select id=\"filter-form\" name=\"form\"" + e.attributes + ">";
  h += option("", tr(l, "Alla mina blanketter", "All my forms"), in.form.empty());
  for (const std::string& f : u.forms) h += option(f, form_title(app, f, l), in.form == f);
  h += "</select></div>";

  e = field_error(p, "filter-status", l);
  h += std::string("<div class=\"field") + (e.message_html.empty() ? "" : " field--error") + "\"><label for=\"filter-status\">" +
       tr(l, "Status", "Status") + "</label>" + e.message_html + "<select id=\"filter-status\" name=\"status\"" + e.attributes + ">";
  h += option("", tr(l, "Alla", "Any"), in.status.empty());
  for (CaseStatus s : kAllCaseStatuses) {
    h += option(case_status_name(s), status_label(s, l), in.status == case_status_name(s));
  }
  h += "</select></div>";

  h += std::string("<fieldset class=\"field dates\"><legend>") + tr(l, "Mottaget", "Received") + "</legend>";
  e = field_error(p, "filter-from", l);
  h += std::string("<div class=\"field") + (e.message_html.empty() ? "" : " field--error") + "\"><label for=\"filter-from\">" +
       tr(l, "Från och med", "From") + "</label>" + e.message_html +
       "<input type=\"date\" id=\"filter-from\" name=\"from\" value=\"" + html_escape(in.from) + "\"" + e.attributes + "></div>";
  e = field_error(p, "filter-to", l);
  h += std::string("<div class=\"field") + (e.message_html.empty() ? "" : " field--error") + "\"><label for=\"filter-to\">" +
       tr(l, "Till och med", "To") + "</label>" + e.message_html +
       "<input type=\"date\" id=\"filter-to\" name=\"to\" value=\"" + html_escape(in.to) + "\"" + e.attributes + "></div>";
  h += "</fieldset>";

  e = field_error(p, "filter-q", l, "filter-q-hint");
  h += std::string("<div class=\"field field--wide") + (e.message_html.empty() ? "" : " field--error") +
       "\"><label for=\"filter-q\">" + tr(l, "Sök", "Search") + "</label><p class=\"hint\" id=\"filter-q-hint\">" +
       tr(l, "Ärendenummer, den sökandes namn eller personnummer", "Reference, the applicant's name or personal identity number") +
       "</p>" + e.message_html + "<input type=\"search\" id=\"filter-q\" name=\"q\" maxlength=\"100\" value=\"" + html_escape(in.q) +
       "\"" + e.attributes + "></div>";

  h += std::string("<div class=\"field checkbox\"><input type=\"checkbox\" id=\"filter-mine\" name=\"mine\" value=\"1\"") +
       (in.mine ? " checked" : "") + "><label for=\"filter-mine\">" + tr(l, "Bara ärenden tilldelade mig", "Only cases assigned to me") +
       "</label></div>";
  h += std::string("</div><div class=\"button-group\"><button type=\"submit\" class=\"button\">") + tr(l, "Filtrera", "Apply filters") +
       "</button> <a href=\"/inbox\">" + tr(l, "Rensa filter", "Clear filters") + "</a></div></form>";
  return h;
}

std::string cases_table_html(AppContext& app, const InboxUser& u, const CasePage& page) {
  const std::string& l = u.lang;
  std::string h = "<div class=\"table-wrap\" role=\"region\" aria-labelledby=\"cases-caption\" tabindex=\"0\">"
                  "<table class=\"table cases\"><caption id=\"cases-caption\" class=\"table__caption\">";
  h += tr(l, "Ärenden, nyaste först", "Cases, newest first");
  h += "</caption><thead><tr>";
  for (const char* head : {tr(l, "Ärende", "Reference"), tr(l, "Blankett", "Form"), tr(l, "Mottaget", "Received"),
                           tr(l, "Status", "Status"), tr(l, "Handläggare", "Assigned to"), tr(l, "Sökande", "Applicant")}) {
    h += std::string("<th scope=\"col\">") + head + "</th>";
  }
  h += "</tr></thead><tbody>";
  std::map<std::string, std::string> titles;  // a page has few forms
  for (const CaseSummary& c : page.cases) {
    auto title = titles.find(c.form_id);
    if (title == titles.end()) title = titles.emplace(c.form_id, form_title(app, c.form_id, l)).first;
    h += "<tr><th scope=\"row\"><a href=\"/inbox/cases/" + url_encode(c.reference) + "\">" + html_escape(c.reference) + "</a></th>";
    h += "<td>" + html_escape(title->second) + "</td>";
    h += "<td>" + time_html(c.received_at) + "</td>";
    h += "<td>" + status_tags_html(c, l) + "</td>";
    h += "<td>" + (c.assignee == 0 ? std::string("–") : html_escape(c.assignee_name)) + "</td>";
    h += "<td>" + (c.applicant_name.empty() ? std::string("–") : html_escape(c.applicant_name)) + "</td></tr>";
  }
  return h + "</tbody></table></div>";
}

void inbox_page(AppContext& app, const httplib::Request& req, httplib::Response& res) {
  std::optional<InboxUser> user = inbox_user(req, res, app);
  if (!user) return;
  const InboxUser& u = *user;
  const std::string& l = u.lang;
  const ParsedFilter p = parse_filter(req, u);
  const std::string title = tr(l, "Inkorg", "Inbox");

  std::string body = "<h1>" + html_escape(title) + "</h1>";
  body += error_summary_html(l, p.problems);
  if (u.forms.empty()) {
    body += std::string("<p>") + tr(l, "Du har inga blanketter att handlägga ännu. Be en administratör att ge dig blanketter.",
                                    "You have no forms to handle yet. Ask an administrator to give you forms.") + "</p>";
    return send_page(req, res, 200, inbox_frame(u, req, title), body);
  }
  body += filter_form_html(app, u, p);
  if (!p.problems.empty()) {
    return send_page(req, res, 400, inbox_frame(u, req, std::string(tr(l, "Fel: ", "Error: ")) + title), body);
  }

  Result<CasePage> page = list_cases(*u.store, p.filter, p.before, kPageSize);
  if (!page.ok()) return send_store_unavailable(req, res, u);

  const std::string query = filter_query(p.input);
  body += std::string("<p class=\"exports\">") + tr(l, "Ladda ned ärendena som matchar filtret:", "Download the cases that match the filter:") +
          " <a href=\"/inbox/export.csv" + (query.empty() ? "" : "?" + html_escape(query)) + "\">CSV</a>" +
          " <a href=\"/inbox/export.jsonl" + (query.empty() ? "" : "?" + html_escape(query)) + "\">" +
          tr(l, "JSON Lines", "JSON Lines") + "</a></p>";
  if (page.value().cases.empty()) {
    body += std::string("<p class=\"empty\" id=\"no-cases\">") +
            (p.before ? tr(l, "Det finns inga äldre ärenden.", "There are no older cases.")
                      : tr(l, "Inga ärenden matchar filtret.", "No cases match the filter.")) + "</p>";
  } else {
    body += cases_table_html(app, u, page.value());
  }
  if (page.value().next_before != 0 || p.before != 0) {
    body += std::string("<nav class=\"pagination\" aria-label=\"") + tr(l, "Sidor", "Pages") + "\"><ul>";
    if (p.before != 0) {
      body += "<li><a href=\"/inbox" + (query.empty() ? "" : "?" + html_escape(query)) + "\">" +
              tr(l, "Nyaste ärendena", "Newest cases") + "</a></li>";
    }
    if (page.value().next_before != 0) {
      const std::string next = (query.empty() ? "" : query + "&") + "before=" + std::to_string(page.value().next_before);
      body += "<li><a rel=\"next\" href=\"/inbox?" + html_escape(next) + "\">" + tr(l, "Äldre ärenden", "Older cases") + "</a></li>";
    }
    body += "</ul></nav>";
  }
  send_page(req, res, 200, inbox_frame(u, req, title), body);
}

}  // namespace

void register_inbox_list_routes(httplib::Server& http, AppContext& app) {
  http.Get("/inbox", [&app](const httplib::Request& req, httplib::Response& res) { inbox_page(app, req, res); });
  http.Get("/inbox/", [](const httplib::Request&, httplib::Response& res) { res.set_redirect("/inbox", 303); });
}

}  // namespace blankett
