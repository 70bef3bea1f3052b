#include "value.h"

#include <algorithm>
#include <cmath>

namespace blankett {

const char* type_name(Type t) {
  switch (t) {
    case Type::kBool: return "yes/no";
    case Type::kNumber: return "number";
    case Type::kText: return "text";
    case Type::kDate: return "date";
    case Type::kList: return "list";
    case Type::kFiles: return "attachments";
    case Type::kRows: return "repeat group";
    case Type::kColumn: return "repeat-group column";
    case Type::kNone: return "no value";
  }
  return "?";
}

int compare_numbers(double a, double b) {
  const double scale = std::max({1.0, std::fabs(a), std::fabs(b)});
  if (std::fabs(a - b) <= 1e-9 * scale) return 0;
  return a < b ? -1 : 1;
}

bool same_value(const Value& a, const Value& b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case Value::Kind::kEmpty: return true;
    case Value::Kind::kBool: return a.b == b.b;
    case Value::Kind::kNumber: return a.n == b.n;  // exact: any change must propagate
    case Value::Kind::kText: return a.s == b.s;
    case Value::Kind::kDate: return a.d == b.d;
    case Value::Kind::kList: return a.list == b.list;
  }
  return false;
}

}  // namespace blankett
