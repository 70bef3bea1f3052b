// The preview's ImGui code, headless: every example form drawn, typed into, stepped
// through and inspected; reloads measured from file change to the frame that shows it.
#include "preview_ui.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include <unistd.h>

#include <gtest/gtest.h>

#include "blankett/inspect.h"
#include "blankett/json_input.h"
#include "blankett/view.h"
#include "headless_imgui.h"
#include "preview_files_native.h"

namespace blankett::preview {
namespace {

using nlohmann::json;
using testing::AssertionFailed;
using testing::HeadlessImGui;

const char kToday[] = "2026-08-15";

std::vector<std::string> example_forms() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(std::string(BLANKETT_SOURCE_DIR) + "/forms")) {
    if (std::filesystem::exists(e.path() / "form.json")) out.push_back(e.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The answers of the first scenario of the form that ends valid, or null.
json valid_answers(PreviewModel& m) {
  NativePreviewFiles files;
  for (const ScenarioRun& run : m.scenarios()) {
    json scenario;
    Error error;
    if (!parse_json_input(*files.read(m.form_dir() + "/tests/" + run.file), &scenario, &error)) continue;
    const ScenarioResult result = run_scenario(m.form(), scenario);
    Result<FormState> st = FormState::create(m.form(), scenario.value("today", kToday));
    if (!st.ok() || !st.value().set_answers(result.final_answers).ok()) continue;
    if (st.value().valid()) return result.final_answers;
  }
  return nullptr;
}

TEST(ImGuiAssertHook, AnImGuiAssertIsATestFailureNotAnAbort) {
  ImGuiContext* ctx = ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.DisplaySize = ImVec2(100, 100);
  unsigned char* pixels;
  int w, h;
  io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
  ImGui::NewFrame();
  // "Calling End() too many times!" inside the prebuilt library.
  EXPECT_THROW(ImGui::End(), AssertionFailed);
  ImGui::DestroyContext(ctx);
}

class EveryExampleForm : public ::testing::TestWithParam<std::string> {};

TEST_P(EveryExampleForm, DrawsTypesShowsErrorsStepsThroughAndInspects) {
  NativePreviewFiles files;
  PreviewModel m(&files, std::string(BLANKETT_SOURCE_DIR) + "/forms/" + GetParam(), kToday);
  ASSERT_FALSE(m.broken());
  ASSERT_NE(m.state(), nullptr);
  for (const ScenarioRun& s : m.scenarios()) EXPECT_TRUE(s.passed) << s.file;
  HeadlessImGui ui;
  ASSERT_TRUE(ui.frame(m));
  ASSERT_TRUE(ui.frame(m));
  FormState& st = *m.state();
  const int first_step = st.current_step();

  // Type into the first visible text box that checks a format; its error appears live.
  const json view = view_step(st, m.language());
  std::string checked, plain;
  for (const json& f : view["fields"]) {
    const std::string type = f["type"];
    if (!f["visible"].get<bool>() || f.value("readonly", false)) continue;
    if (checked.empty() && (type == "personnummer" || type == "email" || type == "postalcode" || type == "phone" ||
                            type == "orgnummer" || type == "integer" || type == "date")) {
      checked = f["path"];
    }
    if (plain.empty() && type == "text") plain = f["path"];
  }
  if (!plain.empty()) {
    ASSERT_TRUE(ui.type(m, plain, "Åsa Öberg"));
    EXPECT_EQ(st.answer(st.find_field(plain), -1), json("Åsa Öberg"));
  }
  if (!checked.empty()) {
    ASSERT_TRUE(ui.type(m, checked, "x1"));
    EXPECT_EQ(st.answer(st.find_field(checked), -1), json("x1"));
    ASSERT_TRUE(m.ui.drawn_errors.count(checked)) << checked;
    EXPECT_EQ(m.ui.drawn_errors[checked], view_field(st, st.find_field(checked), -1, m.language())["error"]["message"]);
    // The inspector followed the click.
    EXPECT_EQ(m.selected_field(), st.find_field(checked));
  }
  ui.release(m);

  // Continue with required answers missing: refused, and the step's errors are shown.
  ASSERT_TRUE(ui.click(m, "#continue"));
  ui.frame(m);
  EXPECT_EQ(st.current_step(), first_step);
  EXPECT_FALSE(m.ui.drawn_errors.empty());

  // Fill in a valid application (from the form's own scenarios) and walk it with Continue.
  const json answers = valid_answers(m);
  ASSERT_FALSE(answers.is_null()) << "no scenario of " << GetParam() << " ends valid";
  {
    Result<FormState> filled = FormState::create(m.form(), kToday);
    ASSERT_TRUE(filled.value().set_answers(answers).ok());
    ASSERT_TRUE(st.set_answers(answers).ok());
  }
  ASSERT_TRUE(st.go_to(st.visible_steps().front()));
  ui.frame(m);
  int steps = 1;
  while (st.current_step() != st.visible_steps().back() && steps < 50) {
    const int before = st.current_step();
    ASSERT_TRUE(ui.click(m, "#continue"));
    ASSERT_NE(st.current_step(), before) << "Continue refused on step " << before;
    ++steps;
  }
  EXPECT_EQ(steps, static_cast<int>(st.visible_steps().size()));
  EXPECT_EQ(st.progress().position, st.progress().count);
  ASSERT_TRUE(ui.click(m, "#back"));
  ASSERT_TRUE(ui.click(m, "#continue"));
  ASSERT_TRUE(ui.click(m, "#continue"));  // "Check the application" on the last step
  EXPECT_TRUE(m.ui.drawn_errors.empty());

  // Every step, every language, hidden fields shown, every field instance inspected, every tab.
  m.ui.show_hidden = true;
  m.ui.show_all_errors = true;
  for (const json& lang : form_summary(*m.form())["languages"]) {
    m.set_language(lang);
    for (int s = 0; s < st.step_count(); ++s) {
      st.go_to(s);
      ASSERT_TRUE(ui.frame(m));
    }
  }
  int inspected = 0;
  for (const FormLayout::StepItems& step : m.layout().steps) {
    for (const FormLayout::Item& item : step.fields) {
      std::vector<std::pair<int, int>> instances = {{item.field, -1}};
      for (int r = 0; r < st.row_count(item.field); ++r) {
        for (int c : item.children) instances.emplace_back(c, r);
      }
      for (const auto& [f, row] : instances) {
        m.select(f, row);
        ASSERT_TRUE(ui.frame(m));
        ASSERT_TRUE(inspect_field(st, f, row));
        ++inspected;
      }
    }
  }
  EXPECT_GE(inspected, st.field_count() - 10);
  for (const char* tab : {"#tab:rules", "#tab:problems", "#tab:scenarios", "#tab:inspector"}) {
    ASSERT_TRUE(ui.click(m, tab));
    ASSERT_TRUE(ui.frame(m));
  }
  // A repeat group, if the form has one: add and remove a row through the buttons.
  for (const FormLayout::StepItems& step : m.layout().steps) {
    for (const FormLayout::Item& item : step.fields) {
      if (item.children.empty() || !st.visible(item.field, -1)) continue;
      st.go_to(st.find_step(step.id));
      ui.frame(m);
      const std::string group = st.field_path(item.field, -1);
      const int rows = st.row_count(item.field);
      if (m.ui.rects.count("#add:" + group) == 0) continue;
      ASSERT_TRUE(ui.click(m, "#add:" + group));
      EXPECT_EQ(st.row_count(item.field), rows + 1);
      ASSERT_TRUE(ui.click(m, "#remove:" + group + "/" + std::to_string(rows)));
      EXPECT_EQ(st.row_count(item.field), rows);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Forms, EveryExampleForm, ::testing::ValuesIn(example_forms()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

std::string reload_form(const std::string& label, const std::string& extra = "") {
  return R"J({"format": 1, "id": "omladdning", "title": "Omladdning", "languages": ["sv"],
  "steps": [{"id": "one", "title": "Ett", "fields": [
    {"id": "name", "type": "text", "label": ")J" + label + R"J(", "required": true},
    {"id": "age", "type": "integer", "label": "Ålder", "visible_if": "not empty(name))J" + extra + R"J("}
  ]}]})J";
}

void write(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// File change → the first frame drawn from the reloaded model, at about 60 frames a
// second with the model's real poll interval, as in the native window.
double reload_to_visible_ms(PreviewModel& m, HeadlessImGui& ui, const std::filesystem::path& file, const std::string& text) {
  const int generation = m.generation();
  const double start = now_seconds();
  write(file, text);
  for (int frame = 0; frame < 600; ++frame) {
    m.poll(now_seconds());
    ui.frame(m);
    if (m.ui.drawn_generation > generation) return (now_seconds() - start) * 1000;
    std::this_thread::sleep_for(std::chrono::milliseconds(16));
  }
  return 1e9;
}

TEST(PreviewReload, EditsAppearWithinASecondAndBrokenDefinitionsShowTheirProblems) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("blankett-preview-ui-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "tests");
  write(dir / "form.json", reload_form("Namn"));
  write(dir / "tests/name.json", R"({"name": "Name needed", "actions": [{"expect": {"errors": {"name": ["Fyll i ”Namn”"]}}}]})");
  NativePreviewFiles files;
  PreviewModel m(&files, dir.string(), kToday);
  HeadlessImGui ui;
  m.poll(now_seconds());
  ASSERT_TRUE(ui.frame(m));
  ASSERT_FALSE(m.broken());
  ASSERT_EQ(m.scenarios().size(), 1u);
  EXPECT_TRUE(m.scenarios()[0].passed);
  ASSERT_TRUE(ui.type(m, "name", "Alva"));
  const int age = m.state()->find_field("age");
  EXPECT_TRUE(m.state()->visible(age, -1));

  // A new label: shown, and the scenario that expected the old one fails, within a second.
  std::vector<double> times;
  times.push_back(reload_to_visible_ms(m, ui, dir / "form.json", reload_form("Förnamn")));
  EXPECT_EQ(view_field(*m.state(), m.state()->find_field("name"), -1, "sv")["label"], "Förnamn");
  EXPECT_EQ(m.state()->answer(m.state()->find_field("name"), -1), json("Alva"));  // answers kept
  ASSERT_EQ(m.scenarios().size(), 1u);
  EXPECT_FALSE(m.scenarios()[0].passed);

  // Broken: the problems are drawn with their pointers; the last good form stays.
  times.push_back(reload_to_visible_ms(m, ui, dir / "form.json", reload_form("Förnamn", R"( and nosuch > 1", "colour": "red)")));
  ASSERT_TRUE(m.broken());
  EXPECT_NE(m.state(), nullptr);
  EXPECT_EQ(m.ui.drawn_problems, static_cast<int>(m.load_errors().size()));
  ASSERT_GE(m.load_errors().size(), 2u);
  std::set<std::string> pointers;
  for (const Error& e : m.load_errors()) pointers.insert(e.pointer);
  EXPECT_TRUE(pointers.count("/steps/0/fields/1/visible_if"));
  EXPECT_TRUE(pointers.count("/steps/0/fields/1/colour") || pointers.count("/steps/0/fields/1"));
  for (const char* tab : {"#tab:problems", "#tab:scenarios", "#tab:rules", "#tab:inspector"}) ASSERT_TRUE(ui.click(m, tab));

  // Fixed again, with the field now hidden: the inspector says why.
  times.push_back(reload_to_visible_ms(m, ui, dir / "form.json", reload_form("Förnamn", R"( and name = \"Nils\")")));
  ASSERT_FALSE(m.broken());
  m.select(m.state()->find_field("age"), -1);
  ASSERT_TRUE(ui.frame(m));
  const auto why = inspect_field(*m.state(), m.state()->find_field("age"), -1);
  EXPECT_EQ(why->hidden.because, "visible_if");
  EXPECT_EQ(why->hidden.explanation,
            "hidden because its visible_if `not empty(name) and name = \"Nils\"` is false (name = \"Alva\")");

  // A new scenario file is picked up too.
  const int generation = m.generation();
  write(dir / "tests/second.json", R"({"name": "Second", "actions": [{"expect": {"valid": true}}]})");
  for (int i = 0; i < 100 && m.ui.drawn_generation == generation; ++i) {
    m.poll(now_seconds());
    ui.frame(m);
    std::this_thread::sleep_for(std::chrono::milliseconds(16));
  }
  EXPECT_EQ(m.scenarios().size(), 2u);

  // Polling every frame instead: what remains is reading, compiling and drawing.
  m.poll_interval = 0;
  const double every_frame = reload_to_visible_ms(m, ui, dir / "form.json", reload_form("Tilltalsnamn"));
  EXPECT_EQ(view_field(*m.state(), m.state()->find_field("name"), -1, "sv")["label"], "Tilltalsnamn");
  std::cout << "reload-to-visible with polling every frame: " << static_cast<int>(every_frame) << " ms\n";
  m.poll_interval = 0.25;

  double worst = 0, sum = 0;
  for (double t : times) {
    worst = std::max(worst, t);
    sum += t;
  }
  std::cout << "reload-to-visible (file write to first frame drawn from it), poll interval "
            << m.poll_interval * 1000 << " ms: ";
  for (double t : times) std::cout << static_cast<int>(t) << " ms ";
  std::cout << "(mean " << static_cast<int>(sum / static_cast<double>(times.size())) << " ms, worst " << static_cast<int>(worst) << " ms)\n";
  EXPECT_LT(worst, 1000.0);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace blankett::preview
