// The runtime value of an answer or an expression. Plain data so that evaluation
// allocates nothing for numbers, booleans and dates (the common case in rules).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "blankett/date.h"

namespace blankett {

// Static types of expressions and fields, checked when a form is loaded.
enum class Type : uint8_t {
  kBool,
  kNumber,
  kText,
  kDate,
  kList,    // chosen options of a multichoice field, or a list literal
  kFiles,   // attachments: only count() and empty() read them
  kRows,    // a repeat group: only count() and empty() read it
  kColumn,  // a repeat-group child read from outside its row: only aggregates read it
  kNone,    // info text: has no value
};

const char* type_name(Type t);

struct Value {
  enum class Kind : uint8_t { kEmpty, kBool, kNumber, kText, kDate, kList };
  Kind kind = Kind::kEmpty;
  bool b = false;
  Date d;
  double n = 0;
  std::string s;
  std::vector<std::string> list;  // kList: multichoice values, or attachment names

  static Value boolean(bool v) { Value x; x.kind = Kind::kBool; x.b = v; return x; }
  static Value number(double v) { Value x; x.kind = Kind::kNumber; x.n = v; return x; }
  static Value text(std::string v) { Value x; x.kind = Kind::kText; x.s = std::move(v); return x; }
  static Value date(Date v) { Value x; x.kind = Kind::kDate; x.d = v; return x; }
  static Value of_list(std::vector<std::string> v) {
    Value x; x.kind = Kind::kList; x.list = std::move(v); return x;
  }

  bool empty() const {
    return kind == Kind::kEmpty || (kind == Kind::kText && s.empty()) ||
           (kind == Kind::kList && list.empty());
  }
  // Truthiness for and/or/not/if: only a true boolean is true.
  bool is_true() const { return kind == Kind::kBool && b; }
};

// Numbers are compared with a small relative tolerance so that 0.1 + 0.2 = 0.3 in a
// rule, the same way in every build (the tolerance is applied identically everywhere).
int compare_numbers(double a, double b);

// Exact equality of two values (numbers with the tolerance above); used to decide
// whether a re-evaluation changed anything.
bool same_value(const Value& a, const Value& b);

}  // namespace blankett
