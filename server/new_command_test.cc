#include "new_command.h"

#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "blankett/form.h"
#include "blankett/scenario.h"
#include "blankett/usability.h"
#include "files.h"
#include "temp_dir.h"
#include "test_command.h"

namespace blankett {
namespace {

int run(const std::vector<std::string>& args, std::string* out) {
  std::ostringstream o, e;
  const int code = new_command(args, o, e);
  *out = o.str() + e.str();
  return code;
}

TEST(NewCommand, TheScaffoldLintsCleanAndItsScenarioPasses) {
  TempDir dir;
  std::string out;
  ASSERT_EQ(run({"bygglov-anmalan", "--forms", dir.path}, &out), 0) << out;
  const std::string form_dir = dir.file("bygglov-anmalan");
  const std::optional<std::string> text = read_file(form_dir + "/form.json");
  ASSERT_TRUE(text);
  Result<FormPtr> form = compile_form(*text);
  ASSERT_TRUE(form.ok()) << to_string(form.errors().front());
  EXPECT_EQ(form_id(*form.value()), "bygglov-anmalan");
  EXPECT_TRUE(usability_warnings(*form.value(), *text).empty());
  const std::optional<std::string> scenario = read_file(form_dir + "/tests/happy-path.json");
  ASSERT_TRUE(scenario);
  const ScenarioResult r = run_scenario(form.value(), nlohmann::json::parse(*scenario));
  EXPECT_TRUE(r.passed);
  std::ostringstream test_out;
  EXPECT_EQ(test_command(form_dir, test_out), 0) << test_out.str();
}

TEST(NewCommand, NeverOverwritesAndRefusesBadIds) {
  TempDir dir;
  std::string out;
  ASSERT_EQ(run({"anmalan", "--forms", dir.path}, &out), 0) << out;
  const std::string before = *read_file(dir.file("anmalan/form.json"));
  EXPECT_EQ(run({"anmalan", "--forms", dir.path}, &out), 1);
  EXPECT_NE(out.find("already exists"), std::string::npos) << out;
  EXPECT_EQ(*read_file(dir.file("anmalan/form.json")), before);
  EXPECT_EQ(run({"Bad_Id", "--forms", dir.path}, &out), 2);
  EXPECT_NE(out.find("is not a form id"), std::string::npos) << out;
  EXPECT_EQ(run({}, &out), 2);
}

}  // namespace
}  // namespace blankett
