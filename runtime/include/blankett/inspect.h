// Inspecting a filling: which rules a field has, what they read, who reads the field and
// why it is hidden. For the developer preview's inspector (and any other tool that wants
// to explain the engine's decisions); citizens' UIs never need it.
//
// Every value here comes from the engine's own evaluator on the state as it is: nothing
// is re-implemented, so what the inspector says is what the engine decided.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "blankett/state.h"

namespace blankett {

// One input of a rule: a field the expression reads and the value it reads now.
struct RuleInput {
  std::string path;     // "pupil_pnr", "children/0/child_age" (same row), or "child_age"
                        // for a whole column read by an aggregate
  nlohmann::json value; // the effective value (null when empty or hidden); for a whole
                        // column, an array with one value per row
};

// One rule (expression) of the form.
struct RuleInfo {
  // "visible_if", "required_if", "calculate" or "constraint" on a field;
  // "step.visible_if" on a step.
  std::string kind;
  std::string owner;      // the field id or step id the rule belongs to
  int owner_field = -1;   // field index, or -1 for a step's rule
  int owner_step = -1;    // the step the owner is in (or is)
  int constraint = -1;    // kind "constraint": index into the field's constraints
  std::string source;     // the expression as written
  std::string pointer;    // JSON Pointer of the expression in the definition
  std::vector<std::string> reads;  // ids of the fields it reads, in form order
  // Where it was evaluated: the row of the owner (-1 outside repeat groups), and
  // whether it was evaluated at all (a rule of a repeat-group field is evaluated only
  // for a given row, never "in general").
  int row = -1;
  bool evaluated = false;
  nlohmann::json value;           // its current value (true/false for conditions)
  std::vector<RuleInput> inputs;  // the values of what it reads (when evaluated)
};

// Why a field instance is hidden. A field is hidden by the first of: its step's
// visible_if, its repeat group being hidden, its own visible_if.
struct HiddenReason {
  bool hidden = false;
  // "" when visible; "step" (its step is hidden), "group" (its repeat group is hidden)
  // or "visible_if" (its own rule is false).
  std::string because;
  std::string step;                // the step's id (because == "step")
  std::string group;               // the group's id (because == "group")
  std::optional<RuleInfo> rule;    // the rule that is false (its own, the group's or
                                   // the step's visible_if), evaluated, with its inputs
  std::string explanation;         // one line in English for the developer
};

struct FieldInspection {
  int field = -1;
  int row = -1;
  std::string path;
  std::string step;                // id of the step the field is in
  // The field's own rules in this row: visible_if, required_if, calculate, then every
  // constraint in order, each evaluated with its inputs.
  std::vector<RuleInfo> rules;
  // Rules of other fields and steps that read this field (from the dependency graph),
  // evaluated in this row when the reader is in the same repeat group, at top level
  // for top-level readers and steps; not evaluated for readers in another group.
  std::vector<RuleInfo> read_by;
  HiddenReason hidden;
};

// Inspects one field instance. Returns nullopt when (field, row) is not an instance
// (see FormState::has_instance).
std::optional<FieldInspection> inspect_field(const FormState& state, int field, int row);

// Every rule of the form in definition order (each step's visible_if, then its fields'
// rules), like a disassembly of the compiled form. Rules of top-level fields and steps
// are evaluated; rules of repeat-group fields are not (they have one value per row:
// inspect_field gives those).
std::vector<RuleInfo> form_rules(const FormState& state);

}  // namespace blankett
