// Parser of the expression language: tokens to an unresolved syntax tree in the form's
// node arena. Names stay names here; the checker resolves them to fields and functions.
//
// Grammar, lowest precedence first:
//   or      := and ("or" and)*
//   and     := not ("and" not)*
//   not     := "not" not | compare
//   compare := sum (("=" | "!=" | "<" | "<=" | ">" | ">=" | "in") sum)?
//   sum     := product (("+" | "-") product)*
//   product := unary (("*" | "/") unary)*
//   unary   := "-" unary | primary
//   primary := number | string | true | false | name | name "(" args? ")"
//            | "[" literal ("," literal)* "]" | "(" or ")"
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "expression.h"

namespace blankett {

struct ParseError {
  int column = 0;
  std::string message;
};

// Appends the expression's nodes to *arena and returns the root index, or returns -1
// and fills *error with the first problem (expressions are short: one error is enough).
int parse_expression(std::string_view source, std::vector<Node>* arena, ParseError* error);

}  // namespace blankett
