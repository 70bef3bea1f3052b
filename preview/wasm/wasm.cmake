# The developer preview in the browser (docs/preview.md, "In the browser (serve --dev)").
# Included from the root CMakeLists.txt under if(EMSCRIPTEN), after runtime/wasm/wasm.cmake.
#
# The same preview_model/preview_ui sources as the native preview, Dear ImGui compiled
# from Debian's source package `imgui` (scripts/fetch-imgui-source: the version of the
# installed libimgui-dev, so both previews run the same ImGui), GLFW and WebGL2 built into
# Emscripten (no ports). Output, all in ${CMAKE_BINARY_DIR}/preview/ (what
# `blankett serve --dev --preview-dir` serves under /preview/assets/):
#   blankett_preview.mjs, blankett_preview.wasm   the module
#   preview.html, preview-loader.mjs, preview.css  the page and its script (copied)
#   DejaVuSans.ttf                                 the native preview's font (copied)
# Flags per shared/notes/toolchain.md: exceptions on compile and link, no ports, no
# filesystem, no embind (its `new Function` would need 'unsafe-eval', which the server's
# CSP refuses): JS calls plain exported C functions.

set(BLANKETT_IMGUI_SOURCE_DIR ${CMAKE_SOURCE_DIR}/build-deps/imgui/src
    CACHE PATH "Dear ImGui sources for the browser preview (scripts/fetch-imgui-source)")
if(NOT EXISTS ${BLANKETT_IMGUI_SOURCE_DIR}/imgui.cpp)
  message(WARNING "No Dear ImGui sources in ${BLANKETT_IMGUI_SOURCE_DIR}: run scripts/fetch-imgui-source. "
                  "The browser preview is not built.")
  return()
endif()

# ---------------------------------------------------------------------------
# Dear ImGui for WebGL2: the core, std::string helpers, the GLFW and OpenGL3 backends.
# imgui_demo.cpp is listed because Debian's libimgui.a has it; the linker only takes it
# if something calls ShowDemoWindow().
# ---------------------------------------------------------------------------
set(_imgui ${BLANKETT_IMGUI_SOURCE_DIR})
add_library(blankett_imgui_web STATIC
  ${_imgui}/imgui.cpp ${_imgui}/imgui_draw.cpp ${_imgui}/imgui_tables.cpp ${_imgui}/imgui_widgets.cpp
  ${_imgui}/imgui_demo.cpp ${_imgui}/misc/cpp/imgui_stdlib.cpp
  ${_imgui}/backends/imgui_impl_glfw.cpp ${_imgui}/backends/imgui_impl_opengl3.cpp)
# Include paths as Debian's (pkg-config imgui: -I/usr/include/imgui, which also holds
# imgui_stdlib.h and backends/): <imgui.h>, <imgui_stdlib.h>, <backends/imgui_impl_glfw.h>.
target_include_directories(blankett_imgui_web SYSTEM PUBLIC ${_imgui} ${_imgui}/misc/cpp ${_imgui}/backends)
# WebGL2 is OpenGL ES 3.0: GLES3 headers and GLSL "#version 300 es".
target_compile_definitions(blankett_imgui_web PUBLIC IMGUI_IMPL_OPENGL_ES3)
# -Os: the preview is downloaded on every open; speed is not the limit for a UI.
target_compile_options(blankett_imgui_web PUBLIC -fexceptions -Os)

# ---------------------------------------------------------------------------
# The preview module. preview_model/preview_ui are shared with the native preview
# (preview/CMakeLists.txt); preview_web.cc (main loop) and preview_files_web.cc
# (PreviewFiles over the dev server) are the browser's own.
# ---------------------------------------------------------------------------
set(BLANKETT_PREVIEW_SHARED ${CMAKE_SOURCE_DIR}/preview/preview_model.cc ${CMAKE_SOURCE_DIR}/preview/preview_ui.cc
  ${CMAKE_SOURCE_DIR}/server/clock.cc)  # local_today, utc_file_stamp: the server's clock, as natively
add_executable(blankett_preview ${CMAKE_SOURCE_DIR}/preview/wasm/preview_web.cc
  ${CMAKE_SOURCE_DIR}/preview/wasm/preview_files_web.cc ${BLANKETT_PREVIEW_SHARED})
target_include_directories(blankett_preview PRIVATE ${CMAKE_SOURCE_DIR}/preview ${CMAKE_SOURCE_DIR}/preview/wasm ${CMAKE_SOURCE_DIR}/server)
target_link_libraries(blankett_preview PRIVATE blankett_runtime blankett_imgui_web)
target_compile_options(blankett_preview PRIVATE ${BLANKETT_WARNINGS} -fexceptions)
set_target_properties(blankett_preview PROPERTIES
  SUFFIX ".mjs"
  RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/preview)
target_link_options(blankett_preview PRIVATE
  -fexceptions
  -Os
  -sUSE_GLFW=3
  -sUSE_WEBGL2=1
  -sFULL_ES3=1
  -sMIN_WEBGL_VERSION=2
  -sMAX_WEBGL_VERSION=2
  -sMODULARIZE=1
  -sEXPORT_ES6=1
  -sEXPORT_NAME=createBlankettPreview
  -sENVIRONMENT=web
  -sALLOW_MEMORY_GROWTH=1
  -sFILESYSTEM=0
  -sDYNAMIC_EXECUTION=0
  "-sEXPORTED_FUNCTIONS=['_main','_malloc','_free','_blankett_preview_set_files','_blankett_preview_debug']"
  "-sEXPORTED_RUNTIME_METHODS=['UTF8ToString','stringToUTF8','lengthBytesUTF8']"
)

# The page and its script next to the module, so one folder is the whole preview.
foreach(_f preview.html preview-loader.mjs preview.css)
  configure_file(${CMAKE_SOURCE_DIR}/preview/wasm/${_f} ${CMAKE_BINARY_DIR}/preview/${_f} COPYONLY)
endforeach()
# The native preview's font (Debian's fonts-dejavu-core), fetched by the page: the same
# glyphs in both previews. Without it the browser falls back to ImGui's built-in font.
set(BLANKETT_PREVIEW_FONT /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
    CACHE FILEPATH "TrueType font of the browser preview")
if(EXISTS ${BLANKETT_PREVIEW_FONT})
  configure_file(${BLANKETT_PREVIEW_FONT} ${CMAKE_BINARY_DIR}/preview/DejaVuSans.ttf COPYONLY)
endif()
