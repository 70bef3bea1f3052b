#include "blankett/usability.h"

#include <gtest/gtest.h>

#include "test_forms.h"

namespace blankett {
namespace {

std::vector<std::string> codes(const Errors& warnings) {
  std::vector<std::string> out;
  for (const Error& w : warnings) out.push_back(w.code + " " + w.pointer);
  return out;
}

TEST(Usability, AWellMadeFormHasNoWarnings) {
  const FormPtr form = testing::must_compile(testing::kHouseholdForm);
  ASSERT_TRUE(form);
  EXPECT_TRUE(usability_warnings(*form).empty()) << to_string(usability_warnings(*form).front());
}

TEST(Usability, EachKindOfWarningWithItsPointerAndLine) {
  std::string options;
  for (int i = 0; i < 101; ++i) options += std::string(i ? "," : "") + "{\"value\": \"o" + std::to_string(i) + "\", \"label\": \"O\"}";
  std::string many;
  for (int i = 0; i < 14; ++i) many += ", {\"id\": \"q" + std::to_string(i) + "\", \"type\": \"text\", \"label\": {\"sv\": \"F\", \"en\": \"Q\"}}";
  const std::string text = R"({"format": 1, "id": "t", "title": {"sv": "T", "en": "T"}, "languages": ["sv", "en"],
"steps": [{"id": "s", "title": {"sv": "S", "en": "S"}, "fields": [
 {"id": "name", "type": "text", "label": "Namn", "required": true},
 {"id": "age", "type": "integer", "label": {"sv": "Ålder", "en": "Age"},
  "constraints": [{"rule": "age != 13", "message": {"sv": "Ange en ålder som inte är 13", "en": "Wrong"}}]},
 {"id": "pick", "type": "choice", "label": {"sv": "V", "en": "P"}, "options": [)" + options + R"(]},
 {"id": "found", "type": "choice", "search": true, "label": {"sv": "V", "en": "P"}, "options": [)" + options + R"(]}
 )" + many + "]}]}";
  const FormPtr form = testing::must_compile(text);
  ASSERT_TRUE(form);
  const Errors warnings = usability_warnings(*form, text);
  EXPECT_EQ(codes(warnings), (std::vector<std::string>{
                                 "lint.long_step /steps/0",
                                 "lint.untranslated_label /steps/0/fields/0/label",
                                 "lint.unhelpful_message /steps/0/fields/1/constraints/0/message",
                                 "lint.long_choice_list /steps/0/fields/2/options",
                             }));
  EXPECT_EQ(warnings[0].line, 2);
  EXPECT_EQ(warnings[1].line, 3);
  EXPECT_NE(warnings[2].message.find("\"Wrong\" (en)"), std::string::npos) << warnings[2].message;
}

TEST(Usability, FifteenQuestionsPerStepIsStillFine) {
  std::string fields;
  for (int i = 0; i < kMaxFieldsPerStep; ++i) {
    fields += std::string(i ? "," : "") + "{\"id\": \"q" + std::to_string(i) + "\", \"type\": \"text\", \"label\": \"Q\"}";
  }
  const FormPtr form = testing::must_compile(R"({"format": 1, "id": "t", "title": "T", "languages": ["sv"],
    "steps": [{"id": "s", "title": "S", "fields": [)" + fields + "]}]}");
  ASSERT_TRUE(form);
  EXPECT_TRUE(usability_warnings(*form).empty());
}

}  // namespace
}  // namespace blankett
