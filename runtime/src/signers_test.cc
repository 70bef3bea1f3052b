// Further signers: how the loader checks "signers", which of them a filled-in form
// requires (required_signers), their titles, the scenario expectation and the lint.
#include "blankett/signers.h"

#include <gtest/gtest.h>


#include "blankett/scenario.h"
#include "blankett/usability.h"
#include "test_forms.h"

namespace blankett {
namespace {

using nlohmann::json;

// Two guardians; the second only under joint custody (as in skolskjuts), plus a repeat
// group and fields of other types for the loader to refuse.
std::string with_signers(const std::string& signers, const std::string& step_visible_if = "") {
  return R"J({"format": 1, "id": "t", "title": "T", "languages": ["sv", "en"], "signers": )J" + signers + R"J(,
  "steps": [{"id": "s1", "title": "S", "fields": [
    {"id": "custody", "type": "choice", "label": "Custody", "required": true,
     "options": [{"value": "sole", "label": "Sole"}, {"value": "joint", "label": "Joint"}]},
    {"id": "name", "type": "text", "label": "Name"},
    {"id": "g1_pnr", "type": "personnummer", "label": "Pnr 1", "required": true},
    {"id": "g1_email", "type": "email", "label": "Mail 1", "required": true},
    {"id": "kids", "type": "group", "label": "Kids", "fields": [
      {"id": "kid_pnr", "type": "personnummer", "label": "Kid"},
      {"id": "kid_email", "type": "email", "label": "Kid mail"}]}]},
   {"id": "s2", "title": "S2", )J" + (step_visible_if.empty() ? "" : "\"visible_if\": " + step_visible_if + ", ") + R"J("fields": [
    {"id": "g2_pnr", "type": "personnummer", "label": "Pnr 2", "visible_if": "custody = \"joint\"", "required": true},
    {"id": "g2_email", "type": "email", "label": "Mail 2", "required_if": "custody  =  \"joint\""}]}]})J";
}

const char kGuardian2[] =
    R"J([{"id": "guardian2", "title": {"sv": "Vårdnadshavare 2", "en": "Second guardian"}, "when": "custody = \"joint\"",
          "personal_number": "g2_pnr", "email": "g2_email"}])J";

// "code pointer (column C): message" of every load error.
std::vector<std::string> problems(const std::string& text) {
  const Result<FormPtr> r = compile_form(text);
  std::vector<std::string> out;
  if (r.ok()) return out;
  for (const Error& e : r.errors()) {
    out.push_back(e.code + " " + e.pointer + (e.column > 0 ? " (column " + std::to_string(e.column) + ")" : "") + ": " + e.message);
  }
  return out;
}

FormPtr skolskjuts() {
  return testing::must_compile(testing::read_text_file(BLANKETT_SOURCE_DIR "/forms/skolskjuts/form.json"));
}

std::vector<std::string> ids(const std::vector<RequiredSigner>& signers) {
  std::vector<std::string> out;
  for (const RequiredSigner& s : signers) out.push_back(s.id);
  return out;
}

void set(FormState* state, const std::string& path, const json& value) {
  ASSERT_TRUE(state->set_answer(path, value).ok()) << path;
}

// --- Loading ---------------------------------------------------------------------------

TEST(Signers, LoadsAFormWithSigners) {
  const FormPtr form = testing::must_compile(with_signers(kGuardian2));
  ASSERT_TRUE(form);
  const FormPtr none = testing::must_compile(with_signers("[]"));
  ASSERT_TRUE(none);
  EXPECT_TRUE(required_signers(testing::must_state(none)).empty());
}

TEST(Signers, RefusesSignersThatAreNotAList) {
  EXPECT_EQ(problems(with_signers(R"J({"id": "x"})J")),
            (std::vector<std::string>{R"(form.wrong_type /signers: must be an array of signers {"id", "title", "personal_number", "email"}, not an object)"}));
  EXPECT_EQ(problems(with_signers(R"J([[], "guardian2"])J")),
            (std::vector<std::string>{
                R"(form.wrong_type /signers/0: must be a signer object {"id", "title", "personal_number", "email"}, not an array)",
                R"(form.wrong_type /signers/1: must be a signer object {"id", "title", "personal_number", "email"}, not a string)",
            }));
  std::string many = "[";
  for (int i = 0; i < 11; ++i) {
    many += std::string(i ? ", " : "") + R"J({"id": "s)J" + std::to_string(i) +
            R"J(", "title": "S", "personal_number": "g2_pnr", "email": "g2_email"})J";
  }
  EXPECT_EQ(problems(with_signers(many + "]")),
            (std::vector<std::string>{"form.out_of_range /signers: a form has at most 10 signers"}));
}

TEST(Signers, RefusesMissingAndUnknownKeys) {
  EXPECT_EQ(problems(with_signers(R"J([{"whenn": "true"}])J")),
            (std::vector<std::string>{
                "form.unknown_key /signers/0/whenn: unknown key 'whenn' (did you mean 'when'?)",
                "form.missing_key /signers/0: 'id' is required",
                "form.missing_key /signers/0: 'title' is required",
                "form.missing_key /signers/0: 'personal_number' is required: the field with the personal identity number the signer must prove",
                "form.missing_key /signers/0: 'email' is required: the field with the address the signing link is sent to",
            }));
}

TEST(Signers, RefusesBadAndDuplicateIdsAndUntranslatedTitles) {
  EXPECT_EQ(problems(with_signers(
                R"J([{"id": "Guardian", "title": "G", "personal_number": "g1_pnr", "email": "g1_email"},
                     {"id": "g", "title": {"sv": "G"}, "personal_number": "g2_pnr", "email": "g2_email"},
                     {"id": "g", "title": 7, "personal_number": "name", "email": "g2_email"},
                     {"id": 2, "title": "", "personal_number": "kid_pnr", "email": "g2_email"}])J")),
            (std::vector<std::string>{
                "form.bad_id /signers/0/id: 'Guardian' is not a valid id: use a–z, 0–9 and '_', starting with a letter (at most 63)",
                "form.missing_translation /signers/1/title: the text has no 'en' translation",
                "form.duplicate_signer /signers/2/id: signer 'g' is declared twice",
                "form.wrong_type /signers/2/title: must be a string or an object of translations {\"sv\": …}, not a number",
                "form.bad_signer /signers/2/personal_number: 'name' must be a personnummer field",
                "form.wrong_type /signers/3/id: must be a string, not a number",
                "form.empty_text /signers/3/title: must not be empty",
                "form.bad_signer /signers/3/personal_number: 'kid_pnr' is inside a repeat group; a signer is one person",
            }));
}

TEST(Signers, RefusesFieldsThatCannotIdentifyOrReachTheSigner) {
  EXPECT_EQ(problems(with_signers(
                R"J([{"id": "a", "title": "A", "personal_number": "nobody", "email": "g1_pnr"},
                     {"id": "b", "title": "B", "personal_number": ["g2_pnr"], "email": "kid_email"},
                     {"id": "c", "title": "C", "personal_number": "g1_pnr", "email": "nowhere"},
                     {"id": "d", "title": "D", "personal_number": "g1_pnr", "email": "g1_email"}])J")),
            (std::vector<std::string>{
                "form.unknown_field /signers/0/personal_number: there is no field 'nobody'",
                "form.bad_signer /signers/0/email: 'g1_pnr' must be an email field",
                "form.wrong_type /signers/1/personal_number: must be a field id, not an array",
                "form.bad_signer /signers/1/email: 'kid_email' is inside a repeat group; a signer is one person",
                "form.unknown_field /signers/2/email: there is no field 'nowhere'",
                "form.bad_signer /signers/3/personal_number: 'g1_pnr' already identifies signer 'c'; each signer is another person",
            }));
}

TEST(Signers, WhenIsACheckedBooleanExpressionWithItsColumn) {
  const auto signer = [](const std::string& when) {
    return with_signers(R"J([{"id": "g", "title": "G", "personal_number": "g2_pnr", "email": "g2_email", "when": )J" + when + "}]");
  };
  EXPECT_EQ(problems(signer(R"J("custody = \"joint\" and")J")),
            (std::vector<std::string>{"expr.syntax /signers/0/when (column 22): expected a value, a name or '(' but found the end of the expression"}));
  EXPECT_EQ(problems(signer(R"J("custdy = \"joint\"")J")),
            (std::vector<std::string>{"expr.unknown_field /signers/0/when (column 1): unknown field 'custdy' (did you mean 'custody'?)"}));
  EXPECT_EQ(problems(signer(R"J("custody = \"shared\"")J")),
            (std::vector<std::string>{"expr.unknown_option /signers/0/when (column 11): \"shared\" is not an option of 'custody' (options: \"sole\", \"joint\")"}));
  EXPECT_EQ(problems(signer(R"J("count(kids)")J")),
            (std::vector<std::string>{"expr.type_mismatch /signers/0/when (column 1): the expression must give yes/no, but gives number"}));
  EXPECT_EQ(problems(signer(R"J("empty(kid_pnr)")J")).size(), 1u);  // a repeat-group field outside its group
  EXPECT_EQ(problems(signer("true")),
            (std::vector<std::string>{"form.wrong_type /signers/0/when: must be an expression (a string), not a boolean"}));
  EXPECT_TRUE(problems(signer(R"J("count(kids) >= 1 and not empty(g1_pnr)")J")).empty());
}

TEST(Signers, LoadErrorsHaveLines) {
  const Result<FormPtr> r = compile_form(with_signers("[\n{\"id\": \"g\", \"title\": \"G\", \"personal_number\": \"g2_pnr\", \"email\": \"g2_email\", \"when\": \"xyzzy\"}]"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(to_string(r.errors().at(0)), "expr.unknown_field at /signers/0/when (line 2, column 1): unknown field 'xyzzy'");
}

// --- Which signers a filled-in form requires -------------------------------------------

TEST(Signers, SkolskjutsNeedsTheSecondGuardianOnlyUnderJointCustody) {
  const FormPtr form = skolskjuts();
  ASSERT_TRUE(form);
  FormState state = testing::must_state(form);
  EXPECT_TRUE(required_signers(state).empty()) << "custody not answered yet";
  set(&state, "custody", "sole");
  EXPECT_TRUE(required_signers(state).empty());

  set(&state, "custody", "joint");
  std::vector<RequiredSigner> signers = required_signers(state);
  ASSERT_EQ(ids(signers), (std::vector<std::string>{"guardian2"}));
  EXPECT_EQ(signers[0].title, (json{{"sv", "Vårdnadshavare 2"}, {"en", "Second guardian"}, {"nb", "Foresatt 2"}}));
  EXPECT_EQ(signers[0].personal_number, "") << "required before it is answered: the caller decides";
  EXPECT_EQ(signers[0].email, "");
  EXPECT_EQ(signers[0].personal_number_field, "guardian2_pnr");
  EXPECT_EQ(signers[0].email_field, "guardian2_email");

  set(&state, "guardian2_pnr", "850704-9982");
  set(&state, "guardian2_email", "  johan.berg@example.se ");
  signers = required_signers(state);
  ASSERT_EQ(signers.size(), 1u);
  EXPECT_EQ(signers[0].personal_number, "19850704-9982") << "normalised";
  EXPECT_EQ(signers[0].email, "johan.berg@example.se") << "trimmed";

  set(&state, "guardian2_pnr", "19850704-9981");  // wrong check digit: no readable number
  EXPECT_EQ(required_signers(state).at(0).personal_number, "");

  set(&state, "custody", "sole");
  EXPECT_TRUE(required_signers(state).empty());
  set(&state, "custody", "joint");  // the answers were kept while hidden
  EXPECT_EQ(required_signers(state).at(0).email, "johan.berg@example.se");
  EXPECT_EQ(form_applicant(*form).email_field, "guardian1_email");
}

TEST(Signers, WithoutWhenAlwaysRequiredAndHiddenFieldsGiveEmptyStrings) {
  const FormPtr form = testing::must_compile(with_signers(
      R"J([{"id": "always", "title": "A", "personal_number": "g2_pnr", "email": "g2_email"},
           {"id": "first", "title": "F", "when": "not empty(name)", "personal_number": "g1_pnr", "email": "g1_email"}])J"));
  ASSERT_TRUE(form);
  FormState state = testing::must_state(form);
  EXPECT_EQ(ids(required_signers(state)), (std::vector<std::string>{"always"}));
  set(&state, "g2_pnr", "19850704-9982");
  set(&state, "g2_email", "a@example.se");
  set(&state, "custody", "sole");  // hides g2_pnr (visible_if custody = "joint")
  std::vector<RequiredSigner> signers = required_signers(state);
  ASSERT_EQ(signers.size(), 1u);
  EXPECT_EQ(signers[0].personal_number, "") << "hidden";
  EXPECT_EQ(signers[0].email, "a@example.se") << "g2_email is only required_if, never hidden";
  set(&state, "custody", "joint");
  set(&state, "name", "Kim");
  signers = required_signers(state);
  EXPECT_EQ(ids(signers), (std::vector<std::string>{"always", "first"})) << "definition order";
  EXPECT_EQ(signers[0].personal_number, "19850704-9982");
}

TEST(Signers, HiddenStepHidesTheSignersFields) {
  const FormPtr form = testing::must_compile(with_signers(kGuardian2, R"J("empty(name)")J"));
  ASSERT_TRUE(form);
  FormState state = testing::must_state(form);
  set(&state, "custody", "joint");
  set(&state, "g2_pnr", "19850704-9982");
  set(&state, "g2_email", "b@example.se");
  EXPECT_EQ(required_signers(state).at(0).email, "b@example.se");
  set(&state, "name", "Kim");  // hides step s2
  const std::vector<RequiredSigner> signers = required_signers(state);
  ASSERT_EQ(signers.size(), 1u);
  EXPECT_EQ(signers[0].personal_number, "");
  EXPECT_EQ(signers[0].email, "");
}

TEST(Signers, TitlesFallBackLikeLabels) {
  const FormPtr form = skolskjuts();
  ASSERT_TRUE(form);
  const json title = {{"sv", "Vårdnadshavare 2"}, {"en", "Second guardian"}, {"nb", "Foresatt 2"}};
  EXPECT_EQ(signer_title(title, "en", *form), "Second guardian");
  EXPECT_EQ(signer_title(title, "nb", *form), "Foresatt 2");
  EXPECT_EQ(signer_title(title, "de", *form), "Vårdnadshavare 2");
  EXPECT_EQ(signer_title(title, "", *form), "Vårdnadshavare 2");
  EXPECT_EQ(signer_title(json{{"sv", "Vh 2"}}, "en", *form), "Vh 2");
  EXPECT_EQ(signer_title("Second guardian", "sv", *form), "Second guardian");
  EXPECT_EQ(signer_title(json(), "sv", *form), "");
  const FormPtr two = testing::must_compile(with_signers(kGuardian2));
  ASSERT_TRUE(two);
  EXPECT_EQ(signer_title(json{{"sv", "Vh 2"}, {"nb", "Foresatt 2"}}, "nb", *two), "Vh 2") << "nb is not a language of this form";
}

// --- Scenario expectation and lint ----------------------------------------------------

TEST(Signers, ScenarioExpectsTheRequiredSigners) {
  const FormPtr form = testing::must_compile(with_signers(kGuardian2));
  ASSERT_TRUE(form);
  const json passing = {{"name", "p"}, {"actions", json::array({
      json{{"expect", {{"signers", json::array()}}}},
      json{{"set", {{"custody", "joint"}}}},
      json{{"expect", {{"signers", {"guardian2"}}}}}})}};
  EXPECT_TRUE(run_scenario(form, passing).passed);
  const json failing = {{"name", "f"}, {"actions", json::array({
      json{{"expect", {{"signers", {"guardian2"}}}}},
      json{{"expect", {{"signers", "guardian2"}}}}})}};
  const ScenarioResult r = run_scenario(form, failing);
  ASSERT_EQ(r.failures.size(), 2u);
  EXPECT_EQ(r.failures[0].pointer, "/actions/0/expect/signers");
  EXPECT_EQ(r.failures[0].message, "expected signers [\"guardian2\"] but got []");
  EXPECT_EQ(r.failures[1].message, "must be a list of signer ids, e.g. [\"guardian2\"] (or [] for none)");
}

std::vector<std::string> signer_warnings(const FormPtr& form) {
  std::vector<std::string> out;
  for (const Error& e : usability_warnings(*form)) {
    if (e.code == "lint.signer_field_optional") out.push_back(e.pointer + ": " + e.message);
  }
  return out;
}

TEST(Signers, LintWarnsWhenASignersFieldMayBeEmpty) {
  const FormPtr ok = skolskjuts();
  ASSERT_TRUE(ok);
  EXPECT_TRUE(signer_warnings(ok).empty());
  // g2_pnr: shown and required under the same condition; g2_email: required_if it,
  // written with other spacing. Both fine.
  const FormPtr same = testing::must_compile(with_signers(kGuardian2));
  ASSERT_TRUE(same);
  EXPECT_TRUE(signer_warnings(same).empty()) << ::testing::PrintToString(signer_warnings(same));

  const FormPtr hidden_step = testing::must_compile(with_signers(kGuardian2, R"J("empty(name)")J"));
  ASSERT_TRUE(hidden_step);
  EXPECT_EQ(signer_warnings(hidden_step).size(), 2u);

  const FormPtr optional = testing::must_compile(with_signers(
      R"J([{"id": "always", "title": "A", "personal_number": "g1_pnr", "email": "g2_email"}])J"));
  ASSERT_TRUE(optional);
  EXPECT_EQ(signer_warnings(optional),
            (std::vector<std::string>{
                "/signers/0/email: the signer 'always' is required always, but 'g2_email' may then be hidden or empty: make it "
                "\"required\": true and show it under the same condition, so that every submission says who must sign and where "
                "the link goes"}));
}

}  // namespace
}  // namespace blankett
