// Which further signers a filled-in form requires (blankett/signers.h). The loader has
// checked every signer (form_loader.cc, read_signers): `when` is a boolean expression in
// the top-level scope, and the two fields are top-level personnummer and email fields.
#include "blankett/signers.h"

#include <algorithm>

#include "evaluator.h"
#include "form_model.h"
#include "state_data.h"

namespace blankett {
namespace {

// The effective value of a top-level text-like field: normalised, "" when empty,
// unreadable or hidden (the evaluator's view, so it agrees with `when`).
std::string text_value(const StateData& st, int field) {
  const Value& v = st.cell(field, -1).value;
  return v.kind == Value::Kind::kText ? v.s : "";
}

}  // namespace

std::vector<RequiredSigner> required_signers(const FormState& state) {
  const StateData& st = state.data();
  std::vector<RequiredSigner> out;
  for (const Signer& s : st.form->signers) {
    if (s.when >= 0 && !evaluate_condition(st, s.when, -1)) continue;
    RequiredSigner r;
    r.id = s.id;
    r.title = s.title;
    r.personal_number = text_value(st, s.personal_number_field);
    r.email = text_value(st, s.email_field);
    r.personal_number_field = st.field(s.personal_number_field).id;
    r.email_field = st.field(s.email_field).id;
    out.push_back(std::move(r));
  }
  return out;
}

std::string signer_title(const nlohmann::json& title, std::string_view lang, const CompiledForm& form) {
  if (title.is_string()) return title.get<std::string>();
  if (!title.is_object()) return "";
  Lang l;
  const bool declared = parse_lang(std::string(lang), &l) &&
                        std::find(form.languages.begin(), form.languages.end(), l) != form.languages.end();
  for (const Lang pick : {declared ? l : form.default_lang(), form.default_lang()}) {
    const auto it = title.find(lang_code(pick));
    if (it != title.end() && it->is_string() && !it->get_ref<const std::string&>().empty()) return it->get<std::string>();
  }
  return "";
}

}  // namespace blankett
