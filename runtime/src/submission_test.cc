// Canonical submissions (exact bytes) and drafts (restore against a changed form).
#include <gtest/gtest.h>

#include "blankett/draft.h"
#include "blankett/submission.h"
#include "test_forms.h"

namespace blankett {
namespace {

using nlohmann::json;

const char kForm[] = R"J({"format": 1, "id": "canon", "title": "C", "languages": ["en"], "steps": [
  {"id": "s", "title": "S", "fields": [
    {"id": "name", "type": "text", "label": "Name"},
    {"id": "n", "type": "integer", "label": "N"},
    {"id": "d", "type": "decimal", "label": "D", "decimals": 2},
    {"id": "when", "type": "date", "label": "When"},
    {"id": "ok", "type": "yesno", "label": "OK"},
    {"id": "pick", "type": "multichoice", "label": "Pick", "options": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}, {"value": "c", "label": "C"}]},
    {"id": "pnr", "type": "personnummer", "label": "Pnr"},
    {"id": "zip", "type": "postalcode", "label": "Zip"},
    {"id": "secret", "type": "text", "label": "Secret", "visible_if": "ok = true"},
    {"id": "sum", "type": "decimal", "label": "Sum", "calculate": "n + d"},
    {"id": "note", "type": "info", "text": "Info"},
    {"id": "rows", "type": "group", "label": "Rows", "fields": [{"id": "r", "type": "text", "label": "R"}]}
  ]}]})J";

TEST(Submission, CanonicalBytesAreDeterministicAndNormalised) {
  const FormPtr form = testing::must_compile(kForm);
  FormState s = testing::must_state(form);
  ASSERT_TRUE(s.set_answer("name", "  Ada\u00A0Lovelace  ").ok());
  ASSERT_TRUE(s.set_answer("n", "1 200").ok());
  ASSERT_TRUE(s.set_answer("d", "0,1").ok());
  ASSERT_TRUE(s.set_answer("when", "2026-03-01").ok());
  ASSERT_TRUE(s.set_answer("ok", false).ok());
  ASSERT_TRUE(s.set_answer("secret", "hidden").ok());
  ASSERT_TRUE(s.set_answer("pick", json::array({"c", "a"})).ok());
  ASSERT_TRUE(s.set_answer("pnr", "811218-9876").ok());
  ASSERT_TRUE(s.set_answer("zip", "12345").ok());
  ASSERT_TRUE(s.add_row("rows").ok());
  ASSERT_TRUE(s.add_row("rows").ok());
  ASSERT_TRUE(s.set_answer("rows/1/r", "second").ok());
  const CanonicalSubmission c = canonical_submission(s);
  const std::string expected =
      R"J({"answers":{"d":0.1,"n":1200,"name":"Ada\u00a0Lovelace","ok":false,"pick":["a","c"],"pnr":"19811218-9876","rows":[{},{"r":"second"}],"sum":1200.1,"when":"2026-03-01","zip":"123 45"},"form":"canon","format":"blankett-submission/1","version":")J" +
      form_version(*form) + R"J("})J";
  // nlohmann writes non-ASCII as UTF-8, not \u escapes: compare with the raw bytes.
  std::string want = expected;
  want.replace(want.find("\\u00a0"), 6, "\xC2\xA0");
  EXPECT_EQ(c.bytes, want);
  EXPECT_EQ(c.sha256, sha256_of(c.bytes));
  // The same answers typed differently give the same bytes.
  FormState t = testing::must_state(form);
  ASSERT_TRUE(t.set_answers(json{{"name", "Ada\u00A0Lovelace"}, {"n", 1200}, {"d", 0.1}, {"when", "2026-03-01"}, {"ok", "false"},
                                  {"pick", json::array({"a", "c"})}, {"pnr", "198112189876"}, {"zip", "123 45"},
                                  {"rows", json::array({json::object(), json{{"r", " second"}}})}})
                  .ok());
  EXPECT_EQ(canonical_submission(t).bytes, c.bytes);
}

// Strings are copied as they are unless dump() would escape them: then they go through
// nlohmann's serializer, so the bytes are still exactly dump()'s.
TEST(Submission, CanonicalBytesEscapeWhatDumpEscapes) {
  const FormPtr form = testing::must_compile(kForm);
  FormState s = testing::must_state(form);
  ASSERT_TRUE(s.set_answer("name", "say \"hi\" \\ \u00c5sa").ok());
  ASSERT_TRUE(s.add_row("rows").ok());
  ASSERT_TRUE(s.set_answer("rows/0/r", "back\\slash").ok());
  const CanonicalSubmission c = canonical_submission(s);
  EXPECT_NE(c.bytes.find(R"J("name":"say \"hi\" \\ )J" "\xC3\x85" R"J(sa")J"), std::string::npos) << c.bytes;
  EXPECT_NE(c.bytes.find(R"J("rows":[{"r":"back\\slash"}])J"), std::string::npos) << c.bytes;
  EXPECT_EQ(submission_document(c).dump(), c.bytes);
}

TEST(Submission, HiddenAndEmptyFieldsAreLeftOut) {
  const FormPtr form = testing::must_compile(kForm);
  FormState s = testing::must_state(form);
  ASSERT_TRUE(s.set_answer("ok", true).ok());
  ASSERT_TRUE(s.set_answer("secret", "shown").ok());
  EXPECT_EQ(submission_document(canonical_submission(s))["answers"], (json{{"ok", true}, {"secret", "shown"}, {"sum", 0}}));
  ASSERT_TRUE(s.set_answer("ok", false).ok());
  EXPECT_EQ(submission_document(canonical_submission(s))["answers"], (json{{"ok", false}, {"sum", 0}}));
}

TEST(Draft, RoundTripsAnswersAndStep) {
  const FormPtr form = testing::must_compile(testing::kHouseholdForm);
  FormState s = testing::must_state(form);
  ASSERT_TRUE(s.set_answer("name", "Ada").ok());
  ASSERT_TRUE(s.set_answer("pnr", "811218-987").ok());  // unfinished: kept as typed
  ASSERT_TRUE(s.set_answer("pnr", "811218-9876").ok());
  ASSERT_TRUE(s.set_answer("has_partner", false).ok());
  ASSERT_TRUE(s.set_answer("salary", "12,5").ok());
  ASSERT_TRUE(s.next());
  ASSERT_TRUE(s.add_row("children").ok());
  ASSERT_TRUE(s.set_answer("children/0/child_name", "Nils").ok());
  const json draft = make_draft(s);
  EXPECT_EQ(draft["step"], "members");
  const Result<RestoredDraft> r = restore_draft(form, json::parse(draft.dump()), "2026-08-15");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r.value().dropped.empty());
  EXPECT_EQ(r.value().state.answers(), s.answers());
  EXPECT_EQ(r.value().state.current_step(), 1);
  std::string difference;
  EXPECT_TRUE(same_derived_state(r.value().state, s, &difference)) << difference;
}

TEST(Draft, RestoringAgainstAChangedFormKeepsWhatFits) {
  const FormPtr old_form = testing::must_compile(testing::kHouseholdForm);
  FormState s = testing::must_state(old_form);
  ASSERT_TRUE(s.set_answer("name", "Ada").ok());
  ASSERT_TRUE(s.set_answer("salary", "abc").ok());
  ASSERT_TRUE(s.set_answer("other_what", "Rent").ok());
  ASSERT_TRUE(s.add_row("children").ok());
  ASSERT_TRUE(s.set_answer("children/0/child_name", "Nils").ok());
  ASSERT_TRUE(s.set_answer("children/0/child_income", 10).ok());
  // The new version drops other_what and child_income; salary stays a decimal.
  std::string text = testing::kHouseholdForm;
  auto erase_line = [&](const std::string& start) {
    const size_t at = text.find(start);
    ASSERT_NE(at, std::string::npos) << start;
    text.erase(at, text.find('\n', at) - at + 1);
    // If that was the last element, drop the comma before it.
    const size_t next = text.find_first_not_of(" \n", at);
    if (text[next] == ']') text.erase(text.rfind(',', at), 1);
  };
  erase_line(R"J(      {"id": "other_what")J");
  erase_line(R"J(        {"id": "child_income")J");
  size_t at;
  while ((at = text.find("sum(child_income)")) != std::string::npos) text.replace(at, 17, "0");
  text.replace(text.find("child_income > 100"), 18, "true");
  text.replace(text.find("if(0 > 0, child_income / 0, 0)"), 30, "0");
  const FormPtr new_form = testing::must_compile(text);
  ASSERT_TRUE(new_form);
  const Result<RestoredDraft> r = restore_draft(new_form, make_draft(s), "2026-08-15");
  ASSERT_TRUE(r.ok());
  std::vector<std::string> dropped;
  for (const Error& e : r.value().dropped) dropped.push_back(e.pointer + ": " + e.message);
  EXPECT_EQ(dropped, (std::vector<std::string>{
      "/children/0/child_income: the group no longer has the field 'child_income'",
      "/other_what: the form no longer has the field 'other_what'",
      "/salary: the answer no longer fits the field",
  }));
  EXPECT_EQ(r.value().state.answers(), (json{{"name", "Ada"}, {"children", json::array({json{{"child_name", "Nils"}}})}}));
}

TEST(Draft, RefusesSomethingElse) {
  const FormPtr form = testing::must_compile(testing::kHouseholdForm);
  EXPECT_EQ(restore_draft(form, json{{"format", "x"}}, "2026-08-15").errors()[0].code, "draft.not_a_draft");
  // A damaged draft (from a device's storage) may hold anything: still "not a draft".
  for (const json& format : {json(1), json(nullptr), json::array(), json::object()}) {
    EXPECT_EQ(restore_draft(form, json{{"format", format}}, "2026-08-15").errors()[0].code, "draft.not_a_draft") << format;
  }
  EXPECT_EQ(restore_draft(form, json{{"format", "blankett-draft/1"}, {"form", "other"}}, "2026-08-15").errors()[0].code, "draft.other_form");
}

}  // namespace
}  // namespace blankett
