// The developer preview in the browser (docs/preview.md, "In the browser (serve --dev)"):
// the native preview's model and UI (preview_model.h, preview_ui.h) on Dear ImGui, drawn
// with WebGL2 through Emscripten's GLFW, one frame per animation frame
// (emscripten_set_main_loop).
//
// The page's script (preview-loader.mjs) is the only I/O: it hands this module the form
// folder's files (blankett_preview_set_files) whenever the dev server's listing changes,
// creates files for it (js_create_file, a synchronous POST), and reads what was drawn
// (blankett_preview_debug) for tests, since the canvas has no DOM.
//
// Index: [SECTION] JS bridge  [SECTION] State  [SECTION] Frame  [SECTION] Exports  main()
#include <GLFW/glfw3.h>
#include <emscripten.h>
#include <emscripten/html5.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>

#include <cstdio>
#include <ctime>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "clock.h"
#include "preview_files_web.h"
#include "preview_model.h"
#include "preview_ui.h"

//-----------------------------------------------------------------------------------------
// [SECTION] JS bridge
//-----------------------------------------------------------------------------------------

// Module.blankettCreateFile (preview-loader.mjs): POSTs the file and returns the status.
// Synchronous, so that PreviewFiles::create can say whether the file was written: the
// model names files itself and tries the next name on a 409.
EM_JS(int, js_create_file, (const char* folder, const char* file, const char* content), {
  return Module.blankettCreateFile(UTF8ToString(folder), UTF8ToString(file), UTF8ToString(content));
});

// Resizes the canvas's drawing buffer; GLFW hears of it (its resize listener) and reports
// the new window size to ImGui. Not glfwSetWindowSize: Emscripten's asks the browser for
// fullscreen when the size equals the screen's, which fails without a user gesture.
EM_JS(void, js_set_canvas_size, (int width, int height), {
  Browser.setCanvasSize(width, height);
});

// Module.blankettFont: the bytes of DejaVu Sans the page fetched (null if it could not),
// copied into memory ImGui then owns.
EM_JS(int, js_font_size, (), {
  return Module.blankettFont ? Module.blankettFont.byteLength : 0;
});
EM_JS(void, js_font_copy, (void* dest), {
  HEAPU8.set(new Uint8Array(Module.blankettFont), dest);
  Module.blankettFont = null;
});

namespace {

using nlohmann::json;
using blankett::preview::BrowserFiles;
using blankett::preview::PreviewModel;

//-----------------------------------------------------------------------------------------
// [SECTION] State
//-----------------------------------------------------------------------------------------

constexpr char kCanvas[] = "#preview-canvas";

struct WebApp {
  GLFWwindow* window = nullptr;
  int css_width = 0;   // canvas size in CSS pixels (= ImGui's display size)
  int css_height = 0;
  long frames = 0;
  std::string form_id;               // from the first listing
  std::unique_ptr<BrowserFiles> files;
  std::unique_ptr<PreviewModel> model;  // null until the first listing arrives
  std::string listing_error;         // the server's message when the last listing failed
  std::string debug_text;            // blankett_preview_debug's answer (kept alive)
};

WebApp g_app;


// The native preview's font (preview_native.cc): DejaVu Sans at 16 px with the same
// ranges (Swedish and Norwegian letters, typographic quotes and dashes, arrows), so both
// previews draw the same text; ImGui's built-in font (Latin-1 only) if the page has none.
void load_fonts() {
  static const ImWchar kRanges[] = {0x0020, 0x00FF, 0x0100, 0x017F, 0x2010, 0x205E, 0x20AC, 0x20AC, 0x2190, 0x21FF, 0};
  ImGuiIO& io = ImGui::GetIO();
  const int size = js_font_size();
  if (size > 0) {
    void* data = IM_ALLOC(static_cast<size_t>(size));  // the atlas frees it
    js_font_copy(data);
    if (io.Fonts->AddFontFromMemoryTTF(data, size, 16.0f, nullptr, kRanges) != nullptr) return;
  }
  io.Fonts->AddFontDefault();
}

//-----------------------------------------------------------------------------------------
// [SECTION] Frame
//-----------------------------------------------------------------------------------------

// The canvas fills the window (preview.css): follow its CSS size.
void fit_canvas() {
  double w = 0, h = 0;
  emscripten_get_element_css_size(kCanvas, &w, &h);
  if (static_cast<int>(w) != g_app.css_width || static_cast<int>(h) != g_app.css_height) {
    g_app.css_width = static_cast<int>(w);
    g_app.css_height = static_cast<int>(h);
    js_set_canvas_size(g_app.css_width, g_app.css_height);
  }
}

// Before the first listing (or when there is none): one plain window saying why.
void draw_waiting() {
  const ImGuiViewport* viewport = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(viewport->WorkPos);
  ImGui::SetNextWindowSize(viewport->WorkSize);
  ImGui::Begin("Blankett preview", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove);
  if (g_app.listing_error.empty()) ImGui::TextUnformatted("Loading the form's files from the dev server…");
  else ImGui::TextWrapped("%s", g_app.listing_error.c_str());
  ImGui::End();
}

// A line over the preview while the server cannot list the folder (it was removed, or
// the server stopped): the model keeps showing what it last had.
void draw_listing_error() {
  const ImGuiViewport* viewport = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(ImVec2(viewport->WorkPos.x + viewport->WorkSize.x - 8, viewport->WorkPos.y + viewport->WorkSize.y - 8),
                          ImGuiCond_Always, ImVec2(1, 1));
  ImGui::SetNextWindowBgAlpha(0.9f);
  ImGui::Begin("##listing-error", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoMove);
  ImGui::TextColored(ImVec4(1.0f, 0.45f, 0.4f, 1.0f), "%s", g_app.listing_error.c_str());
  ImGui::End();
}

void frame() {
  fit_canvas();
  glfwPollEvents();
  if (g_app.model) g_app.model->poll(emscripten_get_now() / 1000.0);

  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  ImGui::NewFrame();
  if (g_app.model) {
    blankett::preview::draw_preview(*g_app.model);
    if (!g_app.listing_error.empty()) draw_listing_error();
  } else {
    draw_waiting();
  }
  ImGui::Render();

  int fb_w = 0, fb_h = 0;
  glfwGetFramebufferSize(g_app.window, &fb_w, &fb_h);
  glViewport(0, 0, fb_w, fb_h);
  glClearColor(0.12f, 0.12f, 0.12f, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  ++g_app.frames;
}

json debug_state() {
  json out = {{"frames", g_app.frames}, {"form_id", g_app.form_id}, {"width", g_app.css_width},
              {"height", g_app.css_height}, {"listing_error", g_app.listing_error}, {"loaded", g_app.model != nullptr}};
  if (!g_app.model) return out;
  PreviewModel& m = *g_app.model;
  const blankett::preview::UiState& ui = m.ui;
  out["files"] = g_app.files->file_count();
  out["generation"] = m.generation();
  out["drawn_generation"] = ui.drawn_generation;
  out["broken"] = m.broken();
  out["load_errors"] = m.load_errors().size();
  out["status"] = m.status();
  out["selected_field"] = m.selected_field();
  out["selected_row"] = m.selected_row();
  // The inspector's subject: the selected field instance's answer path.
  const blankett::FormState* state = m.state();
  const bool selected = state && m.selected_field() >= 0;
  out["selected_path"] = selected ? json(state->field_path(m.selected_field(), m.selected_row())) : json();
  out["selected_answer"] = selected ? state->answer(m.selected_field(), m.selected_row()) : json();
  json scenarios = json::array();
  for (const blankett::preview::ScenarioRun& run : m.scenarios()) {
    scenarios.push_back({{"file", run.file}, {"ran", run.ran}, {"passed", run.passed}});
  }
  out["scenarios"] = scenarios;
  json rects = json::object();
  for (const auto& [key, r] : ui.rects) rects[key] = {r.x0, r.y0, r.x1, r.y1};
  out["rects"] = rects;
  out["drawn_errors"] = ui.drawn_errors;
  out["drawn_problems"] = ui.drawn_problems;
  return out;
}

}  // namespace

//-----------------------------------------------------------------------------------------
// [SECTION] Exports (called by preview-loader.mjs)
//-----------------------------------------------------------------------------------------

extern "C" {

// A response of GET /api/dev/forms/{id}/files: {"id", "version", "files": […]}, or the
// server's {"error": {…}}. The first good one creates the model; later ones replace the
// files, and the model reloads what changed at its next poll.
EMSCRIPTEN_KEEPALIVE void blankett_preview_set_files(const char* json_text) {
  const json listing = json::parse(json_text, nullptr, false);
  if (!listing.is_object() || !listing.contains("files")) {
    const bool has_message = listing.is_object() && listing.contains("error") && listing["error"].is_object();
    g_app.listing_error = "The dev server cannot list the form's files: " +
                          (has_message ? listing["error"].value("message", std::string("?")) : std::string("not a listing"));
    return;
  }
  g_app.listing_error.clear();
  if (!g_app.files) {
    g_app.form_id = listing.value("id", std::string("form"));
    g_app.files = std::make_unique<BrowserFiles>(
        "forms/" + g_app.form_id, [](const std::string& folder, const std::string& file, const std::string& content) {
          return js_create_file(folder.c_str(), file.c_str(), content.c_str());
        });
  }
  g_app.files->update(listing);
  if (!g_app.model) g_app.model = std::make_unique<PreviewModel>(g_app.files.get(), "forms/" + g_app.form_id, blankett::local_today());  // the browser's time zone
}

// What was drawn, as JSON text (valid until the next call): see debug_state().
EMSCRIPTEN_KEEPALIVE const char* blankett_preview_debug() {
  g_app.debug_text = debug_state().dump();
  return g_app.debug_text.c_str();
}

}  // extern "C"

int main() {
  if (!glfwInit()) {
    std::fprintf(stderr, "preview: glfwInit failed\n");
    return 1;
  }
  // WebGL2 = OpenGL ES 3.0.
  glfwWindowHint(GLFW_CLIENT_API, GLFW_OPENGL_ES_API);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
  g_app.window = glfwCreateWindow(1280, 800, "Blankett preview", nullptr, nullptr);
  if (g_app.window == nullptr) {
    std::fprintf(stderr, "preview: this browser gives no WebGL2 context\n");
    return 1;
  }
  glfwMakeContextCurrent(g_app.window);
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr;  // no file system here: layouts are not kept
  ImGui::StyleColorsDark();
  load_fonts();
  ImGui_ImplGlfw_InitForOpenGL(g_app.window, true);
  ImGui_ImplOpenGL3_Init("#version 300 es");
  emscripten_set_main_loop(frame, 0, 1);  // never returns: the browser calls frame()
  return 0;
}
