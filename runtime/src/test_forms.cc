// Not a test itself (no *_test.cc): compiled into the runtime library would be wrong,
// so CMake adds it to runtime_tests only (see CMakeLists.txt).
#include "test_forms.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace blankett::testing {

std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> example_form_definitions() {
  std::vector<std::string> out;
  for (const auto& entry : std::filesystem::directory_iterator(BLANKETT_SOURCE_DIR "/forms")) {
    const auto path = entry.path() / "form.json";
    if (std::filesystem::exists(path)) out.push_back(read_text_file(path.string()));
  }
  return out;
}

FormPtr must_compile(const std::string& json_text) {
  Result<FormPtr> r = compile_form(json_text);
  if (!r.ok()) {
    std::string all;
    for (const Error& e : r.errors()) all += to_string(e) + "\n";
    ADD_FAILURE() << "form does not compile:\n" << all;
    return nullptr;
  }
  return r.value();
}

FormState must_state(const FormPtr& form, const std::string& today) {
  Result<FormState> r = FormState::create(form, today);
  if (!r.ok()) {
    ADD_FAILURE() << "state not created: " << r.errors().front().message;
    std::abort();
  }
  return std::move(r).value();
}

const char kHouseholdForm[] = R"J({
  "format": 1,
  "id": "household",
  "title": {"sv": "Hushåll", "en": "Household"},
  "languages": ["sv", "en"],
  "steps": [
    {"id": "applicant", "title": {"sv": "Sökande", "en": "Applicant"}, "fields": [
      {"id": "name", "type": "text", "label": {"sv": "Namn", "en": "Name"}, "required": true, "max_length": 20},
      {"id": "pnr", "type": "personnummer", "label": {"sv": "Personnummer", "en": "Personal identity number"}, "required": true},
      {"id": "adult", "type": "yesno", "label": "Adult?", "calculate": "age(pnr) >= 18", "readonly": true},
      {"id": "has_partner", "type": "yesno", "label": {"sv": "Har du en partner?", "en": "Do you have a partner?"}, "required": true},
      {"id": "partner_name", "type": "text", "label": {"sv": "Partnerns namn", "en": "Partner's name"}, "visible_if": "has_partner = true", "required": true},
      {"id": "salary", "type": "decimal", "label": {"sv": "Lön", "en": "Salary"}, "min": 0},
      {"id": "other_income", "type": "decimal", "label": {"sv": "Annan inkomst", "en": "Other income"}, "min": 0},
      {"id": "other_what", "type": "text", "label": {"sv": "Vilken inkomst?", "en": "Which income?"}, "required_if": "other_income > 0"}
    ]},
    {"id": "members", "title": {"sv": "Hushållet", "en": "Household"}, "fields": [
      {"id": "children", "type": "group", "label": {"sv": "Barn", "en": "Children"}, "max_items": 5, "fields": [
        {"id": "child_name", "type": "text", "label": {"sv": "Barnets namn", "en": "Child's name"}, "required": true},
        {"id": "child_income", "type": "decimal", "label": {"sv": "Barnets inkomst", "en": "Child's income"}},
        {"id": "child_school", "type": "text", "label": {"sv": "Skola", "en": "School"}, "visible_if": "child_income > 100"},
        {"id": "child_share", "type": "decimal", "label": "Share", "calculate": "if(sum(child_income) > 0, child_income / sum(child_income), 0)"}
      ]},
      {"id": "child_count", "type": "integer", "label": {"sv": "Antal barn", "en": "Number of children"}, "calculate": "count(children)"},
      {"id": "total", "type": "decimal", "label": {"sv": "Total inkomst", "en": "Total income"}, "calculate": "salary + other_income + sum(child_income)"},
      {"id": "big_family", "type": "info", "text": {"sv": "Stor familj", "en": "Large family"}, "visible_if": "count(children) >= 3"}
    ]},
    {"id": "support", "title": {"sv": "Stöd", "en": "Support"}, "visible_if": "total < 1000 and has_partner = false", "fields": [
      {"id": "support_reason", "type": "textarea", "label": {"sv": "Varför?", "en": "Why?"}, "required": true,
       "constraints": [{"rule": "length(support_reason) >= 5", "message": {"sv": "Skriv minst fem tecken", "en": "Write at least five characters"}}]}
    ]}
  ]
})J";

}  // namespace blankett::testing
