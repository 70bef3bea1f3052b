// Further signers: the other people who must sign a submission before the case is
// handled (both guardians of a pupil, for instance). A form declares them in "signers"
// (docs/form-format.md); which of them a filled-in form requires depends on its answers.
// The server e-mails each required signer a link and waits for every signature
// (docs/signers.md). Pure: no I/O, so the browser can show the same list.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "blankett/form.h"
#include "blankett/state.h"

namespace blankett {

struct RequiredSigner {
  std::string id;                // the signer's id in the definition
  nlohmann::json title;          // the text as in the definition (a string or {lang: text})
  std::string personal_number;   // the normalised answer of the signer's personnummer field
                                 // ("YYYYMMDD-NNNN"); "" if unanswered, unreadable or hidden
  std::string email;             // the normalised (trimmed) answer of the email field;
                                 // "" if unanswered, unreadable or hidden
  std::string personal_number_field;  // the ids of those two fields: "/" + id is the
  std::string email_field;            // pointer of an answer to report as missing
};

// The further signers this filled-in form requires, in definition order: those whose
// `when` is true on the current answers (evaluated like visible_if: hidden fields count
// as empty), or that have no `when`. A signer whose fields are hidden, empty or invalid
// is still returned with empty strings: the caller decides (a valid form has them, when
// the form makes those fields required under the same condition; `blankett lint` warns
// when it does not). Never fails; empty when the form declares no signers.
std::vector<RequiredSigner> required_signers(const FormState& state);

// The text of a signer's title (RequiredSigner::title) in `lang` ("sv", "en", "nb"),
// falling back like labels do: a plain string serves every language, and a language the
// form does not have (or any other code) gives the form's first language. "" for a value
// that is no text (not from this form's definition).
std::string signer_title(const nlohmann::json& title, std::string_view lang, const CompiledForm& form);

}  // namespace blankett
