#include "new_command.h"

#include <filesystem>
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

// "$schema" points at the repository's forms/form.schema.json from wherever --forms is,
// and is left out (with a note) when there is none: a path to nothing only misleads editors.
TEST(NewCommand, SchemaPointsAtTheRepositorysSchemaOrIsLeftOut) {
  TempDir dir;
  std::filesystem::create_directories(dir.file("repo/forms"));
  std::filesystem::create_directories(dir.file("repo/elsewhere"));
  for (const char* schema : {"form.schema.json", "scenario.schema.json"}) {
    std::filesystem::copy_file(std::string(BLANKETT_SOURCE_DIR "/forms/") + schema, dir.file(std::string("repo/forms/") + schema));
  }
  auto schema_of = [](const std::string& file) {
    const nlohmann::json j = nlohmann::json::parse(read_file(file).value_or("{}"));
    return j.value("$schema", std::string("(none)"));
  };
  std::string out;
  // In forms/ itself, as `blankett new x` in the repository does.
  ASSERT_EQ(run({"one", "--forms", dir.file("repo/forms")}, &out), 0) << out;
  EXPECT_EQ(schema_of(dir.file("repo/forms/one/form.json")), "../form.schema.json");
  EXPECT_EQ(schema_of(dir.file("repo/forms/one/tests/happy-path.json")), "../../scenario.schema.json");
  // Another folder of the repository, not yet made.
  ASSERT_EQ(run({"two", "--forms", dir.file("repo/elsewhere/my-forms")}, &out), 0) << out;
  EXPECT_EQ(schema_of(dir.file("repo/elsewhere/my-forms/two/form.json")), "../../../forms/form.schema.json");
  EXPECT_EQ(schema_of(dir.file("repo/elsewhere/my-forms/two/tests/happy-path.json")), "../../../../forms/scenario.schema.json");
  EXPECT_EQ(out.find("note:"), std::string::npos) << out;
  // Outside any repository: no "$schema", and the output says so. The form still lints.
  ASSERT_EQ(run({"three", "--forms", dir.file("outside")}, &out), 0) << out;
  EXPECT_EQ(schema_of(dir.file("outside/three/form.json")), "(none)");
  EXPECT_EQ(schema_of(dir.file("outside/three/tests/happy-path.json")), "(none)");
  EXPECT_NE(out.find("note: no forms/form.schema.json in " + dir.file("outside") + " or above it"), std::string::npos) << out;
  EXPECT_TRUE(compile_form(*read_file(dir.file("outside/three/form.json"))).ok());
}

}  // namespace
}  // namespace blankett
