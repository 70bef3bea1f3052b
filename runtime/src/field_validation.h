// Validation of one field instance: required, format, limits and constraints, in that
// order; the first problem found is the field's error. And the message that explains
// it, in the citizen's language.
#pragma once
#include <string>

#include "localized_text.h"
#include "state_data.h"

namespace blankett {

// Recomputes Cell::required, Cell::problem and Cell::constraint of (field, row).
// REQUIRES: the cell's visibility and value are current.
void validate_instance(StateData& st, int field, int row);

// The message for the cell's current problem in `lang` ("" when it has none).
std::string problem_message(const StateData& st, int field, int row, Lang lang);

}  // namespace blankett
