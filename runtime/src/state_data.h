// The mutable state of one citizen's form: answers as typed, and what the engine derived
// from them (visibility, effective values, required, errors). Internal: the public API
// is FormState (state.h); the evaluator and the validation read this directly.
#pragma once
#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

#include "form_model.h"
#include "value.h"

namespace blankett {

// Why a field is invalid. At most one per field instance: the first problem found.
enum class Problem : uint8_t {
  kNone, kRequired, kFormat, kOption, kDecimals, kMin, kMax, kMinDate, kMaxDate,
  kMinLength, kMaxLength, kPattern, kMinItems, kMaxItems, kMaxFiles, kFileType, kFileSize,
  kConstraint,
};
const char* problem_code(Problem p);

// One field instance: a top-level field, or one field in one row of a repeat group.
// Hot members first: propagation reads visibility and the value's kind and number.
struct Cell {
  bool visible = false;
  bool required = false;
  Problem problem = Problem::kNone;
  Problem unreadable = Problem::kNone;  // why an answer that is there cannot be read
  int constraint = -1;         // kConstraint: which one failed
  uint32_t validate_mark = 0;  // generation in which it was last queued for validation
  uint32_t change_mark = 0;    // generation in which it was last reported changed
  int change_slot = 0;         // its entry in that generation's change list
  Value value;                 // effective value: empty when hidden
  nlohmann::json answer;       // as the citizen typed it; null = no answer
  Value parsed;                // the answer normalised; empty if none or unreadable
};

using Row = std::vector<Cell>;

// Scratch space of the propagation (state.cc), kept between edits to avoid reallocating.
// Marks are compared with StateData::generation, so they belong to one state.
struct PropagationScratch {
  std::vector<uint32_t> node_mark;
  std::vector<char> node_all_rows;
  std::vector<std::vector<int>> node_rows;
};  // one cell per child of the group, by Field::column

struct StateData {
  std::shared_ptr<const CompiledForm> form;
  Date today;
  std::vector<Cell> cells;                     // by field index (group children unused)
  std::vector<std::vector<Row>> group_rows;    // by group slot
  std::vector<char> step_visible;              // by step index
  int current_step = 0;
  uint32_t generation = 0;
  std::vector<Value> defaults;                 // by field index: the default, read once
  PropagationScratch scratch;

  const Field& field(int f) const { return form->fields[static_cast<size_t>(f)]; }
  // REQUIRES: row is valid when the field is in a group (ignored otherwise).
  Cell& cell(int f, int row) {
    const Field& fd = field(f);
    if (fd.group < 0) return cells[static_cast<size_t>(f)];
    return group_rows[static_cast<size_t>(field(fd.group).group_slot)][static_cast<size_t>(row)][static_cast<size_t>(fd.column)];
  }
  const Cell& cell(int f, int row) const { return const_cast<StateData*>(this)->cell(f, row); }
  const std::vector<Row>& rows_of(int group_field) const {
    return group_rows[static_cast<size_t>(field(group_field).group_slot)];
  }
  std::vector<Row>& rows_of(int group_field) {
    return group_rows[static_cast<size_t>(field(group_field).group_slot)];
  }
};

}  // namespace blankett
