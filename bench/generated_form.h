// Generated forms for benchmarks: `fields` fields in steps of 50, about half with
// visible_if on 1–3 earlier fields, every tenth with a constraint, every twentieth a
// calculated sum. The field "hub" is read (directly or through calculations) by about a
// tenth of the rules, the rest never reach it: editing it is the benchmark's keystroke.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

namespace blankett::bench {

struct GeneratedForm {
  nlohmann::json definition;
  int rules = 0;           // fields with visible_if, calculate or constraints
  int hub_dependents = 0;  // of those, the ones that read "hub" directly or transitively
};

GeneratedForm generated_form(int fields, unsigned seed = 42);

}  // namespace blankett::bench
