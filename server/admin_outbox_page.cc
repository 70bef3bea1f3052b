// The administrator's view of what the server sends on its own: the e-mail outbox and
// the webhook deliveries, with their attempts and last errors, so that a broken mail
// server or business system is seen and, once fixed, retried from the browser.
#include "admin_outbox_page.h"

#include <httplib.h>

#include <map>

#include "audit_log.h"
#include "html_page.h"
#include "notifications.h"
#include "request_store.h"
#include "web_auth.h"
#include "webhooks.h"

namespace blankett {

namespace {

constexpr int kRowsShown = 100;

// A webhook's URL without what may be a credential: "https://***@host/path?***". Business
// systems put user:password in the authority or a token in the query; the page needs
// only to show where deliveries go.
std::string displayed_webhook_url(const std::string& url) {
  const size_t scheme = url.find("://");
  const size_t host = scheme == std::string::npos ? 0 : scheme + 3;
  const size_t path = url.find_first_of("/?#", host);
  const size_t at = url.rfind('@', path == std::string::npos ? std::string::npos : path);
  std::string shown = at != std::string::npos && at >= host ? url.substr(0, host) + "***" + url.substr(at) : url;
  const size_t query = shown.find_first_of("?#");
  if (query != std::string::npos) shown = shown.substr(0, query + 1) + "***";
  return shown;
}

const char* state_label(const std::string& lang, const std::string& state) {
  if (state == "pending") return tr(lang, "Väntar", "Pending");
  if (state == "sent") return tr(lang, "Skickat", "Sent");
  if (state == "delivered") return tr(lang, "Levererat", "Delivered");
  if (state == "failed") return tr(lang, "Misslyckades", "Failed");
  if (state == "cancelled") return tr(lang, "Återkallat", "Cancelled");
  return "?";
}

std::string retry_form(const SignedIn& who, const std::string& action, const std::string& label) {
  return "<form method=\"post\" action=\"" + html_escape(action) + "\" class=\"inline-form\">" + csrf_input(who) +
         "<button type=\"submit\" class=\"button button--secondary\">" + html_escape(label) + "</button></form>";
}

std::string notice(const std::string& lang, const std::string& done) {
  const char* text = nullptr;
  if (done == "mail") text = tr(lang, "Meddelandet skickas igen.", "The message will be sent again.");
  if (done == "delivery") text = tr(lang, "Leveransen görs om.", "The delivery will be made again.");
  if (text == nullptr) return "";
  return std::string("<div class=\"notice\" role=\"status\"><p>") + text + "</p></div>";
}

void send_outbox_page(const httplib::Request& req, httplib::Response& res, Store& store, const SignedIn& who, int status,
                      const std::string& problem) {
  const std::string lang = page_lang(req);
  Result<std::vector<Notification>> mails = list_notifications(store, "", kRowsShown);
  Result<std::vector<WebhookDelivery>> deliveries = list_deliveries(store, 0, kRowsShown);
  const std::string title = tr(lang, "Utkorg", "Outbox");
  std::string h = "<a class=\"back-link\" href=\"/admin\">" + std::string(tr(lang, "Tillbaka till administrationen", "Back to administration")) +
                  "</a>";
  if (!problem.empty()) {
    h += "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\"><h2>" + std::string(tr(lang, "Det gick inte", "That did not work")) +
         "</h2><p>" + html_escape(problem) + "</p></div>";
  }
  h += notice(lang, req.get_param_value("done"));
  h += "<h1>" + html_escape(title) + "</h1>";
  if (!mails.ok() || !deliveries.ok()) {
    h += std::string("<p>") + tr(lang, "Utkorgen kan inte läsas just nu.", "The outbox cannot be read right now.") + "</p>";
    return send_page(req, res, 503, PageFrame{lang, title, &who, "/admin/outbox"}, h);
  }

  h += std::string("<h2>") + tr(lang, "E-post", "E-mail") + "</h2>";
  if (mails.value().empty()) {
    h += std::string("<p>") + tr(lang, "Inga meddelanden.", "No messages.") + "</p>";
  } else {
    h += std::string("<table class=\"table\"><caption>") +
         tr(lang, "De senaste meddelandena, nyast först", "The latest messages, newest first") +
         "</caption><thead><tr><th scope=\"col\">#</th><th scope=\"col\">" + tr(lang, "Mottagare", "Recipient") +
         "</th><th scope=\"col\">" + tr(lang, "Skapat", "Created") + "</th><th scope=\"col\">" + tr(lang, "Status", "State") +
         "</th><th scope=\"col\">" + tr(lang, "Försök", "Attempts") + "</th><th scope=\"col\">" + tr(lang, "Senaste fel", "Last error") +
         "</th><th scope=\"col\"><span class=\"visually-hidden\">" + tr(lang, "Åtgärd", "Action") + "</span></th></tr></thead><tbody>";
    for (const Notification& n : mails.value()) {
      // The error is masked when stored; masked again for rows stored before that was so.
      h += "<tr><th scope=\"row\">" + std::to_string(n.id) + "</th><td>" + html_escape(masked_email_address(n.recipient)) +
           "</td><td>" + html_escape(n.created_at) + "</td><td>" + state_label(lang, n.state) + "</td><td>" +
           std::to_string(n.attempts) + "</td><td>" + html_escape(mask_email_addresses(n.last_error)) + "</td><td>";
      if (n.state == "failed") {  // not "cancelled": a withdrawn message's link leads nowhere
        h += retry_form(who, "/admin/outbox/mails/" + std::to_string(n.id) + "/retry",
                        std::string(tr(lang, "Skicka igen", "Send again")) + " #" + std::to_string(n.id));
      }
      h += "</td></tr>";
    }
    h += "</tbody></table>";
  }

  h += std::string("<h2>") + tr(lang, "Webhooks", "Webhooks") + "</h2>";
  if (deliveries.value().empty()) {
    h += std::string("<p>") + tr(lang, "Inga leveranser.", "No deliveries.") + "</p>";
  } else {
    h += std::string("<table class=\"table\"><caption>") +
         tr(lang, "De senaste leveranserna, nyast först", "The latest deliveries, newest first") +
         "</caption><thead><tr><th scope=\"col\">#</th><th scope=\"col\">" + tr(lang, "Adress", "URL") + "</th><th scope=\"col\">" +
         tr(lang, "Händelse", "Event") + "</th><th scope=\"col\">" + tr(lang, "Status", "State") + "</th><th scope=\"col\">" +
         tr(lang, "Försök", "Attempts") + "</th><th scope=\"col\">" + tr(lang, "Senaste svar", "Last response") +
         "</th><th scope=\"col\"><span class=\"visually-hidden\">" + tr(lang, "Åtgärd", "Action") + "</span></th></tr></thead><tbody>";
    for (const WebhookDelivery& d : deliveries.value()) {
      std::string response = d.last_status == 0 ? std::string() : "HTTP " + std::to_string(d.last_status);
      if (!d.last_error.empty()) response += (response.empty() ? "" : " · ") + d.last_error;
      h += "<tr><th scope=\"row\">" + std::to_string(d.id) + "</th><td>" + html_escape(displayed_webhook_url(d.url)) + "</td><td>" +
           html_escape(d.event) +
           " <span class=\"hint\">" + html_escape(d.event_key) + "</span></td><td>" + state_label(lang, d.state) + "</td><td>" +
           std::to_string(d.attempts) + "</td><td>" + html_escape(response) + "</td><td>" +
           retry_form(who, "/admin/outbox/deliveries/" + std::to_string(d.id) + "/replay",
                      std::string(tr(lang, "Leverera igen", "Deliver again")) + " #" + std::to_string(d.id)) +
           "</td></tr>";
    }
    h += "</tbody></table>";
  }
  send_page(req, res, status, PageFrame{lang, title, &who, "/admin/outbox"}, h);
}

int64_t id_of(const httplib::Request& req) {
  const std::string digits = req.matches[1].str();
  return digits.size() <= 18 ? std::stoll(digits) : -1;
}

// Retry or replay (`act`), audited; back to the page, or the page with the problem.
template <typename Act>
void post_again(const httplib::Request& req, httplib::Response& res, AppContext& app, const char* action, const char* kind,
                const char* done, Act act) {
  std::optional<SignedIn> who = require_page(req, res, app, {Role::admin});
  if (!who || !check_csrf(req, res, *who)) return;
  const std::string lang = page_lang(req);
  Result<Store*> store = request_store(app.database_path);
  if (!store) return send_page(req, res, 503, PageFrame{lang, tr(lang, "Utkorg", "Outbox"), &*who, "/admin/outbox"},
                               std::string("<h1>") + tr(lang, "Utkorgen kan inte läsas just nu.", "The outbox cannot be read right now.") + "</h1>");
  const int64_t id = id_of(req);
  Result<sql::Transaction> txn = sql::Transaction::begin(store.value()->db.get());
  Result<bool> done_now = txn ? act(*store.value(), id) : Result<bool>(txn.errors());
  if (!done_now) {
    const bool missing = done_now.errors().front().code.find("not_found") != std::string::npos;
    return send_outbox_page(req, res, *store.value(), *who, missing ? 404 : 503,
                            missing ? tr(lang, "Det finns ingen sådan rad att göra om.", "There is no such row to retry.")
                                    : tr(lang, "Ändringen kunde inte sparas. Försök igen.", "The change could not be saved. Try again."));
  }
  AuditEntry e;
  e.actor = "user:" + std::to_string(who->user.id);
  e.action = action;
  e.target = std::string(kind) + ":" + std::to_string(id);
  if (!append_audit(*store.value(), std::move(e)).ok() || !txn.value().commit().ok()) {
    return send_outbox_page(req, res, *store.value(), *who, 503,
                            tr(lang, "Ändringen kunde inte sparas. Försök igen.", "The change could not be saved. Try again."));
  }
  res.set_redirect(std::string("/admin/outbox?done=") + done, 303);
}

}  // namespace

void register_admin_outbox_routes(httplib::Server& http, AppContext& app) {
  http.Get("/admin/outbox", [&app](const httplib::Request& req, httplib::Response& res) {
    std::optional<SignedIn> who = require_page(req, res, app, {Role::admin});
    if (!who) return;
    Result<Store*> store = request_store(app.database_path);
    const std::string lang = page_lang(req);
    if (!store) return send_page(req, res, 503, PageFrame{lang, tr(lang, "Utkorg", "Outbox"), &*who, "/admin/outbox"},
                                 std::string("<h1>") + tr(lang, "Utkorgen kan inte läsas just nu.", "The outbox cannot be read right now.") + "</h1>");
    send_outbox_page(req, res, *store.value(), *who, 200, "");
  });
  http.Post(R"(/admin/outbox/mails/(\d{1,18})/retry)", [&app](const httplib::Request& req, httplib::Response& res) {
    post_again(req, res, app, "notification.retry", "notification", "mail",
               [](Store& store, int64_t id) { return retry_notification(store, id); });
  });
  http.Post(R"(/admin/outbox/deliveries/(\d{1,18})/replay)", [&app](const httplib::Request& req, httplib::Response& res) {
    post_again(req, res, app, "webhook.replay", "delivery", "delivery",
               [](Store& store, int64_t id) { return replay_delivery(store, id); });
  });
}

}  // namespace blankett
