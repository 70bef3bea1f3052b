// Resolves names in a parsed expression to fields and functions, and checks types, so
// that a rule like `name > 3` is refused when the form is loaded, not when a citizen
// happens to trigger it.
#pragma once
#include <string>
#include <vector>

#include "form_model.h"

namespace blankett {

struct ExprProblem {
  std::string code;  // "expr.unknown_field", "expr.type_mismatch", ...
  int column = 0;
  std::string message;
};

// Resolves and checks form->expressions[expr_index] in the scope of a field in
// `owner_group` (-1 at top level). On success the nodes are resolved in place,
// Expression::reads lists the fields read, and the root's type is returned with no
// problems appended. `expected` is the type the expression must have.
void check_expression(CompiledForm* form, int expr_index, int owner_group, Type expected,
                      std::vector<ExprProblem>* problems);

}  // namespace blankett
