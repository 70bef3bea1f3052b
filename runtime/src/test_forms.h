// Small form definitions shared by the engine's unit tests.
#pragma once
#include <string>
#include <vector>

#include "blankett/form.h"
#include "blankett/state.h"

namespace blankett::testing {

// Compiles `json_text` or fails the current test with every load error.
FormPtr must_compile(const std::string& json_text);
// A fresh state for `form` on 2026-08-15.
FormState must_state(const FormPtr& form, const std::string& today = "2026-08-15");

// The whole content of a file ("" if it cannot be read).
std::string read_text_file(const std::string& path);
// The definition text of every example form (forms/*/form.json), in directory order.
std::vector<std::string> example_form_definitions();

// A form with two steps, a conditional step, a repeat group with aggregates and a
// calculated total: enough to exercise every part of propagation.
extern const char kHouseholdForm[];

}  // namespace blankett::testing
