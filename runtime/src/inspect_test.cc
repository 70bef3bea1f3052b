#include "blankett/inspect.h"

#include <gtest/gtest.h>

#include "test_forms.h"

namespace blankett {
namespace {

using nlohmann::json;

std::vector<std::string> describe(const std::vector<RuleInfo>& rules) {
  std::vector<std::string> out;
  for (const RuleInfo& r : rules) {
    out.push_back(r.owner + " " + r.kind + " `" + r.source + "` = " + (r.evaluated ? r.value.dump() : "?"));
  }
  return out;
}

class InspectTest : public ::testing::Test {
 protected:
  FormPtr form = testing::must_compile(testing::kHouseholdForm);
  FormState state = testing::must_state(form);
  int field(const char* id) const { return state.find_field(id); }
};

TEST_F(InspectTest, HiddenByItsOwnVisibleIfWithTheValuesItReads) {
  ASSERT_TRUE(state.set_answer("has_partner", false).ok());
  const auto in = inspect_field(state, field("partner_name"), -1);
  ASSERT_TRUE(in);
  EXPECT_EQ(in->path, "partner_name");
  EXPECT_EQ(in->step, "applicant");
  EXPECT_TRUE(in->hidden.hidden);
  EXPECT_EQ(in->hidden.because, "visible_if");
  ASSERT_TRUE(in->hidden.rule);
  EXPECT_EQ(in->hidden.rule->source, "has_partner = true");
  EXPECT_EQ(in->hidden.rule->pointer, "/steps/0/fields/4/visible_if");
  EXPECT_EQ(in->hidden.rule->value, json(false));
  ASSERT_EQ(in->hidden.rule->inputs.size(), 1u);
  EXPECT_EQ(in->hidden.rule->inputs[0].path, "has_partner");
  EXPECT_EQ(in->hidden.rule->inputs[0].value, json(false));
  EXPECT_EQ(in->hidden.explanation, "hidden because its visible_if `has_partner = true` is false (has_partner = false)");

  ASSERT_TRUE(state.set_answer("has_partner", true).ok());
  const auto shown = inspect_field(state, field("partner_name"), -1);
  EXPECT_FALSE(shown->hidden.hidden);
  EXPECT_EQ(shown->hidden.because, "");
  EXPECT_EQ(describe(shown->rules), (std::vector<std::string>{"partner_name visible_if `has_partner = true` = true"}));
}

TEST_F(InspectTest, HiddenBecauseItsStepIsHidden) {
  // has_partner unanswered: "has_partner = false" is false, so the support step is hidden.
  const auto in = inspect_field(state, field("support_reason"), -1);
  ASSERT_TRUE(in);
  EXPECT_EQ(in->hidden.because, "step");
  EXPECT_EQ(in->hidden.step, "support");
  ASSERT_TRUE(in->hidden.rule);
  EXPECT_EQ(in->hidden.rule->kind, "step.visible_if");
  EXPECT_EQ(in->hidden.rule->owner, "support");
  EXPECT_EQ(in->hidden.rule->value, json(false));
  ASSERT_EQ(in->hidden.rule->inputs.size(), 2u);
  EXPECT_EQ(in->hidden.rule->inputs[0].path, "has_partner");
  EXPECT_EQ(in->hidden.rule->inputs[0].value, json(nullptr));
  EXPECT_EQ(in->hidden.rule->inputs[1].path, "total");
  EXPECT_EQ(in->hidden.rule->inputs[1].value, json(0));
  // Its own constraint is listed and evaluated (a hidden field's rule is still a rule).
  EXPECT_EQ(describe(in->rules), (std::vector<std::string>{"support_reason constraint `length(support_reason) >= 5` = false"}));
}

TEST_F(InspectTest, ReadersComeFromTheDependencyGraph) {
  const auto in = inspect_field(state, field("has_partner"), -1);
  ASSERT_TRUE(in);
  EXPECT_EQ(describe(in->read_by), (std::vector<std::string>{
                                       "partner_name visible_if `has_partner = true` = false",
                                       "support step.visible_if `total < 1000 and has_partner = false` = false",
                                   }));
  const auto other = inspect_field(state, field("other_income"), -1);
  EXPECT_EQ(describe(other->read_by), (std::vector<std::string>{
                                          "other_what required_if `other_income > 0` = false",
                                          "total calculate `salary + other_income + sum(child_income)` = 0",
                                      }));
  const auto adult = inspect_field(state, field("adult"), -1);
  ASSERT_EQ(adult->rules.size(), 1u);
  EXPECT_EQ(adult->rules[0].kind, "calculate");
  EXPECT_EQ(adult->rules[0].reads, (std::vector<std::string>{"pnr"}));
}

TEST_F(InspectTest, RepeatGroupRowsAndColumns) {
  ASSERT_TRUE(state.add_row("children").ok());
  ASSERT_TRUE(state.add_row("children").ok());
  ASSERT_TRUE(state.set_answer("children/0/child_income", "50").ok());
  ASSERT_TRUE(state.set_answer("children/1/child_income", "150").ok());

  const auto school0 = inspect_field(state, field("child_school"), 0);
  ASSERT_TRUE(school0);
  EXPECT_EQ(school0->path, "children/0/child_school");
  EXPECT_EQ(school0->hidden.because, "visible_if");
  ASSERT_EQ(school0->hidden.rule->inputs.size(), 1u);
  EXPECT_EQ(school0->hidden.rule->inputs[0].path, "children/0/child_income");
  EXPECT_EQ(school0->hidden.rule->inputs[0].value, json(50));
  EXPECT_FALSE(inspect_field(state, field("child_school"), 1)->hidden.hidden);

  const auto income1 = inspect_field(state, field("child_income"), 1);
  EXPECT_EQ(describe(income1->read_by), (std::vector<std::string>{
                                            "child_school visible_if `child_income > 100` = true",
                                            "child_share calculate `if(sum(child_income) > 0, child_income / sum(child_income), 0)` = 0.75",
                                            "total calculate `salary + other_income + sum(child_income)` = 200",
                                        }));
  const RuleInfo& share = income1->read_by[1];
  ASSERT_EQ(share.inputs.size(), 1u);
  EXPECT_EQ(share.inputs[0].path, "child_income");  // the whole column, read by sum()
  EXPECT_EQ(share.inputs[0].value, json::parse("[50, 150]"));

  // A top-level field read by a rule of every row is read "in general": not evaluated.
  EXPECT_FALSE(inspect_field(state, field("child_name"), 5));
  EXPECT_FALSE(inspect_field(state, field("child_name"), -1));
}

TEST_F(InspectTest, FormRulesListsEveryRuleInDefinitionOrder) {
  const std::vector<RuleInfo> rules = form_rules(state);
  EXPECT_EQ(describe(rules), (std::vector<std::string>{
                                 "adult calculate `age(pnr) >= 18` = false",  // a comparison with an empty value is false
                                 "partner_name visible_if `has_partner = true` = false",
                                 "other_what required_if `other_income > 0` = false",
                                 "child_school visible_if `child_income > 100` = ?",
                                 "child_share calculate `if(sum(child_income) > 0, child_income / sum(child_income), 0)` = ?",
                                 "child_count calculate `count(children)` = 0",
                                 "total calculate `salary + other_income + sum(child_income)` = 0",
                                 "big_family visible_if `count(children) >= 3` = false",
                                 "support step.visible_if `total < 1000 and has_partner = false` = false",
                                 "support_reason constraint `length(support_reason) >= 5` = false",
                             }));
}

}  // namespace
}  // namespace blankett
