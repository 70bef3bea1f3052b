// GET /inbox/stats: usage of each of the caseworker's forms over the last 12 weeks:
// submissions per ISO week, the share the server rejected (422), and the median time
// from the first draft save to submission where the client reported it (form_stats).
// Definitions: docs/inbox.md#statistics.
#include <cmath>
#include <cstdio>

#include <httplib.h>

#include "clock.h"
#include "inbox_internal.h"

namespace blankett {

namespace {

constexpr int kWeeks = 12;

std::string decimal(double value, int decimals, const std::string& lang) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  std::string s = buf;
  if (lang == "sv") {
    for (char& ch : s) {
      if (ch == '.') ch = ',';
    }
  }
  return s;
}

// "45 s", "12 min", "2 h 5 min", "3 d 4 h": a fill time as a person reads it.
std::string duration_text(double seconds, const std::string& lang) {
  const long long s = std::llround(seconds);
  if (s < 60) return std::to_string(s) + " s";
  const long long minutes = s / 60;
  if (minutes < 60) return std::to_string(minutes) + " min";
  const long long hours = minutes / 60;
  if (hours < 48) return std::to_string(hours) + " h " + std::to_string(minutes % 60) + " min";
  return std::to_string(hours / 24) + (lang == "sv" ? " d " : " d ") + std::to_string(hours % 24) + " h";
}

std::string form_stats_html(AppContext& app, const InboxUser& u, const FormStats& st) {
  const std::string& l = u.lang;
  const std::string id = "stats-" + html_escape(st.form_id);
  std::string h = "<section class=\"form-stats\" aria-labelledby=\"" + id + "\"><h2 id=\"" + id + "\">" +
                  html_escape(form_title(app, st.form_id, l)) + "</h2>";
  h += "<dl class=\"facts\">";
  auto fact = [&h](const char* label, const std::string& value) {
    h += std::string("<div class=\"facts__item\"><dt>") + label + "</dt><dd>" + value + "</dd></div>";
  };
  fact(tr(l, "Inskickade", "Submitted"), std::to_string(st.submissions));
  fact(tr(l, "Avvisade av servern", "Rejected by the server"),
       std::to_string(st.rejections) + " (" + decimal(st.rejected_share * 100.0, 1, l) + " %)");
  fact(tr(l, "Mediantid att fylla i", "Median time to fill in"),
       st.median_fill_seconds ? html_escape(duration_text(*st.median_fill_seconds, l))
                              : std::string(tr(l, "Okänd (ingen webbläsare har rapporterat det)", "Not known (no browser reported it)")));
  h += "</dl>";
  h += "<div class=\"table-wrap\" role=\"region\" aria-labelledby=\"" + id + "-caption\" tabindex=\"0\"><table class=\"table\">"
       "<caption class=\"table__caption\" id=\"" + id + "-caption\">" +
       html_escape(std::string(tr(l, "Per vecka, senaste 12 veckorna: ", "Per week, last 12 weeks: ")) + form_title(app, st.form_id, l)) +
       "</caption><thead><tr><th scope=\"col\">" + tr(l, "Vecka", "Week") + "</th><th scope=\"col\" class=\"numeric\">" +
       tr(l, "Inskickade", "Submitted") + "</th><th scope=\"col\" class=\"numeric\">" + tr(l, "Avvisade", "Rejected") + "</th></tr></thead><tbody>";
  for (const WeekCount& w : st.weeks) {
    h += "<tr><th scope=\"row\">" + html_escape(w.week) + "</th><td class=\"numeric\">" + std::to_string(w.submissions) +
         "</td><td class=\"numeric\">" + std::to_string(w.rejections) + "</td></tr>";
  }
  return h + "</tbody></table></div></section>";
}

void stats_page(AppContext& app, const httplib::Request& req, httplib::Response& res) {
  std::optional<InboxUser> user = inbox_user(req, res, app);
  if (!user) return;
  const InboxUser& u = *user;
  const std::string& l = u.lang;
  const std::string title = tr(l, "Statistik", "Statistics");
  std::string body = "<h1>" + html_escape(title) + "</h1><p>" +
                     tr(l, "Hur dina blanketter används de senaste 12 veckorna. Avvisade är inskickningar som servern inte tog emot "
                           "eftersom svaren inte klarade blankettens regler.",
                        "How your forms are used over the last 12 weeks. Rejected are submissions the server did not accept "
                        "because the answers did not pass the form's rules.") + "</p>";
  if (u.forms.empty()) {
    body += std::string("<p>") + tr(l, "Du har inga blanketter att handlägga ännu.", "You have no forms to handle yet.") + "</p>";
  }
  // The real date (not the rules' date, which tests and demos may fix): submissions are
  // stamped with the real clock. UTC, as received_at and the rejection counts are.
  const std::string today = utc_now().substr(0, 10);
  for (const std::string& form : u.forms) {
    Result<FormStats> st = form_stats(*u.store, form, kWeeks, today);
    if (!st.ok()) return send_store_unavailable(req, res, u);
    body += form_stats_html(app, u, st.value());
  }
  send_page(req, res, 200, inbox_frame(u, req, title), body);
}

}  // namespace

void register_inbox_stats_routes(httplib::Server& http, AppContext& app) {
  http.Get("/inbox/stats", [&app](const httplib::Request& req, httplib::Response& res) { stats_page(app, req, res); });
}

}  // namespace blankett
