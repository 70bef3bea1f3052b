// Reading one answer as the citizen typed it into the field's normalised value:
// "1 234,5" into 1234.5, "811218-9876" into "19811218-9876", and so on. The same
// function checks defaults when a form is loaded and answers when it is filled.
#pragma once
#include <nlohmann/json.hpp>

#include "form_model.h"
#include "state_data.h"
#include "value.h"

namespace blankett {

// Returns kNone and the normalised value in *out (empty for a blank answer), or the
// problem that makes the answer unreadable for this field type (kFormat, kOption,
// kDecimals); *out is then empty. Range and length checks are not done here.
Problem read_answer(const Field& field, const nlohmann::json& answer, Date today, Value* out);

// The normalised value as JSON for the canonical submission and the view.
// Integral numbers become JSON integers so that 5 is "5", never "5.0".
nlohmann::json value_to_json(const Field& field, const Value& v, const nlohmann::json& answer);

// Rounds half away from zero to `decimals` places, identically in every build.
double round_decimals(double x, int decimals);

}  // namespace blankett
