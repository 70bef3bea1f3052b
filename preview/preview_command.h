// `blankett preview <form folder | form.json> [--frames N] [--screenshot out.png] [--today YYYY-MM-DD]
// [--select path]`:
// the form developer's previewer in a native window (GLFW + OpenGL 3 + Dear ImGui).
#pragma once
#include <ostream>
#include <string>
#include <vector>

namespace blankett {

// The text `blankett preview --help` prints.
extern const char kPreviewUsage[];

// Opens the window and runs until it is closed (or for N frames with --frames, writing
// the last frame to --screenshot as PNG). Returns 0 on a normal exit, 1 when no window
// can be opened or the screenshot cannot be written, 2 for bad arguments or a path with
// no form.json (checked before any window opens).
int preview_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace blankett
