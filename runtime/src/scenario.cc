// Runs scenario tests (blankett/scenario.h) through the public engine API only, exactly
// as a UI would drive it.
#include "blankett/scenario.h"

#include "blankett/signers.h"
#include "blankett/state.h"
#include "blankett/submission.h"
#include "blankett/view.h"
#include "json_text.h"

namespace blankett {
namespace {

using nlohmann::json;

// std::stoi(s), or -1 where std::stoi throws (no digits; beyond int). Like strtol: white
// space first, then a sign, then decimal digits up to the first other character.
int stoi_or_minus_one(const std::string& s) {
  size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r'))) ++i;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
  const size_t digits = i;
  long long n = 0;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
    n = n * 10 + (s[i] - '0');
    if (n > 2147483648LL) return -1;  // beyond int whatever the sign
  }
  if (i == digits) return -1;
  if (negative) n = -n;
  if (n > 2147483647LL) return -1;
  return static_cast<int>(n);
}

struct Runner {
  ScenarioResult* result;
  FormState* state;
  std::string lang;
  int action = -1;
  std::string base;  // pointer of the current action

  void fail(const std::string& where, std::string message) {
    result->failures.push_back(ScenarioFailure{action, base + where, std::move(message)});
  }

  // "children/0/child_name" or "/children/0/child_name" → field and row.
  bool resolve(const std::string& raw, int* field, int* row, const std::string& where) {
    const std::string path = !raw.empty() && raw[0] == '/' ? raw.substr(1) : raw;
    const size_t a = path.find('/');
    if (a == std::string::npos) {
      *field = state->find_field(path);
      *row = -1;
    } else {
      const size_t b = path.find('/', a + 1);
      *field = b == std::string::npos ? -1 : state->find_field(path.substr(b + 1));
      const int group = state->find_field(path.substr(0, a));
      *row = -1;
      if (*field >= 0 && group >= 0) {
        *row = stoi_or_minus_one(path.substr(a + 1, b - a - 1));
        if (*row < 0 || *row >= state->row_count(group)) *field = -1;
      }
    }
    if (*field < 0) fail(where, "no field or row '" + raw + "' in the form");
    return *field >= 0;
  }

  std::vector<std::string> string_list(const json& v, const std::string& where) {
    std::vector<std::string> out;
    if (v.is_string()) return {v.get<std::string>()};
    if (!v.is_array()) {
      fail(where, "must be a list of paths");
      return out;
    }
    for (const auto& x : v) {
      if (x.is_string()) out.push_back(x.get<std::string>());
      else fail(where, "must be a list of paths");
    }
    return out;
  }

  void report_errors(const Errors& errors, const std::string& where) {
    for (const Error& e : errors) fail(where, e.message);
  }

  // The visible error of a field instance ({code, message}) or null; info has none.
  json field_error(int f, int row) const {
    const json field = view_field(*state, f, row, lang);
    if (!field.is_object() || field.value("visible", false) != true) return nullptr;
    return field.value("error", json());
  }

  void expect(const json& e) {
    if (!e.is_object()) {
      fail("/expect", "must be an object of expectations");
      return;
    }
    for (const auto& [key, v] : e.items()) {
      const std::string where = "/expect/" + pointer_token(key);
      if (key == "step") {
        const std::string actual = view_step(*state, lang)["step"]["id"];
        if (v != actual) fail(where, "expected to be on step " + v.dump() + " but on \"" + actual + "\"");
      } else if (key == "visible_steps") {
        json actual = json::array();
        for (int s : state->visible_steps()) actual.push_back(view_step(*state, lang)["steps"][static_cast<size_t>(s)]["id"]);
        if (v != actual) fail(where, "expected visible steps " + v.dump() + " but got " + actual.dump());
      } else if (key == "visible" || key == "hidden" || key == "required" || key == "optional") {
        for (const std::string& p : string_list(v, where)) {
          int f, row;
          if (!resolve(p, &f, &row, where)) continue;
          const bool want_true = key == "visible" || key == "required";
          const bool actual = key == "visible" || key == "hidden" ? state->visible(f, row) : state->required(f, row);
          if (actual != want_true) fail(where, "expected '" + p + "' to be " + key + " but it is not");
        }
      } else if (key == "errors") {
        if (!v.is_object()) { fail(where, "must map paths to lists of messages"); continue; }
        for (const auto& [p, want] : v.items()) {
          int f, row;
          if (!resolve(p, &f, &row, where)) continue;
          const json error = field_error(f, row);
          json actual = json::array();
          if (!error.is_null()) actual.push_back(error["message"]);
          const json wanted = want.is_string() ? json::array({want}) : want;
          if (wanted != actual) fail(where + "/" + pointer_token(p), "expected errors " + wanted.dump() + " on '" + p + "' but got " + actual.dump());
        }
      } else if (key == "no_errors") {
        for (const std::string& p : string_list(v, where)) {
          int f, row;
          if (!resolve(p, &f, &row, where)) continue;
          const json error = field_error(f, row);
          if (!error.is_null()) fail(where, "expected no error on '" + p + "' but got " + error["message"].dump());
        }
      } else if (key == "step_valid") {
        const bool actual = state->step_valid(state->current_step());
        if (v != actual) fail(where, std::string("expected the step to be ") + (actual ? "invalid" : "valid") + " but it is " + (actual ? "valid" : "invalid: " + json(error_summary(state->step_errors(state->current_step(), lang))).dump()));
      } else if (key == "valid") {
        const bool actual = state->valid();
        if (v != actual) fail(where, std::string("expected the form to be ") + (actual ? "invalid" : "valid") + " but it is " + (actual ? "valid" : "invalid: " + json(error_summary(state->errors(lang))).dump()));
      } else if (key == "values") {
        if (!v.is_object()) { fail(where, "must map paths to values"); continue; }
        for (const auto& [p, want] : v.items()) {
          int f, row;
          if (!resolve(p, &f, &row, where)) continue;
          const json actual = state->value(f, row);
          const bool same = actual == want || (actual.is_number() && want.is_number() && actual.get<double>() == want.get<double>());
          if (!same) fail(where + "/" + pointer_token(p), "expected value " + want.dump() + " for '" + p + "' but got " + actual.dump());
        }
      } else if (key == "submission") {
        const json actual = submission_document(canonical_submission(*state))["answers"];
        if (v != actual) fail(where, "expected submission answers " + v.dump() + " but got " + actual.dump());
      } else if (key == "submission_sha256") {
        const std::string actual = canonical_submission(*state).sha256;
        if (v != actual) fail(where, "expected submission SHA-256 " + v.dump() + " but got \"" + actual + "\"");
      } else if (key == "signers") {
        json actual = json::array();
        for (const RequiredSigner& s : required_signers(*state)) actual.push_back(s.id);
        if (!v.is_array()) fail(where, "must be a list of signer ids, e.g. [\"guardian2\"] (or [] for none)");
        else if (v != actual) fail(where, "expected signers " + v.dump() + " but got " + actual.dump());
      } else if (key == "progress") {
        const Progress p = state->progress();
        const json actual = {{"position", p.position}, {"count", p.count}};
        if (v != actual) fail(where, "expected progress " + v.dump() + " but got " + actual.dump());
      } else {
        fail(where, "unknown expectation '" + key + "'");
      }
    }
  }

  static std::vector<std::string> error_summary(const Errors& errors) {
    std::vector<std::string> out;
    for (const Error& e : errors) out.push_back(e.pointer + ": " + e.message);
    return out;
  }

  void run_action(const json& a) {
    if (!a.is_object() || a.size() != 1) {
      fail("", "an action is an object with one key: set, clear, add_row, remove_row, next, back, goto or expect");
      return;
    }
    const std::string kind = a.begin().key();
    const json& v = a.begin().value();
    const std::string where = "/" + kind;
    if (kind == "set") {
      if (!v.is_object()) { fail(where, "must map paths to answers"); return; }
      for (const auto& [p, value] : v.items()) {
        const std::string path = !p.empty() && p[0] == '/' ? p.substr(1) : p;
        Result<Changes> r = state->set_answer(path, value);
        if (!r.ok()) report_errors(r.errors(), where + "/" + pointer_token(p));
      }
    } else if (kind == "clear") {
      for (const std::string& p : string_list(v, where)) {
        Result<Changes> r = state->clear_answer(!p.empty() && p[0] == '/' ? p.substr(1) : p);
        if (!r.ok()) report_errors(r.errors(), where);
      }
    } else if (kind == "add_row") {
      if (!v.is_string()) { fail(where, "must name a repeat group"); return; }
      Result<Changes> r = state->add_row(v.get<std::string>());
      if (!r.ok()) report_errors(r.errors(), where);
    } else if (kind == "remove_row") {
      const std::string s = v.is_string() ? v.get<std::string>() : "";
      const size_t slash = s.find('/');
      int row = -1;
      if (slash != std::string::npos) row = stoi_or_minus_one(s.substr(slash + 1));
      if (row < 0) { fail(where, "must be \"group/row\", e.g. \"children/0\""); return; }
      Result<Changes> r = state->remove_row(s.substr(0, slash), row);
      if (!r.ok()) report_errors(r.errors(), where);
    } else if (kind == "next") {
      state->next();
    } else if (kind == "back") {
      state->back();
    } else if (kind == "goto") {
      const int step = v.is_string() ? state->find_step(v.get<std::string>()) : -1;
      if (step < 0) fail(where, "no step " + v.dump());
      else if (!state->go_to(step)) fail(where, "step " + v.dump() + " is hidden and cannot be opened");
    } else if (kind == "expect") {
      expect(v);
    } else {
      fail("", "unknown action '" + kind + "'");
    }
  }
};

// The form's languages as the scenario schema writes them ("sv, en"), or "" when `lang`
// is one of them.
std::string languages_without(const FormPtr& form, const std::string& lang) {
  std::string list;
  for (const std::string& l : form_languages(*form)) {
    if (l == lang) return "";
    list += (list.empty() ? "" : ", ") + l;
  }
  return list;
}

}  // namespace

ScenarioResult run_scenario(const FormPtr& form, const json& scenario) {
  ScenarioResult result;
  if (!scenario.is_object()) {
    result.failures.push_back(ScenarioFailure{-1, "", "a scenario is a JSON object"});
    return result;
  }
  // value<std::string>() would throw for a name or language of another type.
  auto text_member = [&](const char* key, const char* fallback) -> std::string {
    if (!scenario.contains(key)) return fallback;
    if (scenario[key].is_string()) return scenario[key].get<std::string>();
    result.failures.push_back(ScenarioFailure{-1, std::string("/") + key, std::string("'") + key + "' must be a string"});
    return fallback;
  };
  result.name = text_member("name", "(unnamed)");
  for (const auto& [key, value] : scenario.items()) {
    (void)value;
    if (key != "name" && key != "today" && key != "language" && key != "actions" && key != "$schema") {
      result.failures.push_back(ScenarioFailure{-1, "/" + pointer_token(key), "unknown key '" + key + "'"});
    }
  }
  const std::string today = scenario.contains("today") && scenario["today"].is_string() ? scenario["today"].get<std::string>() : "2026-01-01";
  Result<FormState> created = FormState::create(form, today);
  if (!created.ok()) {
    result.failures.push_back(ScenarioFailure{-1, "/today", created.errors().front().message});
    return result;
  }
  FormState state = std::move(created).value();
  Runner runner{&result, &state, text_member("language", ""), -1, ""};
  if (scenario.contains("language") && scenario["language"].is_string()) {
    // Messages in a language the form lacks fall back to its first language: the
    // scenario would compare texts nobody reads in the language it names.
    const std::string others = languages_without(form, runner.lang);
    if (!others.empty()) {
      result.failures.push_back(ScenarioFailure{-1, "/language", "the form has no language '" + runner.lang + "' (it has " + others + ")"});
      return result;
    }
  }
  if (!scenario.contains("actions") || !scenario["actions"].is_array()) {
    result.failures.push_back(ScenarioFailure{-1, "/actions", "'actions' must be an array"});
    return result;
  }
  const json& actions = scenario["actions"];
  for (size_t i = 0; i < actions.size(); ++i) {
    runner.action = static_cast<int>(i);
    runner.base = "/actions/" + std::to_string(i);
    runner.run_action(actions[i]);
  }
  result.final_answers = state.answers();
  result.passed = result.failures.empty();
  return result;
}

}  // namespace blankett
