// glibc's assert() failure handler for preview_tests (see imgui_assert_hook.h). This file
// must not include <assert.h>/<cassert>: their declaration says the handler cannot throw.
#include "imgui_assert_hook.h"

extern "C" void __assert_fail(const char* expression, const char* file, unsigned int line, const char* function) {
  throw blankett::preview::testing::AssertionFailed{expression, file, line, function};
}
