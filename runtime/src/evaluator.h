// Evaluates a checked expression against a state. Never fails: the checker has ruled out
// type errors, and anything undefined at run time (division by zero, a missing answer,
// an unreadable date) yields an empty value, which rules treat as "not answered".
#pragma once
#include "state_data.h"

namespace blankett {

// `row` is the repeat-group row of the field that owns the expression (-1 at top level).
// Returns a reference into the state for a field reference (no copy), otherwise to
// *scratch, which it fills. The reference is valid until the state or *scratch changes.
const Value& evaluate(const StateData& st, int node, int row, Value* scratch);

// A yes/no rule: true only if it gives true. Computes and/or/not and comparisons
// without materialising intermediate values (the hot path of every edit).
bool evaluate_condition(const StateData& st, int expr, int row);

}  // namespace blankett
