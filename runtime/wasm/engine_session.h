// One citizen's filling of one form, as JSON text in and out: the engine's calls as the
// JavaScript bindings (bindings.cc) expose them. Shared by the WASM module and the native
// parity driver (tests/parity/), so both turn engine results into the same bytes with
// one piece of code. Pure C++17 + nlohmann/json, no I/O, nothing Emscripten-specific.
//
// Methods that can fail return {"ok": true, …} or {"ok": false, "errors": [...]}; the
// others return the view model's JSON text (or true/false). Every method except load()
// requires a loaded form and throws std::runtime_error otherwise. Exceptions (that one,
// or a bug) are not caught here: the caller turns them into exception_json(what).
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "blankett/error.h"
#include "blankett/state.h"

namespace blankett {

// [{code, pointer, line, column, message}, …]
nlohmann::json errors_json(const Errors& errors);

// {"ok": false, "errors": [...]}
std::string failure_json(const Errors& errors);

// What a call answers when a C++ exception escaped the engine:
// {"ok": false, "errors": [{"code": "engine.exception", "message": what, …}]}
std::string exception_json(const char* what);

class EngineSession {
 public:
  // Compiles `form_text` and starts an empty filling: {"ok": true, "form": form_summary}.
  // A loaded session is replaced only when the new form loads.
  std::string load(std::string_view form_text, std::string_view today);

  // Answers; `value_json` is the answer as JSON text. Each returns what a UI must redraw:
  // {"ok": true, "fields": [{path, what, view}], "steps": [...], "rows": bool}.
  std::string set_answer(std::string_view path, std::string_view value_json, std::string_view lang);
  std::string clear_answer(std::string_view path, std::string_view lang);
  std::string add_row(std::string_view group, std::string_view lang);
  std::string remove_row(std::string_view group, int row, std::string_view lang);
  // With `on`, the answers above report changed fields of the current step only (plus
  // every changed step and "rows"): what a one-step-at-a-time UI redraws. On the
  // 5,000-field benchmark form one keystroke changes 116 fields across the form; building
  // and parsing their views was most of the keystroke's script time. Off by default.
  void set_changes_for_current_step_only(bool on) { current_step_only_ = on; }

  // Views, in `lang`.
  std::string view(std::string_view lang) const;
  std::string summary(std::string_view lang) const;
  // One field instance by answer path ("pupil_name", "children/0/child_name", read as
  // FormState::set_answer reads paths; a group's own path gives the group with its rows);
  // "null" when the path names no instance.
  std::string field(std::string_view path, std::string_view lang) const;
  std::string errors(std::string_view lang) const;
  std::string step_errors(std::string_view lang) const;

  // Navigation and validity.
  bool next();
  bool back();
  bool go_to(std::string_view step);
  bool valid() const;

  // Drafts: make_draft() as text; restore() replaces the filling: {"ok": true, "dropped": [...]}.
  std::string draft() const;
  std::string restore(std::string_view draft_json);
  // {"document": …, "bytes": canonical bytes, "sha256": hex}
  std::string submission() const;

  bool loaded() const { return state_.has_value(); }

 private:
  std::string changes(const Result<Changes>& r, std::string_view lang, int shown) const;
  FormState& state();
  const FormState& state() const;

  std::optional<FormState> state_;
  bool current_step_only_ = false;
};

// Runs one scenario test (docs/scenario-tests.md), form and scenario as JSON text:
// {"name", "passed", "failures": [{action, pointer, message}], "answers"}, or
// {"passed": false, "errors": [...]} when the form or scenario does not load.
std::string run_scenario_json(std::string_view form_text, std::string_view scenario_text);

// The canonical JSON text of any JSON text: what nlohmann's dump() writes (keys sorted by
// byte value, no white space, UTF-8, integers in plain decimal), as the server's receipts
// sign it (docs/receipts.md). Bad JSON: false, and *out is failure_json() with
// json.syntax (or json.too_deep past 64 levels of nesting).
bool canonical_json_text(std::string_view text, std::string* out);

}  // namespace blankett
