// FormState: answers in, derived state out, kept current by incremental propagation.
//
// A change to one field instance re-evaluates its visibility and value; if either
// changed, its dependents are queued. Dependents are processed in the form's evaluation
// order (a topological order fixed at load), so each node is evaluated at most once per
// change, after everything it reads. Validation (required, errors) is a second phase:
// nothing reads errors, so it never feeds back into values.
#include "blankett/state.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <queue>

#include "answer_format.h"
#include "evaluator.h"
#include "field_validation.h"
#include "json_text.h"
#include "state_data.h"

namespace blankett {
namespace {

constexpr int kAllRows = -2;

// Bookkeeping of one propagation: which nodes are queued, for which rows, and what changed.
struct Propagation {
  StateData& st;
  Changes* changes;  // null while building from scratch
  std::priority_queue<int, std::vector<int>, std::greater<int>> queue;  // evaluation orders
  std::vector<uint32_t>& node_mark;
  std::vector<char>& node_all_rows;
  std::vector<std::vector<int>>& node_rows;
  std::vector<std::pair<int, int>> to_validate;

  int field_count() const { return static_cast<int>(st.form->fields.size()); }
  int order_of(int node) const {
    return node < field_count() ? st.form->fields[static_cast<size_t>(node)].order
                                : st.form->steps[static_cast<size_t>(node - field_count())].order;
  }

  void enqueue(int node, int row) {
    if (node_mark[static_cast<size_t>(node)] != st.generation) {
      node_mark[static_cast<size_t>(node)] = st.generation;
      queue.push(order_of(node));
      if (row == -1) return;  // steps and top-level fields have no rows to track
      node_all_rows[static_cast<size_t>(node)] = 0;
      node_rows[static_cast<size_t>(node)].clear();
    }
    if (row == kAllRows) node_all_rows[static_cast<size_t>(node)] = 1;
    else if (row >= 0) node_rows[static_cast<size_t>(node)].push_back(row);
  }

  // The row of dependent `d` affected when `source` changed in `row`.
  int map_row(int source, int row, const Dependent& d) const {
    if (d.node >= field_count()) return -1;
    const int g = st.field(d.node).group;
    if (g < 0) return -1;
    return st.field(source).group == g && !d.all_rows ? row : kAllRows;
  }
  // Every instance of `node`: -1 for steps and top-level fields, all rows in a group.
  int all_of(int node) const {
    return node < field_count() && st.field(node).group >= 0 ? kAllRows : -1;
  }

  void queue_validation(int f, int row) {
    const Field& fd = st.field(f);
    if (fd.group >= 0 && row == kAllRows) {
      const int n = static_cast<int>(st.rows_of(fd.group).size());
      for (int r = 0; r < n; ++r) queue_validation(f, r);
      return;
    }
    Cell& c = st.cell(f, row);
    if (c.validate_mark == st.generation) return;
    c.validate_mark = st.generation;
    to_validate.emplace_back(f, row);
  }

  void report(int f, int row, uint8_t what) {
    if (changes == nullptr || what == 0) return;
    Cell& c = st.cell(f, row);
    if (c.change_mark == st.generation) {
      changes->fields[static_cast<size_t>(c.change_slot)].what |= what;
      return;
    }
    c.change_mark = st.generation;
    c.change_slot = static_cast<int>(changes->fields.size());
    changes->fields.push_back(FieldChange{f, row, what});
  }

  // Everything that reads field `f` (in `row`) must look again.
  void queue_dependents(int f, int row) {
    const Field& fd = st.field(f);
    for (const Dependent& d : fd.value_dependents) enqueue(d.node, map_row(f, row, d));
    for (const Dependent& d : fd.validation_dependents) queue_validation(d.node, map_row(f, row, d));
    if (fd.type == FieldType::kGroup) {
      for (int child : fd.children) enqueue(child, kAllRows);
    }
  }

  // The effective value of a visible instance: a pointer to where it already lives (the
  // answer, the default), or into *computed for groups and calculations. No copies on
  // the hot path: the cell's value is only assigned when it changed.
  const Value* effective_value(const Field& fd, int f, int row, const Cell& c, Value* computed) const {
    static const Value kEmpty;
    if (!c.visible) return &kEmpty;
    if (fd.type == FieldType::kGroup) {
      *computed = Value::number(static_cast<double>(st.rows_of(f).size()));
      return computed;
    }
    if (fd.calculate >= 0) {
      const Value& v = evaluate(st, st.form->roots[static_cast<size_t>(fd.calculate)], row, computed);
      if (&v != computed) *computed = v;
      if (computed->kind == Value::Kind::kNumber) {
        if (!std::isfinite(computed->n)) return &kEmpty;
        if (fd.type == FieldType::kInteger) computed->n = std::round(computed->n);
        if (fd.type == FieldType::kDecimal) computed->n = round_decimals(computed->n, fd.decimals);
      }
      return computed;
    }
    if (!c.answer.is_null()) return &c.parsed;
    return &st.defaults[static_cast<size_t>(f)];
  }

  // Re-evaluates one field instance; queues dependents if its visibility or value changed.
  void evaluate_instance(int f, int row) {
    const Field& fd = st.field(f);
    Cell& c = st.cell(f, row);
    const bool parent_visible = fd.group >= 0 ? st.cell(fd.group, -1).visible
                                              : st.step_visible[static_cast<size_t>(fd.step)] != 0;
    const bool visible = parent_visible && (fd.visible_if < 0 || evaluate_condition(st, fd.visible_if, row));
    const bool visibility_changed = visible != c.visible;
    c.visible = visible;
    Value computed;
    const Value* v = effective_value(fd, f, row, c, &computed);
    const bool value_changed = !same_value(*v, c.value);
    if (value_changed) c.value = v == &computed ? std::move(computed) : *v;
    // Errors read the cell's own visibility and value (and validation edges, which queue
    // themselves): unchanged inputs, unchanged errors.
    if (!visibility_changed && !value_changed) return;
    queue_validation(f, row);
    report(f, row, static_cast<uint8_t>((visibility_changed ? kChangedVisible : 0) | (value_changed ? kChangedValue : 0)));
    queue_dependents(f, row);
  }

  void evaluate_step(int s) {
    const Step& sd = st.form->steps[static_cast<size_t>(s)];
    const bool visible = sd.visible_if < 0 || evaluate_condition(st, sd.visible_if, -1);
    if ((st.step_visible[static_cast<size_t>(s)] != 0) == visible) return;
    st.step_visible[static_cast<size_t>(s)] = visible;
    if (changes != nullptr) changes->steps.push_back(s);
    for (int f : sd.fields) enqueue(f, -1);
  }

  void run() {
    while (!queue.empty()) {
      const int order = queue.top();
      queue.pop();
      const int node = st.form->evaluation_order[static_cast<size_t>(order)];
      if (node >= field_count()) {
        evaluate_step(node - field_count());
        continue;
      }
      const Field& fd = st.field(node);
      if (fd.group < 0) {
        evaluate_instance(node, -1);
        continue;
      }
      const int rows = static_cast<int>(st.rows_of(fd.group).size());
      if (node_all_rows[static_cast<size_t>(node)]) {
        for (int r = 0; r < rows; ++r) evaluate_instance(node, r);
      } else {
        std::vector<int>& list = node_rows[static_cast<size_t>(node)];
        std::sort(list.begin(), list.end());
        list.erase(std::unique(list.begin(), list.end()), list.end());
        for (int r : list) {
          if (r < rows) evaluate_instance(node, r);
        }
      }
    }
    for (const auto& [f, row] : to_validate) {
      Cell& c = st.cell(f, row);
      const bool was_required = c.required;
      const Problem was_problem = c.problem;
      const int was_constraint = c.constraint;
      validate_instance(st, f, row);
      uint8_t what = 0;
      if (c.required != was_required) what |= kChangedRequired;
      if (c.problem != was_problem || c.constraint != was_constraint) what |= kChangedError;
      report(f, row, what);
    }
    to_validate.clear();
  }
};

// Parses "field" or "group/row/field" into a field index and a row.
bool parse_path(const StateData& st, std::string_view path, int* field, int* row) {
  const auto slash = path.find('/');
  if (slash == std::string_view::npos) {
    const auto it = st.form->field_by_id.find(std::string(path));
    if (it == st.form->field_by_id.end() || st.field(it->second).group >= 0) return false;
    *field = it->second;
    *row = -1;
    return true;
  }
  const auto slash2 = path.find('/', slash + 1);
  if (slash2 == std::string_view::npos) return false;
  const auto git = st.form->field_by_id.find(std::string(path.substr(0, slash)));
  const auto fit = st.form->field_by_id.find(std::string(path.substr(slash2 + 1)));
  if (git == st.form->field_by_id.end() || fit == st.form->field_by_id.end()) return false;
  if (st.field(fit->second).group != git->second) return false;
  const std::string_view row_text = path.substr(slash + 1, slash2 - slash - 1);
  if (row_text.empty() || row_text.size() > 6) return false;
  int r = 0;
  for (char c : row_text) {
    if (c < '0' || c > '9') return false;
    r = r * 10 + (c - '0');
  }
  if (r >= static_cast<int>(st.rows_of(git->second).size())) return false;
  *field = fit->second;
  *row = r;
  return true;
}

Error unknown_path(std::string_view path) {
  return Error{"answer.unknown_field", "/" + std::string(path), 0, 0,
               "no field or row '" + std::string(path) + "' in this form"};
}

}  // namespace

namespace {

Propagation make_propagation(StateData& st, PropagationScratch& scratch, Changes* changes) {
  const size_t n = st.form->fields.size() + st.form->steps.size();
  if (scratch.node_mark.size() != n) {
    scratch.node_mark.assign(n, 0);
    scratch.node_all_rows.assign(n, 0);
    scratch.node_rows.assign(n, {});
  }
  ++st.generation;
  return Propagation{st, changes, {}, scratch.node_mark, scratch.node_all_rows, scratch.node_rows, {}};
}

// Evaluates everything from scratch: every step, every field instance, every validation.
void evaluate_all(StateData& st, PropagationScratch& scratch) {
  Propagation p = make_propagation(st, scratch, nullptr);
  // Every node in order; steps are set directly (evaluate_step only reports changes).
  const int nf = static_cast<int>(st.form->fields.size());
  for (int node : st.form->evaluation_order) {
    if (node >= nf) {
      const Step& sd = st.form->steps[static_cast<size_t>(node - nf)];
      st.step_visible[static_cast<size_t>(node - nf)] = sd.visible_if < 0 || evaluate_condition(st, sd.visible_if, -1);
      continue;
    }
    const Field& fd = st.field(node);
    if (fd.group < 0) {
      p.evaluate_instance(node, -1);
    } else {
      const int rows = static_cast<int>(st.rows_of(fd.group).size());
      for (int r = 0; r < rows; ++r) p.evaluate_instance(node, r);
    }
  }
  // evaluate_instance queued dependents; in a full pass they were already evaluated in
  // order, so drop the queue and run validation for every instance.
  p.queue = {};
  for (int f = 0; f < nf; ++f) p.queue_validation(f, st.field(f).group >= 0 ? kAllRows : -1);
  p.run();
}

}  // namespace

FormState::FormState(std::unique_ptr<StateData> d) : d_(std::move(d)) {}
FormState::FormState(const FormState& other) : d_(std::make_unique<StateData>(*other.d_)) {}
FormState& FormState::operator=(const FormState& other) {
  if (this != &other) d_ = std::make_unique<StateData>(*other.d_);
  return *this;
}
FormState::FormState(FormState&&) noexcept = default;
FormState& FormState::operator=(FormState&&) noexcept = default;
FormState::~FormState() = default;

namespace {

// The state of a new filling before anything is evaluated: no answers, defaults read,
// groups with min_items empty rows.
Result<std::unique_ptr<StateData>> blank_state(FormPtr form, std::string_view today) {
  if (!form) return Errors{Error{"state.no_form", "", 0, 0, "no form given"}};
  Date d;
  if (!parse_iso_date(today, &d)) {
    return Errors{Error{"state.bad_date", "", 0, 0, "today must be a date written YYYY-MM-DD, not '" + std::string(today) + "'"}};
  }
  auto st = std::make_unique<StateData>();
  st->form = std::move(form);
  st->today = d;
  st->cells.resize(st->form->fields.size());
  st->group_rows.resize(st->form->groups.size());
  st->step_visible.assign(st->form->steps.size(), 0);
  st->defaults.resize(st->form->fields.size());
  for (size_t f = 0; f < st->form->fields.size(); ++f) {
    const Field& fd = st->form->fields[f];
    if (!fd.default_answer.is_null()) read_answer(fd, fd.default_answer, d, &st->defaults[f]);
  }
  // Groups start with min_items empty rows, so "at least one child" shows one to fill.
  for (int g : st->form->groups) {
    const Field& gd = st->form->fields[static_cast<size_t>(g)];
    const int rows = std::max(0, gd.min_items);
    st->group_rows[static_cast<size_t>(gd.group_slot)].assign(static_cast<size_t>(rows), Row(gd.children.size()));
  }
  return st;
}

// Replaces every answer of `st` (and every row of its groups) by `answers`, without
// evaluating; the answers are moved into the cells. The errors name what does not fit
// the form; `st` is then half-written.
Errors replace_answers(StateData& st, nlohmann::json& answers) {
  if (!answers.is_object()) {
    return Errors{Error{"answer.wrong_type", "", 0, 0, "answers must be a JSON object {field: answer, …}"}};
  }
  Errors errors;
  for (auto& c : st.cells) { c.answer = nullptr; c.parsed = Value(); c.unreadable = Problem::kNone; }
  for (auto& rows : st.group_rows) rows.clear();
  for (auto& [key, value] : answers.items()) {
    // The answer's JSON pointer, built only for an error.
    auto ptr = [&key = key] { return "/" + pointer_token(key); };
    const auto it = st.form->field_by_id.find(key);
    if (it == st.form->field_by_id.end() || st.field(it->second).group >= 0) {
      errors.push_back(Error{"answer.unknown_field", ptr(), 0, 0, "the form has no field '" + key + "'"});
      continue;
    }
    const int f = it->second;
    const Field& fd = st.field(f);
    if (fd.type == FieldType::kGroup) {
      if (!value.is_array()) {
        errors.push_back(Error{"answer.wrong_type", ptr(), 0, 0, "'" + key + "' is a repeat group: its answer is an array of rows"});
        continue;
      }
      if (value.size() > 1000 || (fd.max_items >= 0 && static_cast<int>(value.size()) > fd.max_items)) {
        errors.push_back(Error{"answer.too_many_rows", ptr(), 0, 0, "'" + key + "' has too many rows"});
        continue;
      }
      auto& rows = st.rows_of(f);
      for (size_t r = 0; r < value.size(); ++r) {
        auto& row = value[r];
        const std::string rp = ptr() + "/" + std::to_string(r);
        if (!row.is_object()) {
          errors.push_back(Error{"answer.wrong_type", rp, 0, 0, "a row is an object {field: answer, …}"});
          continue;
        }
        rows.emplace_back(fd.children.size());
        for (auto& [ckey, cvalue] : row.items()) {
          const auto cit = st.form->field_by_id.find(ckey);
          if (cit == st.form->field_by_id.end() || st.field(cit->second).group != f) {
            errors.push_back(Error{"answer.unknown_field", rp + "/" + pointer_token(ckey), 0, 0, "the group '" + key + "' has no field '" + ckey + "'"});
            continue;
          }
          const Field& cd = st.field(cit->second);
          if (cd.calculate >= 0 || cd.readonly || cd.type == FieldType::kInfo) {
            if (!cvalue.is_null()) errors.push_back(Error{"answer.not_editable", rp + "/" + pointer_token(ckey), 0, 0, "'" + ckey + "' cannot be answered"});
            continue;
          }
          Cell& c = rows.back()[static_cast<size_t>(cd.column)];
          c.answer = std::move(cvalue);
          c.unreadable = read_answer(cd, c.answer, st.today, &c.parsed);
        }
      }
      continue;
    }
    if (fd.calculate >= 0 || fd.readonly || fd.type == FieldType::kInfo) {
      if (!value.is_null()) errors.push_back(Error{"answer.not_editable", ptr(), 0, 0, "'" + key + "' cannot be answered"});
      continue;
    }
    Cell& c = st.cells[static_cast<size_t>(f)];
    c.answer = std::move(value);
    c.unreadable = read_answer(fd, c.answer, st.today, &c.parsed);
  }
  return errors;
}

}  // namespace

Result<FormState> FormState::create(FormPtr form, std::string_view today) {
  Result<std::unique_ptr<StateData>> st = blank_state(std::move(form), today);
  if (!st) return st.errors();
  FormState state(std::move(st).value());
  evaluate_all(*state.d_, state.d_->scratch);
  state.go_to_first_visible_step();
  return state;
}

Result<FormState> FormState::create(FormPtr form, std::string_view today, const nlohmann::json& answers) {
  return create(std::move(form), today, nlohmann::json(answers));
}

Result<FormState> FormState::create(FormPtr form, std::string_view today, nlohmann::json&& answers) {
  Result<std::unique_ptr<StateData>> st = blank_state(std::move(form), today);
  if (!st) return st.errors();
  Errors errors = replace_answers(*st.value(), answers);
  if (!errors.empty()) return errors;
  FormState state(std::move(st).value());
  evaluate_all(*state.d_, state.d_->scratch);
  state.go_to_first_visible_step();
  return state;
}

void FormState::go_to_first_visible_step() {
  d_->current_step = 0;
  const auto visible = visible_steps();
  if (!visible.empty()) d_->current_step = visible.front();
}

const FormPtr& FormState::form() const { return d_->form; }
std::string FormState::today() const { return format_iso_date(d_->today); }

Result<Changes> FormState::set_answer(std::string_view path, const nlohmann::json& value) {
  int f, row;
  if (!parse_path(*d_, path, &f, &row)) return Errors{unknown_path(path)};
  const Field& fd = d_->field(f);
  if (fd.calculate >= 0 || fd.readonly || fd.type == FieldType::kInfo || fd.type == FieldType::kGroup) {
    return Errors{Error{"answer.not_editable", "/" + std::string(path), 0, 0,
                        "'" + fd.id + "' is " + (fd.calculate >= 0 ? "calculated" : fd.readonly ? "read-only" : "not an answer field") +
                            " and cannot be answered"}};
  }
  Cell& c = d_->cell(f, row);
  Changes changes;
  if (c.answer == value) return changes;
  c.answer = value;
  c.unreadable = read_answer(fd, value, d_->today, &c.parsed);
  Propagation p = make_propagation(*d_, d_->scratch, &changes);
  p.evaluate_instance(f, row);
  p.queue_validation(f, row);
  p.run();
  if (!changes.steps.empty()) keep_current_step_visible();
  return changes;
}

Result<Changes> FormState::clear_answer(std::string_view path) {
  return set_answer(path, nullptr);
}

Result<Changes> FormState::add_row(std::string_view group) {
  const int g = find_field(group);
  if (g < 0 || d_->field(g).type != FieldType::kGroup) return Errors{unknown_path(group)};
  const Field& gd = d_->field(g);
  auto& rows = d_->rows_of(g);
  if (gd.max_items >= 0 && static_cast<int>(rows.size()) >= gd.max_items) {
    return Errors{Error{"answer.too_many_rows", "/" + std::string(group), 0, 0,
                        "'" + gd.id + "' has at most " + std::to_string(gd.max_items) + " rows"}};
  }
  if (rows.size() >= 1000) {
    return Errors{Error{"answer.too_many_rows", "/" + std::string(group), 0, 0, "a repeat group has at most 1000 rows"}};
  }
  rows.emplace_back(gd.children.size());
  Changes changes;
  changes.rows = true;
  Propagation p = make_propagation(*d_, d_->scratch, &changes);
  const int row = static_cast<int>(rows.size()) - 1;
  for (int child : gd.children) p.enqueue(child, row);
  p.enqueue(g, -1);
  for (int child : gd.children) {
    for (const Dependent& d : d_->field(child).value_dependents) p.enqueue(d.node, p.map_row(child, row, d));
    for (const Dependent& d : d_->field(child).validation_dependents) p.queue_validation(d.node, p.map_row(child, row, d));
  }
  p.run();
  if (!changes.steps.empty()) keep_current_step_visible();
  return changes;
}

Result<Changes> FormState::remove_row(std::string_view group, int row) {
  const int g = find_field(group);
  if (g < 0 || d_->field(g).type != FieldType::kGroup) return Errors{unknown_path(group)};
  auto& rows = d_->rows_of(g);
  if (row < 0 || row >= static_cast<int>(rows.size())) {
    return Errors{unknown_path(std::string(group) + "/" + std::to_string(row))};
  }
  rows.erase(rows.begin() + row);
  const Field& gd = d_->field(g);
  Changes changes;
  changes.rows = true;
  Propagation p = make_propagation(*d_, d_->scratch, &changes);
  // Rows after the removed one moved up; anything reading across rows must look again.
  p.enqueue(g, -1);
  for (int child : gd.children) {
    for (const Dependent& d : d_->field(child).value_dependents) p.enqueue(d.node, p.all_of(d.node));
    for (const Dependent& d : d_->field(child).validation_dependents) p.queue_validation(d.node, p.all_of(d.node));
  }
  p.run();
  if (!changes.steps.empty()) keep_current_step_visible();
  return changes;
}

Result<bool> FormState::set_answers(const nlohmann::json& answers) {
  auto next = std::make_unique<StateData>(*d_);
  nlohmann::json copy = answers;
  Errors errors = replace_answers(*next, copy);
  if (!errors.empty()) return errors;  // on a copy: nothing changed
  const int step = d_->current_step;
  d_ = std::move(next);
  evaluate_all(*d_, d_->scratch);
  d_->current_step = step;
  keep_current_step_visible();
  return true;
}

void FormState::keep_current_step_visible() {
  if (step_visible(d_->current_step)) return;
  for (int s = d_->current_step - 1; s >= 0; --s) {
    if (step_visible(s)) { d_->current_step = s; return; }
  }
  for (int s = d_->current_step + 1; s < step_count(); ++s) {
    if (step_visible(s)) { d_->current_step = s; return; }
  }
}

nlohmann::json FormState::answers() const {
  nlohmann::json out = nlohmann::json::object();
  const CompiledForm& form = *d_->form;
  for (size_t f = 0; f < form.fields.size(); ++f) {
    const Field& fd = form.fields[f];
    if (fd.group >= 0) continue;
    if (fd.type == FieldType::kGroup) {
      nlohmann::json rows = nlohmann::json::array();
      for (const Row& row : d_->rows_of(static_cast<int>(f))) {
        nlohmann::json r = nlohmann::json::object();
        for (int child : fd.children) {
          const Cell& c = row[static_cast<size_t>(d_->field(child).column)];
          if (!c.answer.is_null()) r[d_->field(child).id] = c.answer;
        }
        rows.push_back(std::move(r));
      }
      if (!rows.empty()) out[fd.id] = std::move(rows);
      continue;
    }
    const Cell& c = d_->cells[f];
    if (!c.answer.is_null()) out[fd.id] = c.answer;
  }
  return out;
}

int FormState::field_count() const { return static_cast<int>(d_->form->fields.size()); }

std::string FormState::field_type(int field) const {
  return field >= 0 && field < field_count() ? field_type_name(d_->field(field).type) : "";
}

int FormState::find_field(std::string_view id) const {
  const auto it = d_->form->field_by_id.find(std::string(id));
  return it == d_->form->field_by_id.end() ? -1 : it->second;
}

std::string FormState::field_path(int field, int row) const {
  const Field& fd = d_->field(field);
  if (fd.group < 0) return fd.id;
  return d_->field(fd.group).id + "/" + std::to_string(row) + "/" + fd.id;
}

int FormState::row_count(int group_field) const {
  if (group_field < 0 || group_field >= field_count() || d_->field(group_field).type != FieldType::kGroup) return 0;
  return static_cast<int>(d_->rows_of(group_field).size());
}

bool FormState::has_instance(int field, int row) const {
  if (field < 0 || field >= field_count()) return false;
  const int group = d_->field(field).group;
  if (group < 0) return row == -1;
  return row >= 0 && row < row_count(group);
}

bool FormState::visible(int field, int row) const { return has_instance(field, row) && d_->cell(field, row).visible; }
bool FormState::required(int field, int row) const { return has_instance(field, row) && d_->cell(field, row).required; }

nlohmann::json FormState::value(int field, int row) const {
  if (!has_instance(field, row)) return nullptr;
  const Cell& c = d_->cell(field, row);
  return value_to_json(d_->field(field), c.value, c.answer);
}

const nlohmann::json& FormState::answer(int field, int row) const {
  static const nlohmann::json kNone;
  return has_instance(field, row) ? d_->cell(field, row).answer : kNone;
}

int FormState::step_count() const { return static_cast<int>(d_->form->steps.size()); }
int FormState::current_step() const { return d_->current_step; }

int FormState::find_step(std::string_view id) const {
  const auto it = d_->form->step_by_id.find(std::string(id));
  return it == d_->form->step_by_id.end() ? -1 : it->second;
}

bool FormState::step_visible(int step) const {
  return step >= 0 && step < step_count() && d_->step_visible[static_cast<size_t>(step)] != 0;
}

std::vector<int> FormState::visible_steps() const {
  std::vector<int> out;
  for (int s = 0; s < step_count(); ++s) {
    if (d_->step_visible[static_cast<size_t>(s)]) out.push_back(s);
  }
  return out;
}

Progress FormState::progress() const {
  Progress p;
  const auto steps = visible_steps();
  p.count = std::max(1, static_cast<int>(steps.size()));
  p.position = 1;
  for (size_t i = 0; i < steps.size(); ++i) {
    if (steps[i] <= d_->current_step) p.position = static_cast<int>(i) + 1;
  }
  return p;
}

bool FormState::next() {
  if (!step_valid(d_->current_step)) return false;
  for (int s = d_->current_step + 1; s < step_count(); ++s) {
    if (d_->step_visible[static_cast<size_t>(s)]) {
      d_->current_step = s;
      return true;
    }
  }
  return false;
}

bool FormState::back() {
  for (int s = d_->current_step - 1; s >= 0; --s) {
    if (d_->step_visible[static_cast<size_t>(s)]) {
      d_->current_step = s;
      return true;
    }
  }
  return false;
}

bool FormState::go_to(int step) {
  if (!step_visible(step)) return false;
  d_->current_step = step;
  return true;
}


namespace {

// Visits every field instance of a step in display order (group rows row by row).
template <typename Fn>
void for_each_instance_in_step(const StateData& st, int step, Fn fn) {
  for (int f : st.form->steps[static_cast<size_t>(step)].fields) {
    fn(f, -1);
    const Field& fd = st.field(f);
    if (fd.type != FieldType::kGroup) continue;
    const int rows = static_cast<int>(st.rows_of(f).size());
    for (int r = 0; r < rows; ++r) {
      for (int child : fd.children) fn(child, r);
    }
  }
}

}  // namespace

Errors FormState::step_errors(int step, std::string_view lang) const {
  Errors out;
  if (step < 0 || step >= step_count() || !d_->step_visible[static_cast<size_t>(step)]) return out;
  Lang l;
  if (!parse_lang(std::string(lang), &l)) l = d_->form->default_lang();
  for_each_instance_in_step(*d_, step, [&](int f, int row) {
    const Cell& c = d_->cell(f, row);
    if (!c.visible || c.problem == Problem::kNone) return;
    out.push_back(Error{std::string("answer.") + problem_code(c.problem), "/" + field_path(f, row), 0, 0,
                        problem_message(*d_, f, row, l)});
  });
  return out;
}

Errors FormState::errors(std::string_view lang) const {
  Errors out;
  for (int s = 0; s < step_count(); ++s) {
    Errors e = step_errors(s, lang);
    out.insert(out.end(), std::make_move_iterator(e.begin()), std::make_move_iterator(e.end()));
  }
  return out;
}

bool FormState::step_valid(int step) const {
  if (step < 0 || step >= step_count() || !d_->step_visible[static_cast<size_t>(step)]) return true;
  bool ok = true;
  for_each_instance_in_step(*d_, step, [&](int f, int row) {
    const Cell& c = d_->cell(f, row);
    if (c.visible && c.problem != Problem::kNone) ok = false;
  });
  return ok;
}

bool FormState::valid() const {
  for (int s = 0; s < step_count(); ++s) {
    if (!step_valid(s)) return false;
  }
  return true;
}

bool FormState::revalidate_all() {
  const int nf = field_count();
  bool ok = true;
  for (int f = 0; f < nf; ++f) {
    const Field& fd = d_->field(f);
    if (fd.group < 0) {
      validate_instance(*d_, f, -1);
      ok &= d_->cell(f, -1).problem == Problem::kNone || !d_->cell(f, -1).visible;
      continue;
    }
    const int rows = row_count(fd.group);
    for (int r = 0; r < rows; ++r) {
      validate_instance(*d_, f, r);
      ok &= d_->cell(f, r).problem == Problem::kNone || !d_->cell(f, r).visible;
    }
  }
  return ok;
}

bool same_derived_state(const FormState& a, const FormState& b, std::string* difference) {
  const StateData& x = a.data();
  const StateData& y = b.data();
  if (x.step_visible != y.step_visible) {
    *difference = "step visibility differs";
    return false;
  }
  for (int f = 0; f < a.field_count(); ++f) {
    const Field& fd = x.field(f);
    const int rows = fd.group < 0 ? 1 : a.row_count(fd.group);
    if (fd.group >= 0 && rows != b.row_count(fd.group)) {
      *difference = "row count of " + x.field(fd.group).id + " differs";
      return false;
    }
    for (int r = fd.group < 0 ? -1 : 0; r < (fd.group < 0 ? 0 : rows); ++r) {
      const Cell& c = x.cell(f, r);
      const Cell& d = y.cell(f, r);
      std::string what;
      if (c.visible != d.visible) what = "visible";
      else if (!same_value(c.value, d.value)) what = "value";
      else if (c.required != d.required) what = "required";
      else if (c.problem != d.problem || c.constraint != d.constraint) what = "error";
      if (!what.empty()) {
        *difference = what + " of " + a.field_path(f, r) + " differs";
        return false;
      }
    }
  }
  return true;
}

}  // namespace blankett
