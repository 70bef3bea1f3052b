// Server-rendered pages (sign-in, inbox, admin): escaping and the one page frame they all
// share. Every piece of data that goes into HTML passes through html_escape; pages are
// plain semantic HTML that works without JavaScript, in Swedish (default) or English.
#pragma once
#include <string>
#include <string_view>

#include "httplib_fwd.h"

namespace blankett {

struct SignedIn;

// & < > " ' escaped: safe in element content and in quoted attribute values.
std::string html_escape(std::string_view text);
// Percent-encodes everything but A–Z a–z 0–9 - _ . ~ (query values, "next" paths).
std::string url_encode(std::string_view text);

// "sv" or "en": ?lang= if given, else the blankett_lang cookie, else "sv".
std::string page_lang(const httplib::Request& req);
// The blankett_lang cookie's language ("sv" or "en") in a Cookie header, else "". The
// citizen app's form page reads it too (first_step_html.h).
std::string lang_cookie(std::string_view cookie_header);
// The text in the page's language.
inline const char* tr(const std::string& lang, const char* sv, const char* en) { return lang == "en" ? en : sv; }

struct PageFrame {
  std::string lang = "sv";
  std::string title;             // already plain text; escaped by render_page
  const SignedIn* who = nullptr;  // shows the navigation, the user and a sign-out button
  std::string current_path;      // for the language switch links
};

// The whole document: skip link, header with navigation for the user's roles, the
// language switch, sign-out (a POST form with the CSRF token), and <main id="main">
// holding `body_html` (already escaped HTML).
std::string render_page(const PageFrame& frame, const std::string& body_html);

// Writes an HTML page: status, no caching (pages hold personal data), and a
// Set-Cookie for ?lang= so the choice sticks.
void send_page(const httplib::Request& req, httplib::Response& res, int status, const PageFrame& frame,
               const std::string& body_html);

// A hidden CSRF input for the forms of a page.
std::string csrf_input(const SignedIn& who);

}  // namespace blankett
