// `blankett test` on forms written into a temp directory (new_command's scaffold, whose
// one scenario passes).
#include "test_command.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "new_command.h"
#include "temp_dir.h"

namespace blankett {
namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class TestCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const FormScaffold scaffold = form_scaffold("ansokan");
    std::filesystem::create_directories(form_dir + "/tests");
    write("form.json", scaffold.form_json);
    write("tests/happy-path.json", scaffold.scenario_json);
  }
  void write(const std::string& name, const std::string& text) { std::ofstream(form_dir + "/" + name) << text; }
  int run(const std::string& path) {
    std::ostringstream o;
    const int code = test_command(path, o);
    out = o.str();
    return code;
  }

  TempDir dir;
  const std::string form_dir = dir.path + "/ansokan";
  std::string out;
};

TEST_F(TestCommandTest, AFormJsonRunsThatFormsTests) {
  EXPECT_EQ(run(form_dir + "/form.json"), 0) << out;
  EXPECT_TRUE(has(out, "PASS " + form_dir + "/tests/happy-path.json")) << out;
  EXPECT_TRUE(has(out, "1 passed, 0 failed")) << out;
}

TEST_F(TestCommandTest, ScenarioWithBadJsonSaysWhereLikeLint) {
  write("tests/broken.json", "{\n  \"name\": nope\n}\n");
  EXPECT_EQ(run(form_dir), 1) << out;
  EXPECT_TRUE(has(out, "FAIL " + form_dir + "/tests/broken.json\n  " + form_dir + "/tests/broken.json:2:")) << out;
  EXPECT_TRUE(has(out, ": json.syntax: invalid JSON")) << out;
  EXPECT_FALSE(has(out, "json.exception")) << out;
}

TEST_F(TestCommandTest, NoScenariosIsNotAPass) {
  std::filesystem::remove_all(form_dir + "/tests");
  EXPECT_EQ(run(form_dir), 1) << out;
  EXPECT_TRUE(has(out, "no scenario tests found under " + form_dir)) << out;
  EXPECT_FALSE(has(out, "0 passed, 0 failed")) << out;
  EXPECT_EQ(run(form_dir + "/form.json"), 1) << out;
  EXPECT_TRUE(has(out, "no scenario tests found under " + form_dir + "/form.json")) << out;
}

}  // namespace
}  // namespace blankett
