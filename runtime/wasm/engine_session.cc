// See engine_session.h. The conversions here were bindings.cc's Engine class; they live
// here so that the WASM module and the native parity driver share them byte for byte.
#include "engine_session.h"

#include <stdexcept>
#include <utility>

#include "blankett/draft.h"
#include "blankett/form.h"
#include "blankett/scenario.h"
#include "blankett/submission.h"
#include "blankett/view.h"
#include "form_model.h"
#include "json_text.h"

namespace blankett {

using nlohmann::json;

namespace {

// The field instance an answer path names, read as FormState reads the paths of
// set_answer(): "field", or "group/row/field" with the row in at most six digits. (The
// row used to be read with std::atoi, which is undefined past INT_MAX and differed
// between glibc and musl: "children/18446744073709551616/child_name" was row 0 in WASM
// and nothing natively, and "children/x/child_name" was row 0 in both.)
bool find_instance(const FormState& state, std::string_view path, int* field, int* row) {
  const size_t slash = path.find('/');
  if (slash == std::string_view::npos) {
    *field = state.find_field(path);
    *row = -1;
    return *field >= 0 && state.has_instance(*field, -1);
  }
  const size_t slash2 = path.find('/', slash + 1);
  if (slash2 == std::string_view::npos) return false;
  const std::string_view row_text = path.substr(slash + 1, slash2 - slash - 1);
  if (row_text.empty() || row_text.size() > 6) return false;
  *row = 0;
  for (char c : row_text) {
    if (c < '0' || c > '9') return false;
    *row = *row * 10 + (c - '0');
  }
  *field = state.find_field(path.substr(slash2 + 1));
  if (*field < 0 || !state.has_instance(*field, *row)) return false;
  // The field must belong to the named group (field_path() is "group/row/field").
  const std::string full = state.field_path(*field, *row);
  return full.compare(0, slash + 1, path.substr(0, slash + 1)) == 0;
}

}  // namespace

json errors_json(const Errors& errors) {
  json out = json::array();
  for (const Error& e : errors) {
    out.push_back({{"code", e.code}, {"pointer", e.pointer}, {"line", e.line}, {"column", e.column}, {"message", e.message}});
  }
  return out;
}

// Messages may quote what the caller sent (an unknown path), which need not be UTF-8:
// such bytes become U+FFFD rather than an exception halfway through an answer.
std::string failure_json(const Errors& errors) {
  return json{{"ok", false}, {"errors", errors_json(errors)}}.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string exception_json(const char* what) { return failure_json(Errors{Error{"engine.exception", "", 0, 0, what}}); }

std::string EngineSession::load(std::string_view form_text, std::string_view today) {
  Result<FormPtr> form = compile_form(form_text);
  if (!form.ok()) return failure_json(form.errors());
  Result<FormState> state = FormState::create(form.value(), today);
  if (!state.ok()) return failure_json(state.errors());
  state_.emplace(std::move(state).value());
  return json{{"ok", true}, {"form", form_summary(*form.value())}}.dump();
}

std::string EngineSession::set_answer(std::string_view path, std::string_view value_json, std::string_view lang) {
  json value;
  if (!parse_json_nlohmann(value_json, &value)) {
    return failure_json(Errors{Error{"answer.bad_json", "/" + std::string(path), 0, 0, "the answer is not valid JSON"}});
  }
  const int shown = state().current_step();
  return changes(state().set_answer(path, value), lang, shown);
}

std::string EngineSession::clear_answer(std::string_view path, std::string_view lang) {
  const int shown = state().current_step();
  return changes(state().clear_answer(path), lang, shown);
}

std::string EngineSession::add_row(std::string_view group, std::string_view lang) {
  const int shown = state().current_step();
  return changes(state().add_row(group), lang, shown);
}

std::string EngineSession::remove_row(std::string_view group, int row, std::string_view lang) {
  const int shown = state().current_step();
  return changes(state().remove_row(group, row), lang, shown);
}

std::string EngineSession::view(std::string_view lang) const { return view_step(state(), lang).dump(); }

std::string EngineSession::summary(std::string_view lang) const { return view_summary(state(), lang).dump(); }

std::string EngineSession::field(std::string_view path, std::string_view lang) const {
  int f = -1;
  int row = -1;
  if (!find_instance(state(), path, &f, &row)) return "null";
  return view_field(state(), f, row, lang).dump();
}

std::string EngineSession::errors(std::string_view lang) const { return errors_json(state().errors(lang)).dump(); }

std::string EngineSession::step_errors(std::string_view lang) const {
  return errors_json(state().step_errors(state().current_step(), lang)).dump();
}

bool EngineSession::next() { return state().next(); }
bool EngineSession::back() { return state().back(); }
bool EngineSession::go_to(std::string_view step) { return state().go_to(state().find_step(step)); }
bool EngineSession::valid() const { return state().valid(); }

std::string EngineSession::draft() const { return make_draft(state()).dump(); }

std::string EngineSession::restore(std::string_view draft_json) {
  json draft;
  if (!parse_json_nlohmann(draft_json, &draft)) {
    return failure_json(Errors{Error{"draft.bad_json", "", 0, 0, "the draft is not valid JSON"}});
  }
  Result<RestoredDraft> r = restore_draft(state().form(), draft, state().today());
  if (!r.ok()) return failure_json(r.errors());
  json dropped = errors_json(r.value().dropped);
  state_.emplace(std::move(r.value().state));
  return json{{"ok", true}, {"dropped", dropped}}.dump();
}

std::string EngineSession::submission() const {
  const CanonicalSubmission c = canonical_submission(state());
  return json{{"document", submission_document(c)}, {"bytes", c.bytes}, {"sha256", c.sha256}}.dump();
}

namespace {

// The step a field is shown on (a group's children are on the group's step).
int step_of(const CompiledForm& form, int field) {
  while (form.fields[field].step < 0 && form.fields[field].group >= 0) field = form.fields[field].group;
  return form.fields[field].step;
}

}  // namespace

// What a UI must redraw: each changed field's fresh view, and changed steps.
// `shown`: the current step before the change (the one the UI shows).
std::string EngineSession::changes(const Result<Changes>& r, std::string_view lang, int shown) const {
  if (!r.ok()) return failure_json(r.errors());
  json fields = json::array();
  const CompiledForm& form = *state().form();
  for (const FieldChange& c : r.value().fields) {
    if (current_step_only_ && step_of(form, c.field) != shown) continue;
    fields.push_back({{"path", state().field_path(c.field, c.row)}, {"what", c.what}, {"view", view_field(state(), c.field, c.row, lang)}});
  }
  json steps = json::array();
  for (int s : r.value().steps) steps.push_back(s);
  return json{{"ok", true}, {"fields", fields}, {"steps", steps}, {"rows", r.value().rows}}.dump();
}

FormState& EngineSession::state() {
  if (!state_) throw std::runtime_error("no form loaded: call load() first");
  return *state_;
}

const FormState& EngineSession::state() const { return const_cast<EngineSession*>(this)->state(); }

std::string run_scenario_json(std::string_view form_text, std::string_view scenario_text) {
  Result<FormPtr> form = compile_form(form_text);
  if (!form.ok()) return json{{"passed", false}, {"errors", errors_json(form.errors())}}.dump();
  json scenario;
  if (!parse_json_nlohmann(scenario_text, &scenario)) {
    return json{{"passed", false}, {"errors", json::array({{{"message", "the scenario is not valid JSON"}}})}}.dump();
  }
  const ScenarioResult r = run_scenario(form.value(), scenario);
  json failures = json::array();
  for (const ScenarioFailure& f : r.failures) failures.push_back({{"action", f.action}, {"pointer", f.pointer}, {"message", f.message}});
  return json{{"name", r.name}, {"passed", r.passed}, {"failures", failures}, {"answers", r.final_answers}}.dump();
}

bool canonical_json_text(std::string_view text, std::string* out) {
  json document;
  Error error;
  out->clear();
  if (!parse_json_text(text, &document, &error, out)) {
    *out = failure_json(Errors{error});
    return false;
  }
  if (out->empty()) *out = canonical_json(document);
  return true;
}

}  // namespace blankett
