// Test-only: Dear ImGui without a window or GPU, driven through its io like a user.
// Frames are NewFrame → draw_preview → Render; clicks and typing go through io
// (MousePos/MouseDown, AddInputCharactersUTF8) at the rectangles the UI recorded in the
// previous frame, so the UI's own code paths handle them. An IM_ASSERT becomes a test
// failure (imgui_assert_hook.h) and a fresh context, so one bad frame does not hide others.
#pragma once
#include <imgui.h>

#include <string>

#include <gtest/gtest.h>

#include "imgui_assert_hook.h"
#include "preview_ui.h"

namespace blankett::preview::testing {

class HeadlessImGui {
 public:
  explicit HeadlessImGui(float width = 1600, float height = 4000) : width_(width), height_(height) { create(); }
  ~HeadlessImGui() { ImGui::DestroyContext(context_); }
  HeadlessImGui(const HeadlessImGui&) = delete;
  HeadlessImGui& operator=(const HeadlessImGui&) = delete;

  // One frame of the preview. Returns false (and fails the test) if an IM_ASSERT fired.
  bool frame(PreviewModel& m) {
    ImGuiIO& io = ImGui::GetIO();
    io.DeltaTime = 1.0f / 60.0f;
    try {
      ImGui::NewFrame();
      draw_preview(m);
      ImGui::Render();
    } catch (const AssertionFailed& a) {
      ADD_FAILURE() << "IM_ASSERT fired: " << a.expression << " at " << a.file << ":" << a.line << " in " << a.function;
      ImGui::DestroyContext(context_);  // mid-frame: start over with a clean context
      create();
      return false;
    }
    return true;
  }

  // Clicks the centre of the widget recorded under `key` (press in one frame, release in
  // the next, then one frame showing the result). Returns false if the last frame drew no such widget.
  bool click(PreviewModel& m, const std::string& key) {
    const auto it = m.ui.rects.find(key);
    if (it == m.ui.rects.end()) {
      ADD_FAILURE() << "no widget '" << key << "' in the last frame";
      return false;
    }
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = ImVec2((it->second.x0 + it->second.x1) / 2, (it->second.y0 + it->second.y1) / 2);
    io.MouseDown[0] = true;
    frame(m);
    io.MouseDown[0] = false;
    frame(m);
    // What the click changed is drawn in the next frame (as a user would see it), so
    // the rectangles are current for the next click.
    return frame(m);
  }

  // Clicks a text box and types `text` into it, then draws one more frame.
  bool type(PreviewModel& m, const std::string& key, const std::string& text) {
    if (!click(m, key)) return false;
    ImGui::GetIO().AddInputCharactersUTF8(text.c_str());
    frame(m);
    return frame(m);
  }

  // Moves the mouse away and clicks nothing (ends text editing).
  void release(PreviewModel& m) {
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = ImVec2(width_ - 2, height_ - 2);
    frame(m);
  }

 private:
  void create() {
    context_ = ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.DisplaySize = ImVec2(width_, height_);
    io.IniFilename = nullptr;
    unsigned char* pixels = nullptr;
    int w = 0, h = 0;
    io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
    io.Fonts->SetTexID(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(1)));
  }

  ImGuiContext* context_ = nullptr;
  float width_, height_;
};

}  // namespace blankett::preview::testing
