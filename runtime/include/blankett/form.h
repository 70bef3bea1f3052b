// Loading (compiling) a form definition. A compiled form is immutable and shared by
// every state of that form version; compile once, fill many times.
#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "blankett/error.h"

namespace blankett {

struct CompiledForm;  // form_model.h, internal
using FormPtr = std::shared_ptr<const CompiledForm>;

// Definitions larger than this are refused before parsing (a 5,000-field form is ~2 MB).
constexpr size_t kMaxFormBytes = 16 * 1024 * 1024;

// Parses and checks a form definition (JSON text, any bytes). On success returns the
// compiled form. On failure returns every problem found, each with a code, a JSON
// Pointer, the line in `json_text` and, for expressions, the column. Never throws and
// never crashes, whatever the input.
Result<FormPtr> compile_form(std::string_view json_text);

// The same for an already parsed definition (lines are then 0).
Result<FormPtr> compile_definition(const nlohmann::json& definition);

const std::string& form_id(const CompiledForm& form);
// A form lives in a folder named after its id (docs/form-format.md), so the folder says
// which form it holds and no two folders hold one form. Returns the error
// "form.folder_name" at /id (with its line when `json_text`, the definition's text, is
// given) when `folder_name` is not the form's id; no error when it is.
Errors check_folder_name(const CompiledForm& form, std::string_view folder_name, std::string_view json_text = {});
// SHA-256 (hex) of the canonical bytes of the definition: the version's identity.
const std::string& form_version(const CompiledForm& form);
// Human reference prefix for receipts (e.g. "SKOL"); derived from the id if not declared.
std::string form_reference_prefix(const CompiledForm& form);
// Which answers name the person a submission is about ("applicant" in the definition):
// the inbox lists and searches cases by them. Empty when the form does not say.
struct FormApplicant {
  std::vector<std::string> name_fields;    // top-level text fields, joined with spaces
  std::string personal_number_field;       // a top-level personnummer field, or ""
  std::string email_field;                 // a top-level email field, or "": where messages
                                           // about the application go (completion requests)
};
const FormApplicant& form_applicant(const CompiledForm& form);
// The definition as loaded (canonical: sorted keys).
const nlohmann::json& form_definition(const CompiledForm& form);
// { "id", "version", "title": {lang: text}, "description": {…}, "languages": [...] }
nlohmann::json form_summary(const CompiledForm& form);
// The languages the form is written in ("sv", "en", …), the first being its default:
// form_summary's "languages" without building the rest (a submission asks for them).
std::vector<std::string> form_languages(const CompiledForm& form);

}  // namespace blankett
