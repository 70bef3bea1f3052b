// The compiled form: everything the loader learned from a definition, checked and
// resolved, in the shape evaluation wants (indexes, not names). Immutable once built;
// one CompiledForm is shared by every state of that form version.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "blankett/form.h"
#include "blankett/date.h"
#include "expression.h"
#include "localized_text.h"
#include "pattern.h"
#include "value.h"

namespace blankett {

enum class FieldType : uint8_t {
  kText, kTextarea, kInteger, kDecimal, kDate, kYesNo, kChoice, kMultiChoice, kEmail,
  kPhone, kPersonnummer, kOrgnummer, kPostalCode, kAttachment, kInfo, kGroup,
};

const char* field_type_name(FieldType t);

// Text answers are always bounded, so no answer is megabytes long and every pattern runs
// on a bounded text: max_length if set, else 1,000 characters on one line and 20,000 in
// a textarea (254 for an e-mail address).
int effective_max_length(const struct Field& f);
bool parse_field_type(const std::string& name, FieldType* out);
// The expression type of a field's value.
Type value_type(FieldType t);

struct Option {
  std::string value;
  LocalizedText label;
};

// An edge of the dependency graph. `all_rows`: the reader reads the whole column of a
// repeat group (an aggregate), so a change in any row concerns every row of the reader.
struct Dependent {
  int node;
  bool all_rows;
};

struct Constraint {
  int expr = -1;  // index into CompiledForm::expressions
  LocalizedText message;
};

// Members are ordered hot first: propagation touches the first cache lines of many
// fields per edit (type, structure, rules, graph), the texts and limits only when a
// field is validated or shown.
struct Field {
  // --- hot: read on every re-evaluation ---
  FieldType type = FieldType::kText;
  bool required = false;
  bool readonly = false;
  int step = -1;        // step index
  int group = -1;       // index of the enclosing group field, -1 at top level
  int column = -1;      // index among the group's children (for row storage), -1 at top
  int group_slot = -1;  // kGroup: index into CompiledForm::groups (row storage)
  int visible_if = -1, required_if = -1, calculate = -1;  // expression indexes or -1
  int order = 0;        // position in evaluation_order
  int decimals = 2;     // decimal
  // Dependency graph. Nodes are fields (index i) and steps (fields.size() + j).
  // value_dependents: nodes whose visibility or value must be recomputed when this
  // field's effective value changes. validation_dependents: fields whose required state
  // or errors read this field (they do not feed values, so they cannot form cycles).
  std::vector<Dependent> value_dependents;
  std::vector<Dependent> validation_dependents;
  std::vector<Constraint> constraints;
  std::vector<int> children;  // kGroup: child field indexes in order

  // --- limits, read when validating ---
  std::optional<double> min, max;      // integer / decimal
  std::optional<Date> min_date, max_date;
  int min_length = -1, max_length = -1;
  int min_items = -1, max_items = -1;  // multichoice, group
  long long max_size = -1;             // attachment bytes per file
  int max_files = 1;
  bool allow_samordningsnummer = true;
  std::optional<Regex> pattern;
  std::vector<Option> options;         // choice, multichoice
  bool searchable = false;             // choice, multichoice: "search": offer a filter box
  std::vector<std::string> accept;     // attachment MIME types ("image/*" allowed)
  nlohmann::json default_answer;       // as written (null when none)

  // --- cold: names and texts ---
  std::string id;
  std::string pointer;  // "/steps/S/fields/F" (or ".../fields/F/fields/C" in a group)
  LocalizedText label, hint, info_text, item_label, pattern_message;
  LocalizedText required_message, format_message;
};

struct Step {
  std::string id;
  std::string pointer;
  LocalizedText title, description;
  int visible_if = -1;
  std::vector<int> fields;  // top-level fields in display order
  int order = 0;            // position in evaluation_order
};

// A further signer ("signers" in the definition): another person who must sign a
// submission when `when` holds, identified by the answers of two top-level fields.
struct Signer {
  std::string id;              // unique among the form's signers
  std::string pointer;         // "/signers/N"
  nlohmann::json title;        // as written: a string or {lang: text}
  int when = -1;               // boolean expression index; -1: always required
  int personal_number_field = -1;  // a top-level personnummer field
  int email_field = -1;            // a top-level email field
};

struct CompiledForm {
  std::string id;
  LocalizedText title, description;
  std::vector<Lang> languages;  // first is the default
  std::string reference_prefix;
  FormApplicant applicant;
  std::vector<Signer> signers;  // in definition order
  std::vector<Step> steps;
  std::vector<Field> fields;  // every field, group children included
  std::vector<int> groups;    // field indexes of groups
  std::unordered_map<std::string, int> field_by_id;
  std::unordered_map<std::string, int> step_by_id;

  std::vector<Node> nodes;  // expression arena (as parsed and checked)
  std::vector<EvalNode> eval_nodes;  // the same nodes, compact, for evaluation
  std::vector<int> roots;            // roots[e] == expressions[e].root, compact
  std::vector<Expression> expressions;
  std::vector<Regex> regexes;

  // Every node (field i, or step fields.size() + j) after the nodes it reads.
  std::vector<int> evaluation_order;

  nlohmann::json definition;  // the definition as loaded
  std::string version;        // SHA-256 of the canonical definition bytes

  Lang default_lang() const { return languages.empty() ? Lang::kSv : languages[0]; }
};

}  // namespace blankett
