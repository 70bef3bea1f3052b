// The developer preview's state: one form folder, what was last read from it, the
// compiled form, the filling, the scenario results and what the developer has selected.
// Everything the preview shows lives here, in one visible place; preview_ui.cc draws it
// every frame and calls the actions below when a widget reports a change.
//
// No file is touched directly. The model reads, watches and writes through PreviewFiles,
// implemented natively with the file system (preview_files_native.cc) and, in the browser
// build, with fetched texts and downloads. No ImGui, no GLFW: compiles to WebAssembly.
#pragma once
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "blankett/error.h"
#include "blankett/form.h"
#include "blankett/scenario.h"
#include "blankett/state.h"

namespace blankett::preview {

// ---------------------------------------------------------------------------------------
// The preview's only window on files. Paths are the model's own ("forms/skolskjuts/form.json",
// "forms/skolskjuts/tests"), joined with '/'.
// ---------------------------------------------------------------------------------------
class PreviewFiles {
 public:
  virtual ~PreviewFiles() = default;
  // The whole file, or nullopt if it cannot be read.
  virtual std::optional<std::string> read(const std::string& path) = 0;
  // A cheap fingerprint that changes whenever the file's content may have changed
  // (natively: modification time in nanoseconds and size); nullopt if there is no file.
  // Called for every watched file at every poll, so it must not read the file.
  virtual std::optional<std::string> stamp(const std::string& path) = 0;
  // Names (not paths) of the files in folder `dir` whose names end in `suffix`, sorted;
  // empty when the folder does not exist.
  virtual std::vector<std::string> list(const std::string& dir, const std::string& suffix) = 0;
  // Creates the file `path` (and its folder) holding `content`. Never overwrites: returns
  // false when the file exists or cannot be written.
  virtual bool create(const std::string& path, const std::string& content) = 0;
  // The current time as "YYYYMMDD-HHMMSS" (UTC), for naming saved files.
  virtual std::string timestamp() = 0;
};

// One scenario file of the form and its last run.
struct ScenarioRun {
  std::string file;      // name in tests/, "happy-path.json"
  std::string name;      // the scenario's "name" (the file name if it has none)
  bool ran = false;      // false while the form does not load (or the file is unreadable)
  bool passed = false;
  std::vector<ScenarioFailure> failures;  // also the file's own JSON error, if any
};

// A screen rectangle, for tests that click widgets (see UiState::rects).
struct Rect {
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
};

// What the UI keeps between frames. Lives here so that all state is in one place; the
// model never reads it, except to clear what a reload made stale.
struct UiState {
  bool show_hidden = false;        // draw hidden fields (greyed) in the citizen's view
  bool show_all_errors = false;    // show every error, not only touched fields'
  std::set<std::string> touched;   // answer paths the developer has edited
  std::set<int> attempted_steps;   // steps where Continue was refused: show their errors
  bool select_tab = false;         // bring the inspector tab forward (after a selection)
  // Attachment fields: the metadata of the next fake file, by answer path.
  struct NewFile { std::string name = "bilaga.pdf"; std::string type; int size_kb = 100; };
  std::map<std::string, NewFile> new_files;
  std::string choice_filter;       // the search box of the open choice list
  // Drawn in the last frame: widget rectangles by answer path ("children/0/child_name",
  // "school=bus" for one option, "#continue", "#back", "#add:children"…), the errors shown
  // by path, the number of load problems listed, and the model generation drawn. Tests
  // drive the UI through these, and the reload time is measured with drawn_generation.
  std::map<std::string, Rect> rects;
  std::map<std::string, std::string> drawn_errors;
  int drawn_problems = 0;
  int drawn_generation = -1;
};

// The form's structure as written (steps, their fields, each group's children), for the
// inspector's table: field indexes of FormState.
struct FormLayout {
  struct Item { int field = -1; std::vector<int> children; };
  struct StepItems { std::string id; std::vector<Item> fields; };
  std::vector<StepItems> steps;
};

class PreviewModel {
 public:
  // Previews the form in folder `form_dir` (form.json, tests/*.json; saves go to tests/
  // and drafts/). `today` ("YYYY-MM-DD") is the date the engine uses. Loads at once.
  PreviewModel(PreviewFiles* files, std::string form_dir, std::string today);

  // Looks for changes at most every poll_interval seconds (`now` in seconds, any
  // monotonic clock): reloads the form if form.json changed and re-runs the scenarios if
  // the form or any scenario file changed. Returns true when anything was reloaded.
  bool poll(double now);
  // Reads and loads everything now, whether it changed or not.
  void reload();

  // --- What was loaded ------------------------------------------------------------
  const std::string& form_dir() const { return form_dir_; }
  std::string form_path() const { return form_dir_ + "/form.json"; }
  // The last definition that loaded, or null if none ever did.
  const FormPtr& form() const { return form_; }
  // True when form.json on disk does not load: load_errors() say why, and form() and
  // state() are the last good ones (shown greyed), or null.
  bool broken() const { return broken_; }
  const Errors& load_errors() const { return load_errors_; }
  const Errors& warnings() const { return warnings_; }  // usability_warnings of form()
  const FormLayout& layout() const { return layout_; }
  const std::vector<ScenarioRun>& scenarios() const { return scenarios_; }
  // Answers a changed definition could not keep (restore_draft's "dropped").
  const Errors& dropped() const { return dropped_; }
  // Incremented whenever something was (re)loaded from files: form or scenarios.
  int generation() const { return generation_; }
  int load_count() const { return load_count_; }

  // --- The filling (null when no form has loaded) ------------------------------------
  FormState* state() { return state_ ? &*state_ : nullptr; }
  const std::string& today() const { return today_; }
  const std::string& language() const { return language_; }
  void set_language(const std::string& code);

  // Citizen actions; each marks the path as touched. Errors from the engine go to status().
  void set_answer(const std::string& path, const nlohmann::json& value);
  void clear_answer(const std::string& path);
  void add_row(const std::string& group);
  void remove_row(const std::string& group, int row);
  void next();  // Continue; when refused, the step's errors are shown
  void back();
  void go_to(int step);
  void start_over();  // an empty filling of the same form

  // --- Inspector ------------------------------------------------------------------------
  int selected_field() const { return selected_field_; }
  int selected_row() const { return selected_row_; }
  void select(int field, int row);

  // --- Saving -------------------------------------------------------------------------
  // The current answers as a scenario: add_row and set actions, then an expect of the
  // visible steps, validity, errors and (when valid) the submission. Runs it before
  // returning: *passes is whether it passes against the current form.
  nlohmann::json answers_as_scenario(bool* passes) const;
  // Writes answers_as_scenario() to tests/preview-<timestamp>.json (make_draft() to
  // drafts/draft-<timestamp>.json), adding "-2", "-3"… rather than overwriting. Returns
  // the path written, or "" (and status() says why).
  std::string save_scenario();
  std::string save_draft();

  // The result of the last action or reload, for the status line ("" if none).
  const std::string& status() const { return status_; }

  UiState ui;
  double poll_interval = 0.25;  // seconds between looks at the files

 private:
  bool check_files();
  void load_form(const std::optional<std::string>& text);
  void run_scenarios();
  std::string save_new(const std::string& dir, const std::string& stem, const std::string& content);

  PreviewFiles* files_;
  std::string form_dir_;
  std::string today_;
  double last_poll_ = -1e300;
  std::optional<std::string> form_stamp_;
  std::map<std::string, std::optional<std::string>> scenario_stamps_;
  std::optional<std::string> text_;  // form.json as last read
  FormPtr form_;
  std::optional<FormState> state_;
  bool broken_ = false;
  Errors load_errors_, warnings_, dropped_;
  FormLayout layout_;
  std::vector<ScenarioRun> scenarios_;
  int generation_ = 0;
  int load_count_ = 0;
  std::string language_;
  int selected_field_ = -1, selected_row_ = -1;
  std::string status_;
};

}  // namespace blankett::preview
