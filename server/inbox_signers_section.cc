// The case page's "Signatures" section (inbox_internal.h): per further signer pending /
// signed (when) / expired, the link's expiry and the reminders sent, with a reminder
// button per signer who has not signed and the signing deadline form; the history
// entries of the signing events; and the two POSTs behind those forms
// (register_signer_action_routes, signing_pages.h).
#include <httplib.h>

#include "clock.h"
#include "inbox_internal.h"
#include "signature_store.h"
#include "signing_pages.h"

namespace blankett {

namespace {

using nlohmann::json;

const FieldError* problem_for(const std::vector<FieldError>& problems, const std::string& id) {
  for (const FieldError& p : problems) {
    if (p.field_id == id) return &p;
  }
  return nullptr;
}

std::string error_html(const std::string& lang, const FieldError* p) {
  if (p == nullptr) return "";
  return "<p class=\"error-message\" id=\"" + html_escape(p->field_id) + "-error\"><span class=\"visually-hidden\">" +
         tr(lang, "Fel:", "Error:") + "</span> " + html_escape(p->message) + "</p>";
}

std::string state_html(const SignatureRequest& r, const std::string& now, const std::string& lang) {
  if (r.state == "signed") {
    return std::string("<strong class=\"tag tag--decided\">") + tr(lang, "Underskriven", "Signed") + "</strong> " + time_html(r.signed_at);
  }
  if (r.state == "expired" || r.expires_at <= now) {
    return std::string("<strong class=\"tag tag--flag\">") + tr(lang, "Utgången", "Expired") + "</strong>";
  }
  return std::string("<strong class=\"tag tag--awaiting_signatures\">") + tr(lang, "Väntar", "Waiting") + "</strong>";
}

std::string reminder_form_html(const InboxUser& u, const CaseSummary& c, const SignatureRequest& r,
                               const std::vector<FieldError>& problems) {
  const std::string& l = u.lang;
  const std::string id = "remind-" + r.signer_id;
  const FieldError* problem = problem_for(problems, id);
  const std::string action = "/inbox/cases/" + url_encode(c.reference) + "/signers/" + url_encode(r.signer_id) + "/remind";
  return error_html(l, problem) + "<form method=\"post\" action=\"" + html_escape(action) + "\">" + csrf_input(u.who) +
         "<button type=\"submit\" class=\"button button--secondary\" id=\"" + html_escape(id) + "\"" +
         (problem ? " aria-describedby=\"" + html_escape(id) + "-error\"" : std::string()) + ">" +
         tr(l, "Skicka påminnelse", "Send reminder") + "<span class=\"visually-hidden\"> " + tr(l, "till ", "to ") +
         html_escape(signer_title_text(r.title, l, r.signer_id)) + "</span></button></form>";
}

std::string deadline_form_html(const InboxUser& u, const CaseSummary& c, const std::vector<FieldError>& problems) {
  const std::string& l = u.lang;
  const FieldError* problem = problem_for(problems, "signing-deadline");
  const std::string action = "/inbox/cases/" + url_encode(c.reference) + "/signing-deadline";
  std::string h = std::string("<section class=\"case-action\" aria-labelledby=\"deadline-heading\"><h3 id=\"deadline-heading\">") +
                  tr(l, "Tidsfrist för underskrifter", "Signing deadline") + "</h3>";
  h += "<form method=\"post\" action=\"" + html_escape(action) + "\">" + csrf_input(u.who);
  h += std::string("<div class=\"field") + (problem ? " field--error" : "") + "\"><label for=\"signing-deadline\">" +
       tr(l, "Sista dag för underskrifter", "Last day to sign") + "</label><p class=\"hint\" id=\"signing-deadline-hint\">" +
       tr(l, "ÅÅÅÅ-MM-DD, i dag eller senare. Dagen räknas till midnatt UTC. Den som inte har skrivit under då markeras, och ärendet flaggas.",
          "YYYY-MM-DD, today or later. The day lasts until midnight UTC. Whoever has not signed by then is marked, and the case is flagged.") +
       "</p>" + error_html(l, problem) +
       "<input type=\"date\" id=\"signing-deadline\" name=\"signing_deadline\" value=\"" + html_escape(c.signing_deadline) +
       "\" aria-describedby=\"signing-deadline-hint" + (problem ? " signing-deadline-error\" aria-invalid=\"true\"" : "\"") + "></div>";
  h += std::string("<div class=\"button-group\"><button type=\"submit\" class=\"button button--secondary\" name=\"action\" value=\"set\">") +
       tr(l, "Spara tidsfristen", "Save the deadline") + "</button>";
  if (!c.signing_deadline.empty()) {
    h += std::string("<button type=\"submit\" class=\"button button--secondary\" name=\"action\" value=\"remove\">") +
         tr(l, "Ta bort tidsfristen", "Remove the deadline") + "</button>";
  }
  h += "</div></form></section>";
  return h;
}

// The title in an event's detail, for the history.
std::string event_title(const json& d, const std::string& lang) {
  const std::string id = d.contains("signer") && d["signer"].is_string() ? d["signer"].get<std::string>() : "?";
  return signer_title_text(d.contains("title") ? d["title"] : json(nullptr), lang, id);
}

std::string string_of(const json& d, const char* key) {
  return d.contains(key) && d[key].is_string() ? d[key].get<std::string>() : "";
}

}  // namespace

std::string signers_section_html(AppContext&, const InboxUser& u, const CaseSummary& c, const std::vector<FieldError>& problems) {
  Result<std::vector<SignatureRequest>> loaded = list_signature_requests(*u.store, c.seq);
  const std::string& l = u.lang;
  std::string h = std::string("<section aria-labelledby=\"signers-heading\"><h2 id=\"signers-heading\">") +
                  tr(l, "Underskrifter", "Signatures") + "</h2>";
  if (!loaded.ok()) {
    return h + "<p>" + tr(l, "Underskrifterna kan inte läsas just nu.", "The signatures cannot be read right now.") + "</p></section>";
  }
  const std::vector<SignatureRequest>& requests = loaded.value();
  if (requests.empty()) return "";
  const bool waiting = c.status == CaseStatus::awaiting_signatures;
  const std::string now = utc_now();
  if (c.flag == "signature_deadline_passed") {
    h += std::string("<div class=\"warning-text\" id=\"signing-flag\"><p>") +
         tr(l, "Tidsfristen för underskrifter passerade innan alla hade skrivit under.",
            "The signing deadline passed before everyone had signed.") +
         "</p></div>";
  }
  h += "<p>";
  if (waiting) {
    h += tr(l, "Ärendet väntar på underskrifter. När alla har skrivit under får det statusen Ny.",
            "The case is waiting for signatures. When everyone has signed, its status becomes New.");
  } else {
    h += tr(l, "Ärendet väntar inte längre på underskrifter.", "The case no longer waits for signatures.");
  }
  if (!c.signing_deadline.empty()) {
    h += " " + html_escape(std::string(tr(l, "Tidsfrist: ", "Deadline: ")) + c.signing_deadline + ".");
  }
  h += "</p>";
  // A focusable, labelled region: a table wider than the screen scrolls by keyboard too.
  h += "<div class=\"table-wrap\" role=\"region\" aria-labelledby=\"signers-caption\" tabindex=\"0\"><table id=\"signers\">"
       "<caption id=\"signers-caption\">" + std::string(tr(l, "Personer som ska skriva under", "People who must sign")) +
       "</caption><thead><tr><th scope=\"col\">" + tr(l, "Vem", "Who") + "</th><th scope=\"col\">" + tr(l, "Status", "Status") +
       "</th><th scope=\"col\">" + tr(l, "Länken gäller till", "Link valid until") + "</th><th scope=\"col\" class=\"numeric\">" +
       tr(l, "Påminnelser", "Reminders") + "</th>" + (waiting ? std::string("<th scope=\"col\">") + tr(l, "Åtgärd", "Action") + "</th>" : "") +
       "</tr></thead><tbody>";
  for (const SignatureRequest& r : requests) {
    h += "<tr id=\"signer-" + html_escape(r.signer_id) + "\"><th scope=\"row\">" + html_escape(signer_title_text(r.title, l, r.signer_id)) +
         "</th><td>" + state_html(r, now, l) + "</td><td>" + (r.state == "signed" ? std::string("–") : time_html(r.expires_at)) +
         "</td><td class=\"numeric\">" + std::to_string(r.reminders);
    if (!r.last_reminder_at.empty()) h += std::string(" <span class=\"hint\">(") + tr(l, "senast ", "last ") + time_html(r.last_reminder_at) + ")</span>";
    h += "</td>";
    if (waiting) h += "<td>" + (r.state == "signed" ? std::string("–") : reminder_form_html(u, c, r, problems)) + "</td>";
    h += "</tr>";
  }
  h += "</tbody></table></div>";
  if (waiting) {
    h += std::string("<p class=\"hint\">") +
         tr(l, "En påminnelse skickar en ny länk (den gamla slutar fungera). Högst en i timmen och fem totalt per person.",
            "A reminder sends a new link (the old one stops working). At most one an hour and five in total per person.") +
         "</p>";
    h += deadline_form_html(u, c, problems);
  }
  return h + "</section>";
}

std::string signing_event_html(const CaseEvent& e, const std::string& lang) {
  const std::string& l = lang;
  const json& d = e.detail;
  if (!d.is_object()) return "";
  std::string text;
  if (e.kind == "signature") {
    text = event_title(d, l) + tr(l, " skrev under ansökan.", " signed the application.");
  } else if (e.kind == "signature_reminder") {
    const std::string n = d.contains("reminder") && d["reminder"].is_number_integer() ? std::to_string(d["reminder"].get<int64_t>()) : "?";
    text = std::string(tr(l, "Skickade påminnelse ", "Sent reminder ")) + n + tr(l, " med en ny länk till ", " with a new link to ") +
           event_title(d, l) + ".";
  } else if (e.kind == "signing_deadline") {
    text = d.contains("to") && d["to"].is_null()
               ? std::string(tr(l, "Tog bort tidsfristen för underskrifter.", "Removed the signing deadline."))
               : std::string(tr(l, "Satte tidsfristen för underskrifter till ", "Set the signing deadline to ")) + string_of(d, "to") + ".";
  } else if (e.kind == "signature_deadline") {
    text = std::string(tr(l, "Tidsfristen för underskrifter (", "The signing deadline (")) + string_of(d, "deadline") +
           tr(l, ") passerade innan alla hade skrivit under.", ") passed before everyone had signed.");
  } else if (e.kind == "signature_link_expired") {
    text = std::string(tr(l, "Länken till ", "The link of ")) + event_title(d, l) + tr(l, " slutade gälla.", " expired.");
  } else {
    return "";
  }
  return "<p>" + html_escape(text) + "</p>";
}

namespace {

//----------------------------------------------------------------------------------------
// [SECTION] The caseworker's reminder and deadline
//----------------------------------------------------------------------------------------

void post_remind(AppContext& app, const httplib::Request& req, httplib::Response& res) {
  std::optional<CasePost> p = start_case_post(app, req, res);
  if (!p) return;
  const std::string& l = p->user.lang;
  const std::string signer = req.matches[2].str();
  Result<SignatureRequest> sent = remind_signer(*p->user.store, p->c.seq, signer, app.public_url, p->user.who.user.id, utc_now_ms());
  if (sent.ok()) return back_to_case(res, p->c, "reminder");
  const std::string& code = sent.errors().front().code;
  const std::string field = "remind-" + signer;
  if (code == "signature.not_found") return send_not_found(req, res, p->user);
  if (code == "signature.too_soon") {
    return show_case_problem(app, req, res, *p, 429, field,
                             tr(l, "En påminnelse har redan skickats den senaste timmen. Vänta en stund innan du skickar nästa.",
                                "A reminder was sent within the last hour. Wait a while before sending the next one."));
  }
  if (code == "signature.too_many") {
    return show_case_problem(app, req, res, *p, 409, field,
                             tr(l, "Högst 5 påminnelser kan skickas till samma person. Kontakta personen på annat sätt.",
                                "At most 5 reminders can be sent to the same person. Contact the person another way."));
  }
  if (code == "signature.already_signed") {
    return show_case_problem(app, req, res, *p, 409, field,
                             tr(l, "Personen har redan skrivit under.", "The person has already signed."));
  }
  if (code == "signature.deadline_passed") {
    return show_case_problem(app, req, res, *p, 409, "signing-deadline",
                             tr(l, "Tidsfristen för underskrifter har passerat. Sätt en ny tidsfrist innan du skickar en påminnelse.",
                                "The signing deadline has passed. Set a new deadline before you send a reminder."));
  }
  if (code == "signature.not_awaiting") {
    return show_case_problem(app, req, res, *p, 409, field,
                             tr(l, "Ärendet väntar inte längre på underskrifter.", "The case no longer waits for signatures."));
  }
  send_store_unavailable(req, res, p->user);
}

void post_deadline(AppContext& app, const httplib::Request& req, httplib::Response& res) {
  std::optional<CasePost> p = start_case_post(app, req, res);
  if (!p) return;
  const std::string& l = p->user.lang;
  const std::string date = form_value(req, "signing_deadline");
  const bool remove = form_value(req, "action") == "remove";
  if (date.empty() && !remove) {
    return show_case_problem(app, req, res, *p, 400, "signing-deadline", tr(l, "Ange ett datum", "Enter a date"));
  }
  Result<bool> set = remove ? remove_signing_deadline(*p->user.store, p->c.seq, p->user.who.user.id, utc_now_ms())
                            : set_signing_deadline(*p->user.store, p->c.seq, date, p->user.who.user.id, utc_now_ms());
  // The confirmation says what happened: removing a deadline that was never set changes nothing.
  if (set.ok()) return back_to_case(res, p->c, !remove ? "deadline" : set.value() ? "deadline_removed" : "no_deadline");
  const std::string& code = set.errors().front().code;
  if (code == "signature.bad_deadline") {
    return show_case_problem(app, req, res, *p, 400, "signing-deadline",
                             tr(l, "Ange ett datum som ÅÅÅÅ-MM-DD, i dag eller senare", "Enter a date as YYYY-MM-DD, today or later"));
  }
  if (code == "signature.not_awaiting") {
    return show_case_problem(app, req, res, *p, 409, "signing-deadline",
                             tr(l, "Ärendet väntar inte längre på underskrifter.", "The case no longer waits for signatures."));
  }
  if (code == "case.not_found") return send_not_found(req, res, p->user);
  send_store_unavailable(req, res, p->user);
}

}  // namespace

void register_signer_action_routes(httplib::Server& http, AppContext& app) {
  http.Post(R"(/inbox/cases/([^/]+)/signers/([^/]+)/remind)",
            [&app](const httplib::Request& req, httplib::Response& res) { post_remind(app, req, res); });
  http.Post(R"(/inbox/cases/([^/]+)/signing-deadline)",
            [&app](const httplib::Request& req, httplib::Response& res) { post_deadline(app, req, res); });
}

}  // namespace blankett
