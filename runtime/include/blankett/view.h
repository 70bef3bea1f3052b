// The view model: what a UI shows, as JSON, in one language. The browser, the
// developer preview and the server's pages all render from this, so no UI ever decides
// visibility, labels or errors itself. Shapes are documented in docs/engine-api.md.
#pragma once
#include <string_view>

#include <nlohmann/json.hpp>

#include "blankett/state.h"

namespace blankett {

// The current step: form and step titles, progress, every field of the step (hidden ones
// with "visible": false) with label, hint, answer, value, required, error and options.
nlohmann::json view_step(const FormState& state, std::string_view lang);

// One field instance, in the same shape as an entry of view_step()'s "fields"; null if
// (field, row) is no instance (see FormState::has_instance).
nlohmann::json view_field(const FormState& state, int field, int row, std::string_view lang);

// Every visible step with its visible, answered fields and their display values: the
// "check your answers" page, and the caseworker's view of a submission.
nlohmann::json view_summary(const FormState& state, std::string_view lang);

// The value of (field, row) as a person reads it: "Yes", option labels, "12,5".
std::string display_value(const FormState& state, int field, int row, std::string_view lang);

}  // namespace blankett
