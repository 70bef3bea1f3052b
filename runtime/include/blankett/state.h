// The state of one filling of a form: the answers as typed, and everything the engine
// derives from them, kept up to date incrementally. Setting an answer re-evaluates only
// what depends on it, in dependency order, and says what changed so a UI touches only that.
//
// Answer paths name a top-level field by its id ("pupil_name") and a field in a repeat
// group by "group/row/field" with rows counted from 0 ("children/1/child_name"). The
// same paths with a leading "/" are the `pointer` of validation errors.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "blankett/error.h"
#include "blankett/form.h"

namespace blankett {

struct StateData;  // state_data.h, internal

enum ChangeBits : uint8_t {
  kChangedVisible = 1,
  kChangedValue = 2,
  kChangedRequired = 4,
  kChangedError = 8,
};

// One field instance whose derived state changed. `field` is an index into the form's
// fields (see field_path()); `row` is -1 outside repeat groups.
struct FieldChange {
  int field;
  int row;
  uint8_t what;  // ChangeBits
};

struct Changes {
  std::vector<FieldChange> fields;
  std::vector<int> steps;  // steps whose visibility changed
  bool rows = false;       // a repeat group gained or lost a row
};

struct Progress {
  int position = 1;  // 1-based among visible steps
  int count = 1;     // number of visible steps
};

class FormState {
 public:
  // A new, empty filling. `today` ("YYYY-MM-DD") fixes today() and personnummer
  // centuries. Fails only for an invalid date or a null form.
  static Result<FormState> create(FormPtr form, std::string_view today);
  // A filling with `answers` (the shape set_answers takes, with its errors), evaluated
  // once: what create() and then set_answers() give, except that the current step is
  // the first visible one. The server's way to re-evaluate a submission.
  static Result<FormState> create(FormPtr form, std::string_view today, const nlohmann::json& answers);
  // The same, moving the answers into the state instead of copying them.
  static Result<FormState> create(FormPtr form, std::string_view today, nlohmann::json&& answers);

  FormState(const FormState& other);
  FormState& operator=(const FormState& other);
  FormState(FormState&&) noexcept;
  FormState& operator=(FormState&&) noexcept;
  ~FormState();

  const FormPtr& form() const;
  std::string today() const;

  // --- Answers -------------------------------------------------------------------
  // Sets the answer as the citizen typed it (a string from a text box, true/false, an
  // array for multichoice and attachments). Errors: "answer.unknown_field" for a path
  // that names no field or row, "answer.not_editable" for calculated, read-only, info
  // and group fields. An answer of the wrong format is accepted and reported as the
  // field's validation error, so the citizen's input is never lost.
  Result<Changes> set_answer(std::string_view path, const nlohmann::json& value);
  Result<Changes> clear_answer(std::string_view path);
  // Appends an empty row; refused ("answer.too_many_rows") past the group's max_items.
  Result<Changes> add_row(std::string_view group);
  // Removes a row; later rows move up.
  Result<Changes> remove_row(std::string_view group, int row);

  // Replaces every answer from {field: value, group: [{child: value}, …]}. Unknown
  // keys and shapes are errors with their JSON pointer; on error nothing changes.
  Result<bool> set_answers(const nlohmann::json& answers);
  // The answers as typed, in the same shape (only answered fields).
  nlohmann::json answers() const;

  // --- Reading the derived state -----------------------------------------------------
  // Field handles: fields are numbered 0..field_count()-1 in definition order.
  int field_count() const;
  int find_field(std::string_view id) const;  // -1 if none
  // The field's type as written in the form ("text", "attachment", …).
  std::string field_type(int field) const;
  std::string field_path(int field, int row) const;
  int row_count(int group_field) const;  // 0 for a field that is not a group
  // Whether (field, row) names a field instance: row -1 for top-level fields, an
  // existing row for fields in a group. The accessors below return empty/false otherwise.
  bool has_instance(int field, int row) const;
  bool visible(int field, int row) const;
  bool required(int field, int row) const;
  // The normalised or calculated value as JSON (null when empty or hidden).
  nlohmann::json value(int field, int row) const;
  // The answer as typed (null when none).
  const nlohmann::json& answer(int field, int row) const;

  // --- Steps and navigation ------------------------------------------------------------
  int step_count() const;
  int current_step() const;
  int find_step(std::string_view id) const;  // -1 if none
  bool step_visible(int step) const;
  std::vector<int> visible_steps() const;
  Progress progress() const;
  // The current step is always visible: an answer that hides it moves the citizen to
  // the nearest visible step before it.
  // Continue: moves to the next visible step if the current step has no errors.
  // Returns false (and stays) when the step has errors or is the last visible step.
  bool next();
  // Back to the previous visible step; false on the first.
  bool back();
  // Jumps to a visible step (change links on a summary page); false if hidden/unknown.
  bool go_to(int step);

  // --- Validation ----------------------------------------------------------------------
  // Errors of visible fields, in form order, with messages in `lang` ("sv", "en", "nb";
  // other codes fall back to the form's first language). Error::pointer is the answer
  // path with a leading "/", Error::code is "answer.<problem>" (docs/errors.md).
  Errors errors(std::string_view lang) const;
  Errors step_errors(int step, std::string_view lang) const;
  bool step_valid(int step) const;
  bool valid() const;
  // Recomputes every field's errors from scratch (what the benchmark calls full
  // validation) and returns whether the form is valid.
  bool revalidate_all();

  // Internal state, for the engine's own modules (view, draft, submission).
  const StateData& data() const { return *d_; }

 private:
  explicit FormState(std::unique_ptr<StateData> d);
  // After an edit hid the current step: the nearest visible step before it (or after).
  void keep_current_step_visible();
  void go_to_first_visible_step();
  std::unique_ptr<StateData> d_;
};

// Whether two states derived the same things (visibility, values, required, errors,
// steps): used by the property test comparing incremental and from-scratch evaluation.
bool same_derived_state(const FormState& a, const FormState& b, std::string* difference);

}  // namespace blankett
