// The scenario runner's own input: a malformed scenario is a failure with a pointer,
// never an exception (blankett test, the preview and the WASM engine all run scenarios).
#include "blankett/scenario.h"

#include <gtest/gtest.h>

#include "test_forms.h"

namespace blankett {
namespace {

using nlohmann::json;

TEST(Scenario, MembersOfTheWrongTypeAreFailures) {
  const FormPtr form = testing::must_compile(testing::kHouseholdForm);
  const ScenarioResult r = run_scenario(form, json{{"name", 5}, {"language", json::array()}, {"actions", json::array()}});
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.name, "(unnamed)");
  ASSERT_EQ(r.failures.size(), 2u);
  EXPECT_EQ(r.failures[0].pointer, "/name");
  EXPECT_EQ(r.failures[1].pointer, "/language");
  EXPECT_EQ(r.failures[1].message, "'language' must be a string");
  EXPECT_TRUE(run_scenario(form, json{{"name", "ok"}, {"language", "en"}, {"actions", json::array()}}).passed);
}

TEST(Scenario, ALanguageTheFormDoesNotHaveIsAFailure) {
  const FormPtr form = testing::must_compile(testing::kHouseholdForm);
  for (const char* lang : {"de", "nb", ""}) {
    const ScenarioResult r = run_scenario(form, json{{"name", "x"}, {"language", lang}, {"actions", json::array()}});
    EXPECT_FALSE(r.passed) << lang;
    ASSERT_EQ(r.failures.size(), 1u) << lang;
    EXPECT_EQ(r.failures[0].pointer, "/language");
    EXPECT_EQ(r.failures[0].message, "the form has no language '" + std::string(lang) + "' (it has sv, en)");
  }
  EXPECT_TRUE(run_scenario(form, json{{"name", "ok"}, {"actions", json::array()}}).passed);
}

}  // namespace
}  // namespace blankett
