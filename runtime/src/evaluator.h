// Evaluates a checked expression against a state. Never fails: the checker has ruled out
// type errors, and anything undefined at run time (division by zero, a missing answer,
// an unreadable date) yields an empty value, which rules treat as "not answered".
#pragma once
#include "state_data.h"

namespace blankett {

// `row` is the repeat-group row of the field that owns the expression (-1 at top level).
Value evaluate(const StateData& st, int node, int row);

// Shorthand for the common case of a yes/no rule: true only if it gives true.
inline bool evaluate_condition(const StateData& st, int expr, int row) {
  return evaluate(st, st.form->expressions[static_cast<size_t>(expr)].root, row).is_true();
}

}  // namespace blankett
