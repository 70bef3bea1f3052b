// The preview's state and its reload logic (preview_model.h).
#include "preview_model.h"

#include <algorithm>
#include <cstdlib>

#include "blankett/draft.h"
#include "blankett/json_input.h"
#include "blankett/submission.h"
#include "blankett/usability.h"

namespace blankett::preview {
namespace {

using nlohmann::json;

FormLayout layout_of(const FormState& state) {
  FormLayout out;
  const json& def = form_definition(*state.form());
  for (const json& step : def.value("steps", json::array())) {
    FormLayout::StepItems items;
    items.id = step.value("id", "");
    for (const json& field : step.value("fields", json::array())) {
      FormLayout::Item item;
      item.field = state.find_field(field.value("id", ""));
      for (const json& child : field.value("fields", json::array())) {
        item.children.push_back(state.find_field(child.value("id", "")));
      }
      items.fields.push_back(std::move(item));
    }
    out.steps.push_back(std::move(items));
  }
  return out;
}

}  // namespace

PreviewModel::PreviewModel(PreviewFiles* files, std::string form_dir, std::string today)
    : files_(files), form_dir_(std::move(form_dir)), today_(std::move(today)) {
  while (form_dir_.size() > 1 && form_dir_.back() == '/') form_dir_.pop_back();
  reload();
}

bool PreviewModel::poll(double now) {
  if (now - last_poll_ < poll_interval) return false;
  last_poll_ = now;
  return check_files();
}

void PreviewModel::reload() {
  form_stamp_ = files_->stamp(form_path());
  load_form(files_->read(form_path()));
  scenario_stamps_.clear();
  for (const std::string& name : files_->list(form_dir_ + "/tests", ".json")) {
    scenario_stamps_[name] = files_->stamp(form_dir_ + "/tests/" + name);
  }
  run_scenarios();
  ++generation_;
}

bool PreviewModel::check_files() {
  bool form_changed = false;
  const std::optional<std::string> stamp = files_->stamp(form_path());
  if (stamp != form_stamp_) {
    form_stamp_ = stamp;
    std::optional<std::string> text = files_->read(form_path());
    // An editor may touch the file without changing it: only new text is reloaded.
    if (text != text_ || !text) {
      load_form(text);
      form_changed = true;
    }
  }
  std::map<std::string, std::optional<std::string>> stamps;
  for (const std::string& name : files_->list(form_dir_ + "/tests", ".json")) {
    stamps[name] = files_->stamp(form_dir_ + "/tests/" + name);
  }
  const bool scenarios_changed = stamps != scenario_stamps_;
  scenario_stamps_ = std::move(stamps);
  if (!form_changed && !scenarios_changed) return false;
  run_scenarios();
  ++generation_;
  return true;
}

void PreviewModel::load_form(const std::optional<std::string>& text) {
  ++load_count_;
  text_ = text;
  if (!text) {
    broken_ = true;
    load_errors_ = {Error{"preview.unreadable", "", 0, 0, "cannot read " + form_path()}};
    status_ = "cannot read " + form_path();
    return;
  }
  Result<FormPtr> compiled = compile_form(*text);
  if (!compiled.ok()) {
    broken_ = true;
    load_errors_ = compiled.errors();
    status_ = std::to_string(load_errors_.size()) + " load problem(s): showing the last form that loaded";
    return;
  }
  broken_ = false;
  load_errors_.clear();
  form_ = compiled.value();
  warnings_ = usability_warnings(*form_, *text);
  dropped_.clear();
  // Keep the developer's answers (and step) across edits, as a citizen's draft is kept
  // across versions; a new form id starts afresh.
  std::optional<FormState> next;
  if (state_) {
    Result<RestoredDraft> restored = restore_draft(form_, make_draft(*state_), today_);
    if (restored.ok()) {
      next = std::move(restored.value().state);
      dropped_ = restored.value().dropped;
    }
  }
  if (!next) {
    Result<FormState> fresh = FormState::create(form_, today_);
    if (!fresh.ok()) {
      broken_ = true;
      load_errors_ = fresh.errors();
      state_.reset();
      return;
    }
    next = std::move(fresh.value());
  }
  // Keep the selection by path when the field still exists.
  std::string selected;
  if (state_ && selected_field_ >= 0) selected = state_->field_path(selected_field_, selected_row_);
  state_ = std::move(next);
  layout_ = layout_of(*state_);
  selected_field_ = selected_row_ = -1;
  if (!selected.empty()) {
    const size_t slash = selected.rfind('/');
    const int f = state_->find_field(slash == std::string::npos ? selected : selected.substr(slash + 1));
    int row = -1;
    if (slash != std::string::npos) row = std::atoi(selected.substr(selected.find('/') + 1).c_str());
    if (f >= 0 && state_->has_instance(f, row)) select(f, row);
  }
  const json languages = form_summary(*form_)["languages"];
  if (std::find(languages.begin(), languages.end(), json(language_)) == languages.end()) {
    language_ = languages.empty() ? "sv" : languages[0].get<std::string>();
  }
  status_ = "loaded " + form_path() + (dropped_.empty() ? "" : " (" + std::to_string(dropped_.size()) + " answer(s) dropped)");
}

void PreviewModel::run_scenarios() {
  scenarios_.clear();
  for (const auto& [name, stamp] : scenario_stamps_) {
    ScenarioRun run;
    run.file = name;
    run.name = name;
    const std::optional<std::string> text = files_->read(form_dir_ + "/tests/" + name);
    json scenario;
    Error error;
    if (!text) {
      run.failures.push_back(ScenarioFailure{-1, "", "cannot read the file"});
    } else if (!parse_json_input(*text, &scenario, &error)) {
      run.failures.push_back(ScenarioFailure{-1, error.pointer, to_string(error)});
    } else {
      if (scenario.is_object() && scenario.contains("name") && scenario["name"].is_string()) {
        run.name = scenario["name"].get<std::string>();
      }
      if (!form_ || broken_) {
        run.failures.push_back(ScenarioFailure{-1, "", "not run: the form does not load"});
      } else {
        ScenarioResult result = run_scenario(form_, scenario);
        run.ran = true;
        run.passed = result.passed;
        run.failures = std::move(result.failures);
      }
    }
    scenarios_.push_back(std::move(run));
  }
}

void PreviewModel::set_language(const std::string& code) { language_ = code; }

namespace {
template <typename R>
void report(const R& r, std::string* status) {
  if (!r.ok()) *status = to_string(r.errors().front());
}
}  // namespace

void PreviewModel::set_answer(const std::string& path, const json& value) {
  if (!state_) return;
  ui.touched.insert(path);
  report(state_->set_answer(path, value), &status_);
}

void PreviewModel::clear_answer(const std::string& path) {
  if (!state_) return;
  ui.touched.insert(path);
  report(state_->clear_answer(path), &status_);
}

void PreviewModel::add_row(const std::string& group) {
  if (state_) report(state_->add_row(group), &status_);
}

void PreviewModel::remove_row(const std::string& group, int row) {
  if (!state_) return;
  report(state_->remove_row(group, row), &status_);
  // Touched paths of later rows now name other rows: forget the group's.
  for (auto it = ui.touched.begin(); it != ui.touched.end();) {
    it = it->rfind(group + "/", 0) == 0 ? ui.touched.erase(it) : std::next(it);
  }
  if (selected_field_ >= 0 && !state_->has_instance(selected_field_, selected_row_)) selected_field_ = -1;
}

void PreviewModel::next() {
  if (!state_) return;
  const int step = state_->current_step();
  if (!state_->next() && !state_->step_valid(step)) ui.attempted_steps.insert(step);
}

void PreviewModel::back() {
  if (state_) state_->back();
}

void PreviewModel::go_to(int step) {
  if (state_) state_->go_to(step);
}

void PreviewModel::start_over() {
  if (!form_) return;
  Result<FormState> fresh = FormState::create(form_, today_);
  if (!fresh.ok()) return;
  state_ = std::move(fresh.value());
  ui.touched.clear();
  ui.attempted_steps.clear();
  ui.new_files.clear();
  selected_field_ = selected_row_ = -1;
}

void PreviewModel::select(int field, int row) {
  if (!state_ || !state_->has_instance(field, row)) return;
  selected_field_ = field;
  selected_row_ = row;
  ui.select_tab = true;
}

json PreviewModel::answers_as_scenario(bool* passes) const {
  if (passes) *passes = false;
  if (!state_) return nullptr;
  const FormState& st = *state_;
  json actions = json::array();
  json set = json::object();
  Result<FormState> created = FormState::create(form_, today_);
  const FormState* fresh = created.ok() ? &created.value() : nullptr;
  for (const FormLayout::StepItems& step : layout_.steps) {
    for (const FormLayout::Item& item : step.fields) {
      if (item.field < 0) continue;
      const int rows = st.row_count(item.field);
      if (st.field_type(item.field) == "group") {
        // A new filling starts with min_items rows: add or remove rows from there.
        const std::string group = st.field_path(item.field, -1);
        const int initial = fresh ? fresh->row_count(item.field) : 0;
        for (int r = initial; r < rows; ++r) actions.push_back({{"add_row", group}});
        for (int r = initial; r > rows; --r) actions.push_back({{"remove_row", group + "/" + std::to_string(r - 1)}});
      }
      for (int r = 0; r < rows; ++r) {
        for (int c : item.children) {
          if (c >= 0 && !st.answer(c, r).is_null()) set[st.field_path(c, r)] = st.answer(c, r);
        }
      }
      if (!st.answer(item.field, -1).is_null()) set[st.field_path(item.field, -1)] = st.answer(item.field, -1);
    }
  }
  if (!set.empty()) actions.push_back({{"set", set}});
  json expect = json::object();
  json steps = json::array();
  for (int s : st.visible_steps()) steps.push_back(layout_.steps[static_cast<size_t>(s)].id);
  expect["visible_steps"] = steps;
  expect["valid"] = st.valid();
  json errors = json::object();
  for (const Error& e : st.errors(language_)) errors[e.pointer.substr(1)].push_back(e.message);
  if (!errors.empty()) expect["errors"] = errors;
  if (st.valid()) expect["submission"] = submission_document(canonical_submission(st))["answers"];
  actions.push_back({{"expect", expect}});
  json scenario = {
      {"$schema", "../../scenario.schema.json"},
      {"name", "Saved from the preview: " + std::string(st.valid() ? "a valid application" : "answers with errors")},
      {"today", today_},
      {"language", language_},
      {"actions", actions},
  };
  if (passes) *passes = run_scenario(form_, scenario).passed;
  return scenario;
}

std::string PreviewModel::save_new(const std::string& dir, const std::string& stem, const std::string& content) {
  const std::string base = form_dir_ + "/" + dir + "/" + stem + "-" + files_->timestamp();
  for (int i = 1; i <= 50; ++i) {
    const std::string path = base + (i == 1 ? "" : "-" + std::to_string(i)) + ".json";
    if (files_->stamp(path)) continue;  // exists: never overwrite
    if (files_->create(path, content)) {
      status_ = "saved " + path;
      return path;
    }
  }
  status_ = "could not write into " + form_dir_ + "/" + dir;
  return "";
}

std::string PreviewModel::save_scenario() {
  bool passes = false;
  const json scenario = answers_as_scenario(&passes);
  if (scenario.is_null()) return "";
  if (!passes) {
    status_ = "not saved: the generated scenario does not pass (please report this)";
    return "";
  }
  return save_new("tests", "preview", scenario.dump(2) + "\n");
}

std::string PreviewModel::save_draft() {
  if (!state_) return "";
  return save_new("drafts", "draft", make_draft(*state_).dump(2) + "\n");
}

}  // namespace blankett::preview
