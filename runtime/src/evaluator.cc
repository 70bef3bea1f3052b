#include "evaluator.h"

#include <cmath>

#include "answer_format.h"
#include "identity_number.h"
#include "utf8.h"

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

}  // namespace

Value evaluate(const StateData& st, int index, int row) {
  const Node& n = st.form->nodes[static_cast<size_t>(index)];
  switch (n.op) {
    case Op::kNumber: return Value::number(n.number);
    case Op::kText: return Value::text(n.text);
    case Op::kBool: return Value::boolean(n.number != 0);
    case Op::kDate: return Value::date(n.date);
    case Op::kList: return Value();  // only read through kIn
    case Op::kRef: {
      const Field& f = st.field(n.field);
      if (f.type == FieldType::kGroup) {
        // A group's value is its number of rows (0 when hidden).
        const Cell& c = st.cell(n.field, -1);
        return c.visible ? Value::number(static_cast<double>(st.rows_of(n.field).size())) : Value();
      }
      return st.cell(n.field, f.group >= 0 ? row : -1).value;
    }
    case Op::kColumn: return Value();  // only read through aggregates
    case Op::kNeg: return Value::number(-num(evaluate(st, n.a, row)));
    case Op::kNot: return Value::boolean(!evaluate(st, n.a, row).is_true());
    case Op::kAnd: return Value::boolean(evaluate(st, n.a, row).is_true() && evaluate(st, n.b, row).is_true());
    case Op::kOr: return Value::boolean(evaluate(st, n.a, row).is_true() || evaluate(st, n.b, row).is_true());
    case Op::kAdd: return Value::number(num(evaluate(st, n.a, row)) + num(evaluate(st, n.b, row)));
    case Op::kSub: return Value::number(num(evaluate(st, n.a, row)) - num(evaluate(st, n.b, row)));
    case Op::kMul: return Value::number(num(evaluate(st, n.a, row)) * num(evaluate(st, n.b, row)));
    case Op::kDiv: {
      const double d = num(evaluate(st, n.b, row));
      if (d == 0) return Value();
      return Value::number(num(evaluate(st, n.a, row)) / d);
    }
    case Op::kEq: case Op::kNe: case Op::kLt: case Op::kLe: case Op::kGt: case Op::kGe:
      return compare(n.op, evaluate(st, n.a, row), evaluate(st, n.b, row));
    case Op::kIn: {
      const Value v = evaluate(st, n.a, row);
      if (v.empty()) return Value::boolean(false);
      const Node& list = st.form->nodes[static_cast<size_t>(n.b)];
      if (list.op == Op::kList) {
        if (v.kind == Value::Kind::kNumber) {
          for (double x : list.numbers) if (compare_numbers(x, v.n) == 0) return Value::boolean(true);
        } else {
          for (const std::string& x : list.values) if (x == v.s) return Value::boolean(true);
        }
        return Value::boolean(false);
      }
      const Value l = evaluate(st, n.b, row);
      for (const std::string& x : l.list) if (x == v.s) return Value::boolean(true);
      return Value::boolean(false);
    }
    case Op::kEmpty: return Value::boolean(evaluate(st, n.a, row).empty());
    case Op::kCount: {
      const Node& arg = st.form->nodes[static_cast<size_t>(n.a)];
      if (arg.op == Op::kColumn) {
        double count = 0;
        for_each_in_column(st, arg.field, [&](const Value& v) { count += v.empty() ? 0 : 1; });
        return Value::number(count);
      }
      const Value v = evaluate(st, n.a, row);
      if (v.kind == Value::Kind::kNumber) return v;  // a group's row count
      return Value::number(static_cast<double>(v.list.size()));
    }
    case Op::kSum: {
      double total = 0;
      for_each_in_column(st, st.form->nodes[static_cast<size_t>(n.a)].field, [&](const Value& v) { total += num(v); });
      return Value::number(total);
    }
    case Op::kMin:
    case Op::kMax: {
      Value best;
      const bool want_min = n.op == Op::kMin;
      for_each_in_column(st, st.form->nodes[static_cast<size_t>(n.a)].field, [&](const Value& v) {
        if (v.empty()) return;
        if (best.empty() || compare(want_min ? Op::kLt : Op::kGt, v, best).b) best = v;
      });
      return best;
    }
    case Op::kLength: return Value::number(static_cast<double>(code_point_count(evaluate(st, n.a, row).s)));
    case Op::kUpper: {
      const Value v = evaluate(st, n.a, row);
      return v.empty() ? Value() : Value::text(to_upper(v.s));
    }
    case Op::kLower: {
      const Value v = evaluate(st, n.a, row);
      return v.empty() ? Value() : Value::text(to_lower(v.s));
    }
    case Op::kContains: {
      const Value hay = evaluate(st, n.a, row);
      const Value needle = evaluate(st, n.b, row);
      return Value::boolean(hay.s.find(needle.s) != std::string::npos);
    }
    case Op::kMatches: {
      const Value v = evaluate(st, n.a, row);
      return Value::boolean(st.form->regexes[static_cast<size_t>(n.regex)].full_match(v.s));
    }
    case Op::kToday: return Value::date(st.today);
    case Op::kDateFn: return evaluate(st, n.a, row);  // the checker turned the literal into a date
    case Op::kAge: {
      const Value v = evaluate(st, n.a, row);
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
      const Value a = evaluate(st, n.a, row);
      const Value b = evaluate(st, n.b, row);
      if (a.kind != Value::Kind::kDate || b.kind != Value::Kind::kDate) return Value();
      return Value::number(b.d.days - a.d.days);
    }
    case Op::kYear: {
      const Value v = evaluate(st, n.a, row);
      if (v.kind != Value::Kind::kDate) return Value();
      int y, m, d;
      ymd_from_date(v.d, &y, &m, &d);
      return Value::number(y);
    }
    case Op::kRound: {
      const Value v = evaluate(st, n.a, row);
      if (v.kind != Value::Kind::kNumber) return Value();
      const int decimals = static_cast<int>(st.form->nodes[static_cast<size_t>(n.b)].number);
      return Value::number(round_decimals(v.n, decimals));
    }
    case Op::kIf: return evaluate(st, n.a, row).is_true() ? evaluate(st, n.b, row) : evaluate(st, n.c, row);
    case Op::kIdent: case Op::kCall: break;  // resolved by the checker before any evaluation
  }
  return Value();
}

}  // namespace blankett
