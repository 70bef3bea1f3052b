// Propagation: visibility, required, calculated values, repeat groups, navigation and
// the change reports a UI relies on.
#include <gtest/gtest.h>

#include <map>

#include "blankett/state.h"
#include "blankett/view.h"
#include "test_forms.h"

namespace blankett {
namespace {

using nlohmann::json;

class HouseholdTest : public ::testing::Test {
 protected:
  void SetUp() override {
    form_ = testing::must_compile(testing::kHouseholdForm);
    ASSERT_TRUE(form_);
  }
  FormState fresh() { return testing::must_state(form_); }
  static void set(FormState& s, const std::string& path, const json& v) {
    const Result<Changes> r = s.set_answer(path, v);
    ASSERT_TRUE(r.ok()) << r.errors().front().message;
  }
  static std::string error_of(const FormState& s, const std::string& id, const std::string& lang = "en") {
    const json f = view_field(s, s.find_field(id), -1, lang);
    return f["error"].is_null() ? "" : f["error"]["message"].get<std::string>();
  }
  FormPtr form_;
};

TEST_F(HouseholdTest, RequiredErrorsAreThereFromTheStart) {
  FormState s = fresh();
  EXPECT_FALSE(s.step_valid(0));
  EXPECT_EQ(error_of(s, "name"), "Fill in “Name”");
  EXPECT_EQ(error_of(s, "name", "sv"), "Fyll i ”Namn”");
  EXPECT_EQ(error_of(s, "has_partner"), "Choose an answer for “Do you have a partner?”");
}

TEST_F(HouseholdTest, VisibilityFollowsAnswersAndHiddenFieldsAreNotValidated) {
  FormState s = fresh();
  const int partner = s.find_field("partner_name");
  EXPECT_FALSE(s.visible(partner, -1));
  set(s, "has_partner", true);
  EXPECT_TRUE(s.visible(partner, -1));
  EXPECT_EQ(error_of(s, "partner_name"), "Fill in “Partner's name”");
  set(s, "partner_name", "Kim");
  set(s, "has_partner", false);
  EXPECT_FALSE(s.visible(partner, -1));
  EXPECT_TRUE(s.value(partner, -1).is_null());   // hidden: empty for every rule
  EXPECT_EQ(s.answer(partner, -1), "Kim");       // but what was typed is kept
  set(s, "has_partner", true);
  EXPECT_EQ(s.value(partner, -1), "Kim");
}

TEST_F(HouseholdTest, ChangesReportOnlyWhatChanged) {
  FormState s = fresh();
  Result<Changes> r = s.set_answer("has_partner", true);
  ASSERT_TRUE(r.ok());
  std::map<std::string, int> what;
  for (const FieldChange& c : r.value().fields) what[s.field_path(c.field, c.row)] = c.what;
  EXPECT_EQ(what["has_partner"], kChangedValue | kChangedError);
  EXPECT_EQ(what["partner_name"], kChangedVisible | kChangedRequired | kChangedError);
  EXPECT_EQ(what.count("name"), 0u);
  EXPECT_TRUE(r.value().steps.empty());  // support needs has_partner = false: still hidden
  // Setting the same answer again changes nothing.
  r = s.set_answer("has_partner", true);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r.value().fields.empty());
}

TEST_F(HouseholdTest, RequiredIfAndCalculatedValues) {
  FormState s = fresh();
  const int other_what = s.find_field("other_what");
  EXPECT_FALSE(s.required(other_what, -1));
  set(s, "other_income", "1 200,50");
  EXPECT_TRUE(s.required(other_what, -1));
  set(s, "salary", 300);
  EXPECT_EQ(s.value(s.find_field("total"), -1), 1500.5);
  set(s, "salary", "abc");
  EXPECT_EQ(error_of(s, "salary"), "“Salary” must be a number, like 12.5");
  EXPECT_EQ(s.value(s.find_field("total"), -1), 1200.5);  // unreadable answers count as empty
  set(s, "pnr", "811218-9876");
  EXPECT_EQ(s.value(s.find_field("pnr"), -1), "19811218-9876");
  EXPECT_EQ(s.value(s.find_field("adult"), -1), true);
  set(s, "pnr", "20121212-1212");
  EXPECT_EQ(s.value(s.find_field("adult"), -1), false);
}

TEST_F(HouseholdTest, RepeatGroupsAndAggregates) {
  FormState s = fresh();
  const int count = s.find_field("child_count");
  const int total = s.find_field("total");
  EXPECT_EQ(s.value(count, -1), 0);
  ASSERT_TRUE(s.add_row("children").ok());
  ASSERT_TRUE(s.add_row("children").ok());
  ASSERT_TRUE(s.add_row("children").ok());
  EXPECT_EQ(s.value(count, -1), 3);
  EXPECT_TRUE(s.visible(s.find_field("big_family"), -1));
  set(s, "children/0/child_income", 100);
  set(s, "children/1/child_income", 300);
  EXPECT_EQ(s.value(total, -1), 400);
  const int school = s.find_field("child_school");
  const int share = s.find_field("child_share");
  EXPECT_FALSE(s.visible(school, 0));
  EXPECT_TRUE(s.visible(school, 1));
  EXPECT_EQ(s.value(share, 0), 0.25);  // reads its own row and the whole column
  EXPECT_EQ(s.value(share, 1), 0.75);
  ASSERT_TRUE(s.remove_row("children", 0).ok());
  EXPECT_EQ(s.value(count, -1), 2);
  EXPECT_FALSE(s.visible(s.find_field("big_family"), -1));
  EXPECT_EQ(s.value(total, -1), 300);
  EXPECT_EQ(s.value(share, 0), 1);  // the row that moved up, recomputed against the new sum
  EXPECT_TRUE(s.visible(school, 0));
  EXPECT_EQ(s.field_path(school, 0), "children/0/child_school");
  // Errors point into the answers.
  const Errors e = s.step_errors(1, "en");
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0].pointer, "/children/0/child_name");
  EXPECT_EQ(e[0].message, "Fill in “Child's name”");
  EXPECT_EQ(e[0].code, "answer.required");
}

TEST_F(HouseholdTest, GroupLimitsAndBadPaths) {
  FormState s = fresh();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(s.add_row("children").ok());
  const Result<Changes> r = s.add_row("children");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.errors()[0].code, "answer.too_many_rows");
  EXPECT_EQ(s.set_answer("children/9/child_name", "x").errors()[0].code, "answer.unknown_field");
  EXPECT_EQ(s.set_answer("child_name", "x").errors()[0].code, "answer.unknown_field");
  EXPECT_EQ(s.set_answer("nope", "x").errors()[0].code, "answer.unknown_field");
  EXPECT_EQ(s.set_answer("total", 5).errors()[0].code, "answer.not_editable");
  EXPECT_EQ(s.set_answer("children/1/child_share", 5).errors()[0].code, "answer.not_editable");
}

TEST_F(HouseholdTest, NavigationSkipsHiddenStepsAndStopsOnErrors) {
  FormState s = fresh();
  EXPECT_EQ(s.current_step(), 0);
  EXPECT_FALSE(s.next());  // errors on the first step
  EXPECT_EQ(s.current_step(), 0);
  set(s, "name", "Ada");
  set(s, "pnr", "19811218-9876");
  set(s, "has_partner", true);
  set(s, "partner_name", "Kim");
  EXPECT_TRUE(s.next());
  EXPECT_EQ(s.current_step(), 1);
  EXPECT_EQ(s.visible_steps(), (std::vector<int>{0, 1}));
  EXPECT_FALSE(s.next());  // support is hidden: this is the last step
  EXPECT_EQ(s.progress().position, 2);
  EXPECT_EQ(s.progress().count, 2);
  set(s, "has_partner", false);
  EXPECT_EQ(s.visible_steps(), (std::vector<int>{0, 1, 2}));
  EXPECT_TRUE(s.next());
  EXPECT_EQ(s.current_step(), 2);
  set(s, "support_reason", "abc");
  EXPECT_EQ(error_of(s, "support_reason"), "Write at least five characters");
  EXPECT_TRUE(s.back());
  EXPECT_TRUE(s.back());
  EXPECT_FALSE(s.back());
  EXPECT_FALSE(s.go_to(5));
}

TEST_F(HouseholdTest, SetAnswersReplacesEverythingOrNothing) {
  FormState s = fresh();
  set(s, "name", "Ada");
  const Result<bool> bad = s.set_answers(json{{"name", "Bo"}, {"ghost", 1}, {"children", json::array({json{{"child_nam", "x"}}})}});
  ASSERT_FALSE(bad.ok());
  ASSERT_EQ(bad.errors().size(), 2u);
  EXPECT_EQ(bad.errors()[0].pointer, "/children/0/child_nam");
  EXPECT_EQ(bad.errors()[1].pointer, "/ghost");
  EXPECT_EQ(s.answer(s.find_field("name"), -1), "Ada");  // unchanged
  ASSERT_TRUE(s.set_answers(json{{"name", "Bo"}, {"children", json::array({json{{"child_name", "x"}, {"child_income", 5}}})}}).ok());
  EXPECT_EQ(s.answer(s.find_field("name"), -1), "Bo");
  EXPECT_EQ(s.value(s.find_field("child_count"), -1), 1);
  EXPECT_EQ(s.answers(), (json{{"name", "Bo"}, {"children", json::array({json{{"child_name", "x"}, {"child_income", 5}}})}}));
}

TEST_F(HouseholdTest, CreatedWithAnswersRefusesWhatSetAnswersRefuses) {
  const json bad = json{{"name", "Bo"}, {"ghost", 1}, {"children", json::array({json{{"child_nam", "x"}}})}};
  const Result<FormState> refused = FormState::create(form_, "2026-08-15", bad);
  ASSERT_FALSE(refused.ok());
  ASSERT_EQ(refused.errors().size(), 2u);
  EXPECT_EQ(refused.errors()[0].pointer, "/children/0/child_nam");
  EXPECT_EQ(refused.errors()[1].pointer, "/ghost");
  // Keys are escaped as JSON Pointer tokens: "a/b" is one key, not a path.
  const Result<FormState> slashed =
      FormState::create(form_, "2026-08-15", json{{"a/b~c", 1}, {"children", json::array({json{{"x/y", 1}}})}});
  ASSERT_EQ(slashed.errors().size(), 2u);
  EXPECT_EQ(slashed.errors()[0].pointer, "/a~1b~0c");
  EXPECT_EQ(slashed.errors()[1].pointer, "/children/0/x~1y");
  EXPECT_EQ(FormState::create(form_, "2026-08-15", json::array()).errors().front().code, "answer.wrong_type");
  EXPECT_EQ(FormState::create(form_, "15/08/2026", json::object()).errors().front().code, "state.bad_date");
  EXPECT_EQ(FormState::create(nullptr, "2026-08-15", json::object()).errors().front().code, "state.no_form");
  // Groups not answered have no rows, as after set_answers; the current step is the first visible.
  const Result<FormState> made = FormState::create(form_, "2026-08-15", json{{"name", "Bo"}});
  ASSERT_TRUE(made.ok());
  EXPECT_EQ(made.value().row_count(made.value().find_field("children")), 0);
  EXPECT_EQ(made.value().current_step(), fresh().current_step());
}

TEST_F(HouseholdTest, ViewModelOfAStep) {
  FormState s = fresh();
  const json v = view_step(s, "en");
  EXPECT_EQ(v["form"]["title"], "Household");
  EXPECT_EQ(v["step"]["id"], "applicant");
  EXPECT_EQ(v["progress"], (json{{"position", 1}, {"count", 2}}));  // support is hidden
  EXPECT_EQ(v["fields"].size(), 8u);
  EXPECT_EQ(v["fields"][0]["label"], "Name");
  EXPECT_EQ(v["fields"][0]["required"], true);
  EXPECT_EQ(v["fields"][0]["max_length"], 20);
  EXPECT_EQ(v["fields"][4]["visible"], false);
  EXPECT_EQ(view_step(s, "xx")["language"], "sv");  // unknown language: the form's first
}

TEST_F(HouseholdTest, AGroupSaysWhetherARowCanBeRemoved) {
  std::string text = testing::kHouseholdForm;
  const std::string limits = R"("max_items": 5)";
  text.replace(text.find(limits), limits.size(), R"("min_items": 2, "max_items": 5)");
  const FormPtr form = testing::must_compile(text);
  ASSERT_TRUE(form);
  FormState s = testing::must_state(form);
  const int children = s.find_field("children");
  ASSERT_EQ(s.row_count(children), 2);  // a group starts with its min_items rows
  EXPECT_EQ(view_field(s, children, -1, "en")["can_remove_row"], false);
  ASSERT_TRUE(s.add_row("children").ok());
  EXPECT_EQ(view_field(s, children, -1, "en")["can_remove_row"], true);  // 3 > min_items 2
  ASSERT_TRUE(s.remove_row("children", 0).ok());
  EXPECT_EQ(view_field(s, children, -1, "en")["can_remove_row"], false);  // back at min_items
  // Without min_items any row can go.
  FormState plain = fresh();
  ASSERT_TRUE(plain.add_row("children").ok());
  EXPECT_EQ(view_field(plain, plain.find_field("children"), -1, "en")["can_remove_row"], true);
}

TEST_F(HouseholdTest, TheSummarySaysWhichAnswersTheCitizenCannotChange) {
  FormState s = fresh();
  set(s, "name", "Alva");
  ASSERT_TRUE(s.add_row("children").ok());
  std::map<std::string, bool> readonly;
  const json summary = view_summary(s, "en");
  for (const json& step : summary["steps"]) {
    for (const json& f : step["fields"]) {
      if (f.contains("rows")) {
        for (const json& row : f["rows"]) {
          for (const json& cell : row) readonly[cell["path"].get<std::string>()] = cell["readonly"].get<bool>();
        }
      } else {
        readonly[f["path"].get<std::string>()] = f["readonly"].get<bool>();
      }
    }
  }
  EXPECT_EQ(readonly.at("name"), false);
  EXPECT_EQ(readonly.at("adult"), true);  // calculated
  EXPECT_EQ(readonly.at("total"), true);
  EXPECT_EQ(readonly.at("children/0/child_name"), false);
  EXPECT_EQ(readonly.at("children/0/child_share"), true);
}

TEST(StateCreate, RefusesABadDate) {
  const FormPtr form = testing::must_compile(testing::kHouseholdForm);
  const Result<FormState> r = FormState::create(form, "2026-13-01");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.errors()[0].code, "state.bad_date");
}

}  // namespace
}  // namespace blankett
