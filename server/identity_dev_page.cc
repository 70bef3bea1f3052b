// The development identity provider (serve --identity dev, never with --production): a
// page where whoever holds the flow types any valid personal identity number. It stands
// in for an e-ID on a developer's machine and in browser tests, and says so on every
// screen. docs/identity.md.
#include <httplib.h>

#include <vector>

#include "html_page.h"
#include "http_server.h"
#include "identity.h"
#include "identity_internal.h"
#include "identity_personal_number.h"
#include "request_store.h"
#include "web_auth.h"

namespace blankett {

namespace {

constexpr size_t kMaxNameBytes = 200;

const IdentityProblem kNotDev{404, "Sidan finns inte", "Page not found",
                              "Den här servern använder inte utvecklingsinloggningen.",
                              "This server does not use the development sign-in."};

struct DevForm {
  std::string state;
  std::string purpose;  // the flow's: "sign" or "complete"
  std::string personal_number;
  std::string name;
  std::vector<FieldError> errors;
};

std::string trimmed(const std::string& s) {
  const size_t first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

bool has_error(const DevForm& f, const char* field) {
  for (const FieldError& e : f.errors) {
    if (e.field_id == field) return true;
  }
  return false;
}

// A text input with its label, hint and error. The hint and the error both describe it.
std::string text_field(const std::string& lang, const DevForm& f, const char* id, const std::string& label, const std::string& hint,
                       const std::string& value, const char* extra_attrs) {
  const bool error = has_error(f, id);
  std::string describedby = std::string(id) + "-hint";
  if (error) describedby += std::string(" ") + id + "-error";
  return std::string("<div class=\"form-group") + (error ? " form-group--error" : "") + "\"><label for=\"" + id + "\">" +
         html_escape(label) + "</label><p class=\"hint\" id=\"" + id + "-hint\">" + html_escape(hint) + "</p>" +
         field_error_html(lang, f.errors, id) + "<input id=\"" + id + "\" name=\"" + id + "\" type=\"text\" " + extra_attrs +
         " value=\"" + html_escape(value) + "\" aria-describedby=\"" + describedby + "\"" +
         (error ? " aria-invalid=\"true\"" : "") + "></div>";
}

void send_dev_page(const httplib::Request& req, httplib::Response& res, int status, const DevForm& f) {
  const std::string lang = page_lang(req);
  const std::string heading = tr(lang, "Utvecklingsinloggning — inte en riktig e-legitimation", "Development sign-in — not a real e-ID");
  std::string h = error_summary_html(lang, f.errors);
  h += "<h1>" + html_escape(heading) + "</h1>";
  h += std::string("<div class=\"warning-text\"><p>") +
       tr(lang,
          "Varning: den här servern använder utvecklingsläget för identifiering. Vem som helst kan skriva vilket personnummer "
          "som helst. Det får aldrig användas för riktiga ärenden.",
          "Warning: this server uses the development mode of identification. Anyone can type any personal identity number. "
          "It must never be used for real cases.") +
       "</p></div>";
  h += std::string("<p>") +
       (f.purpose == "sign" ? tr(lang, "Du identifierar dig för att skriva under en ansökan.", "You are identifying yourself to sign an application.")
                            : tr(lang, "Du identifierar dig för att komplettera en ansökan.", "You are identifying yourself to complete an application.")) +
       "</p>";
  h += "<form method=\"post\" action=\"/identity/dev\" novalidate><input type=\"hidden\" name=\"state\" value=\"" +
       html_escape(f.state) + "\">";
  h += text_field(lang, f, "personal_number", tr(lang, "Personnummer", "Personal identity number"),
                  tr(lang, "Till exempel 19811218-9876", "For example 19811218-9876"), f.personal_number,
                  "inputmode=\"numeric\" autocomplete=\"off\" spellcheck=\"false\"");
  h += text_field(lang, f, "name", tr(lang, "Namn (valfritt)", "Name (optional)"),
                  tr(lang, "Visas som namnet från e-legitimationen", "Shown as the name from the e-ID"), f.name,
                  "autocomplete=\"off\" spellcheck=\"false\"");
  h += std::string("<button type=\"submit\">") + tr(lang, "Identifiera mig", "Identify me") + "</button></form>";
  const std::string title = std::string(f.errors.empty() ? "" : tr(lang, "Fel: ", "Error: ")) + heading;
  send_page(req, res, status, PageFrame{lang, title, nullptr, "/identity/dev/" + f.state}, h);
}

void get_dev_page(const httplib::Request& req, httplib::Response& res, AppContext& app, const std::string& state) {
  if (app.options.identity.provider != "dev") return send_identity_problem(req, res, kNotDev);
  Result<Store*> store = request_store(app.database_path);
  if (!store) return send_identity_server_error(req, res);
  std::optional<IdentityFlow> flow = pending_flow_for(req, res, *store.value(), state, "dev");
  if (!flow) return;
  DevForm form;
  form.state = state;
  form.purpose = flow->purpose;
  send_dev_page(req, res, 200, form);
}

void post_dev_page(const httplib::Request& req, httplib::Response& res, AppContext& app) {
  if (app.options.identity.provider != "dev") return send_identity_problem(req, res, kNotDev);
  Result<Store*> store = request_store(app.database_path);
  if (!store) return send_identity_server_error(req, res);
  DevForm form;
  form.state = form_value(req, "state");
  std::optional<IdentityFlow> flow = pending_flow_for(req, res, *store.value(), form.state, "dev");
  if (!flow) return;
  form.purpose = flow->purpose;
  form.personal_number = trimmed(form_value(req, "personal_number"));
  form.name = trimmed(form_value(req, "name"));

  const std::string lang = page_lang(req);
  std::optional<std::string> number;
  if (form.personal_number.empty()) {
    form.errors.push_back({"personal_number", tr(lang, "Skriv ett personnummer", "Enter a personal identity number")});
  } else if (!(number = normalize_personal_number(form.personal_number, app.options.today()))) {
    form.errors.push_back({"personal_number", tr(lang, "Skriv ett giltigt personnummer, till exempel 19811218-9876",
                                                 "Enter a valid personal identity number, for example 19811218-9876")});
  }
  if (form.name.size() > kMaxNameBytes) {
    form.errors.push_back({"name", tr(lang, "Namnet får vara högst 200 tecken", "The name must be 200 characters or fewer")});
  }
  if (!form.errors.empty()) return send_dev_page(req, res, 400, form);

  Result<bool> recorded = record_flow_identity(*store.value(), flow->id, "dev:" + *number, *number, form.name, identity_unix_now());
  if (!recorded) return send_identity_server_error(req, res);
  if (!recorded.value()) {
    // Another request (a double click) finished this flow first.
    return send_identity_problem(req, res,
                                 IdentityProblem{400, "Identifieringen är redan använd", "The identification has already been used",
                                                 "Den här identifieringen är redan avslutad och kan inte användas igen.",
                                                 "This identification has already finished and cannot be used again."},
                                 flow->return_to);
  }
  res.set_header("Cache-Control", "no-store");
  res.set_redirect(flow->return_to, 303);
}

}  // namespace

void register_dev_identity_routes(httplib::Server& http, AppContext& app) {
  // /identity/dev?state=… is where begin_identification sends the browser; the path form
  // is the same page, so that the language switch (which drops the query) keeps the state.
  http.Get("/identity/dev", [&app](const httplib::Request& req, httplib::Response& res) {
    get_dev_page(req, res, app, req.get_param_value("state"));
  });
  http.Get(R"(/identity/dev/([A-Za-z0-9_-]{1,64}))", [&app](const httplib::Request& req, httplib::Response& res) {
    get_dev_page(req, res, app, req.matches[1].str());
  });
  http.Post("/identity/dev", [&app](const httplib::Request& req, httplib::Response& res) { post_dev_page(req, res, app); });
}

}  // namespace blankett
