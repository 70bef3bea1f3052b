// The only JS-facing bindings of the engine: a small C API over EngineSession
// (engine_session.h, which turns engine results into JSON text and is shared with the
// native parity driver). Everything crosses the boundary as JSON text, so the browser
// sees exactly the view models the native server and tests see. runtime/wasm/engine.mjs
// wraps this in a small documented ES module API.
//
// The protocol (engine.mjs is its only user):
// - text arguments are (pointer, byte length) pairs of UTF-8 that the caller malloc()s
//   and free()s;
// - a function returning text returns a pointer to NUL-terminated UTF-8 that stays valid
//   until the next call (the caller copies it at once);
// - if a C++ exception escapes the engine (a bug, out of memory), a text function returns
//   NULL and an int function -1,
//   and blankett_last_output() holds {"ok": false, "errors": [{"code": "engine.exception", ...}]}
//   (blankett_canonical_json also returns NULL for bad JSON, with its json.syntax error).
//
// This is not embind: embind's code and JS glue were a large share of the module, and C
// entry points keep their plain names, which the exception settings in wasm.cmake list
// (EXCEPTION_CATCHING_ALLOWED): C++ exceptions are caught in these functions only.
// Keep BLANKETT_ENTRY_POINTS in wasm.cmake in step with the functions below.
#include <emscripten/emscripten.h>

#include <exception>
#include <stdexcept>
#include <string>
#include <string_view>

#include "blankett/submission.h"
#include "engine_session.h"

namespace blankett {
namespace {

// The text most recently returned (or the description of an exception).
std::string g_output;

const char* output(std::string text) {
  g_output = std::move(text);
  return g_output.c_str();
}

void exception_output(const char* what) { g_output = exception_json(what); }

std::string_view text(const char* data, size_t size) { return std::string_view(data, size); }

}  // namespace
}  // namespace blankett

using blankett::output;
using blankett::text;
using Engine = blankett::EngineSession;

// The body of every entry point: C++ exceptions end here (see the top of this file).
#define BLANKETT_GUARDED(failure, ...)                         \
  try {                                                        \
    __VA_ARGS__                                                \
  } catch (const std::exception& e) {                          \
    blankett::exception_output(e.what());                      \
  } catch (...) {                                              \
    blankett::exception_output("unknown C++ exception");      \
  }                                                            \
  return failure;

extern "C" {

EMSCRIPTEN_KEEPALIVE const char* blankett_last_output() { return blankett::g_output.c_str(); }

EMSCRIPTEN_KEEPALIVE Engine* blankett_engine_new() { BLANKETT_GUARDED(nullptr, return new Engine();) }
EMSCRIPTEN_KEEPALIVE int blankett_engine_delete(Engine* e) { BLANKETT_GUARDED(-1, delete e; return 0;) }

EMSCRIPTEN_KEEPALIVE const char* blankett_load(Engine* e, const char* form, size_t form_size, const char* today, size_t today_size) {
  BLANKETT_GUARDED(nullptr, return output(e->load(text(form, form_size), text(today, today_size)));)
}
EMSCRIPTEN_KEEPALIVE const char* blankett_set_answer(Engine* e, const char* path, size_t path_size, const char* value, size_t value_size,
                                                     const char* lang, size_t lang_size) {
  BLANKETT_GUARDED(nullptr, return output(e->set_answer(text(path, path_size), text(value, value_size), text(lang, lang_size)));)
}
EMSCRIPTEN_KEEPALIVE const char* blankett_clear_answer(Engine* e, const char* path, size_t path_size, const char* lang, size_t lang_size) {
  BLANKETT_GUARDED(nullptr, return output(e->clear_answer(text(path, path_size), text(lang, lang_size)));)
}
EMSCRIPTEN_KEEPALIVE const char* blankett_add_row(Engine* e, const char* group, size_t group_size, const char* lang, size_t lang_size) {
  BLANKETT_GUARDED(nullptr, return output(e->add_row(text(group, group_size), text(lang, lang_size)));)
}
EMSCRIPTEN_KEEPALIVE const char* blankett_remove_row(Engine* e, const char* group, size_t group_size, int row, const char* lang,
                                                     size_t lang_size) {
  BLANKETT_GUARDED(nullptr, return output(e->remove_row(text(group, group_size), row, text(lang, lang_size)));)
}
EMSCRIPTEN_KEEPALIVE const char* blankett_view(Engine* e, const char* lang, size_t lang_size) {
  BLANKETT_GUARDED(nullptr, return output(e->view(text(lang, lang_size)));)
}
EMSCRIPTEN_KEEPALIVE const char* blankett_summary(Engine* e, const char* lang, size_t lang_size) {
  BLANKETT_GUARDED(nullptr, return output(e->summary(text(lang, lang_size)));)
}
EMSCRIPTEN_KEEPALIVE const char* blankett_field(Engine* e, const char* path, size_t path_size, const char* lang, size_t lang_size) {
  BLANKETT_GUARDED(nullptr, return output(e->field(text(path, path_size), text(lang, lang_size)));)
}
EMSCRIPTEN_KEEPALIVE const char* blankett_errors(Engine* e, const char* lang, size_t lang_size) {
  BLANKETT_GUARDED(nullptr, return output(e->errors(text(lang, lang_size)));)
}
EMSCRIPTEN_KEEPALIVE const char* blankett_step_errors(Engine* e, const char* lang, size_t lang_size) {
  BLANKETT_GUARDED(nullptr, return output(e->step_errors(text(lang, lang_size)));)
}
EMSCRIPTEN_KEEPALIVE int blankett_next(Engine* e) { BLANKETT_GUARDED(-1, return e->next() ? 1 : 0;) }
EMSCRIPTEN_KEEPALIVE int blankett_back(Engine* e) { BLANKETT_GUARDED(-1, return e->back() ? 1 : 0;) }
EMSCRIPTEN_KEEPALIVE int blankett_go_to(Engine* e, const char* step, size_t step_size) {
  BLANKETT_GUARDED(-1, return e->go_to(text(step, step_size)) ? 1 : 0;)
}
EMSCRIPTEN_KEEPALIVE int blankett_changes_for_current_step_only(Engine* e, int on) {
  BLANKETT_GUARDED(-1, e->set_changes_for_current_step_only(on != 0); return 1;)
}
EMSCRIPTEN_KEEPALIVE int blankett_valid(Engine* e) { BLANKETT_GUARDED(-1, return e->valid() ? 1 : 0;) }
EMSCRIPTEN_KEEPALIVE const char* blankett_draft(Engine* e) { BLANKETT_GUARDED(nullptr, return output(e->draft());) }
EMSCRIPTEN_KEEPALIVE const char* blankett_restore(Engine* e, const char* draft, size_t draft_size) {
  BLANKETT_GUARDED(nullptr, return output(e->restore(text(draft, draft_size)));)
}
EMSCRIPTEN_KEEPALIVE const char* blankett_submission(Engine* e) { BLANKETT_GUARDED(nullptr, return output(e->submission());) }

EMSCRIPTEN_KEEPALIVE const char* blankett_sha256(const char* bytes, size_t size) {
  BLANKETT_GUARDED(nullptr, return output(blankett::sha256_of(text(bytes, size)));)
}
EMSCRIPTEN_KEEPALIVE const char* blankett_run_scenario(const char* form, size_t form_size, const char* scenario, size_t scenario_size) {
  BLANKETT_GUARDED(nullptr, return output(blankett::run_scenario_json(text(form, form_size), text(scenario, scenario_size)));)
}
// NULL for bad JSON too, with the json.syntax error in blankett_last_output().
EMSCRIPTEN_KEEPALIVE const char* blankett_canonical_json(const char* json_text, size_t size) {
  BLANKETT_GUARDED(nullptr, std::string canonical; const bool ok = blankett::canonical_json_text(text(json_text, size), &canonical);
                   const char* result = output(std::move(canonical)); return ok ? result : nullptr;)
}
// Throws inside the guard. No input is known to make the engine throw any more, so this
// is how smoke.test.mjs checks that the module is still built to catch C++ exceptions
// (-fexceptions, EXCEPTION_CATCHING_ALLOWED) and turn them into engine.exception.
EMSCRIPTEN_KEEPALIVE const char* blankett_check_exception_handling() {
  BLANKETT_GUARDED(nullptr, throw std::runtime_error("a C++ exception, thrown to check the handling");)
}

}  // extern "C"
