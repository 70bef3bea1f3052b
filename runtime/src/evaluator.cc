#include "evaluator.h"

#include <cmath>

#include "answer_format.h"
#include "blankett/identity_number.h"
#include "blankett/utf8.h"

namespace blankett {
namespace {

double num(const Value& v) { return v.kind == Value::Kind::kNumber ? v.n : 0; }

Value compare(Op op, const Value& a, const Value& b) {
  const bool ea = a.empty(), eb = b.empty();
  if (ea || eb) {
    // Unknown is neither equal nor different: only two empty values are equal.
    return Value::boolean(op == Op::kEq && ea && eb);
  }
  int c = 0;
  switch (a.kind) {
    case Value::Kind::kNumber: c = compare_numbers(a.n, b.n); break;
    case Value::Kind::kDate: c = a.d.days < b.d.days ? -1 : a.d.days > b.d.days ? 1 : 0; break;
    case Value::Kind::kText: c = a.s == b.s ? 0 : (a.s < b.s ? -1 : 1); break;
    case Value::Kind::kBool: c = a.b == b.b ? 0 : (a.b ? 1 : -1); break;
    default: c = same_value(a, b) ? 0 : 1; break;
  }
  switch (op) {
    case Op::kEq: return Value::boolean(c == 0);
    case Op::kNe: return Value::boolean(c != 0);
    case Op::kLt: return Value::boolean(c < 0);
    case Op::kLe: return Value::boolean(c <= 0);
    case Op::kGt: return Value::boolean(c > 0);
    default: return Value::boolean(c >= 0);
  }
}

// Reads a whole repeat-group column: the effective values of `field` in every row.
template <typename Fn>
void for_each_in_column(const StateData& st, int field, Fn fn) {
  const Field& f = st.field(field);
  for (const Row& row : st.rows_of(f.group)) fn(row[static_cast<size_t>(f.column)].value);
}

Value eval_value(const StateData& st, int index, int row);
bool condition(const StateData& st, int index, int row);

// Shorthand used by the operators below: the value of a child, copied only when needed.
#define CHILD(slot, idx) Value slot##_scratch; const Value& slot = evaluate(st, idx, row, &slot##_scratch)

// A number operand without materialising a Value for literals and references.
double number_of(const StateData& st, int index, int row) {
  const EvalNode& n = st.form->eval_nodes[static_cast<size_t>(index)];
  if (n.op == Op::kNumber) return n.number;
  Value scratch;
  return num(evaluate(st, index, row, &scratch));
}

Value eval_value(const StateData& st, int index, int row) {
  const EvalNode& n = st.form->eval_nodes[static_cast<size_t>(index)];
  switch (n.op) {
    case Op::kNumber: return Value::number(n.number);
    case Op::kText: return Value::text(st.form->nodes[static_cast<size_t>(index)].text);
    case Op::kBool: return Value::boolean(n.number != 0);
    case Op::kDate: return Value::date(Date{static_cast<int32_t>(n.number)});
    case Op::kList: return Value();  // only read through kIn
    case Op::kRef:  // copies; evaluate() below returns references for refs instead
      return st.cell(n.field, st.field(n.field).group >= 0 ? row : -1).value;
    case Op::kColumn: return Value();  // only read through aggregates
    case Op::kNeg: return Value::number(-number_of(st, n.a, row));
    case Op::kNot: return Value::boolean(!eval_value(st, n.a, row).is_true());
    case Op::kAnd: return Value::boolean(eval_value(st, n.a, row).is_true() && eval_value(st, n.b, row).is_true());
    case Op::kOr: return Value::boolean(eval_value(st, n.a, row).is_true() || eval_value(st, n.b, row).is_true());
    case Op::kAdd: return Value::number(number_of(st, n.a, row) + number_of(st, n.b, row));
    case Op::kSub: return Value::number(number_of(st, n.a, row) - number_of(st, n.b, row));
    case Op::kMul: return Value::number(number_of(st, n.a, row) * number_of(st, n.b, row));
    case Op::kDiv: {
      const double d = number_of(st, n.b, row);
      if (d == 0) return Value();
      return Value::number(number_of(st, n.a, row) / d);
    }
    case Op::kEq: case Op::kNe: case Op::kLt: case Op::kLe: case Op::kGt: case Op::kGe: {
      CHILD(a, n.a);
      CHILD(b, n.b);
      return compare(n.op, a, b);
    }
    case Op::kIn: {
      CHILD(v, n.a);
      if (v.empty()) return Value::boolean(false);
      const Node& list = st.form->nodes[static_cast<size_t>(n.b)];  // cold: literal lists
      if (list.op == Op::kList) {
        if (v.kind == Value::Kind::kNumber) {
          for (double x : list.numbers) if (compare_numbers(x, v.n) == 0) return Value::boolean(true);
        } else {
          for (const std::string& x : list.values) if (x == v.s) return Value::boolean(true);
        }
        return Value::boolean(false);
      }
      CHILD(l, n.b);
      for (const std::string& x : l.list) if (x == v.s) return Value::boolean(true);
      return Value::boolean(false);
    }
    case Op::kEmpty: {
      CHILD(v, n.a);
      return Value::boolean(v.empty());
    }
    case Op::kCount: {
      const EvalNode& arg = st.form->eval_nodes[static_cast<size_t>(n.a)];
      if (arg.op == Op::kColumn) {
        double count = 0;
        for_each_in_column(st, arg.field, [&](const Value& v) { count += v.empty() ? 0 : 1; });
        return Value::number(count);
      }
      CHILD(v, n.a);
      if (v.kind == Value::Kind::kNumber) return v;  // a group's row count
      return Value::number(static_cast<double>(v.list.size()));
    }
    case Op::kSum: {
      double total = 0;
      for_each_in_column(st, st.form->eval_nodes[static_cast<size_t>(n.a)].field, [&](const Value& v) { total += num(v); });
      return Value::number(total);
    }
    case Op::kMin:
    case Op::kMax: {
      Value best;
      const bool want_min = n.op == Op::kMin;
      for_each_in_column(st, st.form->eval_nodes[static_cast<size_t>(n.a)].field, [&](const Value& v) {
        if (v.empty()) return;
        if (best.empty() || compare(want_min ? Op::kLt : Op::kGt, v, best).b) best = v;
      });
      return best;
    }
    case Op::kLength: {
      CHILD(v, n.a);
      return Value::number(static_cast<double>(code_point_count(v.s)));
    }
    case Op::kUpper: {
      const Value v = eval_value(st, n.a, row);
      return v.empty() ? Value() : Value::text(to_upper(v.s));
    }
    case Op::kLower: {
      const Value v = eval_value(st, n.a, row);
      return v.empty() ? Value() : Value::text(to_lower(v.s));
    }
    case Op::kContains: {
      CHILD(hay, n.a);
      CHILD(needle, n.b);
      return Value::boolean(hay.s.find(needle.s) != std::string::npos);
    }
    case Op::kMatches: {
      CHILD(v, n.a);
      return Value::boolean(st.form->regexes[static_cast<size_t>(n.regex)].full_match(v.s));
    }
    case Op::kToday: return Value::date(st.today);
    case Op::kDateFn: return eval_value(st, n.a, row);  // the checker turned the literal into a date
    case Op::kAge: {
      CHILD(v, n.a);
      Date birth;
      if (v.kind == Value::Kind::kDate) {
        birth = v.d;
      } else if (v.kind == Value::Kind::kText) {
        IdentityNumber id;
        if (parse_personnummer(v.s, st.today, true, &id) != IdentityProblem::None) return Value();
        birth = id.birth_date;
      } else {
        return Value();
      }
      return Value::number(whole_years_between(birth, st.today));
    }
    case Op::kDaysBetween: {
      CHILD(a, n.a);
      CHILD(b, n.b);
      if (a.kind != Value::Kind::kDate || b.kind != Value::Kind::kDate) return Value();
      return Value::number(b.d.days - a.d.days);
    }
    case Op::kYear: {
      const Value v = eval_value(st, n.a, row);
      if (v.kind != Value::Kind::kDate) return Value();
      int y, m, d;
      ymd_from_date(v.d, &y, &m, &d);
      return Value::number(y);
    }
    case Op::kRound: {
      const Value v = eval_value(st, n.a, row);
      if (v.kind != Value::Kind::kNumber) return Value();
      const int decimals = static_cast<int>(st.form->eval_nodes[static_cast<size_t>(n.b)].number);
      return Value::number(round_decimals(v.n, decimals));
    }
    case Op::kIf: return eval_value(st, n.a, row).is_true() ? eval_value(st, n.b, row) : eval_value(st, n.c, row);
    case Op::kIdent: case Op::kCall: break;  // resolved by the checker before any evaluation
  }
  return Value();
}


#undef CHILD

}  // namespace

const Value& evaluate(const StateData& st, int index, int row, Value* scratch) {
  const EvalNode& n = st.form->eval_nodes[static_cast<size_t>(index)];
  if (n.op == Op::kRef) {
    // A group child of another group is never read as kRef (the checker made it kColumn).
    return st.cell(n.field, st.field(n.field).group >= 0 ? row : -1).value;
  }
  *scratch = eval_value(st, index, row);
  return *scratch;
}

namespace {

// Reads a number operand into *out without building a Value; false when it is empty.
bool numeric(const StateData& st, int index, int row, double* out) {
  const EvalNode& n = st.form->eval_nodes[static_cast<size_t>(index)];
  switch (n.op) {
    case Op::kNumber: *out = n.number; return true;
    case Op::kRef: {
      const Value& v = st.cell(n.field, st.field(n.field).group >= 0 ? row : -1).value;
      *out = v.n;
      return v.kind == Value::Kind::kNumber;
    }
    case Op::kAdd: case Op::kSub: case Op::kMul: {
      const double a = number_of(st, n.a, row), b = number_of(st, n.b, row);
      *out = n.op == Op::kAdd ? a + b : n.op == Op::kSub ? a - b : a * b;
      return true;
    }
    default: {
      Value scratch;
      const Value& v = evaluate(st, index, row, &scratch);
      *out = v.n;
      return v.kind == Value::Kind::kNumber;
    }
  }
}

bool ordered(Op op, int c) {
  switch (op) {
    case Op::kEq: return c == 0;
    case Op::kNe: return c != 0;
    case Op::kLt: return c < 0;
    case Op::kLe: return c <= 0;
    case Op::kGt: return c > 0;
    default: return c >= 0;
  }
}

bool condition(const StateData& st, int index, int row) {
  const EvalNode& n = st.form->eval_nodes[static_cast<size_t>(index)];
  switch (n.op) {
    case Op::kAnd: return condition(st, n.a, row) && condition(st, n.b, row);
    case Op::kOr: return condition(st, n.a, row) || condition(st, n.b, row);
    case Op::kNot: return !condition(st, n.a, row);
    case Op::kBool: return n.number != 0;
    case Op::kEq: case Op::kNe: case Op::kLt: case Op::kLe: case Op::kGt: case Op::kGe: {
      const EvalNode& left = st.form->eval_nodes[static_cast<size_t>(n.a)];
      if (left.type == Type::kNumber) {
        // The checker guarantees both sides are numbers: the hot path of most rules.
        double x = 0, y = 0;
        const bool has_x = numeric(st, n.a, row, &x);
        const bool has_y = numeric(st, n.b, row, &y);
        if (!has_x || !has_y) return n.op == Op::kEq && !has_x && !has_y;
        return ordered(n.op, compare_numbers(x, y));
      }
      Value sa, sb;
      const Value& a = evaluate(st, n.a, row, &sa);
      const Value& b = evaluate(st, n.b, row, &sb);
      return compare(n.op, a, b).b;
    }
    default: {
      Value scratch;
      return evaluate(st, index, row, &scratch).is_true();
    }
  }
}

}  // namespace

bool evaluate_condition(const StateData& st, int expr, int row) {
  return condition(st, st.form->roots[static_cast<size_t>(expr)], row);
}

}  // namespace blankett
