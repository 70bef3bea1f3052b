// Loading errors: every problem at once, each with its code, pointer, line and column.
#include <gtest/gtest.h>

#include <random>

#include "blankett/form.h"
#include "test_forms.h"

namespace blankett {
namespace {

std::vector<std::string> describe(const Result<FormPtr>& r) {
  std::vector<std::string> out;
  if (r.ok()) return out;
  for (const Error& e : r.errors()) out.push_back(to_string(e));
  return out;
}

std::string minimal(const std::string& fields, const std::string& extra_step = "") {
  return R"J({"format": 1, "id": "t", "title": "T", "languages": ["sv", "en"],
  "steps": [{"id": "s1", "title": "S", "fields": [)J" + fields + "]}" + extra_step + "]}";
}

TEST(FormLoader, LoadsTheHouseholdForm) {
  const FormPtr form = testing::must_compile(testing::kHouseholdForm);
  ASSERT_TRUE(form);
  EXPECT_EQ(form_id(*form), "household");
  EXPECT_EQ(form_version(*form).size(), 64u);
}

TEST(FormLoader, VersionIsTheHashOfTheCanonicalDefinition) {
  // Key order and white space do not change the version; content does.
  const FormPtr a = testing::must_compile(minimal(R"J({"id": "a", "type": "text", "label": "A"})J"));
  const FormPtr b = testing::must_compile(R"J({"title":"T","id":"t","format":1,"languages":["sv","en"],"steps":[{"title":"S","id":"s1","fields":[{"label":"A","type":"text","id":"a"}]}]})J");
  const FormPtr c = testing::must_compile(minimal(R"J({"id": "a", "type": "text", "label": "B"})J"));
  EXPECT_EQ(form_version(*a), form_version(*b));
  EXPECT_NE(form_version(*a), form_version(*c));
}

std::string with_applicant(const std::string& applicant) {
  return R"J({"format": 1, "id": "t", "title": "T", "languages": ["sv", "en"], "applicant": )J" + applicant + R"J(,
  "steps": [{"id": "s1", "title": "S", "fields": [
    {"id": "first", "type": "text", "label": "First"},
    {"id": "last", "type": "text", "label": "Last"},
    {"id": "pnr", "type": "personnummer", "label": "Pnr"},
    {"id": "mail", "type": "email", "label": "Mail"},
    {"id": "age", "type": "integer", "label": "Age"},
    {"id": "kids", "type": "group", "label": "Kids", "fields": [{"id": "kid", "type": "text", "label": "Kid"}]}]}]})J";
}

TEST(FormLoader, ReadsTheApplicant) {
  const FormPtr form = testing::must_compile(with_applicant(R"J({"name": ["first", "last"], "personal_number": "pnr", "email": "mail"})J"));
  ASSERT_TRUE(form);
  EXPECT_EQ(form_applicant(*form).name_fields, (std::vector<std::string>{"first", "last"}));
  EXPECT_EQ(form_applicant(*form).personal_number_field, "pnr");
  EXPECT_EQ(form_applicant(*form).email_field, "mail");
  const FormPtr none = testing::must_compile(minimal(R"J({"id": "a", "type": "text", "label": "A"})J"));
  EXPECT_TRUE(form_applicant(*none).name_fields.empty());
  EXPECT_EQ(form_applicant(*none).personal_number_field, "");
  EXPECT_EQ(form_applicant(*none).email_field, "");
}

TEST(FormLoader, RefusesAnApplicantThatIsNotOneTopLevelPerson) {
  const Result<FormPtr> r = compile_form(with_applicant(
      R"J({"name": ["first", "nobody", "age", "kid"], "personal_number": "first", "email": "pnr", "phone": "x"})J"));
  ASSERT_FALSE(r.ok());
  std::vector<std::string> got;
  for (const Error& e : r.errors()) got.push_back(e.code + " " + e.pointer + ": " + e.message);
  EXPECT_EQ(got, (std::vector<std::string>{
      "form.unknown_key /applicant/phone: unknown key 'phone'",
      "form.unknown_field /applicant/name/1: there is no field 'nobody'",
      "form.bad_applicant /applicant/name/2: 'age' must be a text field",
      "form.bad_applicant /applicant/name/3: 'kid' is inside a repeat group; the applicant is one person",
      "form.bad_applicant /applicant/personal_number: 'first' must be a personnummer field",
      "form.bad_applicant /applicant/email: 'pnr' must be an email field",
  }));
  // The e-mail field, like the others, is one top-level answer, named by a string.
  for (const char* email : {R"J("kid")J", R"J("nobody")J", "3"}) {
    const Result<FormPtr> bad = compile_form(with_applicant(std::string(R"J({"email": )J") + email + "}"));
    ASSERT_FALSE(bad.ok()) << email;
    ASSERT_EQ(bad.errors().size(), 1u) << email;
    EXPECT_EQ(bad.errors()[0].pointer, "/applicant/email") << email;
  }
  EXPECT_EQ(compile_form(with_applicant(R"J({"email": "kid"})J")).errors()[0].code, "form.bad_applicant");
  EXPECT_EQ(compile_form(with_applicant(R"J({"email": "nobody"})J")).errors()[0].code, "form.unknown_field");
  EXPECT_EQ(compile_form(with_applicant(R"J({"email": 3})J")).errors()[0].code, "form.wrong_type");
}

TEST(FormLoader, ReportsEveryProblemAtOnceWithPointersAndLines) {
  const std::string text = R"J({
  "format": 1,
  "id": "t",
  "title": {"sv": "T"},
  "languages": ["sv", "en"],
  "steps": [
    {"id": "s1", "title": "S", "fields": [
      {"id": "name", "type": "text", "label": "Name", "requird": true},
      {"id": "name", "type": "integer", "label": "Again"},
      {"id": "age", "type": "integer", "label": "Age", "visible_if": "name > 3"},
      {"id": "x", "type": "text", "label": "X", "visible_if": "nmae = \"a\""},
      {"id": "y", "type": "text", "label": "Y", "pattern": "[a-"},
      {"id": "z", "type": "colour", "label": "Z"}
    ]}
  ]
})J";
  const Result<FormPtr> r = compile_form(text);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(describe(r), (std::vector<std::string>{
      "form.missing_translation at /title (line 4): the text has no 'en' translation",
      "form.unknown_key at /steps/0/fields/0/requird (line 8): unknown key 'requird' (did you mean 'required'?)",
      "form.duplicate_id at /steps/0/fields/1/id (line 9): id 'name' is used twice",
      "form.bad_regex at /steps/0/fields/4/pattern (line 12, column 1): the pattern does not compile: missing ']' to close '[' at column 1",
      "form.unknown_type at /steps/0/fields/5/type (line 13): unknown field type 'colour' (types: text, textarea, integer, decimal, date, yesno, choice, multichoice, email, phone, personnummer, orgnummer, postalcode, attachment, info, group)",
      "expr.type_mismatch at /steps/0/fields/2/visible_if (line 10, column 6): '>' compares two numbers or two dates, but gets text and number",
      "expr.unknown_field at /steps/0/fields/3/visible_if (line 11, column 1): unknown field 'nmae' (did you mean 'name'?)",
  }));
}

TEST(FormLoader, ExpressionSyntaxErrorsHaveColumns) {
  const Result<FormPtr> r = compile_form(minimal(
      R"J({"id": "a", "type": "integer", "label": "A"},
         {"id": "b", "type": "text", "label": "B", "visible_if": "a > 3 and"},
         {"id": "c", "type": "text", "label": "C", "visible_if": "a > (3"},
         {"id": "d", "type": "text", "label": "D", "visible_if": "a = 'open"},
         {"id": "e", "type": "text", "label": "E", "visible_if": "1 < a < 3"},
         {"id": "f", "type": "text", "label": "F", "visible_if": "a # 2"},
         {"id": "g", "type": "text", "label": "G", "visible_if": "frobnicate(a)"},
         {"id": "h", "type": "text", "label": "H", "visible_if": "if(a > 1, 2)"})J"));
  ASSERT_FALSE(r.ok());
  std::vector<std::string> got;
  for (const Error& e : r.errors()) got.push_back(e.pointer + " " + std::to_string(e.column) + " " + e.message);
  EXPECT_EQ(got, (std::vector<std::string>{
      "/steps/0/fields/1/visible_if 10 expected a value, a name or '(' but found the end of the expression",
      "/steps/0/fields/2/visible_if 7 expected ')' but found the end of the expression",
      "/steps/0/fields/3/visible_if 5 string is not closed: add the closing quote",
      "/steps/0/fields/4/visible_if 7 comparisons cannot be chained: use 'and' between them",
      "/steps/0/fields/5/visible_if 3 unexpected character '#'",
      "/steps/0/fields/6/visible_if 1 unknown function 'frobnicate' (functions: empty, count, sum, min, max, length, matches, contains, upper, lower, today, date, age, days_between, year, round, if)",
      "/steps/0/fields/7/visible_if 1 if() takes 3 arguments, not 2",
  }));
}

TEST(FormLoader, TypeChecksExpressions) {
  const Result<FormPtr> r = compile_form(minimal(
      R"J({"id": "n", "type": "integer", "label": "N"},
         {"id": "t", "type": "text", "label": "T"},
         {"id": "c", "type": "choice", "label": "C", "options": [{"value": "bus", "label": "Bus"}, {"value": "taxi", "label": "Taxi"}]},
         {"id": "d", "type": "date", "label": "D"},
         {"id": "k", "type": "integer", "label": "K", "calculate": "t"},
         {"id": "l", "type": "text", "label": "L", "visible_if": "c = \"buss\""},
         {"id": "m", "type": "text", "label": "M", "visible_if": "d > \"2026-02-30\""},
         {"id": "o", "type": "text", "label": "O", "visible_if": "n + t > 1"},
         {"id": "p", "type": "text", "label": "P", "visible_if": "n"},
         {"id": "q", "type": "text", "label": "Q", "visible_if": "matches(t, \"(a\")"},
         {"id": "r", "type": "text", "label": "R", "visible_if": "d > \"2026-01-31\" and c in [\"bus\", \"tram\"]"})J"));
  ASSERT_FALSE(r.ok());
  std::vector<std::string> got;
  for (const Error& e : r.errors()) got.push_back(e.code + " " + e.pointer + " " + std::to_string(e.column) + " " + e.message);
  ASSERT_EQ(got.size(), 7u) << ::testing::PrintToString(got);
  EXPECT_EQ(got[0], "expr.type_mismatch /steps/0/fields/4/calculate 1 the expression must give number, but gives text");
  EXPECT_EQ(got[1], "expr.unknown_option /steps/0/fields/5/visible_if 5 \"buss\" is not an option of 'c' (options: \"bus\", \"taxi\")");
  EXPECT_EQ(got[2], "expr.bad_date /steps/0/fields/6/visible_if 5 \"2026-02-30\" is not a date: write it as YYYY-MM-DD");
  EXPECT_EQ(got[3], "expr.type_mismatch /steps/0/fields/7/visible_if 3 '+' needs two numbers, but gets number and text");
  EXPECT_EQ(got[4], "expr.type_mismatch /steps/0/fields/8/visible_if 1 the expression must give yes/no, but gives number");
  EXPECT_EQ(got[5].substr(0, 44), "expr.bad_regex /steps/0/fields/9/visible_if ");  // column inside the pattern string, after its quote at 12
  EXPECT_GT(std::stoi(got[5].substr(44)), 12);
  EXPECT_EQ(got[6], "expr.unknown_option /steps/0/fields/10/visible_if 27 \"tram\" is not an option of 'c' (options: \"bus\", \"taxi\")");
}

TEST(FormLoader, RefusesCycles) {
  const Result<FormPtr> r = compile_form(minimal(
      R"J({"id": "a", "type": "integer", "label": "A", "calculate": "b + 1"},
         {"id": "b", "type": "integer", "label": "B", "calculate": "a + 1"},
         {"id": "c", "type": "text", "label": "C", "visible_if": "not empty(c)"},
         {"id": "d", "type": "integer", "label": "D", "constraints": [{"rule": "d < e", "message": "M"}]},
         {"id": "e", "type": "integer", "label": "E", "constraints": [{"rule": "e > d", "message": "M"}]})J",
      R"J(, {"id": "s2", "title": "S2", "visible_if": "f = true", "fields": [{"id": "f", "type": "yesno", "label": "F"}]})J"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(describe(r), (std::vector<std::string>{
      "form.cycle at /steps/0/fields/0/calculate (line 2): circular dependency: a → b → a (each needs the next to be known first)",
      "form.cycle at /steps/0/fields/2/visible_if (line 4): 'c' depends on itself",
      "form.cycle at /steps/1/visible_if (line 6): circular dependency: step s2 → f → step s2 (each needs the next to be known first)",
  }));  // d and e only check each other: constraints feed no value, so that is no cycle
}

TEST(FormLoader, RepeatGroupScoping) {
  const Result<FormPtr> r = compile_form(minimal(
      R"J({"id": "kids", "type": "group", "label": "Kids", "fields": [
            {"id": "kid_age", "type": "integer", "label": "Age"},
            {"id": "kid_note", "type": "text", "label": "Note", "visible_if": "kid_age > 3 and sum(kid_age) > 10"}]},
         {"id": "oldest", "type": "integer", "label": "Oldest", "calculate": "max(kid_age)"},
         {"id": "bad", "type": "integer", "label": "Bad", "calculate": "kid_age"})J"));
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(r.errors().size(), 1u);
  EXPECT_EQ(to_string(r.errors()[0]),
            "expr.type_mismatch at /steps/0/fields/2/calculate (line 6, column 1): 'kid_age' is a field of the repeat group 'kids': outside the group, read it with count(), sum(), min() or max()");
}

TEST(FormLoader, JsonSyntaxErrorsHaveLineAndColumn) {
  const Result<FormPtr> r = compile_form("{\n  \"format\": 1,\n  \"id\": tru\n}");
  ASSERT_FALSE(r.ok());
  const Error& e = r.errors()[0];
  EXPECT_EQ(e.code, "json.syntax");
  EXPECT_EQ(e.line, 3);
  EXPECT_EQ(e.column, 12);  // where the bad literal "tru" is found to end
}

TEST(FormLoader, ANumberBeyondADoubleIsAnErrorWithItsPosition) {
  const Result<FormPtr> r = compile_form("{\n  \"format\": 1,\n  \"id\": " + std::string(400, '9') + "\n}");
  ASSERT_FALSE(r.ok());
  const Error& e = r.errors()[0];
  EXPECT_EQ(e.code, "json.number_too_large");
  EXPECT_EQ(e.line, 3);
  EXPECT_EQ(e.column, 9);  // where the number starts
  EXPECT_EQ(compile_form("{\"format\": 1e999}").errors()[0].code, "json.number_too_large");
}

TEST(FormLoader, ARepeatedKeyIsAnErrorAtItsSecondUse) {
  // parse() would keep the last value: the field would silently become optional.
  const Result<FormPtr> r = compile_form(minimal(
      "{\"id\": \"a\", \"type\": \"text\", \"label\": \"A\", \"required\": true,\n"
      "   \"max_length\": 10, \"required\": false}"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(describe(r), (std::vector<std::string>{
      "json.duplicate_key at /steps/0/fields/0/required (line 3, column 22): invalid JSON: the key 'required' is used twice in the same object",
  }));
}

TEST(FormLoader, RepeatedKeysAreFoundAtTheTopAndBehindAByteOrderMark) {
  const Result<FormPtr> top = compile_form("{\"format\": 1, \"id\": \"a\", \"id\": \"b\"}");
  ASSERT_FALSE(top.ok());
  EXPECT_EQ(to_string(top.errors()[0]), "json.duplicate_key at /id (line 1, column 26): invalid JSON: the key 'id' is used twice in the same object");
  const Result<FormPtr> bom = compile_form("\xEF\xBB\xBF{\"a/b\": {\"x\": [1, {\"y\": 1, \"y\": 2}]}}");
  ASSERT_FALSE(bom.ok());
  EXPECT_EQ(bom.errors()[0].code, "json.duplicate_key");
  EXPECT_EQ(bom.errors()[0].pointer, "/a~1b/x/1/y");
  EXPECT_EQ(bom.errors()[0].column, 29);
  // The same key in two different objects is no repetition.
  EXPECT_TRUE(testing::must_compile(minimal(R"J({"id": "a", "type": "text", "label": "A"}, {"id": "b", "type": "text", "label": "B"})J")));
}

TEST(FormLoader, RefusesDeepNestingAndHugeInput) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  const Result<FormPtr> r = compile_form(deep);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.errors()[0].code, "json.too_deep");
  const Result<FormPtr> big = compile_form(std::string(kMaxFormBytes + 1, ' '));
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.errors()[0].code, "form.too_large");
}

TEST(FormLoader, ArbitraryBytesNeverCrash) {
  // Mutations of a real form, and plain random bytes: every outcome is a value.
  std::mt19937 rng(12345);
  const std::string base = testing::kHouseholdForm;
  for (int i = 0; i < 3000; ++i) {
    std::string s = base;
    const int edits = 1 + static_cast<int>(rng() % 8);
    for (int k = 0; k < edits; ++k) {
      const size_t at = rng() % s.size();
      switch (rng() % 4) {
        case 0: s[at] = static_cast<char>(rng() % 256); break;
        case 1: s.erase(at, 1 + rng() % 20); break;
        case 2: s.insert(at, s.substr(rng() % s.size(), rng() % 40)); break;
        default: s.insert(at, 1, "{}[]\",:\\0 "[rng() % 10]); break;
      }
      if (s.empty()) s = "x";
    }
    const Result<FormPtr> r = compile_form(s);
    if (!r.ok()) {
      ASSERT_FALSE(r.errors().empty());
      for (const Error& e : r.errors()) ASSERT_FALSE(e.code.empty());
    }
  }
  for (int i = 0; i < 2000; ++i) {
    std::string s(rng() % 200, '\0');
    for (char& c : s) c = static_cast<char>(rng() % 256);
    EXPECT_FALSE(compile_form(s).ok());
  }
}

TEST(FormLoader, MissingTranslationsAndUnknownLanguages) {
  const Result<FormPtr> r = compile_form(minimal(
      R"J({"id": "a", "type": "text", "label": {"sv": "A", "de": "A"}},
         {"id": "b", "type": "choice", "label": "B", "options": [{"value": "x", "label": {"en": "X"}}]})J"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(describe(r), (std::vector<std::string>{
      "form.unknown_language at /steps/0/fields/0/label/de (line 2): 'de' is not one of the form's languages",
      "form.missing_translation at /steps/0/fields/0/label (line 2): the text has no 'en' translation",
      "form.missing_translation at /steps/0/fields/1/options/0/label (line 3): the text has no 'sv' translation",
  }));
}

TEST(FormLoader, KeysOfOtherTypesAreNamed) {
  const Result<FormPtr> r = compile_form(minimal(R"J({"id": "a", "type": "text", "label": "A", "options": []})J"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(to_string(r.errors()[0]), "form.unknown_key at /steps/0/fields/0/options (line 2): 'options' does not apply to a text field");
}

TEST(FormLoader, FieldKindsTakeTheRightArticle) {
  const Result<FormPtr> r = compile_form(minimal(
      R"J({"id": "a", "type": "attachment", "label": "A", "options": []},
         {"id": "b", "type": "info", "text": "B", "required": true})J"));
  ASSERT_FALSE(r.ok());
  const std::vector<std::string> problems = describe(r);
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_NE(problems[0].find("does not apply to an attachment field"), std::string::npos) << problems[0];
  EXPECT_NE(problems[1].find("does not apply to an info field"), std::string::npos) << problems[1];
  const Result<FormPtr> bad_default = compile_form(minimal(R"J({"id": "a", "type": "email", "label": "A", "default": "not an address"})J"));
  ASSERT_FALSE(bad_default.ok());
  EXPECT_EQ(to_string(bad_default.errors()[0]), "form.bad_default at /steps/0/fields/0/default (line 2): the default is not a valid answer for an email field");
}

TEST(FormLoader, StepIdsHaveTheSameLimitAsFieldIds) {
  const Result<FormPtr> r = compile_form(R"J({"format": 1, "id": "t", "title": "T", "languages": ["sv"],
  "steps": [{"id": "S 1", "title": "S", "fields": [{"id": "a", "type": "text", "label": "A"}]}]})J");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(to_string(r.errors()[0]), "form.bad_id at /steps/0/id (line 2): 'S 1' is not a valid id: use a–z, 0–9 and '_', starting with a letter (at most 63)");
}

TEST(FormLoader, EmptyStepsSayTheyAreEmpty) {
  const Result<FormPtr> r = compile_form(R"J({"format": 1, "id": "t", "title": "T", "languages": ["sv"], "steps": []})J");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(to_string(r.errors()[0]), "form.wrong_type at /steps (line 1): must be a non-empty array of steps, not an empty array");
}

TEST(FormLoader, TheFolderIsNamedAfterTheId) {
  const std::string text = "{\"format\": 1,\n \"id\": \"t\",\n" + minimal("{\"id\": \"a\", \"type\": \"text\", \"label\": \"A\"}").substr(25);
  const FormPtr form = testing::must_compile(text);
  ASSERT_TRUE(form);
  EXPECT_TRUE(check_folder_name(*form, "t").empty());
  const Errors errors = check_folder_name(*form, "t-old", text);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(to_string(errors[0]), "form.folder_name at /id (line 2): the form's id is 't' but its folder is named 't-old': name the folder after the id (or change the id)");
}

}  // namespace
}  // namespace blankett
