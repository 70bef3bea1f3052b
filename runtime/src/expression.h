// Compiled expressions: a flat arena of nodes per form, produced by the parser and
// resolved/type-checked by the checker. Field references are indexes, not names, so
// evaluation never looks anything up by string.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "value.h"

namespace blankett {

enum class Op : uint8_t {
  // leaves
  kNumber, kText, kBool, kDate, kList,  // literals (kList: `values` of the node)
  kIdent,                               // unresolved name (parser output only)
  kRef,                                 // a field's effective value (same row when in a group)
  kColumn,                              // a repeat-group child read across all rows
  // operators
  kNeg, kNot, kAdd, kSub, kMul, kDiv,
  kEq, kNe, kLt, kLe, kGt, kGe, kAnd, kOr, kIn,
  // functions
  kCall,  // unresolved call (parser output); resolved into one of the below
  kEmpty, kCount, kSum, kMin, kMax, kLength, kMatches, kContains, kUpper, kLower,
  kToday, kDateFn, kAge, kDaysBetween, kYear, kRound, kIf,
};

struct Node {
  Op op = Op::kNumber;
  Type type = Type::kNumber;
  int column = 1;              // 1-based column in the expression text, for errors
  int a = -1, b = -1, c = -1;  // child node indexes
  int field = -1;              // kRef / kColumn: the field index
  int regex = -1;              // kMatches: index into CompiledForm::regexes
  double number = 0;
  Date date;
  std::string text;                 // kText literal, kIdent / kCall name
  std::vector<std::string> values;  // kList literal (texts) — numbers kept in `numbers`
  std::vector<double> numbers;
  std::vector<int> args;            // kCall before resolution
};

// The evaluator's copy of a checked Node: 32 bytes, so that the nodes of the rules an
// edit re-evaluates stay in few cache lines. eval_nodes[i] mirrors nodes[i]; literal
// texts and lists stay in the (cold) Node and are reached through the same index.
struct EvalNode {
  Op op = Op::kNumber;
  Type type = Type::kNumber;
  int a = -1, b = -1, c = -1;
  int field = -1;  // kRef / kColumn
  int regex = -1;  // kMatches
  double number = 0;  // numeric and boolean literals; days since 1970 for kDate
};

// One expression of the form: its root node, where it came from, and the fields it reads.
struct Expression {
  int root = -1;
  std::string source;
  std::string pointer;      // JSON Pointer of the string in the form definition
  std::vector<int> reads;          // field indexes read (kRef and kColumn), deduplicated
  std::vector<int> column_reads;   // those read across all rows of their group (kColumn)
};

}  // namespace blankett
