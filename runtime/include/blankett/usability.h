// Usability advice on a form that loads: things that do not break it but make it hard to
// fill in. `blankett lint` prints them as warnings (they do not fail the lint), and the
// developer preview shows them next to the form.
#pragma once
#include <string_view>

#include "blankett/error.h"
#include "blankett/form.h"

namespace blankett {

// Limits behind the advice (docs/form-format.md, "Lint warnings").
constexpr int kMaxFieldsPerStep = 15;
constexpr int kMaxOptionsWithoutSearch = 100;
constexpr int kMinWordsInAMessage = 4;

// Every warning, in definition order, each an Error with code
//   lint.untranslated_label  a required field's label is missing in one of the form's languages
//                            (a plain string serves only the first language)
//   lint.unhelpful_message   an error message too short or too generic to say how to fix the answer
//   lint.long_step           a step with more than kMaxFieldsPerStep fields
//   lint.long_choice_list    a choice list with more than kMaxOptionsWithoutSearch options and no "search"
//   lint.signer_field_optional  a signer's personal_number or email field is not plainly
//                            required (and shown) whenever the signer is: it must be required, or
//                            required_if the signer's `when`, and shown always or under that `when`
// and a JSON Pointer; lines and columns are filled from `definition_text` when given.
Errors usability_warnings(const CompiledForm& form, std::string_view definition_text = {});

}  // namespace blankett
