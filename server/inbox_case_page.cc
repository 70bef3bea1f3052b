// One case: GET /inbox/cases/{ref} (the answers, attachments, receipt, handling forms and
// history), its attachments' downloads, and the POST forms that change it (status,
// assignment, notes). Every POST is CSRF-checked and answered with 303 back to the page
// (so a reload never sends it twice), or with the page and an error summary.
#include <map>

#include <httplib.h>

#include "accounts.h"
#include "blankett/utf8.h"
#include "inbox_internal.h"

#include "completion_pages.h"
#include "completion_store.h"

namespace blankett {

namespace {

using nlohmann::json;

constexpr size_t kMaxNoteChars = 10000;

// What a re-rendered page shows besides the case: the problems of the form that was sent
// and what the caseworker typed (a note is never lost to an error).
struct PageState {
  int status = 200;
  std::vector<FieldError> problems;
  std::string note_text;
};

struct Caseworker {
  int64_t id = 0;
  std::string name;
};

// Enabled caseworkers who handle the form: whom a case of it can be assigned to.
Result<std::vector<Caseworker>> caseworkers_of(Store& store, const std::string& form_id) {
  Result<std::vector<User>> users = list_users(store);
  if (!users.ok()) return users.errors();
  std::vector<Caseworker> out;
  for (const User& user : users.value()) {
    if (user.disabled || !user.has(Role::caseworker)) continue;
    Result<std::vector<std::string>> forms = case_forms_of(store, user);
    if (!forms.ok()) return forms.errors();
    for (const std::string& f : forms.value()) {
      if (f == form_id) {
        out.push_back({user.id, user.display_name});
        break;
      }
    }
  }
  return out;
}

std::string user_name(Store& store, int64_t id, std::map<int64_t, std::string>* cache) {
  auto it = cache->find(id);
  if (it != cache->end()) return it->second;
  std::string name = "#" + std::to_string(id);
  Result<std::optional<User>> user = get_user(store, id);
  if (user.ok() && user.value()) name = user.value()->display_name;
  return (*cache)[id] = name;
}

std::string status_text(const json& name, const std::string& lang) {
  if (!name.is_string()) return "?";
  const std::optional<CaseStatus> s = parse_case_status(name.get<std::string>());
  return s ? status_label(*s, lang) : name.get<std::string>();
}

std::string history_html(const InboxUser& u, const std::vector<CaseEvent>& events) {
  const std::string& l = u.lang;
  if (events.empty()) return std::string("<p>") + tr(l, "Inget har hänt i ärendet ännu.", "Nothing has happened in the case yet.") + "</p>";
  std::map<int64_t, std::string> names;
  std::string h = "<ol class=\"history\" id=\"history\">";
  for (const CaseEvent& e : events) {
    // Events without a user come from the platform itself (a signature, a completion).
    const std::string who = e.user_id == 0 ? std::string(tr(l, "E-tjänsten", "The e-service"))
                            : e.user_name.empty() ? user_name(*u.store, e.user_id, &names) : e.user_name;
    h += "<li class=\"history__item\"><p class=\"history__meta\">" + time_html(e.at) + " · " + html_escape(who) + "</p>";
    const json& d = e.detail;
    if (e.kind == "status" && d.is_object()) {
      h += "<p>" + html_escape(std::string(tr(l, "Ändrade status från ", "Changed the status from ")) +
                               status_text(d.value("from", json()), l) + tr(l, " till ", " to ") + status_text(d.value("to", json()), l) + ".") +
           "</p>";
    } else if (e.kind == "assign" && d.is_object()) {
      const json to = d.value("to", json());
      const int64_t id = to.is_number_integer() ? to.get<int64_t>() : 0;
      h += "<p>" + (id == 0 ? std::string(tr(l, "Tog bort tilldelningen.", "Removed the assignment."))
                            : html_escape(std::string(tr(l, "Tilldelade ärendet till ", "Assigned the case to ")) +
                                          user_name(*u.store, id, &names) + ".")) +
           "</p>";
    } else if (e.kind == "note" && d.is_object()) {
      h += std::string("<p>") + tr(l, "Skrev en anteckning:", "Added a note:") + "</p><blockquote class=\"note\"><p>" +
           html_escape(d.contains("text") && d["text"].is_string() ? d["text"].get<std::string>() : std::string()) + "</p></blockquote>";
    } else if (std::string extra = signing_event_html(e, l) + completion_event_html(e, l); !extra.empty()) {
      h += extra;
    } else {
      h += "<p>" + html_escape(e.kind) + "</p>";
    }
    h += "</li>";
  }
  return h + "</ol>";
}

std::string problem_html(const PageState& st, const std::string& id, const std::string& lang) {
  for (const FieldError& p : st.problems) {
    if (p.field_id == id) {
      return "<p class=\"error-message\" id=\"" + id + "-error\"><span class=\"visually-hidden\">" + tr(lang, "Fel:", "Error:") +
             "</span> " + html_escape(p.message) + "</p>";
    }
  }
  return "";
}

std::string status_form_html(const InboxUser& u, const CaseSummary& c, const PageState& st) {
  const std::string& l = u.lang;
  const std::string action = "/inbox/cases/" + url_encode(c.reference) + "/status";
  std::vector<CaseStatus> allowed;
  for (CaseStatus s : kAllCaseStatuses) {
    if (case_transition_allowed(c.status, s)) allowed.push_back(s);
  }
  std::string h = std::string("<section class=\"case-action\" aria-labelledby=\"status-heading\"><h3 id=\"status-heading\">") +
                  tr(l, "Ändra status", "Change status") + "</h3>";
  if (allowed.empty()) {
    return h + "<p>" + tr(l, "Ärendet är avslutat: statusen kan inte ändras mer.", "The case is closed: its status cannot change any more.") +
           "</p></section>";
  }
  const std::string error = problem_html(st, "status-choice", l);
  h += "<form method=\"post\" action=\"" + html_escape(action) + "\">" + csrf_input(u.who) +
       "<input type=\"hidden\" name=\"updated_at\" value=\"" + html_escape(c.updated_at) + "\">";
  h += std::string("<fieldset class=\"field") + (error.empty() ? "" : " field--error") + "\"" +
       (error.empty() ? "" : " aria-describedby=\"status-choice-error\"") + "><legend>" +
       tr(l, "Ny status (nu: ", "New status (now: ") + html_escape(status_label(c.status, l)) + ")</legend>" + error + "<div class=\"radios\">";
  bool first = true;
  for (CaseStatus s : allowed) {
    const std::string name = case_status_name(s);
    // The first radio carries the id the error summary links to.
    const std::string id = first ? "status-choice" : "status-" + name;
    h += "<div class=\"radio\"><input type=\"radio\" id=\"" + id + "\" name=\"status\" value=\"" + name + "\"><label for=\"" + id + "\">" +
         html_escape(status_label(s, l)) + "</label></div>";
    first = false;
  }
  h += std::string("</div></fieldset><button type=\"submit\" class=\"button\">") + tr(l, "Ändra status", "Change status") +
       "</button></form></section>";
  return h;
}

std::string assign_form_html(const InboxUser& u, const CaseSummary& c, const std::vector<Caseworker>& workers,
                             const PageState& st) {
  const std::string& l = u.lang;
  const std::string action = "/inbox/cases/" + url_encode(c.reference) + "/assign";
  // The error summary links here: the field itself must say what is wrong (as the note's).
  const std::string error = problem_html(st, "assign-to", l);
  std::string h = std::string("<section class=\"case-action\" aria-labelledby=\"assign-heading\"><h3 id=\"assign-heading\">") +
                  tr(l, "Tilldela", "Assign") + "</h3><form method=\"post\" action=\"" + html_escape(action) + "\">" + csrf_input(u.who);
  h += std::string("<div class=\"field") + (error.empty() ? "" : " field--error") + "\"><label for=\"assign-to\">" +
       tr(l, "Handläggare", "Caseworker") + "</label>" + error + "<select id=\"assign-to\" name=\"assignee\"" +
       (error.empty() ? "" : " aria-describedby=\"assign-to-error\" aria-invalid=\"true\"") + ">";
  const int64_t me = u.who.user.id;
  auto opt = [&h, &c](int64_t id, const std::string& label) {
    h += "<option value=\"" + std::to_string(id) + "\"" + (c.assignee == id ? " selected" : "") + ">" + html_escape(label) + "</option>";
  };
  opt(me, std::string(tr(l, "Mig", "Me")) + " (" + u.who.user.display_name + ")");
  opt(0, tr(l, "Ingen", "Nobody"));
  for (const Caseworker& w : workers) {
    if (w.id != me) opt(w.id, w.name);
  }
  h += std::string("</select></div><button type=\"submit\" class=\"button button--secondary\">") + tr(l, "Tilldela", "Assign") +
       "</button></form></section>";
  return h;
}

std::string note_form_html(const InboxUser& u, const CaseSummary& c, const PageState& st) {
  const std::string& l = u.lang;
  const std::string action = "/inbox/cases/" + url_encode(c.reference) + "/notes";
  const std::string error = problem_html(st, "note-text", l);
  std::string h = std::string("<section class=\"case-action\" aria-labelledby=\"note-heading\"><h3 id=\"note-heading\">") +
                  tr(l, "Anteckning", "Note") + "</h3>";
  // Multipart: httplib refuses URL-encoded bodies over 8 KiB, and a 10,000-character
  // note is up to 60 KiB URL-encoded.
  h += "<form method=\"post\" enctype=\"multipart/form-data\" action=\"" + html_escape(action) + "\">" + csrf_input(u.who);
  h += std::string("<div class=\"field") + (error.empty() ? "" : " field--error") + "\"><label for=\"note-text\">" +
       tr(l, "Intern anteckning", "Internal note") + "</label><p class=\"hint\" id=\"note-text-hint\">" +
       tr(l, "Syns bara för handläggare, aldrig för den sökande. Högst 10 000 tecken.",
          "Only caseworkers see it, never the applicant. At most 10,000 characters.") +
       "</p>" + error + "<textarea id=\"note-text\" name=\"note\" rows=\"4\" aria-describedby=\"note-text-hint" +
       (error.empty() ? "\"" : " note-text-error\" aria-invalid=\"true\"") + ">" + html_escape(st.note_text) + "</textarea></div>";
  h += std::string("<button type=\"submit\" class=\"button button--secondary\">") + tr(l, "Spara anteckningen", "Save the note") +
       "</button></form></section>";
  return h;
}

std::string done_html(const std::string& done, const std::string& lang) {
  const char* text = nullptr;
  if (done == "status") text = tr(lang, "Statusen är ändrad.", "The status has been changed.");
  if (done == "assign") text = tr(lang, "Tilldelningen är sparad.", "The assignment has been saved.");
  if (done == "note") text = tr(lang, "Anteckningen är sparad.", "The note has been saved.");
  if (done == "reminder") text = tr(lang, "Påminnelsen är skickad.", "The reminder has been sent.");
  if (done == "deadline") text = tr(lang, "Tidsfristen är sparad.", "The deadline has been saved.");
  if (done == "deadline_removed") text = tr(lang, "Tidsfristen är borttagen.", "The deadline has been removed.");
  if (done == "no_deadline") text = tr(lang, "Ärendet hade ingen tidsfrist att ta bort.", "The case had no deadline to remove.");
  if (done == "completion") text = tr(lang, "Begäran om komplettering är skickad.", "The completion request has been sent.");
  if (done == "completion_cancelled") text = tr(lang, "Begäran om komplettering är återkallad.", "The completion request has been cancelled.");
  if (text == nullptr) return "";
  return std::string("<div class=\"notification notification--success\" role=\"status\"><p>") + text + "</p></div>";
}

void render_case(AppContext& app, const httplib::Request& req, httplib::Response& res, const InboxUser& u, const CaseSummary& c,
                 const PageState& st) {
  const std::string& l = u.lang;
  Result<CaseDocument> loaded = load_case_document(app, *u.store, c, l);
  Result<std::vector<CaseEvent>> events = case_history(*u.store, c.seq);
  Result<std::vector<Caseworker>> workers = caseworkers_of(*u.store, c.form_id);
  if (!loaded.ok() || !events.ok() || !workers.ok()) return send_store_unavailable(req, res, u);
  // Seeing a case is recorded; a view that cannot be recorded is not shown.
  if (!inbox_audit(u, "case.view", "case:" + c.reference)) return send_store_unavailable(req, res, u);
  const CaseDocument& doc = loaded.value();
  const std::string ref = url_encode(c.reference);

  std::string title = std::string(tr(l, "Ärende ", "Case ")) + c.reference;
  std::string body = std::string("<a class=\"back-link\" href=\"/inbox\">") + tr(l, "Tillbaka till inkorgen", "Back to the inbox") + "</a>";
  body += error_summary_html(l, st.problems);
  if (st.status == 200) body += done_html(req.get_param_value("done"), l);
  body += "<span class=\"caption\">" + html_escape(form_title(app, c.form_id, l)) + "</span><h1>" + html_escape(title) + "</h1>";

  body += "<dl class=\"facts case-facts\">";
  auto fact = [&body](const char* label, const std::string& value_html, const char* id = nullptr) {
    body += std::string("<div class=\"facts__item\"><dt>") + label + "</dt><dd" + (id ? std::string(" id=\"") + id + "\"" : "") + ">" +
            value_html + "</dd></div>";
  };
  fact(tr(l, "Status", "Status"), status_tags_html(c, l), "case-status");
  fact(tr(l, "Handläggare", "Assigned to"), c.assignee == 0 ? std::string(tr(l, "Ingen", "Nobody")) : html_escape(c.assignee_name),
       "case-assignee");
  fact(tr(l, "Mottaget", "Received"), time_html(c.received_at));
  fact(tr(l, "Sökande", "Applicant"), c.applicant_name.empty() ? "–" : html_escape(c.applicant_name));
  fact(tr(l, "Personnummer", "Personal identity number"), c.applicant_number.empty() ? "–" : html_escape(c.applicant_number));
  fact(tr(l, "Senast ändrat", "Last changed"), time_html(c.updated_at));
  body += "</dl>";
  body += "<ul class=\"case-links\"><li><a href=\"/inbox/cases/" + ref + "/print\">" + tr(l, "Utskriftsvänlig sida", "Printable page") +
          "</a></li><li><a href=\"/inbox/cases/" + ref + "/export.json\">" + tr(l, "Ladda ned som JSON", "Download as JSON") +
          "</a></li><li><a href=\"#handling\">" + tr(l, "Till handläggningen", "Go to handling") + "</a></li></ul>";

  body += answers_html(doc, l, 2);
  body += std::string("<h2>") + tr(l, "Bilagor", "Attachments") + "</h2>" + attachments_html(doc, l, "/inbox/cases/" + url_encode(c.reference) + "/attachments/");
  body += std::string("<h2>") + tr(l, "Kvitto", "Receipt") + "</h2>" + receipt_html(doc, l);
  body += std::string("<h2 id=\"handling\" tabindex=\"-1\">") + tr(l, "Handläggning", "Handling") + "</h2><div class=\"case-actions\">";
  body += status_form_html(u, c, st) + assign_form_html(u, c, workers.value(), st) + note_form_html(u, c, st) + "</div>";
  body += signers_section_html(app, u, c, st.problems);
  body += completion_section_html(app, u, c, doc, st.problems, posted_completion_input(req));  // a refused request keeps what was typed
  body += versions_section_html(app, u, c, doc);
  body += std::string("<h2>") + tr(l, "Historik", "History") + "</h2>" + history_html(u, events.value());

  if (!st.problems.empty()) title = std::string(tr(l, "Fel: ", "Error: ")) + title;
  PageFrame frame = inbox_frame(u, req, title);
  frame.current_path = "/inbox/cases/" + ref;  // also after a POST: the language link shows the case
  send_page(req, res, st.status, frame, body);
}

void case_page(AppContext& app, const httplib::Request& req, httplib::Response& res) {
  std::optional<InboxUser> u = inbox_user(req, res, app);
  if (!u) return;
  std::optional<CaseSummary> c = visible_case(req, res, *u, req.matches[1].str());
  if (!c) return;
  render_case(app, req, res, *u, *c, PageState{});
}

}  // namespace

std::optional<CasePost> start_case_post(AppContext& app, const httplib::Request& req, httplib::Response& res) {
  std::optional<InboxUser> u = inbox_user(req, res, app);
  if (!u) return std::nullopt;
  if (!check_csrf(req, res, u->who)) return std::nullopt;
  std::optional<CaseSummary> c = visible_case(req, res, *u, req.matches[1].str());
  if (!c) return std::nullopt;
  return CasePost{std::move(*u), std::move(*c)};
}

void back_to_case(httplib::Response& res, const CaseSummary& c, const char* done) {
  res.set_redirect("/inbox/cases/" + url_encode(c.reference) + "?done=" + done, 303);
}

void show_case_problem(AppContext& app, const httplib::Request& req, httplib::Response& res, CasePost& p, int status,
                       const std::string& field_id, const std::string& message, const std::string& note_text) {
  Result<std::optional<CaseSummary>> fresh = get_case(*p.user.store, p.c.reference);
  if (!fresh.ok() || !fresh.value()) return send_store_unavailable(req, res, p.user);
  PageState st;
  st.status = status;
  st.problems.push_back({field_id, message});
  st.note_text = note_text;
  render_case(app, req, res, p.user, *fresh.value(), st);
}

namespace {

void post_status(AppContext& app, const httplib::Request& req, httplib::Response& res) {
  std::optional<CasePost> p = start_case_post(app, req, res);
  if (!p) return;
  const std::string& l = p->user.lang;
  const std::optional<CaseStatus> to = parse_case_status(form_value(req, "status"));
  if (!to) return show_case_problem(app, req, res, *p, 400, "status-choice", tr(l, "Välj den nya statusen", "Choose the new status"));
  Result<CaseSummary> changed = change_case_status(*p->user.store, p->c.seq, *to, p->user.who.user.id, form_value(req, "updated_at"));
  if (changed.ok()) return back_to_case(res, p->c, "status");
  const std::string& code = changed.errors().front().code;
  if (code == "case.stale") {
    return show_case_problem(app, req, res, *p, 409, "status-choice",
                        tr(l, "Någon annan ändrade ärendet medan du tittade på det. Sidan visar nu hur det ser ut; kontrollera och försök igen.",
                           "Someone else changed the case while you were looking at it. The page now shows it as it is; check it and try again."));
  }
  if (code == "case.bad_transition") {
    return show_case_problem(app, req, res, *p, 409, "status-choice",
                        tr(l, "Ärendet kan inte få den statusen från sin nuvarande status. Välj en av de statusar som visas.",
                           "The case cannot get that status from its current status. Choose one of the statuses shown."));
  }
  if (code == "case.not_found") return send_not_found(req, res, p->user);
  send_store_unavailable(req, res, p->user);
}

void post_assign(AppContext& app, const httplib::Request& req, httplib::Response& res) {
  std::optional<CasePost> p = start_case_post(app, req, res);
  if (!p) return;
  const std::string& l = p->user.lang;
  const std::string text = form_value(req, "assignee");
  int64_t assignee = -1;
  if (!text.empty() && text.size() <= 18 && text.find_first_not_of("0123456789") == std::string::npos) assignee = std::stoll(text);
  bool allowed = assignee == 0;
  if (assignee > 0) {
    Result<std::vector<Caseworker>> workers = caseworkers_of(*p->user.store, p->c.form_id);
    if (!workers.ok()) return send_store_unavailable(req, res, p->user);
    for (const Caseworker& w : workers.value()) allowed = allowed || w.id == assignee;
  }
  if (!allowed) {
    return show_case_problem(app, req, res, *p, 400, "assign-to",
                        tr(l, "Välj en handläggare som handlägger den här blanketten", "Choose a caseworker who handles this form"));
  }
  Result<CaseSummary> changed = assign_case(*p->user.store, p->c.seq, assignee, p->user.who.user.id);
  if (changed.ok()) return back_to_case(res, p->c, "assign");
  if (changed.errors().front().code == "case.not_found") return send_not_found(req, res, p->user);
  send_store_unavailable(req, res, p->user);
}

void post_note(AppContext& app, const httplib::Request& req, httplib::Response& res) {
  std::optional<CasePost> p = start_case_post(app, req, res);
  if (!p) return;
  const std::string& l = p->user.lang;
  const std::string text = form_value(req, "note");
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
    return show_case_problem(app, req, res, *p, 400, "note-text", tr(l, "Skriv anteckningen", "Write the note"), text);
  }
  if (!valid_utf8(text)) {
    return show_case_problem(app, req, res, *p, 400, "note-text",
                             tr(l, "Anteckningen måste vara giltig UTF-8-text", "The note must be valid UTF-8 text"), "");
  }
  if (code_point_count(text) > kMaxNoteChars) {
    return show_case_problem(app, req, res, *p, 400, "note-text",
                        tr(l, "Anteckningen får vara högst 10 000 tecken", "The note can be at most 10,000 characters"), text);
  }
  Result<bool> added = add_case_note(*p->user.store, p->c.seq, text, p->user.who.user.id);
  if (added.ok()) return back_to_case(res, p->c, "note");
  const std::string& code = added.errors().front().code;
  if (code == "case.bad_note") {
    return show_case_problem(app, req, res, *p, 400, "note-text",
                        tr(l, "Anteckningen får inte vara tom och högst 10 000 tecken", "The note must not be empty and at most 10,000 characters"), text);
  }
  if (code == "case.not_found") return send_not_found(req, res, p->user);
  send_store_unavailable(req, res, p->user);
}

// A file name safe inside a quoted header value: the name's ASCII letters, digits and
// . _ - kept, everything else '_'. The full name travels in filename* (RFC 6266).
std::string ascii_file_name(const std::string& name) {
  std::string out;
  for (char ch : name) {
    const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-';
    out += ok ? ch : '_';
  }
  return out.empty() ? "attachment" : out;
}

void attachment_download(AppContext& app, const httplib::Request& req, httplib::Response& res) {
  std::optional<InboxUser> u = inbox_user(req, res, app);
  if (!u) return;
  std::optional<CaseSummary> c = visible_case(req, res, *u, req.matches[1].str());
  if (!c) return;
  const std::string sha256 = req.matches[2].str();
  // Only a file of this case (any of its versions): a hash alone must not open another
  // case's attachment.
  Result<std::optional<SubmissionAttachment>> found = find_case_attachment(*u->store, c->seq, sha256);
  if (!found.ok()) return send_store_unavailable(req, res, *u);
  if (!found.value()) return send_not_found(req, res, *u);
  const SubmissionAttachment* link = &*found.value();
  Result<std::optional<Attachment>> file = get_attachment(*u->store, sha256);
  if (!file.ok()) return send_store_unavailable(req, res, *u);
  if (!file.value()) return send_not_found(req, res, *u);
  if (!inbox_audit(*u, "case.attachment", "case:" + c->reference, {{"sha256", sha256}})) return send_store_unavailable(req, res, *u);
  send_attachment_download(res, std::move(*file.value()), link->name);
}

}  // namespace

void send_attachment_download(httplib::Response& res, Attachment file, const std::string& name) {
  res.status = 200;
  res.set_content(std::move(file.bytes), file.media_type);
  res.set_header("Content-Disposition", "attachment; filename=\"" + ascii_file_name(name) + "\"; filename*=UTF-8''" + url_encode(name));
  res.set_header("Cache-Control", "no-store");
}

void register_inbox_case_routes(httplib::Server& http, AppContext& app) {
  http.Get(R"(/inbox/cases/([^/]+))", [&app](const httplib::Request& req, httplib::Response& res) { case_page(app, req, res); });
  http.Get(R"(/inbox/cases/([^/]+)/attachments/([0-9a-f]{64}))",
           [&app](const httplib::Request& req, httplib::Response& res) { attachment_download(app, req, res); });
  http.Post(R"(/inbox/cases/([^/]+)/status)", [&app](const httplib::Request& req, httplib::Response& res) { post_status(app, req, res); });
  http.Post(R"(/inbox/cases/([^/]+)/assign)", [&app](const httplib::Request& req, httplib::Response& res) { post_assign(app, req, res); });
  http.Post(R"(/inbox/cases/([^/]+)/notes)", [&app](const httplib::Request& req, httplib::Response& res) { post_note(app, req, res); });
}

}  // namespace blankett
