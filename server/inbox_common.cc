// The inbox's shared pieces (inbox_internal.h): access, message pages, audit, words and
// times, and the filter every list and export reads.
#include <time.h>

#include <httplib.h>

#include "audit_log.h"
#include "blankett/date.h"
#include "blankett/form.h"
#include "blankett/utf8.h"
#include "clock.h"
#include "inbox_internal.h"
#include "request_store.h"

namespace blankett {

// ---------------------------------------------------------------------------------------
// Who is asking
// ---------------------------------------------------------------------------------------

bool InboxUser::may_see(std::string_view form_id) const {
  for (const std::string& f : forms) {
    if (f == form_id) return true;
  }
  return false;
}

std::optional<InboxUser> inbox_user(const httplib::Request& req, httplib::Response& res, AppContext& app) {
  std::optional<SignedIn> who = require_page(req, res, app, {Role::caseworker});
  if (!who) return std::nullopt;
  InboxUser u;
  u.who = std::move(*who);
  u.lang = page_lang(req);
  Result<Store*> store = request_store(app.database_path);
  if (!store.ok()) {
    send_store_unavailable(req, res, u);
    return std::nullopt;
  }
  u.store = store.value();
  Result<std::vector<std::string>> forms = case_forms_of(*u.store, u.who.user);
  if (!forms.ok()) {
    send_store_unavailable(req, res, u);
    return std::nullopt;
  }
  u.forms = std::move(forms).value();
  return u;
}

PageFrame inbox_frame(const InboxUser& u, const httplib::Request& req, std::string title) {
  return PageFrame{u.lang, std::move(title), &u.who, req.path};
}

void send_message_page(const httplib::Request& req, httplib::Response& res, const InboxUser& u, int status,
                       const std::string& title, const std::string& text) {
  const std::string body = "<h1>" + html_escape(title) + "</h1><p>" + html_escape(text) + "</p><p><a href=\"/inbox\">" +
                           tr(u.lang, "Till inkorgen", "Back to the inbox") + "</a></p>";
  send_page(req, res, status, inbox_frame(u, req, title), body);
}

void send_not_found(const httplib::Request& req, httplib::Response& res, const InboxUser& u) {
  send_message_page(req, res, u, 404, tr(u.lang, "Sidan finns inte", "Page not found"),
                    tr(u.lang, "Det finns inget ärende här som du handlägger. Kontrollera ärendenumret.",
                       "There is no case here that you handle. Check the reference."));
}

void send_store_unavailable(const httplib::Request& req, httplib::Response& res, const InboxUser& u) {
  send_message_page(req, res, u, 503, tr(u.lang, "Tjänsten är inte tillgänglig", "Service unavailable"),
                    tr(u.lang, "Ärendena kan inte läsas just nu. Försök igen om en stund.",
                       "The cases cannot be read right now. Try again in a moment."));
}

namespace {

// References are "SKOL-2026-000123": anything else cannot name a case, and is never
// passed to the store.
bool plausible_reference(const std::string& text) {
  if (text.empty() || text.size() > 64) return false;
  for (char c : text) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::optional<CaseSummary> visible_case(const httplib::Request& req, httplib::Response& res, const InboxUser& u,
                                        const std::string& reference) {
  if (!plausible_reference(reference)) {
    send_not_found(req, res, u);
    return std::nullopt;
  }
  Result<std::optional<CaseSummary>> found = get_case(*u.store, reference);
  if (!found.ok()) {
    send_store_unavailable(req, res, u);
    return std::nullopt;
  }
  if (!found.value() || !u.may_see(found.value()->form_id)) {
    send_not_found(req, res, u);
    return std::nullopt;
  }
  return *found.value();
}

bool inbox_audit(const InboxUser& u, const std::string& action, const std::string& target, nlohmann::json detail) {
  AuditEntry e;
  e.actor = u.actor();
  e.action = action;
  e.target = target;
  e.detail = std::move(detail);
  return append_audit(*u.store, std::move(e)).ok();
}

// ---------------------------------------------------------------------------------------
// Words and times
// ---------------------------------------------------------------------------------------

std::string status_label(CaseStatus status, const std::string& lang) {
  switch (status) {
    case CaseStatus::awaiting_signatures: return tr(lang, "Väntar på underskrifter", "Awaiting signatures");
    case CaseStatus::new_case: return tr(lang, "Ny", "New");
    case CaseStatus::in_progress: return tr(lang, "Pågående", "In progress");
    case CaseStatus::awaiting_completion: return tr(lang, "Väntar på komplettering", "Awaiting completion");
    case CaseStatus::decided: return tr(lang, "Beslutad", "Decided");
    case CaseStatus::closed: return tr(lang, "Avslutad", "Closed");
  }
  return case_status_name(status);
}

std::string status_tags_html(const CaseSummary& c, const std::string& lang) {
  std::string h = "<span class=\"tag tag--" + std::string(case_status_name(c.status)) + "\">" +
                  html_escape(status_label(c.status, lang)) + "</span>";
  if (c.flag == "signature_deadline_passed") {
    h += std::string(" <span class=\"tag tag--flag\">") + tr(lang, "Tidsfristen för underskrifter har gått ut",
                                                               "The signing deadline has passed") + "</span>";
  }
  return h;
}

std::string form_title(AppContext& app, const std::string& form_id, const std::string& lang) {
  const FormPtr form = app.catalog.current(form_id);
  if (!form) return form_id;
  const nlohmann::json summary = form_summary(*form);
  const nlohmann::json& titles = summary["title"];
  if (titles.is_object() && titles.contains(lang) && titles[lang].is_string()) return titles[lang];
  const nlohmann::json& langs = summary["languages"];
  if (langs.is_array() && !langs.empty() && titles.is_object() && titles.contains(langs[0].get<std::string>())) {
    return titles[langs[0].get<std::string>()];
  }
  return form_id;
}

namespace {

std::string local_format(const std::string& rfc3339, const char* format) {
  const std::optional<int64_t> ms = parse_utc_ms(rfc3339);
  if (!ms) return "";
  const time_t when = static_cast<time_t>(*ms >= 0 ? *ms / 1000 : (*ms - 999) / 1000);
  struct tm local {};
  localtime_r(&when, &local);
  char buf[32];
  if (std::strftime(buf, sizeof buf, format, &local) == 0) return "";
  return buf;
}

}  // namespace

std::string local_time_text(const std::string& rfc3339) {
  const std::string text = local_format(rfc3339, "%Y-%m-%d %H:%M");
  return text.empty() ? rfc3339 : text;
}

std::string local_date_of(const std::string& rfc3339) { return local_format(rfc3339, "%Y-%m-%d"); }

std::string time_html(const std::string& rfc3339) {
  return "<time datetime=\"" + html_escape(rfc3339) + "\">" + html_escape(local_time_text(rfc3339)) + "</time>";
}

// ---------------------------------------------------------------------------------------
// The filter
// ---------------------------------------------------------------------------------------

namespace {

// A real calendar date written "YYYY-MM-DD" (what <input type="date"> sends), from 1900 on.
bool valid_date(const std::string& s) {
  Date day;
  return parse_iso_date(s, &day) && s >= "1900";
}

constexpr size_t kMaxSearch = 100;

}  // namespace

ParsedFilter parse_filter(const httplib::Request& req, const InboxUser& u) {
  const std::string& l = u.lang;
  ParsedFilter p;
  FilterInput& in = p.input;
  in.form = req.get_param_value("form");
  in.status = req.get_param_value("status");
  in.from = req.get_param_value("from");
  in.to = req.get_param_value("to");
  in.q = req.get_param_value("q");
  in.mine = req.get_param_value("mine") == "1";

  if (in.form.empty()) {
    p.filter.form_ids = u.forms;
  } else if (u.may_see(in.form)) {
    p.filter.form_ids = {in.form};
  } else {
    p.problems.push_back({"filter-form", tr(l, "Välj en av dina blanketter", "Choose one of your forms")});
  }
  if (!in.status.empty()) {
    p.filter.status = parse_case_status(in.status);
    if (!p.filter.status) p.problems.push_back({"filter-status", tr(l, "Välj en status i listan", "Choose a status from the list")});
  }
  if (!in.from.empty() && !valid_date(in.from)) {
    p.problems.push_back({"filter-from", tr(l, "Ange ett riktigt datum, till exempel 2026-08-15",
                                            "Enter a real date, for example 2026-08-15")});
  }
  if (!in.to.empty() && !valid_date(in.to)) {
    p.problems.push_back({"filter-to", tr(l, "Ange ett riktigt datum, till exempel 2026-08-31",
                                          "Enter a real date, for example 2026-08-31")});
  }
  if (valid_date(in.from) && valid_date(in.to) && in.to < in.from) {
    p.problems.push_back({"filter-to", tr(l, "Slutdatumet måste vara samma som eller efter startdatumet",
                                          "The end date must be the same as or after the start date")});
  }
  p.filter.received_from = valid_date(in.from) ? in.from : "";
  p.filter.received_to = valid_date(in.to) ? in.to : "";
  if (code_point_count(in.q) > kMaxSearch) {  // characters, as the message says: "å" is two bytes
    p.problems.push_back({"filter-q", tr(l, "Sökningen får vara högst 100 tecken", "The search can be at most 100 characters")});
  } else {
    p.filter.search = in.q;
  }
  if (in.mine) p.filter.assignee = u.who.user.id;

  const std::string before = req.get_param_value("before");
  if (!before.empty()) {
    // A cursor comes from our own "Older cases" link; anything else is ignored (page 1).
    bool digits = before.size() <= 18;
    for (char c : before) digits = digits && c >= '0' && c <= '9';
    if (digits) p.before = std::stoll(before);
  }
  return p;
}

std::string filter_query(const FilterInput& in) {
  std::string q;
  auto add = [&q](const char* name, const std::string& value) {
    if (value.empty()) return;
    if (!q.empty()) q += '&';
    q += std::string(name) + "=" + url_encode(value);
  };
  add("form", in.form);
  add("status", in.status);
  add("from", in.from);
  add("to", in.to);
  if (in.mine) add("mine", "1");
  add("q", in.q);
  return q;
}

}  // namespace blankett
