#include "checker.h"

#include <algorithm>

#include "suggest.h"

namespace blankett {
namespace {

struct FunctionInfo {
  const char* name;
  Op op;
  int min_args, max_args;
};

const FunctionInfo kFunctions[] = {
    {"empty", Op::kEmpty, 1, 1},     {"count", Op::kCount, 1, 1},
    {"sum", Op::kSum, 1, 1},         {"min", Op::kMin, 1, 1},
    {"max", Op::kMax, 1, 1},         {"length", Op::kLength, 1, 1},
    {"matches", Op::kMatches, 2, 2}, {"contains", Op::kContains, 2, 2},
    {"upper", Op::kUpper, 1, 1},     {"lower", Op::kLower, 1, 1},
    {"today", Op::kToday, 0, 0},     {"date", Op::kDateFn, 1, 1},
    {"age", Op::kAge, 1, 1},         {"days_between", Op::kDaysBetween, 2, 2},
    {"year", Op::kYear, 1, 1},       {"round", Op::kRound, 2, 2},
    {"if", Op::kIf, 3, 3},
};


struct Checker {
  CompiledForm* form;
  Expression* expr;
  int owner_group;
  std::vector<ExprProblem>* problems;
  bool failed = false;

  Node& node(int i) { return form->nodes[static_cast<size_t>(i)]; }

  Type fail(int column, const char* code, std::string message) {
    if (!failed) problems->push_back(ExprProblem{code, column, std::move(message)});
    failed = true;  // one problem per expression: later ones are usually consequences
    return Type::kNone;
  }

  void record_read(int field, bool column) {
    if (std::find(expr->reads.begin(), expr->reads.end(), field) == expr->reads.end()) {
      expr->reads.push_back(field);
    }
    if (column && std::find(expr->column_reads.begin(), expr->column_reads.end(), field) == expr->column_reads.end()) {
      expr->column_reads.push_back(field);
    }
  }

  std::string suggestion(const std::string& name) {
    std::string best;
    size_t best_d = 3;  // suggest only near misses
    for (const Field& f : form->fields) consider(name, f.id, &best, &best_d);
    return best.empty() ? "" : " (did you mean '" + best + "'?)";
  }

  // A choice field compared with a string literal: the literal must be an option.
  void check_option(int ref, const std::string& literal, int column) {
    const Node& r = node(ref);
    if (r.op != Op::kRef && r.op != Op::kColumn) return;
    const Field& f = form->fields[static_cast<size_t>(r.field)];
    if (f.type != FieldType::kChoice && f.type != FieldType::kMultiChoice) return;
    for (const Option& o : f.options) {
      if (o.value == literal) return;
    }
    std::string values;
    for (const Option& o : f.options) values += (values.empty() ? "" : ", ") + ("\"" + o.value + "\"");
    fail(column, "expr.unknown_option",
         "\"" + literal + "\" is not an option of '" + f.id + "' (options: " + values + ")");
  }

  // A text literal where a date is expected becomes a date, checked now.
  bool coerce_date_literal(int i) {
    Node& n = node(i);
    if (n.op != Op::kText) return false;
    Date d;
    if (!parse_iso_date(n.text, &d)) {
      fail(n.column, "expr.bad_date", "\"" + n.text + "\" is not a date: write it as YYYY-MM-DD");
      return true;
    }
    n.op = Op::kDate;
    n.type = Type::kDate;
    n.date = d;
    return true;
  }

  // `as_column`: the name is an aggregate's argument, read across every row of its group.
  Type resolve_ident(int i, bool as_column = false) {
    Node& n = node(i);
    const auto it = form->field_by_id.find(n.text);
    if (it == form->field_by_id.end()) {
      const bool is_function = std::any_of(std::begin(kFunctions), std::end(kFunctions),
                                           [&](const FunctionInfo& f) { return n.text == f.name; });
      if (is_function) return fail(n.column, "expr.wrong_arguments", "'" + n.text + "' is a function: write " + n.text + "(…)");
      return fail(n.column, "expr.unknown_field", "unknown field '" + n.text + "'" + suggestion(n.text));
    }
    const int field = it->second;
    const Field& f = form->fields[static_cast<size_t>(field)];
    if (f.type == FieldType::kInfo) {
      return fail(n.column, "expr.not_a_value", "'" + f.id + "' is information text and has no value");
    }
    n.field = field;
    if (f.group >= 0 && (f.group != owner_group || as_column)) {
      record_read(field, true);
      n.op = Op::kColumn;
      n.type = Type::kColumn;
      return n.type;
    }
    record_read(field, false);
    n.op = Op::kRef;
    n.type = value_type(f.type);
    return n.type;
  }

  std::string column_misuse(const Node& n) {
    const Field& f = form->fields[static_cast<size_t>(n.field)];
    const Field& g = form->fields[static_cast<size_t>(f.group)];
    return "'" + f.id + "' is a field of the repeat group '" + g.id +
           "': outside the group, read it with count(), sum(), min() or max()";
  }

  Type check(int i) {
    if (failed) return Type::kNone;
    Node& n = node(i);
    switch (n.op) {
      case Op::kNumber: n.type = Type::kNumber; return n.type;
      case Op::kText: n.type = Type::kText; return n.type;
      case Op::kBool: n.type = Type::kBool; return n.type;
      case Op::kDate: n.type = Type::kDate; return n.type;
      case Op::kList: return Type::kList;  // element type is in `type` until resolved by kIn
      case Op::kIdent: {
        const Type t = resolve_ident(i);
        if (!failed && node(i).op == Op::kColumn) return fail(node(i).column, "expr.type_mismatch", column_misuse(node(i)));
        return t;
      }
      case Op::kNeg: {
        const Type t = check(n.a);
        if (failed) return t;
        if (t != Type::kNumber) return fail(n.column, "expr.type_mismatch", std::string("'-' needs a number, but gets ") + type_name(t));
        node(i).type = Type::kNumber;
        return Type::kNumber;
      }
      case Op::kNot: {
        const Type t = check(n.a);
        if (failed) return t;
        if (t != Type::kBool) return fail(n.column, "expr.type_mismatch", std::string("'not' needs a yes/no value, but gets ") + type_name(t));
        node(i).type = Type::kBool;
        return Type::kBool;
      }
      case Op::kAnd:
      case Op::kOr: {
        const char* word = n.op == Op::kAnd ? "and" : "or";
        const int a = n.a, b = n.b, col = n.column;
        const Type ta = check(a);
        const Type tb = check(b);
        if (failed) return Type::kNone;
        if (ta != Type::kBool || tb != Type::kBool) {
          return fail(col, "expr.type_mismatch", std::string("'") + word + "' joins yes/no conditions, but gets " +
                                                    type_name(ta) + " and " + type_name(tb));
        }
        node(i).type = Type::kBool;
        return Type::kBool;
      }
      case Op::kAdd: case Op::kSub: case Op::kMul: case Op::kDiv: {
        const char* sym = n.op == Op::kAdd ? "+" : n.op == Op::kSub ? "-" : n.op == Op::kMul ? "*" : "/";
        const int a = n.a, b = n.b, col = n.column;
        const Type ta = check(a);
        const Type tb = check(b);
        if (failed) return Type::kNone;
        if (ta != Type::kNumber || tb != Type::kNumber) {
          return fail(col, "expr.type_mismatch", std::string("'") + sym + "' needs two numbers, but gets " +
                                                    type_name(ta) + " and " + type_name(tb));
        }
        node(i).type = Type::kNumber;
        return Type::kNumber;
      }
      case Op::kEq: case Op::kNe: case Op::kLt: case Op::kLe: case Op::kGt: case Op::kGe:
        return check_comparison(i);
      case Op::kIn: return check_in(i);
      case Op::kCall: return check_call(i);
      default:
        return fail(n.column, "expr.syntax", "internal: unexpected node");
    }
  }

  Type check_comparison(int i) {
    const int a = node(i).a, b = node(i).b, col = node(i).column;
    const Op op = node(i).op;
    Type ta = check(a);
    Type tb = check(b);
    if (failed) return Type::kNone;
    if (ta == Type::kDate && tb == Type::kText && coerce_date_literal(b)) tb = node(b).type;
    if (tb == Type::kDate && ta == Type::kText && coerce_date_literal(a)) ta = node(a).type;
    if (failed) return Type::kNone;
    const bool ordering = op != Op::kEq && op != Op::kNe;
    const char* sym = op == Op::kEq ? "=" : op == Op::kNe ? "!=" : op == Op::kLt ? "<" : op == Op::kLe ? "<=" : op == Op::kGt ? ">" : ">=";
    if (ordering) {
      if (ta != tb || (ta != Type::kNumber && ta != Type::kDate)) {
        return fail(col, "expr.type_mismatch", std::string("'") + sym + "' compares two numbers or two dates, but gets " +
                                                  type_name(ta) + " and " + type_name(tb));
      }
    } else {
      const bool comparable = ta == Type::kBool || ta == Type::kNumber || ta == Type::kText || ta == Type::kDate;
      if (ta != tb || !comparable) {
        return fail(col, "expr.type_mismatch", std::string("cannot compare ") + type_name(ta) + " with " + type_name(tb));
      }
      if (ta == Type::kText) {
        if (node(b).op == Op::kText) check_option(a, node(b).text, node(b).column);
        if (node(a).op == Op::kText) check_option(b, node(a).text, node(a).column);
      }
    }
    if (failed) return Type::kNone;
    node(i).type = Type::kBool;
    return Type::kBool;
  }

  Type check_in(int i) {
    const int a = node(i).a, b = node(i).b, col = node(i).column;
    const Type ta = check(a);
    if (failed) return Type::kNone;
    if (node(b).op == Op::kList) {
      const Type elem = node(b).type;
      if (ta != elem) {
        return fail(col, "expr.type_mismatch", std::string("'in' looks for ") + type_name(ta) + " in a list of " + type_name(elem));
      }
      for (const std::string& v : node(b).values) check_option(a, v, node(b).column);
      node(b).type = Type::kList;
    } else {
      const Type tb = check(b);
      if (failed) return Type::kNone;
      if (tb != Type::kList || ta != Type::kText) {
        return fail(col, "expr.type_mismatch", std::string("'in' needs a value and a list (a multichoice field or [ … ]), but gets ") +
                                                  type_name(ta) + " and " + type_name(tb));
      }
      if (node(a).op == Op::kText) check_option(b, node(a).text, node(a).column);
    }
    if (failed) return Type::kNone;
    node(i).type = Type::kBool;
    return Type::kBool;
  }

  Type expect_arg(int call, int arg_index, std::initializer_list<Type> allowed, const char* what) {
    const int arg = node(call).args[static_cast<size_t>(arg_index)];
    Type t;
    const bool aggregate = node(call).op == Op::kCount || node(call).op == Op::kSum ||
                           node(call).op == Op::kMin || node(call).op == Op::kMax;
    if (node(arg).op == Op::kIdent && aggregate) {
      t = resolve_ident(arg, true);  // a bare group child is read as a whole column here
    } else {
      t = check(arg);
    }
    if (failed) return Type::kNone;
    if (std::find(allowed.begin(), allowed.end(), t) == allowed.end()) {
      if (t == Type::kColumn) return fail(node(arg).column, "expr.type_mismatch", column_misuse(node(arg)));
      return fail(node(arg).column, "expr.type_mismatch",
                  node(call).text + "() needs " + what + ", but gets " + type_name(t));
    }
    return t;
  }

  Type check_call(int i) {
    Node& n = node(i);
    const FunctionInfo* fn = nullptr;
    for (const FunctionInfo& f : kFunctions) {
      if (n.text == f.name) fn = &f;
    }
    if (fn == nullptr) {
      std::string names;
      for (const FunctionInfo& f : kFunctions) names += (names.empty() ? "" : ", ") + std::string(f.name);
      return fail(n.column, "expr.unknown_function", "unknown function '" + n.text + "' (functions: " + names + ")");
    }
    const int argc = static_cast<int>(n.args.size());
    if (argc < fn->min_args || argc > fn->max_args) {
      return fail(n.column, "expr.wrong_arguments",
                  n.text + "() takes " + std::to_string(fn->min_args) + " argument" + (fn->min_args == 1 ? "" : "s") +
                      ", not " + std::to_string(argc));
    }
    node(i).op = fn->op;
    for (int k = 0; k < argc && k < 3; ++k) {
      const int arg = node(i).args[static_cast<size_t>(k)];
      if (k == 0) node(i).a = arg;
      if (k == 1) node(i).b = arg;
      if (k == 2) node(i).c = arg;
    }
    Type result = Type::kNone;
    const int col = node(i).column;
    switch (fn->op) {
      case Op::kEmpty: {
        expect_arg(i, 0, {Type::kBool, Type::kNumber, Type::kText, Type::kDate, Type::kList, Type::kFiles, Type::kRows}, "a field");
        result = Type::kBool;
        break;
      }
      case Op::kCount:
        expect_arg(i, 0, {Type::kRows, Type::kColumn, Type::kList, Type::kFiles}, "a repeat group, a field in one, a multichoice or an attachment");
        result = Type::kNumber;
        break;
      case Op::kSum:
        expect_arg(i, 0, {Type::kColumn}, "a number field in a repeat group");
        if (!failed && value_type(form->fields[static_cast<size_t>(node(node(i).a).field)].type) != Type::kNumber) {
          return fail(node(node(i).a).column, "expr.type_mismatch", "sum() adds numbers, but '" + node(node(i).a).text + "' is not a number field");
        }
        result = Type::kNumber;
        break;
      case Op::kMin:
      case Op::kMax: {
        expect_arg(i, 0, {Type::kColumn}, "a number or date field in a repeat group");
        if (failed) break;
        const Type elem = value_type(form->fields[static_cast<size_t>(node(node(i).a).field)].type);
        if (elem != Type::kNumber && elem != Type::kDate) {
          return fail(node(node(i).a).column, "expr.type_mismatch", node(i).text + "() needs a number or date field, but '" + node(node(i).a).text + "' is " + type_name(elem));
        }
        result = elem;
        break;
      }
      case Op::kLength:
        expect_arg(i, 0, {Type::kText}, "text");
        result = Type::kNumber;
        break;
      case Op::kUpper:
      case Op::kLower:
        expect_arg(i, 0, {Type::kText}, "text");
        result = Type::kText;
        break;
      case Op::kContains:
        expect_arg(i, 0, {Type::kText}, "text");
        expect_arg(i, 1, {Type::kText}, "text");
        result = Type::kBool;
        break;
      case Op::kMatches: {
        expect_arg(i, 0, {Type::kText}, "text");
        if (failed) break;
        const Node& pat = node(node(i).b);
        if (pat.op != Op::kText) return fail(pat.column, "expr.wrong_arguments", "matches() needs the pattern written as a string, e.g. matches(code, \"^[0-9]{4}$\")");
        RegexError err;
        std::optional<Regex> re = Regex::compile(pat.text, &err);
        if (!re) return fail(pat.column + err.column, "expr.bad_regex", "the pattern does not compile: " + err.message);
        form->regexes.push_back(std::move(*re));
        node(i).regex = static_cast<int>(form->regexes.size()) - 1;
        result = Type::kBool;
        break;
      }
      case Op::kToday:
        result = Type::kDate;
        break;
      case Op::kDateFn: {
        const int arg = node(i).a;
        if (node(arg).op != Op::kText) return fail(node(arg).column, "expr.wrong_arguments", "date() needs a date written as a string, e.g. date(\"2026-01-31\")");
        coerce_date_literal(arg);
        result = Type::kDate;
        break;
      }
      case Op::kAge:
        expect_arg(i, 0, {Type::kDate, Type::kText}, "a date or a personal identity number");
        result = Type::kNumber;
        break;
      case Op::kDaysBetween:
        expect_arg(i, 0, {Type::kDate}, "a date");
        expect_arg(i, 1, {Type::kDate}, "a date");
        result = Type::kNumber;
        break;
      case Op::kYear:
        expect_arg(i, 0, {Type::kDate}, "a date");
        result = Type::kNumber;
        break;
      case Op::kRound: {
        expect_arg(i, 0, {Type::kNumber}, "a number");
        if (failed) break;
        const Node& digits = node(node(i).b);
        if (digits.op != Op::kNumber || digits.number < 0 || digits.number > 6 || digits.number != static_cast<int>(digits.number)) {
          return fail(digits.column, "expr.wrong_arguments", "round() needs the number of decimals written as a whole number from 0 to 6");
        }
        result = Type::kNumber;
        break;
      }
      case Op::kIf: {
        expect_arg(i, 0, {Type::kBool}, "a yes/no condition first");
        if (failed) break;
        Type ta = check(node(i).b);
        Type tb = check(node(i).c);
        if (failed) break;
        if (ta == Type::kDate && tb == Type::kText && coerce_date_literal(node(i).c)) tb = Type::kDate;
        if (tb == Type::kDate && ta == Type::kText && coerce_date_literal(node(i).b)) ta = Type::kDate;
        if (ta != tb || ta == Type::kColumn || ta == Type::kRows || ta == Type::kFiles) {
          return fail(col, "expr.type_mismatch", std::string("if() must give the same type either way, but gives ") +
                                                    type_name(ta) + " or " + type_name(tb));
        }
        result = ta;
        break;
      }
      default:
        break;
    }
    if (failed) return Type::kNone;
    node(i).type = result;
    return result;
  }
};

}  // namespace

void check_expression(CompiledForm* form, int expr_index, int owner_group, Type expected,
                      std::vector<ExprProblem>* problems) {
  Expression& expr = form->expressions[static_cast<size_t>(expr_index)];
  Checker c{form, &expr, owner_group, problems};
  Type t = c.check(expr.root);
  if (c.failed) return;
  if (t == Type::kText && expected == Type::kDate) {
    if (c.coerce_date_literal(expr.root)) t = Type::kDate;
    if (c.failed) return;
  }
  if (t != expected) {
    const Node& root = form->nodes[static_cast<size_t>(expr.root)];
    c.fail(root.column, "expr.type_mismatch",
           std::string("the expression must give ") + type_name(expected) + ", but gives " + type_name(t));
  }
}

}  // namespace blankett
