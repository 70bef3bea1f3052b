// The preview model without drawing: watching, reloading, broken definitions, saving.
#include "preview_model.h"

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include <gtest/gtest.h>

#include "blankett/draft.h"
#include "blankett/json_input.h"
#include "preview_files_native.h"

namespace blankett::preview {
namespace {

using nlohmann::json;

// Files in memory: the model works without a file system (as in the browser build).
class MemoryFiles : public PreviewFiles {
 public:
  std::map<std::string, std::string> files;
  std::map<std::string, int> versions;
  int reads = 0;

  void put(const std::string& path, const std::string& text) {
    files[path] = text;
    ++versions[path];
  }
  std::optional<std::string> read(const std::string& path) override {
    ++reads;
    auto it = files.find(path);
    if (it == files.end()) return std::nullopt;
    return it->second;
  }
  std::optional<std::string> stamp(const std::string& path) override {
    if (!files.count(path)) return std::nullopt;
    return std::to_string(versions[path]);
  }
  std::vector<std::string> list(const std::string& dir, const std::string& suffix) override {
    std::vector<std::string> out;
    for (const auto& [path, text] : files) {
      if (path.rfind(dir + "/", 0) != 0) continue;
      const std::string name = path.substr(dir.size() + 1);
      if (name.find('/') == std::string::npos && name.size() >= suffix.size() &&
          name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
        out.push_back(name);
      }
    }
    return out;
  }
  bool create(const std::string& path, const std::string& content) override {
    if (files.count(path)) return false;
    put(path, content);
    return true;
  }
  std::string timestamp() override { return "20260815-120000"; }
};

std::string small_form(const std::string& label, const std::string& extra = "") {
  return R"({
  "format": 1, "id": "liten", "title": {"sv": "Liten", "en": "Small"}, "languages": ["sv", "en"],
  "steps": [{"id": "one", "title": {"sv": "Ett", "en": "One"}, "fields": [
    {"id": "name", "type": "text", "label": {"sv": ")" + label + R"(", "en": ")" + label + R"("}, "required": true},
    {"id": "wants_more", "type": "yesno", "label": {"sv": "Mer?", "en": "More?"})" + extra + R"(},
    {"id": "more", "type": "text", "label": {"sv": "Mer", "en": "More"}, "visible_if": "wants_more = true"},
    {"id": "kids", "type": "group", "label": {"sv": "Barn", "en": "Children"}, "min_items": 1, "fields": [
      {"id": "kid_name", "type": "text", "label": {"sv": "Namn", "en": "Name"}, "required": true}
    ]}
  ]}]
})";
}

const char kPassing[] = R"({"name": "Name is required", "language": "en", "actions": [
  {"expect": {"errors": {"name": ["Fill in “First label”"]}}}]})";
const char kFailing[] = R"({"name": "Expects the wrong thing", "actions": [{"expect": {"valid": true}}]})";

TEST(PreviewModel, LoadsRunsScenariosAndPollsAtMostEveryInterval) {
  MemoryFiles files;
  files.put("f/form.json", small_form("First label"));
  files.put("f/tests/a.json", kPassing);
  files.put("f/tests/b.json", kFailing);
  files.put("f/tests/notes.txt", "not a scenario");
  PreviewModel m(&files, "f/", "2026-08-15");
  ASSERT_FALSE(m.broken());
  ASSERT_NE(m.state(), nullptr);
  EXPECT_EQ(m.form_dir(), "f");
  EXPECT_EQ(m.language(), "sv");
  ASSERT_EQ(m.scenarios().size(), 2u);
  EXPECT_TRUE(m.scenarios()[0].passed) << m.scenarios()[0].failures.size();
  EXPECT_EQ(m.scenarios()[0].name, "Name is required");
  EXPECT_FALSE(m.scenarios()[1].passed);
  EXPECT_TRUE(m.scenarios()[1].ran);
  ASSERT_FALSE(m.scenarios()[1].failures.empty());
  EXPECT_EQ(m.scenarios()[1].failures[0].pointer, "/actions/0/expect/valid");

  const int loads = m.load_count();
  EXPECT_FALSE(m.poll(10.0));  // nothing changed
  files.put("f/form.json", small_form("Second label"));
  EXPECT_FALSE(m.poll(10.1));  // within the interval: not even looked at
  EXPECT_TRUE(m.poll(10.3));
  EXPECT_EQ(m.load_count(), loads + 1);
  EXPECT_EQ(m.state()->field_count(), 5);
  // The scenario expected the old label: it fails now, re-run on the reload.
  EXPECT_FALSE(m.scenarios()[0].passed);

  // A touched file with the same text is not reloaded; scenarios are re-run when one changes.
  files.put("f/form.json", small_form("Second label"));
  EXPECT_FALSE(m.poll(11.0));
  EXPECT_EQ(m.load_count(), loads + 1);
  files.put("f/tests/b.json", R"({"name": "Fixed", "actions": [{"expect": {"valid": false}}]})");
  EXPECT_TRUE(m.poll(12.0));
  EXPECT_TRUE(m.scenarios()[1].passed);
}

TEST(PreviewModel, BrokenDefinitionKeepsTheLastGoodFormAndAnswers) {
  MemoryFiles files;
  files.put("f/form.json", small_form("First label"));
  files.put("f/tests/a.json", kPassing);
  PreviewModel m(&files, "f", "2026-08-15");
  m.set_answer("name", "Alva");
  m.set_answer("wants_more", false);
  m.select(m.state()->find_field("more"), -1);
  const FormPtr good = m.form();

  // An unknown key and an expression naming no field: every problem, with pointers.
  files.put("f/form.json", small_form("First label", R"(, "requird": true, "visible_if": "nosuch = 1")"));
  EXPECT_TRUE(m.poll(1.0));
  ASSERT_TRUE(m.broken());
  EXPECT_EQ(m.form(), good);  // still shown, greyed
  ASSERT_GE(m.load_errors().size(), 2u);
  bool pointed = false;
  for (const Error& e : m.load_errors()) {
    EXPECT_FALSE(e.pointer.empty()) << to_string(e);
    EXPECT_GT(e.line, 0) << to_string(e);
    if (e.pointer == "/steps/0/fields/1/visible_if") {
      pointed = true;
      EXPECT_EQ(e.line, 5);
      EXPECT_EQ(e.column, 1);
    }
  }
  EXPECT_TRUE(pointed);
  EXPECT_FALSE(m.scenarios()[0].ran);

  // Not JSON at all: the syntax error with its line and column.
  files.put("f/form.json", "{\n  \"format\": 1,\n  \"id\": \n}");
  EXPECT_TRUE(m.poll(2.0));
  ASSERT_TRUE(m.broken());
  ASSERT_EQ(m.load_errors().size(), 1u);
  EXPECT_EQ(m.load_errors()[0].code, "json.syntax");
  EXPECT_EQ(m.load_errors()[0].line, 4);

  // Fixed: loads again, the answers and the selection survive.
  files.put("f/form.json", small_form("First label"));
  EXPECT_TRUE(m.poll(3.0));
  EXPECT_FALSE(m.broken());
  EXPECT_EQ(m.state()->answer(m.state()->find_field("name"), -1), json("Alva"));
  EXPECT_EQ(m.selected_field(), m.state()->find_field("more"));
  EXPECT_TRUE(m.scenarios()[0].passed);
}

TEST(PreviewModel, NothingToShowWhenTheFirstDefinitionIsBroken) {
  MemoryFiles files;
  PreviewModel missing(&files, "f", "2026-08-15");
  EXPECT_TRUE(missing.broken());
  EXPECT_EQ(missing.state(), nullptr);
  ASSERT_EQ(missing.load_errors().size(), 1u);
  EXPECT_EQ(missing.load_errors()[0].code, "preview.unreadable");
  missing.set_answer("name", "x");  // no form: actions do nothing
  EXPECT_EQ(missing.save_scenario(), "");

  files.put("f/form.json", "[]");
  EXPECT_TRUE(missing.poll(1.0));
  EXPECT_TRUE(missing.broken());
  EXPECT_EQ(missing.form(), nullptr);
}

TEST(PreviewModel, SavedScenarioPassesAndNothingIsOverwritten) {
  MemoryFiles files;
  files.put("f/form.json", small_form("First label"));
  PreviewModel m(&files, "f", "2026-08-15");
  m.set_language("en");
  m.set_answer("name", "Alva");
  m.set_answer("wants_more", true);
  m.add_row("kids");
  m.set_answer("kids/1/kid_name", "Nils");

  bool passes = false;
  const json scenario = m.answers_as_scenario(&passes);
  EXPECT_TRUE(passes) << scenario.dump(2);
  // kids starts with one row (min_items): one add_row makes two.
  EXPECT_EQ(scenario["actions"][0], json::parse(R"({"add_row": "kids"})"));
  EXPECT_EQ(scenario["actions"][1]["set"], json::parse(R"({"name": "Alva", "wants_more": true, "kids/1/kid_name": "Nils"})"));
  EXPECT_EQ(scenario["actions"][2]["expect"]["valid"], false);
  EXPECT_EQ(scenario["actions"][2]["expect"]["errors"], json::parse(R"({"kids/0/kid_name": ["Fill in “Name”"]})"));

  const std::string first = m.save_scenario();
  const std::string second = m.save_scenario();
  EXPECT_EQ(first, "f/tests/preview-20260815-120000.json");
  EXPECT_EQ(second, "f/tests/preview-20260815-120000-2.json");
  m.set_answer("more", "ja");
  m.set_answer("kids/0/kid_name", "Vera");
  ASSERT_TRUE(m.state()->valid());
  const std::string valid = m.save_scenario();
  EXPECT_EQ(valid, "f/tests/preview-20260815-120000-3.json");
  EXPECT_TRUE(json::parse(files.files[valid])["actions"].back()["expect"].contains("submission"));
  EXPECT_TRUE(m.poll(1.0));
  ASSERT_EQ(m.scenarios().size(), 3u);
  for (const ScenarioRun& s : m.scenarios()) EXPECT_TRUE(s.passed) << s.file;

  const std::string draft = m.save_draft();
  EXPECT_EQ(draft, "f/drafts/draft-20260815-120000.json");
  EXPECT_EQ(m.save_draft(), "f/drafts/draft-20260815-120000-2.json");
  auto restored = restore_draft(m.form(), json::parse(files.files[draft]), "2026-08-15");
  ASSERT_TRUE(restored.ok());
  EXPECT_TRUE(restored.value().state.valid());
}

// The same with real files: the native PreviewFiles, in a temporary folder.
class TempFolder {
 public:
  TempFolder() {
    path_ = std::filesystem::temp_directory_path() / ("blankett-preview-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_ / "tests");
  }
  ~TempFolder() { std::filesystem::remove_all(path_); }
  std::string path() const { return path_.string(); }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(path_ / name, std::ios::binary | std::ios::trunc) << text;
  }

 private:
  static inline int counter_ = 0;
  std::filesystem::path path_;
};

TEST(NativePreviewFiles, WatchesRealFilesAndNeverOverwrites) {
  TempFolder dir;
  dir.write("form.json", small_form("First label"));
  NativePreviewFiles files;
  PreviewModel m(&files, dir.path(), "2026-08-15");
  ASSERT_FALSE(m.broken());
  EXPECT_TRUE(m.scenarios().empty());
  dir.write("form.json", small_form("Andra"));  // same second, same size class: the stamp has nanoseconds
  EXPECT_TRUE(m.poll(1.0));
  dir.write("tests/a.json", R"({"name": "A", "language": "en", "actions": [{"expect": {"errors": {"name": ["Fill in “Andra”"]}}}]})");
  EXPECT_TRUE(m.poll(2.0));
  ASSERT_EQ(m.scenarios().size(), 1u);
  EXPECT_TRUE(m.scenarios()[0].passed);

  const std::string a = m.save_scenario(), b = m.save_scenario();
  EXPECT_FALSE(a.empty());
  EXPECT_FALSE(b.empty());
  EXPECT_NE(a, b);
  EXPECT_FALSE(files.create(a, "{}"));  // exists: refused
  EXPECT_TRUE(files.read(a)->find("\"actions\"") != std::string::npos);
  EXPECT_FALSE(m.save_draft().empty());
  EXPECT_EQ(files.list(dir.path() + "/drafts", ".json").size(), 1u);
  EXPECT_TRUE(m.poll(3.0));
  EXPECT_EQ(m.scenarios().size(), 3u);
  for (const ScenarioRun& s : m.scenarios()) EXPECT_TRUE(s.passed) << s.file;
}

}  // namespace
}  // namespace blankett::preview
