#include "html_page.h"

#include <httplib.h>

#include "web_auth.h"

namespace blankett {

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string url_encode(std::string_view text) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string lang_cookie(std::string_view cookie_header) {
  for (const char* lang : {"sv", "en"}) {
    const std::string pair = std::string("blankett_lang=") + lang;
    for (size_t at = cookie_header.find(pair); at != std::string_view::npos; at = cookie_header.find(pair, at + 1)) {
      const bool starts = at == 0 || cookie_header[at - 1] == ' ' || cookie_header[at - 1] == ';';
      const size_t after = at + pair.size();
      if (starts && (after == cookie_header.size() || cookie_header[after] == ';')) return lang;
    }
  }
  return "";
}

std::string page_lang(const httplib::Request& req) {
  const std::string q = req.get_param_value("lang");
  if (q == "sv" || q == "en") return q;
  const std::string remembered = lang_cookie(req.get_header_value("Cookie"));
  return remembered.empty() ? "sv" : remembered;
}

std::string csrf_input(const SignedIn& who) {
  return "<input type=\"hidden\" name=\"csrf\" value=\"" + html_escape(who.session.csrf_token) + "\">";
}

std::string render_page(const PageFrame& f, const std::string& body_html) {
  const std::string& l = f.lang;
  std::string h;
  h.reserve(body_html.size() + 2048);
  h += "<!DOCTYPE html>\n<html lang=\"" + html_escape(l) + "\"><head><meta charset=\"utf-8\">"
       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
       "<title>" + html_escape(f.title) + " – Blankett</title>"
       "<link rel=\"stylesheet\" href=\"/css/staff.css\"></head><body>";
  h += std::string("<a class=\"skip-link\" href=\"#main\">") + tr(l, "Hoppa till innehållet", "Skip to content") + "</a>";
  h += "<header class=\"site-header\"><p class=\"brand\">Blankett</p>";
  if (f.who != nullptr) {
    const User& u = f.who->user;
    h += std::string("<nav aria-label=\"") + tr(l, "Huvudmeny", "Main") + "\"><ul>";
    if (u.has(Role::caseworker)) {
      h += std::string("<li><a href=\"/inbox\">") + tr(l, "Inkorg", "Inbox") + "</a></li>";
      h += std::string("<li><a href=\"/inbox/stats\">") + tr(l, "Statistik", "Statistics") + "</a></li>";
    }
    if (u.has(Role::developer) || u.has(Role::owner)) {
      h += std::string("<li><a href=\"/admin/forms\">") + tr(l, "Publicering", "Publishing") + "</a></li>";
    }
    if (u.has(Role::admin)) h += std::string("<li><a href=\"/admin\">") + tr(l, "Administration", "Administration") + "</a></li>";
    h += "</ul></nav>";
    h += "<form class=\"signout\" method=\"post\" action=\"/logout\">" + csrf_input(*f.who) + "<span>" +
         html_escape(u.display_name) + "</span> <button type=\"submit\">" + tr(l, "Logga ut", "Sign out") + "</button></form>";
  }
  // The switch keeps the current path; the query is dropped (it may carry search terms
  // the server would otherwise echo into a link).
  const std::string other = l == "en" ? "sv" : "en";
  h += "<p class=\"lang-switch\"><a href=\"" + html_escape(f.current_path.empty() ? "/" : f.current_path) + "?lang=" + other +
       "\" lang=\"" + other + "\" hreflang=\"" + other + "\">" + (other == "en" ? "English" : "Svenska") + "</a></p>";
  h += "</header><main id=\"main\" tabindex=\"-1\">" + body_html + "</main></body></html>\n";
  return h;
}

void send_page(const httplib::Request& req, httplib::Response& res, int status, const PageFrame& frame,
               const std::string& body_html) {
  res.status = status;
  // A refusal does not repeat the path it refused (it may name a case the caller may not
  // know of); its language link goes to the start page instead.
  PageFrame shown = frame;
  if (status == 401 || status == 403 || status == 404) shown.current_path.clear();
  res.set_content(render_page(shown, body_html), "text/html; charset=utf-8");
  res.set_header("Cache-Control", "no-store");
  const std::string q = req.get_param_value("lang");
  if (q == "sv" || q == "en") res.set_header("Set-Cookie", "blankett_lang=" + q + "; Path=/; SameSite=Strict; Max-Age=31536000");
}

}  // namespace blankett
