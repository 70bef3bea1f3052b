// Tests for first_step_html.h. That the markup is render.js's, field type by field type
// and in every language, is checked in the browser (web/tests/first-step.test.mjs);
// these check what a browser cannot see: escaping, number formats, the page language
// and where the step goes in the shell.
#include "first_step_html.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "blankett/form.h"
#include "blankett/state.h"
#include "blankett/view.h"

namespace blankett {
namespace {

using nlohmann::json;

const std::string kNbsp = "\xC2\xA0";
const std::string kMinus = "\xE2\x88\x92";

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The expected strings are what Chromium's Intl.NumberFormat gives for sv-SE, nb-NO and
// en-GB (node -e "new Intl.NumberFormat('sv-SE').format(…)").
TEST(FirstStepNumbers, AsIntlFormatsThem) {
  EXPECT_EQ(format_number("sv", 1000, 3), "1" + kNbsp + "000");
  EXPECT_EQ(format_number("nb", 1000, 3), "1" + kNbsp + "000");
  EXPECT_EQ(format_number("en", 1000, 3), "1,000");
  EXPECT_EQ(format_number("sv", -1234567.891, 3), kMinus + "1" + kNbsp + "234" + kNbsp + "567,891");
  EXPECT_EQ(format_number("en", -1234567.891, 3), "-1,234,567.891");
  EXPECT_EQ(format_number("en", 123.4567, 3), "123.457");
  EXPECT_EQ(format_number("sv", 0.5, 3), "0,5");
  EXPECT_EQ(format_number("en", 12.0, 2), "12");
  // Half away from zero, on the shortest decimal that reads back as the double.
  EXPECT_EQ(format_number("en", 2.5, 0), "3");
  EXPECT_EQ(format_number("en", -2.5, 0), "-3");
  EXPECT_EQ(format_number("en", 2.675, 2), "2.68");
  EXPECT_EQ(format_number("en", 9.995, 2), "10");
  EXPECT_EQ(format_number("en", 999999.5, 0), "1,000,000");
  EXPECT_EQ(format_number("sv", 1234.5, 0), "1" + kNbsp + "235");
  EXPECT_EQ(format_number("sv", -0.0004, 3), kMinus + "0");
  EXPECT_EQ(format_number("en", 0, 0), "0");
  EXPECT_EQ(format_number("xx", 1000, 0), "1,000");  // i18n.js: English for anything else
}

TEST(FirstStepLanguage, AsTheAppPicksIt) {
  const std::vector<std::string> svEnNb = {"sv", "en", "nb"};
  EXPECT_EQ(form_page_language("", "", svEnNb), "sv");
  EXPECT_EQ(form_page_language("nb", "blankett_lang=en", svEnNb), "nb");
  EXPECT_EQ(form_page_language("de", "", svEnNb), "sv");                           // not the app's
  EXPECT_EQ(form_page_language("nb", "", {"sv", "en"}), "sv");                     // not the form's
  EXPECT_EQ(form_page_language("", "a=1; blankett_lang=en; b=2", svEnNb), "en");  // the server pages' cookie
  EXPECT_EQ(form_page_language("", "xblankett_lang=en", svEnNb), "sv");
  EXPECT_EQ(form_page_language("", "blankett_lang=english", svEnNb), "sv");
  EXPECT_EQ(form_page_language("", "blankett_lang=sv", {"en", "sv"}), "sv");
  EXPECT_EQ(form_page_language("", "", {"en", "sv"}), "en");  // the form's default
  EXPECT_EQ(form_page_language("", "", {"de"}), "sv");
}

json text_field(const std::string& label) {
  return {{"id", "name"},     {"path", "name"},   {"type", "text"},     {"visible", true},
          {"label", label},   {"required", true}, {"readonly", false},  {"calculated", false},
          {"answer", nullptr}, {"value", nullptr}, {"error", nullptr}};
}

json step_view(json fields) {
  return {{"form", {{"title", "Form & <co>"}}},
          {"step", {{"id", "s1"}, {"title", "Step \"one\""}, {"description", ""}}},
          {"progress", {{"position", 1}, {"count", 3}}},
          {"first", true},
          {"fields", std::move(fields)}};
}

TEST(FirstStepHtml, EscapesEveryText) {
  json field = text_field("<script>alert(1)</script>");
  field["hint"] = "a \"quoted\" 'hint' & more";
  field["answer"] = "\"><img src=x onerror=alert(1)>";
  field["path"] = "name\"x";
  const FirstStepHtml html = first_step_html(step_view(json::array({field})), "en");
  EXPECT_EQ(html.main.find("<script"), std::string::npos) << html.main;
  EXPECT_EQ(html.main.find("<img"), std::string::npos) << html.main;
  EXPECT_NE(html.main.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos) << html.main;
  EXPECT_NE(html.main.find("a &quot;quoted&quot; &#39;hint&#39; &amp; more"), std::string::npos) << html.main;
  EXPECT_NE(html.main.find("value=\"&quot;&gt;&lt;img src=x onerror=alert(1)&gt;\""), std::string::npos) << html.main;
  EXPECT_NE(html.main.find("id=\"f-name&quot;x\""), std::string::npos) << html.main;
  EXPECT_EQ(html.title, "Step \"one\" – Form & <co> – Blankett");  // plain text: escaped where it goes
  EXPECT_NE(html.main.find("<h1 class=\"heading-l\" id=\"step-heading\" tabindex=\"-1\">Step &quot;one&quot;</h1>"),
            std::string::npos);
  EXPECT_NE(html.main.find("<form class=\"step-form\" novalidate=\"\" data-step=\"s1\" inert=\"\">"), std::string::npos);
  EXPECT_NE(html.main.find(">Step 1 of 3</span>"), std::string::npos);
  EXPECT_EQ(html.main.find("step-description"), std::string::npos) << "no description, no paragraph";
}

TEST(FirstStepHtml, TheAppsWordsInTheStepsLanguage) {
  json optional = text_field("Namn");
  optional["required"] = false;
  optional["visible"] = false;
  const FirstStepHtml sv = first_step_html(step_view(json::array({optional})), "sv");
  EXPECT_NE(sv.main.find(">Namn (valfritt)</label>"), std::string::npos) << sv.main;
  EXPECT_NE(sv.main.find(">Steg 1 av 3</span>"), std::string::npos);
  EXPECT_NE(sv.main.find(">Fortsätt</button>"), std::string::npos);
  EXPECT_NE(sv.main.find("id=\"f-name-group\" hidden=\"\">"), std::string::npos) << "an invisible field is hidden";
  const FirstStepHtml nb = first_step_html(step_view(json::array({optional})), "nb");
  EXPECT_NE(nb.main.find(">Namn (valgfritt)</label>"), std::string::npos);
  EXPECT_NE(nb.main.find(">Fortsett</button>"), std::string::npos);
}

TEST(FirstStepHtml, TheShellGetsLanguageTitleAndStep) {
  const std::string shell = slurp(BLANKETT_SOURCE_DIR "/web/form.html");
  ASSERT_NE(shell.find("id=\"page-loading\""), std::string::npos);
  FirstStepHtml step{"Steg – Form – Blankett", "<p>STEP</p>"};
  const std::string page = with_first_step(shell, step, "skolskjuts", "en", {"sv", "en"});
  EXPECT_NE(page.find("<html lang=\"en\">"), std::string::npos) << page;
  EXPECT_NE(page.find("<title>Steg – Form – Blankett</title>"), std::string::npos);
  EXPECT_NE(page.find("<main class=\"main\" id=\"main\" tabindex=\"-1\" aria-busy=\"true\" "
                      "data-first-step=\"skolskjuts:en\" data-languages=\"sv en\">"),
            std::string::npos);
  EXPECT_NE(page.find("<p>STEP</p>"), std::string::npos);
  EXPECT_EQ(page.find("page-loading"), std::string::npos) << "the step replaces the loading line";
  EXPECT_NE(page.find("<noscript>"), std::string::npos);
  EXPECT_EQ(page.find("<html lang=\"sv\">"), std::string::npos);
  // A shell without the places is left as it is.
  EXPECT_EQ(with_first_step("<!DOCTYPE html><title>shell</title>", step, "x", "sv", {"sv"}),
            "<!DOCTYPE html><title>shell</title>");
}

TEST(FirstStepHtml, AFreshFillingOfAnExampleForm) {
  const FormPtr form = compile_form(slurp(BLANKETT_SOURCE_DIR "/forms/kulturskola/form.json")).value();
  const FormState fresh = FormState::create(form, "2026-08-15").value();
  const FirstStepHtml html = first_step_html(view_step(fresh, "en"), "en");
  EXPECT_NE(html.main.find("<label class=\"label\" for=\"f-guardian_name\">Your name</label>"), std::string::npos)
      << html.main;
  EXPECT_NE(html.main.find("<div class=\"hint\" id=\"f-guardian_pnr-hint\">12 digits, YYYYMMDD-NNNN</div>"),
            std::string::npos);
  EXPECT_NE(html.main.find("aria-describedby=\"f-guardian_pnr-hint\""), std::string::npos);
  EXPECT_EQ(html.title, "Guardian – Application to the culture school – Blankett");
}

}  // namespace
}  // namespace blankett
