// `blankett preview`: the native window. GLFW opens it, OpenGL 3 draws, Dear ImGui's
// prebuilt backends connect the two; each frame polls the files, then draws the model.
#include "preview_command.h"

#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>
#include <stb_image_write.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>
#include <vector>

#include "clock.h"
#include "preview_files_native.h"
#include "preview_ui.h"

namespace blankett {

const char kPreviewUsage[] =
    "usage: blankett preview <forms/form-id | form.json> [--frames N] [--screenshot out.png] [--today YYYY-MM-DD]\n"
    "                        [--select path]\n"
    "  the form in a window, redrawn as you edit its files (docs/preview.md). --frames N\n"
    "  draws N frames and exits, writing the last to --screenshot.\n";

namespace {

struct Options {
  std::string form_dir;
  int frames = -1;  // -1: until the window is closed
  std::string screenshot;
  std::string today;
  std::string select;  // an answer path to select in the inspector at start
};

bool parse_options(const std::vector<std::string>& args, Options* o, std::ostream& err) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    const bool has_value = i + 1 < args.size();
    if (a == "--frames" && has_value) {
      o->frames = std::atoi(args[++i].c_str());
      if (o->frames <= 0) {
        err << "blankett preview: --frames needs a positive number\n";
        return false;
      }
    } else if (a == "--screenshot" && has_value) {
      o->screenshot = args[++i];
    } else if (a == "--select" && has_value) {
      o->select = args[++i];
    } else if (a == "--today" && has_value) {
      o->today = args[++i];
    } else if (!a.empty() && a[0] != '-' && o->form_dir.empty()) {
      o->form_dir = a;
    } else {
      err << "blankett preview: unexpected argument '" << a << "'\n";
      return false;
    }
  }
  if (o->form_dir.empty()) {
    err << kPreviewUsage;
    return false;
  }
  // A form.json names its folder.
  const std::filesystem::path p(o->form_dir);
  if (p.filename() == "form.json") o->form_dir = p.parent_path().empty() ? "." : p.parent_path().string();
  // Before any window: a mistyped path must not read as a display problem.
  std::error_code ec;
  if (!std::filesystem::is_regular_file(std::filesystem::path(o->form_dir) / "form.json", ec)) {
    err << "blankett preview: no form.json at " << o->form_dir << " (give a form's folder or its form.json)\n";
    return false;
  }
  if (o->today.empty()) o->today = local_today();
  return true;
}

// Fonts: DejaVu Sans when installed (Swedish and Norwegian letters, typographic quotes and
// dashes as the forms use them), else ImGui's built-in font (ASCII and Latin-1 only).
void load_fonts() {
  static const ImWchar kRanges[] = {0x0020, 0x00FF, 0x0100, 0x017F, 0x2010, 0x205E, 0x20AC, 0x20AC, 0x2190, 0x21FF, 0};
  ImGuiIO& io = ImGui::GetIO();
  const char* kFont = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
  std::error_code ec;
  if (std::filesystem::exists(kFont, ec)) io.Fonts->AddFontFromFileTTF(kFont, 16.0f, nullptr, kRanges);
  else io.Fonts->AddFontDefault();
}

// The back buffer of the frame just drawn as a PNG (rows flipped: GL counts from the bottom).
bool write_screenshot(GLFWwindow* window, const std::string& path) {
  int w = 0, h = 0;
  glfwGetFramebufferSize(window, &w, &h);
  if (w <= 0 || h <= 0) return false;
  std::vector<unsigned char> pixels(static_cast<size_t>(w) * static_cast<size_t>(h) * 4);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(GL_BACK);
  glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
  std::vector<unsigned char> flipped(pixels.size());
  const size_t stride = static_cast<size_t>(w) * 4;
  for (int y = 0; y < h; ++y) {
    std::copy_n(pixels.data() + static_cast<size_t>(h - 1 - y) * stride, stride, flipped.data() + static_cast<size_t>(y) * stride);
  }
  std::error_code ec;
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  return stbi_write_png(path.c_str(), w, h, 4, flipped.data(), static_cast<int>(stride)) != 0;
}

double seconds_now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

int preview_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  Options o;
  if (!parse_options(args, &o, err)) return 2;

  glfwSetErrorCallback([](int code, const char* description) { fprintf(stderr, "GLFW error %d: %s\n", code, description); });
  if (!glfwInit()) {
    err << "blankett preview: cannot open a window (no display? try xvfb-run -a)\n";
    return 1;
  }
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
  GLFWwindow* window = glfwCreateWindow(1280, 800, ("Blankett preview: " + o.form_dir).c_str(), nullptr, nullptr);
  if (window == nullptr) {
    err << "blankett preview: cannot create an OpenGL 3 window\n";
    glfwTerminate();
    return 1;
  }
  glfwMakeContextCurrent(window);
  glfwSwapInterval(1);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr;  // no imgui.ini next to the developer's forms
  ImGui::StyleColorsDark();
  load_fonts();
  ImGui_ImplGlfw_InitForOpenGL(window, true);
  ImGui_ImplOpenGL3_Init("#version 130");

  preview::NativePreviewFiles files;
  preview::PreviewModel model(&files, o.form_dir, o.today);
  if (!o.select.empty() && model.state() != nullptr) {
    const size_t slash = o.select.rfind('/');
    const int f = model.state()->find_field(slash == std::string::npos ? o.select : o.select.substr(slash + 1));
    model.select(f, slash == std::string::npos ? -1 : std::atoi(o.select.substr(o.select.find('/') + 1).c_str()));
  }
  out << "blankett preview: " << model.form_path() << (model.broken() ? " (does not load)" : "") << "\n";

  int status = 0;
  // Idle, the window sleeps until an event or the next file poll (an idle previewer must
  // not keep a core busy); after an event it draws at ~60 frames a second for a moment,
  // since ImGui settles a change over a few frames. --frames runs flat out.
  constexpr double kIdleWait = 0.25, kBusyFor = 0.5;
  double busy_until = 0;
  for (int frame = 1; !glfwWindowShouldClose(window); ++frame) {
    const double start = seconds_now();
    if (o.frames > 0 || start < busy_until) {
      glfwPollEvents();
    } else {
      glfwWaitEventsTimeout(kIdleWait);
      if (seconds_now() - start < kIdleWait * 0.9) busy_until = seconds_now() + kBusyFor;  // woken by an event
    }
    const auto generation_before = model.generation();
    model.poll(seconds_now());
    if (model.generation() != generation_before) busy_until = seconds_now() + kBusyFor;
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGui::NewFrame();
    preview::draw_preview(model);
    ImGui::Render();
    int w = 0, h = 0;
    glfwGetFramebufferSize(window, &w, &h);
    glViewport(0, 0, w, h);
    glClearColor(0.10f, 0.10f, 0.12f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    const bool last = o.frames > 0 && frame >= o.frames;
    if (last && !o.screenshot.empty()) {
      if (write_screenshot(window, o.screenshot)) {
        out << "screenshot: " << o.screenshot << "\n";
      } else {
        err << "blankett preview: cannot write " << o.screenshot << "\n";
        status = 1;
      }
    }
    glfwSwapBuffers(window);
    if (last) break;
    // Without vsync (e.g. under Xvfb) keep to about 60 frames a second.
    const double spent = seconds_now() - start;
    if (spent < 1.0 / 60) std::this_thread::sleep_for(std::chrono::duration<double>(1.0 / 60 - spent));
  }

  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(window);
  glfwTerminate();
  return status;
}

}  // namespace blankett
