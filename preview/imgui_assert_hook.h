// Test-only: IM_ASSERT as a test failure instead of an abort.
//
// Debian's prebuilt libimgui.a was compiled with ImGui's default imconfig.h, where
// IM_ASSERT(x) is assert(x): a failed check calls glibc's __assert_fail and aborts the
// whole test binary. Redefining IM_ASSERT in our own imconfig would not reach the code
// already compiled into the library, so preview_tests instead defines __assert_fail
// itself (imgui_assert_hook.cc): the linker takes the executable's definition before
// libc's, for the library and for ImGui's inline functions in our code alike. It throws
// AssertionFailed, which the headless harness turns into a GoogleTest failure naming the
// check. Nothing about ImGui's types or options changes, so the ABI is the library's.
#pragma once

namespace blankett::preview::testing {

struct AssertionFailed {
  const char* expression;
  const char* file;
  unsigned int line;
  const char* function;
};

}  // namespace blankett::preview::testing
