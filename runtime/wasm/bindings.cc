// The only JS-facing bindings of the engine. Everything crosses the boundary as JSON
// text, so the browser sees exactly the view models the native server and tests see.
// runtime/wasm/engine.mjs wraps this in a small documented ES module API.
#include <emscripten/bind.h>

#include <optional>
#include <string>

#include "blankett/draft.h"
#include "blankett/form.h"
#include "blankett/scenario.h"
#include "blankett/state.h"
#include "blankett/submission.h"
#include "blankett/view.h"

namespace blankett {
namespace {

using nlohmann::json;

json errors_json(const Errors& errors) {
  json out = json::array();
  for (const Error& e : errors) {
    out.push_back({{"code", e.code}, {"pointer", e.pointer}, {"line", e.line}, {"column", e.column}, {"message", e.message}});
  }
  return out;
}

// One citizen's filling of one form. Methods return JSON text: {"ok": true, …} or
// {"ok": false, "errors": [...]}.
class Engine {
 public:
  std::string load(const std::string& form_text, const std::string& today) {
    Result<FormPtr> form = compile_form(form_text);
    if (!form.ok()) return fail(form.errors());
    Result<FormState> state = FormState::create(form.value(), today);
    if (!state.ok()) return fail(state.errors());
    state_.emplace(std::move(state).value());
    return json{{"ok", true}, {"form", form_summary(*form.value())}}.dump();
  }

  std::string set_answer(const std::string& path, const std::string& value_json, const std::string& lang) {
    const json value = json::parse(value_json, nullptr, false);
    if (value.is_discarded()) return fail(Errors{Error{"answer.bad_json", "/" + path, 0, 0, "the answer is not valid JSON"}});
    return changes(state().set_answer(path, value), lang);
  }
  std::string clear_answer(const std::string& path, const std::string& lang) { return changes(state().clear_answer(path), lang); }
  std::string add_row(const std::string& group, const std::string& lang) { return changes(state().add_row(group), lang); }
  std::string remove_row(const std::string& group, int row, const std::string& lang) { return changes(state().remove_row(group, row), lang); }

  std::string view(const std::string& lang) const { return view_step(state(), lang).dump(); }
  std::string summary(const std::string& lang) const { return view_summary(state(), lang).dump(); }
  std::string field(const std::string& path, const std::string& lang) const {
    const size_t slash = path.rfind('/');
    const int f = state().find_field(slash == std::string::npos ? path : path.substr(slash + 1));
    int row = -1;
    if (slash != std::string::npos) row = std::atoi(path.substr(path.find('/') + 1).c_str());
    if (f < 0) return "null";
    return view_field(state(), f, row, lang).dump();
  }
  std::string errors(const std::string& lang) const { return errors_json(state().errors(lang)).dump(); }
  std::string step_errors(const std::string& lang) const {
    return errors_json(state().step_errors(state().current_step(), lang)).dump();
  }

  bool next() { return state().next(); }
  bool back() { return state().back(); }
  bool go_to(const std::string& step) { return state().go_to(state().find_step(step)); }
  bool valid() const { return state().valid(); }

  std::string draft() const { return make_draft(state()).dump(); }
  std::string restore(const std::string& draft_json) {
    const json draft = json::parse(draft_json, nullptr, false);
    if (draft.is_discarded()) return fail(Errors{Error{"draft.bad_json", "", 0, 0, "the draft is not valid JSON"}});
    Result<RestoredDraft> r = restore_draft(state().form(), draft, state().today());
    if (!r.ok()) return fail(r.errors());
    json dropped = errors_json(r.value().dropped);
    state_.emplace(std::move(r.value().state));
    return json{{"ok", true}, {"dropped", dropped}}.dump();
  }
  std::string submission() const {
    const CanonicalSubmission c = canonical_submission(state());
    return json{{"document", submission_document(c)}, {"bytes", c.bytes}, {"sha256", c.sha256}}.dump();
  }

 private:
  static std::string fail(const Errors& errors) { return json{{"ok", false}, {"errors", errors_json(errors)}}.dump(); }

  // What a UI must redraw: each changed field's fresh view, and changed steps.
  std::string changes(const Result<Changes>& r, const std::string& lang) const {
    if (!r.ok()) return fail(r.errors());
    json fields = json::array();
    for (const FieldChange& c : r.value().fields) {
      fields.push_back({{"path", state().field_path(c.field, c.row)}, {"what", c.what}, {"view", view_field(state(), c.field, c.row, lang)}});
    }
    json steps = json::array();
    for (int s : r.value().steps) steps.push_back(s);
    return json{{"ok", true}, {"fields", fields}, {"steps", steps}, {"rows", r.value().rows}}.dump();
  }

  FormState& state() {
    if (!state_) throw std::runtime_error("no form loaded: call load() first");
    return *state_;
  }
  const FormState& state() const { return const_cast<Engine*>(this)->state(); }

  std::optional<FormState> state_;
};

std::string sha256_hex_of(const std::string& bytes) { return sha256_of(bytes); }

// Runs one scenario test (docs/scenario-tests.md) against a form, both as JSON text.
std::string run_scenario_json(const std::string& form_text, const std::string& scenario_text) {
  Result<FormPtr> form = compile_form(form_text);
  if (!form.ok()) return json{{"passed", false}, {"errors", errors_json(form.errors())}}.dump();
  const json scenario = json::parse(scenario_text, nullptr, false);
  if (scenario.is_discarded()) return json{{"passed", false}, {"errors", json::array({{{"message", "the scenario is not valid JSON"}}})}}.dump();
  const ScenarioResult r = run_scenario(form.value(), scenario);
  json failures = json::array();
  for (const ScenarioFailure& f : r.failures) failures.push_back({{"action", f.action}, {"pointer", f.pointer}, {"message", f.message}});
  return json{{"name", r.name}, {"passed", r.passed}, {"failures", failures}, {"answers", r.final_answers}}.dump();
}

}  // namespace
}  // namespace blankett

EMSCRIPTEN_BINDINGS(blankett) {
  using blankett::Engine;
  emscripten::class_<Engine>("Engine")
      .constructor<>()
      .function("load", &Engine::load)
      .function("setAnswer", &Engine::set_answer)
      .function("clearAnswer", &Engine::clear_answer)
      .function("addRow", &Engine::add_row)
      .function("removeRow", &Engine::remove_row)
      .function("view", &Engine::view)
      .function("summary", &Engine::summary)
      .function("field", &Engine::field)
      .function("errors", &Engine::errors)
      .function("stepErrors", &Engine::step_errors)
      .function("next", &Engine::next)
      .function("back", &Engine::back)
      .function("goTo", &Engine::go_to)
      .function("valid", &Engine::valid)
      .function("draft", &Engine::draft)
      .function("restore", &Engine::restore)
      .function("submission", &Engine::submission);
  emscripten::function("sha256", &blankett::sha256_hex_of);
  emscripten::function("runScenario", &blankett::run_scenario_json);
}
