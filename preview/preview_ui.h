// Drawing the developer preview with Dear ImGui: one frame from the model. No GLFW, no
// OpenGL, no files: the native window (preview_native.cc), the headless tests and the
// browser build all call draw_preview() between ImGui::NewFrame() and ImGui::Render().
#pragma once
#include "preview_model.h"

namespace blankett::preview {

// Draws one frame covering the whole display: a toolbar, the load problems of a broken
// definition, the form as the citizen walks it (left) and the inspector (right: fields,
// the selected field's rules and why it is hidden, every rule, problems and warnings,
// scenario results). Widgets that report a change call the model's actions.
// REQUIRES: an ImGui frame has begun (ImGui::NewFrame()).
void draw_preview(PreviewModel& model);

}  // namespace blankett::preview
