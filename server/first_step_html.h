// The first step of a fresh filling as HTML, in the form page itself, so that a citizen
// sees the step while the page's scripts and engine are still on their way (on a cold
// visit to a large form that is most of a second; docs/web-app.md, "First render").
//
// It is the markup web/js/render.js (StepView) and app-form.js (stepPage) build for the
// same view, attribute for attribute, with the form inert and <main> aria-busy until
// app-form.js replaces it with the engine's own, live screen. Being a second writer of
// that markup it is held to the first by a browser test (web/tests/first-step.test.mjs)
// that compares the two, for every field type, in every language: change both together.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace blankett {

// The app's own words the first step uses, in one language (web/js/i18n.js has them all).
struct FirstStepTexts {
  std::string step_of;       // "Steg {position} av {count}"
  std::string continue_;     // "Fortsätt"
  std::string optional;      // "(valfritt)"
  std::string yes, no;       // yes/no radios and values
  std::string choose;        // the empty <option> of a select
  std::string filter_label;  // the filter box over a long list
  std::string add_row;       // "Lägg till {item}"
  std::string remove_row;    // "Ta bort {item} {n}"
  std::string row_heading;   // "{item} {n}"
  std::string page_title;    // "{step} – {form} – Blankett"
};

// The texts for "sv", "en" or "nb" (English for any other code, as i18n.js's t() does).
const FirstStepTexts& first_step_texts(const std::string& lang);

// A number as Intl.NumberFormat formats it in the app (i18n.js formatNumber): sv-SE,
// en-GB or nb-NO; at most `max_fraction_digits` decimals, rounded half away from zero.
std::string format_number(const std::string& lang, double value, int max_fraction_digits);

struct FirstStepHtml {
  std::string title;  // the document's title, plain text
  std::string main;   // what goes into <main>: progress, heading, description, inert form
};

// `view` is the engine's view_step of a fresh filling in `lang`.
FirstStepHtml first_step_html(const nlohmann::json& view, const std::string& lang);

// The language a form page opens in, as i18n.js's initialLanguage() picks it: ?lang= if
// the app and the form have it, else the blankett_lang cookie (sv or en) if the form has
// it, else the form's first language. `languages` are the form's, its default first.
std::string form_page_language(const std::string& query_lang, const std::string& cookie_header,
                               const std::vector<std::string>& languages);

// The form page shell (web/form.html) with the step in it: <html lang>, <title>, and
// <main> holding `step.main`, aria-busy, and data-first-step="{form id}:{lang}" (which
// app-form.js checks before it keeps the step), and data-languages (the form's
// languages, space-separated, default first). The shell is returned unchanged when it
// lacks the places to put them.
std::string with_first_step(const std::string& shell, const FirstStepHtml& step, const std::string& form_id,
                            const std::string& lang, const std::vector<std::string>& languages);

}  // namespace blankett
