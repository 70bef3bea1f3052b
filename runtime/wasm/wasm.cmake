# The engine as a WebAssembly ES module (blankett_engine.mjs + blankett_engine.wasm).
# Flags per shared/notes/toolchain.md: exceptions on compile and link, no ports, no
# filesystem; ENVIRONMENT=web,worker (node tests pass wasmBinary themselves).
#
# Built for size (budget: .wasm <= 300 KB, <= 120 KB gzipped; docs/performance.md has
# the measurements). What matters, largest first:
# - EXCEPTION_CATCHING_ALLOWED: Emscripten's (JS-based) exception handling routes every
#   call that may throw past a destructor through a JS trampoline; that was a third of
#   the module. Exceptions stay on (-fexceptions: throw works everywhere), but they are
#   caught only in the C entry points of bindings.cc, which turn them into an
#   "engine.exception" error (exception_json). Frames in between are not unwound (their
#   destructors do not run: what they held leaks). That is for the exceptional only: the
#   engine reports every expected problem as a value and catches nothing itself
#   (json_text.cc, scenario.cc). (WebAssembly exceptions, -fwasm-exceptions, unwind
#   properly and work with this toolchain, but came to 316 KB / 133 KB gzipped.)
# - -Oz and -flto (compile and link): smaller code; across files, LTO drops and merges more.
# - a C API instead of embind (bindings.cc); -sMALLOC=emmalloc (small allocator).
# BLANKETT_ENTRY_POINTS must be exactly bindings.cc's extern "C" functions: one left out
# would let an exception escape to JS untranslated (checked below).
set(BLANKETT_ENTRY_POINTS
  blankett_last_output blankett_engine_new blankett_engine_delete blankett_load
  blankett_set_answer blankett_clear_answer blankett_add_row blankett_remove_row
  blankett_view blankett_summary blankett_field blankett_errors blankett_step_errors
  blankett_next blankett_back blankett_go_to blankett_valid blankett_draft
  blankett_restore blankett_submission blankett_sha256 blankett_run_scenario
  blankett_canonical_json blankett_changes_for_current_step_only blankett_check_exception_handling)
# Checked against bindings.cc at configure time (and again whenever bindings.cc changes).
file(READ ${CMAKE_SOURCE_DIR}/runtime/wasm/bindings.cc _bindings)
string(REGEX MATCHALL "EMSCRIPTEN_KEEPALIVE[^(]*[ *]blankett_[a-z0-9_]+\\(" _entries "${_bindings}")
string(REGEX REPLACE "EMSCRIPTEN_KEEPALIVE[^(;]*[ *](blankett_[a-z0-9_]+)\\(" "\\1" _entries "${_entries}")
list(SORT _entries)
set(_listed ${BLANKETT_ENTRY_POINTS})
list(SORT _listed)
if(NOT _entries STREQUAL _listed)
  message(FATAL_ERROR "runtime/wasm/wasm.cmake: BLANKETT_ENTRY_POINTS (${_listed}) must list exactly "
                      "bindings.cc's EMSCRIPTEN_KEEPALIVE functions (${_entries})")
endif()
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/runtime/wasm/bindings.cc)
list(JOIN BLANKETT_ENTRY_POINTS "," BLANKETT_CATCHING)
set(BLANKETT_WASM_OPT -Oz CACHE STRING "Optimisation level of the WASM build (compile and link)")
set(BLANKETT_WASM_SIZE_FLAGS ${BLANKETT_WASM_OPT} -flto "SHELL:-s EXCEPTION_CATCHING_ALLOWED=[${BLANKETT_CATCHING}]")

# The runtime library is compiled for size too (these come after CMAKE_CXX_FLAGS_<CONFIG>,
# so -Oz wins over Release's -O3). With -flto its objects are LLVM bitcode: exception
# handling is lowered when a module links them, with that module's settings, so the
# catching list above applies to blankett_engine only (the browser preview, which links
# the same library, keeps catching everywhere).
target_compile_options(blankett_runtime PRIVATE ${BLANKETT_WASM_SIZE_FLAGS})

# bindings.cc: the C entry points; engine_session.cc: engine results as JSON text (shared
# with the native parity driver, tests/parity/).
add_executable(blankett_engine ${CMAKE_SOURCE_DIR}/runtime/wasm/bindings.cc ${CMAKE_SOURCE_DIR}/runtime/wasm/engine_session.cc)
target_link_libraries(blankett_engine PRIVATE blankett_runtime)
# engine_session.cc reads JSON with the engine's own reader (runtime/src/json_text.h).
target_include_directories(blankett_engine PRIVATE ${CMAKE_SOURCE_DIR}/runtime/wasm ${CMAKE_SOURCE_DIR}/runtime/src)
target_compile_options(blankett_engine PRIVATE ${BLANKETT_WARNINGS} -fexceptions ${BLANKETT_WASM_SIZE_FLAGS})
set_target_properties(blankett_engine PROPERTIES SUFFIX ".mjs")
target_link_options(blankett_engine PRIVATE
  -fexceptions
  ${BLANKETT_WASM_SIZE_FLAGS}
  -sMALLOC=emmalloc
  -sMODULARIZE=1
  -sEXPORT_ES6=1
  -sEXPORT_NAME=createBlankettEngine
  -sENVIRONMENT=web,worker
  -sALLOW_MEMORY_GROWTH=1
  -sFILESYSTEM=0
  "SHELL:-s EXPORTED_FUNCTIONS=[_malloc,_free]"
  "SHELL:-s EXPORTED_RUNTIME_METHODS=[UTF8ToString,stringToUTF8,lengthBytesUTF8]"
)
