// The property that makes incremental evaluation trustworthy: after any sequence of
// edits, the incrementally maintained state equals a from-scratch evaluation of the
// same answers. Run on a test form and on every example form in forms/.
#include <gtest/gtest.h>

#include <random>

#include "blankett/state.h"
#include "blankett/submission.h"
#include "blankett/view.h"
#include "test_forms.h"

namespace blankett {
namespace {

using nlohmann::json;

// An answer a citizen might type into a field of this view: valid options, typical
// values, edge cases and garbage.
json random_answer(std::mt19937& rng, const json& field) {
  const std::string type = field["type"];
  const int pick = static_cast<int>(rng() % 12);
  if (pick == 0) return nullptr;
  if (pick == 1) return "garbage";
  if (field.contains("options")) {
    const json& options = field["options"];
    if (type == "multichoice") {
      json chosen = json::array();
      for (const auto& o : options) if (rng() % 3 == 0) chosen.push_back(o["value"]);
      return chosen;
    }
    return options[rng() % options.size()]["value"];
  }
  if (type == "decimal" || type == "integer") {
    static const json kNumbers[] = {0, 1, 2, 5, 7, 50, 120, 999, 1500, 25000, -3, "1 000,5", "12.25", 101, 3.5};
    return kNumbers[rng() % 15];
  }
  if (type == "yesno") return rng() % 2 == 0;
  if (type == "date") {
    static const char* kDates[] = {"2026-01-01", "2026-08-15", "2025-12-31", "2026-02-30", "2010-05-05", "2026-11-01"};
    return kDates[rng() % 6];
  }
  if (type == "personnummer") {
    static const char* kPnrs[] = {"19811218-9876", "20121212-1212", "811218-9876", "19811218-9875", "20180301-2386", "20150607-2394"};
    return kPnrs[rng() % 6];
  }
  if (type == "postalcode") return rng() % 2 ? "123 45" : "02345";
  if (type == "email") return rng() % 2 ? "a@example.se" : "not an email";
  if (type == "phone") return rng() % 2 ? "070-123 45 67" : "12";
  if (type == "orgnummer") return rng() % 2 ? "212000-1355" : "556000-0000";
  if (type == "attachment") {
    return json::array({{{"name", "a.pdf"}, {"type", rng() % 2 ? "application/pdf" : "text/html"}, {"size", rng() % 2 ? 1000 : 99999999},
                         {"sha256", std::string(64, 'a')}}});
  }
  static const char* kTexts[] = {"", "  ", "Ada", "Bo Ek", "x", "abcdefgh", "åäö ÅÄÖ", "other"};
  return kTexts[rng() % 8];
}

// Every field instance of the state, with its view (for type and options).
std::vector<json> editable_fields(const FormState& s) {
  std::vector<json> out;
  for (int f = 0; f < s.field_count(); ++f) {
    const std::string path = s.field_path(f, 0);
    if (path.find('/') == std::string::npos) {
      json v = view_field(s, f, -1, "sv");
      if (v["type"] != "info" && v["type"] != "group" && v["calculated"] != true && v["readonly"] != true) out.push_back(std::move(v));
      continue;
    }
    const int group = s.find_field(path.substr(0, path.find('/')));
    for (int r = 0; r < s.row_count(group); ++r) {
      json v = view_field(s, f, r, "sv");
      if (v["type"] != "info" && v["calculated"] != true && v["readonly"] != true) out.push_back(std::move(v));
    }
  }
  return out;
}

void run_random_edits(const FormPtr& form, unsigned seed, int edits) {
  std::mt19937 rng(seed);
  FormState s = testing::must_state(form);
  std::vector<std::string> groups;
  for (int f = 0; f < s.field_count(); ++f) {
    if (s.field_path(f, 0).find('/') == std::string::npos && view_field(s, f, -1, "sv")["type"] == "group") {
      groups.push_back(s.field_path(f, -1));
    }
  }
  for (int i = 0; i < edits; ++i) {
    const int kind = static_cast<int>(rng() % 12);
    if (kind == 0 && !groups.empty()) {
      (void)s.add_row(groups[rng() % groups.size()]);  // may be refused at max_items
    } else if (kind == 1 && !groups.empty()) {
      const std::string g = groups[rng() % groups.size()];
      const int rows = s.row_count(s.find_field(g));
      if (rows > 0) {
        ASSERT_TRUE(s.remove_row(g, static_cast<int>(rng() % static_cast<unsigned>(rows))).ok());
      }
    } else {
      const std::vector<json> fields = editable_fields(s);
      if (fields.empty()) continue;
      const json& f = fields[rng() % fields.size()];
      ASSERT_TRUE(s.set_answer(f["path"].get<std::string>(), random_answer(rng, f)).ok());
    }
    if (rng() % 3 == 0) s.next();
    if (rng() % 5 == 0) s.back();
    FormState scratch = testing::must_state(form);
    ASSERT_TRUE(scratch.set_answers(s.answers()).ok());
    std::string difference;
    ASSERT_TRUE(same_derived_state(s, scratch, &difference))
        << form_id(*form) << " seed " << seed << " after edit " << i << ": " << difference << "\nanswers: " << s.answers().dump();
    // The server's way: one evaluation of a state created with the answers.
    Result<FormState> once = FormState::create(form, "2026-08-15", s.answers());
    ASSERT_TRUE(once.ok()) << to_string(once.errors().front());
    ASSERT_TRUE(same_derived_state(s, once.value(), &difference))
        << form_id(*form) << " seed " << seed << " after edit " << i << " (created with the answers): " << difference;
    ASSERT_EQ(once.value().answers(), s.answers());
    // The submission is written directly as canonical JSON: it must be exactly what
    // serialising its own document with sorted keys gives, and the same from scratch.
    const CanonicalSubmission c = canonical_submission(s);
    ASSERT_EQ(submission_document(c).dump(), c.bytes) << form_id(*form) << " seed " << seed << " after edit " << i;
    ASSERT_EQ(canonical_submission(scratch).bytes, c.bytes);
    ASSERT_EQ(canonical_submission(once.value()).bytes, c.bytes);
  }
}

TEST(Property, IncrementalEqualsFromScratchOnTheHouseholdForm) {
  const FormPtr form = testing::must_compile(testing::kHouseholdForm);
  ASSERT_TRUE(form);
  for (unsigned seed = 1; seed <= 60; ++seed) run_random_edits(form, seed, 120);
}

TEST(Property, IncrementalEqualsFromScratchOnEveryExampleForm) {
  int forms = 0;
  for (const std::string& text : testing::example_form_definitions()) {
    const FormPtr form = testing::must_compile(text);
    ASSERT_TRUE(form) << text.substr(0, 200);
    for (unsigned seed = 1; seed <= 25; ++seed) run_random_edits(form, seed, 80);
    ++forms;
  }
  EXPECT_GE(forms, 1);
}

TEST(Property, RevalidateAllAgreesWithIncrementalErrors) {
  const FormPtr form = testing::must_compile(testing::kHouseholdForm);
  FormState s = testing::must_state(form);
  ASSERT_TRUE(s.set_answer("has_partner", true).ok());
  ASSERT_TRUE(s.set_answer("other_income", 50).ok());
  const Errors before = s.errors("en");
  EXPECT_EQ(s.revalidate_all(), s.valid());
  const Errors after = s.errors("en");
  ASSERT_EQ(before.size(), after.size());
  for (size_t i = 0; i < before.size(); ++i) EXPECT_EQ(to_string(before[i]), to_string(after[i]));
}

}  // namespace
}  // namespace blankett
