# The engine as a WebAssembly ES module (blankett_engine.mjs + blankett_engine.wasm).
# Flags per shared/notes/toolchain.md: exceptions on compile and link, no ports, no
# filesystem; ENVIRONMENT=web,worker (node tests pass wasmBinary themselves).
add_executable(blankett_engine ${CMAKE_SOURCE_DIR}/runtime/wasm/bindings.cc)
target_link_libraries(blankett_engine PRIVATE blankett_runtime)
target_compile_options(blankett_engine PRIVATE ${BLANKETT_WARNINGS} -fexceptions)
set_target_properties(blankett_engine PROPERTIES SUFFIX ".mjs")
target_link_options(blankett_engine PRIVATE
  -fexceptions
  -lembind
  -sMODULARIZE=1
  -sEXPORT_ES6=1
  -sEXPORT_NAME=createBlankettEngine
  -sENVIRONMENT=web,worker
  -sALLOW_MEMORY_GROWTH=1
  -sFILESYSTEM=0
)
