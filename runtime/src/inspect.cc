// The inspector's view of the engine (blankett/inspect.h): rules, their inputs and
// readers, and why a field is hidden. Reads the compiled form (expressions and the
// dependency graph) and evaluates through the engine's evaluator; decides nothing itself.
#include "blankett/inspect.h"

#include <algorithm>
#include <cmath>

#include "evaluator.h"
#include "state_data.h"

namespace blankett {
namespace {

using nlohmann::json;

json value_json(const Value& v) {
  switch (v.kind) {
    case Value::Kind::kEmpty: return nullptr;
    case Value::Kind::kBool: return v.b;
    case Value::Kind::kNumber:
      if (std::isfinite(v.n) && v.n == std::floor(v.n) && std::fabs(v.n) < 9e15) return static_cast<long long>(v.n);
      return v.n;
    case Value::Kind::kText: return v.s;
    case Value::Kind::kDate: return format_iso_date(v.d);
    case Value::Kind::kList: return v.list;
  }
  return nullptr;
}

// The step a field is shown in (a group's children are shown in their group's step).
int step_of(const StateData& st, int f) {
  const Field& fd = st.field(f);
  return fd.group >= 0 ? st.field(fd.group).step : fd.step;
}

// The row in which a rule owned by `owner` (a field, or -1 for a step) can be evaluated
// when looking at row `row`; -2 when it cannot (a group field's rule needs a valid row).
int evaluation_row(const FormState& state, int owner, int row) {
  if (owner < 0) return -1;
  const int g = state.data().field(owner).group;
  if (g < 0) return -1;
  return row >= 0 && row < state.row_count(g) ? row : -2;
}

RuleInfo make_rule(const FormState& state, const char* kind, int owner_field, int owner_step, int expr,
                   int constraint, int row) {
  const StateData& st = state.data();
  const CompiledForm& form = *st.form;
  const Expression& e = form.expressions[static_cast<size_t>(expr)];
  RuleInfo r;
  r.kind = kind;
  r.owner_field = owner_field;
  r.owner_step = owner_step;
  r.owner = owner_field >= 0 ? st.field(owner_field).id : form.steps[static_cast<size_t>(owner_step)].id;
  r.constraint = constraint;
  r.source = e.source;
  r.pointer = e.pointer;
  std::vector<int> reads = e.reads;
  std::sort(reads.begin(), reads.end());
  for (int x : reads) r.reads.push_back(st.field(x).id);

  const int at = evaluation_row(state, owner_field, row);
  if (at == -2) return r;
  r.row = at;
  r.evaluated = true;
  if (r.kind == "calculate") {
    Value scratch;
    r.value = value_json(evaluate(st, form.roots[static_cast<size_t>(expr)], at, &scratch));
  } else {
    r.value = evaluate_condition(st, expr, at);
  }
  for (int x : reads) {
    const Field& xd = st.field(x);
    const bool column = std::find(e.column_reads.begin(), e.column_reads.end(), x) != e.column_reads.end();
    if (column && xd.group >= 0) {
      json values = json::array();
      for (int i = 0; i < state.row_count(xd.group); ++i) values.push_back(state.value(x, i));
      r.inputs.push_back(RuleInput{xd.id, std::move(values)});
    } else if (xd.group >= 0) {
      if (at < 0) continue;  // a same-row read needs a row (cannot happen for a checked form)
      r.inputs.push_back(RuleInput{state.field_path(x, at), state.value(x, at)});
    } else {
      r.inputs.push_back(RuleInput{xd.id, state.value(x, -1)});
    }
  }
  return r;
}

// The rules of field `f`, evaluated in `row` where possible.
void field_rules(const FormState& state, int f, int row, std::vector<RuleInfo>* out) {
  const Field& fd = state.data().field(f);
  const int step = step_of(state.data(), f);
  if (fd.visible_if >= 0) out->push_back(make_rule(state, "visible_if", f, step, fd.visible_if, -1, row));
  if (fd.required_if >= 0) out->push_back(make_rule(state, "required_if", f, step, fd.required_if, -1, row));
  if (fd.calculate >= 0) out->push_back(make_rule(state, "calculate", f, step, fd.calculate, -1, row));
  for (size_t i = 0; i < fd.constraints.size(); ++i) {
    if (fd.constraints[i].expr >= 0) {
      out->push_back(make_rule(state, "constraint", f, step, fd.constraints[i].expr, static_cast<int>(i), row));
    }
  }
}

std::string describe_inputs(const RuleInfo& r) {
  std::string out;
  for (const RuleInput& in : r.inputs) out += (out.empty() ? "" : ", ") + in.path + " = " + in.value.dump();
  return out.empty() ? "" : " (" + out + ")";
}

std::string describe_rule(const RuleInfo& r) {
  return r.kind + " `" + r.source + "` is " + (r.evaluated ? r.value.dump() : "not evaluated") + describe_inputs(r);
}

HiddenReason hidden_reason(const FormState& state, int f, int row) {
  const StateData& st = state.data();
  const Field& fd = st.field(f);
  HiddenReason h;
  if (state.visible(f, row)) return h;
  h.hidden = true;
  const int s = step_of(st, f);
  const Step& sd = st.form->steps[static_cast<size_t>(s)];
  if (!state.step_visible(s)) {
    h.because = "step";
    h.step = sd.id;
    h.explanation = "hidden because its step '" + sd.id + "' is hidden";
    if (sd.visible_if >= 0) {
      h.rule = make_rule(state, "step.visible_if", -1, s, sd.visible_if, -1, -1);
      h.explanation += ": " + describe_rule(*h.rule);
    }
    return h;
  }
  if (fd.group >= 0 && !state.visible(fd.group, -1)) {
    const Field& gd = st.field(fd.group);
    h.because = "group";
    h.group = gd.id;
    h.explanation = "hidden because its repeat group '" + gd.id + "' is hidden";
    if (gd.visible_if >= 0) {
      h.rule = make_rule(state, "visible_if", fd.group, s, gd.visible_if, -1, -1);
      h.explanation += ": " + describe_rule(*h.rule);
    }
    return h;
  }
  h.because = "visible_if";
  if (fd.visible_if >= 0) {
    h.rule = make_rule(state, "visible_if", f, s, fd.visible_if, -1, row);
    h.explanation = "hidden because its " + describe_rule(*h.rule);
  } else {
    h.explanation = "hidden";  // cannot happen: a field without rules is hidden only with its step or group
  }
  return h;
}

}  // namespace

std::optional<FieldInspection> inspect_field(const FormState& state, int f, int row) {
  if (!state.has_instance(f, row)) return std::nullopt;
  const StateData& st = state.data();
  const CompiledForm& form = *st.form;
  const Field& fd = st.field(f);
  FieldInspection out;
  out.field = f;
  out.row = row;
  out.path = state.field_path(f, row);
  out.step = form.steps[static_cast<size_t>(step_of(st, f))].id;
  field_rules(state, f, row, &out.rules);

  // Readers from the dependency graph: value edges (visibility, calculations; fields and
  // steps) and validation edges (required_if, constraints). Nodes >= fields.size() are steps.
  const int nf = static_cast<int>(form.fields.size());
  std::vector<int> readers;
  for (const Dependent& d : fd.value_dependents) readers.push_back(d.node);
  for (const Dependent& d : fd.validation_dependents) readers.push_back(d.node);
  std::sort(readers.begin(), readers.end());
  readers.erase(std::unique(readers.begin(), readers.end()), readers.end());
  auto reads_f = [&](const RuleInfo& r) {
    const Expression& e = form.expressions[static_cast<size_t>(
        r.kind == "step.visible_if" ? form.steps[static_cast<size_t>(r.owner_step)].visible_if
        : r.kind == "visible_if"    ? st.field(r.owner_field).visible_if
        : r.kind == "required_if"   ? st.field(r.owner_field).required_if
        : r.kind == "calculate"     ? st.field(r.owner_field).calculate
                                    : st.field(r.owner_field).constraints[static_cast<size_t>(r.constraint)].expr)];
    return std::find(e.reads.begin(), e.reads.end(), f) != e.reads.end();
  };
  for (int node : readers) {
    std::vector<RuleInfo> rules;
    if (node >= nf) {
      const int s = node - nf;
      const Step& sd = form.steps[static_cast<size_t>(s)];
      if (sd.visible_if >= 0) rules.push_back(make_rule(state, "step.visible_if", -1, s, sd.visible_if, -1, -1));
    } else {
      // Evaluate in this row only when the reader shares the row (same repeat group).
      const int reader_group = st.field(node).group;
      const int reader_row = reader_group >= 0 && reader_group == fd.group ? row : -2;
      field_rules(state, node, reader_row, &rules);
    }
    for (RuleInfo& r : rules) {
      if (reads_f(r)) out.read_by.push_back(std::move(r));
    }
  }
  out.hidden = hidden_reason(state, f, row);
  return out;
}

std::vector<RuleInfo> form_rules(const FormState& state) {
  const StateData& st = state.data();
  std::vector<RuleInfo> out;
  for (size_t s = 0; s < st.form->steps.size(); ++s) {
    const Step& sd = st.form->steps[s];
    if (sd.visible_if >= 0) out.push_back(make_rule(state, "step.visible_if", -1, static_cast<int>(s), sd.visible_if, -1, -1));
    for (int f : sd.fields) {
      field_rules(state, f, -1, &out);
      for (int child : st.field(f).children) field_rules(state, child, -2, &out);
    }
  }
  return out;
}

}  // namespace blankett
