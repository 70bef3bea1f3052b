// The dependency graph of a form, built once at load: which fields and steps must be
// recomputed when a field's value changes, and in which order. Cycles are load errors.
#pragma once
#include "blankett/error.h"
#include "form_model.h"

namespace blankett {

// Fills Field::value_dependents, Field::validation_dependents, the `order` of every field
// and step, and CompiledForm::evaluation_order. Appends a "form.cycle" error per cycle.
void build_dependency_graph(CompiledForm* form, Errors* errors);

}  // namespace blankett
