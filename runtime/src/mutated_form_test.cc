// Damaged definitions never crash the engine: the example forms with random changes to
// their expressions, their structure and their bytes are either refused with errors or
// compiled and then filled, validated, drafted and submitted without an exception. The
// engine runs in every citizen's browser and in the server's lint and publish commands,
// so a definition it cannot handle must be an error with a place, not an abort.
#include <gtest/gtest.h>

#include <random>

#include "blankett/draft.h"
#include "blankett/form.h"
#include "blankett/state.h"
#include "blankett/submission.h"
#include "blankett/view.h"
#include "json_text.h"
#include "test_forms.h"

namespace blankett {
namespace {

using nlohmann::json;

void collect_pointers(const json& j, const std::string& at, std::vector<std::string>* out) {
  out->push_back(at);
  if (j.is_object()) {
    for (const auto& [key, value] : j.items()) collect_pointers(value, at + "/" + pointer_token(key), out);
  } else if (j.is_array()) {
    for (size_t i = 0; i < j.size(); ++i) collect_pointers(j[i], at + "/" + std::to_string(i), out);
  }
}

class Mutator {
 public:
  explicit Mutator(uint32_t seed) : rng_(seed) {}

  // One damaged copy of `text`.
  std::string mutate(const std::string& text) {
    const int kind = static_cast<int>(rng_() % 4);
    if (kind == 0) {
      std::string bytes = text;
      for (int n = 1 + static_cast<int>(rng_() % 4); n > 0; --n) bytes[rng_() % bytes.size()] = static_cast<char>(rng_() % 256);
      return bytes;
    }
    json d = json::parse(text);
    std::vector<std::string> pointers;
    collect_pointers(d, "", &pointers);
    ids_.clear();
    std::vector<std::string> expressions;
    for (const std::string& p : pointers) {
      const std::string last = p.substr(p.rfind('/') + 1);
      const json& value = d[json::json_pointer(p)];
      if (last == "id" && value.is_string()) ids_.push_back(value);
      if (last == "visible_if" || last == "required_if" || last == "calculate" || last == "rule" || last == "when") expressions.push_back(p);
    }
    if (kind == 1 && !expressions.empty()) {
      json& e = d[json::json_pointer(expressions[rng_() % expressions.size()])];
      e = rng_() % 2 == 0 ? expression(0) : edited(e.is_string() ? e.get<std::string>() : std::string());
    } else {
      for (int n = 1 + static_cast<int>(rng_() % 3); n > 0; --n) {
        const std::string& p = pointers[rng_() % pointers.size()];
        if (p.empty()) continue;
        const json::json_pointer at(p);
        if (!d.contains(at)) continue;  // removed by an earlier change of this copy
        json& parent = d[at.parent_pointer()];
        if (rng_() % 4 == 0 && parent.is_object()) {
          parent.erase(at.back());
        } else {
          d[at] = value(0);
        }
      }
    }
    return d.dump(-1, ' ', false, json::error_handler_t::replace);
  }

  // An answer for a field of a view (options when it has some, else anything).
  json answer(const json& field) {
    if (rng_() % 3 != 0 && field.contains("options") && field["options"].is_array() && !field["options"].empty()) {
      return field["options"][rng_() % field["options"].size()]["value"];
    }
    static const json kAnswers[] = {"Ada", "1 000,5", "2026-02-29", "19811218-9876", "a@b.se", "070-1234567", "123 45",
                                    true, false, 5, -3, 2.5, "", json::array(), nullptr, json::object(), "x\ny"};
    return kAnswers[rng_() % std::size(kAnswers)];
  }

  uint32_t next() { return rng_(); }

 private:
  json value(int depth) {
    switch (rng_() % 10) {
      case 0: return nullptr;
      case 1: return rng_() % 2 == 0;
      case 2: return static_cast<int>(rng_() % 2000) - 1000;
      case 3: return 1e308;
      case 4: return expression(0);
      case 5: return std::string(rng_() % 3000, 'a');
      case 6: return json::array();
      case 7: return json::object();
      case 8: return depth < 2 ? json::array({value(depth + 1), value(depth + 1)}) : json(1);
      default: return depth < 2 ? json{{std::string(1, static_cast<char>('a' + rng_() % 26)), value(depth + 1)}} : json("x");
    }
  }

  // A well-formed expression over the form's ids, often of the wrong type.
  std::string expression(int depth) {
    auto leaf = [&]() -> std::string {
      switch (rng_() % 7) {
        case 0: return std::to_string(static_cast<int>(rng_() % 200) - 50);
        case 1: return "\"bus\"";
        case 2: return rng_() % 2 == 0 ? "true" : "false";
        case 3: return "today()";
        case 4: return "\"2026-01-01\"";
        default: return ids_.empty() ? "x" : ids_[rng_() % ids_.size()];
      }
    };
    if (depth > 3) return leaf();
    static const char* kInfix[] = {" + ", " - ", " * ", " / ", " = ", " != ", " < ", " >= ", " and ", " or ", " in "};
    static const char* kUnary[] = {"empty", "count", "sum", "min", "max", "length", "upper", "lower", "age", "year", "not "};
    switch (rng_() % 6) {
      case 0: return expression(depth + 1) + kInfix[rng_() % std::size(kInfix)] + expression(depth + 1);
      case 1: return std::string(kUnary[rng_() % std::size(kUnary)]) + "(" + expression(depth + 1) + ")";
      case 2: return "if(" + expression(depth + 1) + ", " + expression(depth + 1) + ", " + expression(depth + 1) + ")";
      case 3: return "days_between(" + expression(depth + 1) + ", " + expression(depth + 1) + ")";
      case 4: return "round(" + expression(depth + 1) + ", " + std::to_string(rng_() % 20) + ")";
      default: return "(" + leaf() + ")";
    }
  }

  // `e` with a token inserted or a few characters removed.
  std::string edited(std::string e) {
    static const char* kBits[] = {"(", ")", "+", "*", "/", " and ", "not ", "=", "<", "1e308", "99999999999999999999", "\"",
                                  "'", "count(", "if(", ",", "null", ".", "[", "]", "\\", "\xff", "\n", "1/0", "-"};
    if (!e.empty() && rng_() % 2 == 0) return e.erase(rng_() % e.size(), 1 + rng_() % 4);
    return e.insert(e.empty() ? 0 : rng_() % e.size(), kBits[rng_() % std::size(kBits)]);
  }

  std::mt19937 rng_;
  std::vector<std::string> ids_;
};

// Fills, moves between steps, adds rows, then drafts and submits a compiled form.
void exercise(const FormPtr& form, Mutator* m) {
  Result<FormState> created = FormState::create(form, "2026-08-15");
  ASSERT_TRUE(created.ok()) << to_string(created.errors().front());
  FormState s = std::move(created).value();
  for (int edit = 0; edit < 25; ++edit) {
    const json view = view_step(s, "sv");
    const json& fields = view["fields"];
    if (!fields.empty()) {
      const json& field = fields[m->next() % fields.size()];
      const std::string path = field["path"];
      if (field["type"] == "group") (void)s.add_row(path);
      else (void)s.set_answer(path, m->answer(field));
    }
    if (m->next() % 4 == 0) s.next();
    if (m->next() % 7 == 0) s.back();
  }
  (void)s.errors("en");
  const CanonicalSubmission c = canonical_submission(s);
  EXPECT_EQ(submission_document(c).dump(), c.bytes);
  (void)restore_draft(form, make_draft(s), "2026-08-15");
  const Result<FormState> again = FormState::create(form, "2026-08-15", s.answers());
  ASSERT_TRUE(again.ok()) << to_string(again.errors().front());
  EXPECT_EQ(canonical_submission(again.value()).bytes, c.bytes);
}

TEST(MutatedForms, AreRefusedWithErrorsOrWorkWithoutThrowing) {
  const std::vector<std::string> definitions = testing::example_form_definitions();
  ASSERT_GE(definitions.size(), 4u);
  Mutator m(20261205);
  int compiled = 0, refused = 0;
  for (int round = 0; round < 1200; ++round) {
    const std::string text = m.mutate(definitions[static_cast<size_t>(round) % definitions.size()]);
    try {
      const Result<FormPtr> form = compile_form(text);
      if (!form.ok()) {
        ASSERT_FALSE(form.errors().empty());
        EXPECT_FALSE(form.errors().front().code.empty());
        ++refused;
        continue;
      }
      ++compiled;
      exercise(form.value(), &m);
      if (::testing::Test::HasFatalFailure()) FAIL() << "in round " << round << ", definition: " << text.substr(0, 2000);
    } catch (const std::exception& e) {
      FAIL() << "round " << round << " threw " << e.what() << "\ndefinition: " << text.substr(0, 2000);
    }
  }
  // Both paths ran: most damage is refused, and some damaged forms still compile.
  EXPECT_GT(compiled, 20);
  EXPECT_GT(refused, 600);
}

}  // namespace
}  // namespace blankett
