// Scenario tests (docs/scenario-tests.md): a scripted walk through a form with
// expectations at each point. Pure: the caller reads the files, so the command line,
// the developer preview and the browser can all run them.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "blankett/form.h"

namespace blankett {

struct ScenarioFailure {
  int action = -1;      // index into "actions"; -1 for the scenario as a whole
  std::string pointer;  // JSON Pointer into the scenario file ("/actions/3/expect/errors")
  std::string message;  // what differed: expected … but got …
};

struct ScenarioResult {
  std::string name;
  bool passed = false;
  std::vector<ScenarioFailure> failures;
  nlohmann::json final_answers;  // the answers as typed when the scenario ended
};

// Runs one scenario against a compiled form. Every expectation is checked (the run
// does not stop at the first difference); a malformed scenario is a failure too.
ScenarioResult run_scenario(const FormPtr& form, const nlohmann::json& scenario);

}  // namespace blankett
