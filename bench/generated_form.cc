#include "generated_form.h"

#include <random>
#include <vector>

namespace blankett::bench {

using nlohmann::json;

GeneratedForm generated_form(int fields, unsigned seed) {
  std::mt19937 rng(seed);
  GeneratedForm out;
  json steps = json::array();
  json step_fields = json::array();
  // Fields that (transitively) read the hub, and fields that must never reach it.
  std::vector<std::string> reaches_hub = {"hub"};
  std::vector<std::string> plain;
  auto pick = [&](const std::vector<std::string>& from) { return from[rng() % from.size()]; };
  auto flush_step = [&](bool force) {
    if (step_fields.empty() || (!force && step_fields.size() < 50)) return;
    const std::string id = "step_" + std::to_string(steps.size());
    steps.push_back({{"id", id}, {"title", "Step " + std::to_string(steps.size() + 1)}, {"fields", step_fields}});
    step_fields = json::array();
  };

  step_fields.push_back({{"id", "hub"}, {"type", "integer"}, {"label", "Hub"}, {"min", 0}});
  for (int i = 1; i < fields; ++i) {
    const std::string id = "f" + std::to_string(i);
    json f = {{"id", id}, {"label", "Field " + std::to_string(i)}};
    const bool dependent = i > 1 && rng() % 16 == 0;  // ~6% of fields: ~10% of the rules
    const auto& source = dependent ? reaches_hub : plain;
    if (i % 20 == 0 && plain.size() >= 3) {
      // A calculated sum of three earlier numbers.
      f["type"] = "integer";
      std::string expr = dependent ? "hub" : pick(source);
      for (int k = 0; k < 2; ++k) expr += " + " + pick(source);
      f["calculate"] = expr;
    } else {
      f["type"] = "integer";
      f["min"] = 0;
      f["max"] = 100000;
      if ((i % 2 == 0 || dependent) && (dependent || plain.size() >= 3)) {
        // 1–3 comparisons joined by "and". A hub-side rule reads the hub itself first, with
        // a threshold between the two values the benchmark alternates (3 and 27), so every
        // edit flips it and the change cascades to what reads it.
        const int refs = 1 + static_cast<int>(rng() % 3);
        std::string expr = dependent ? "hub > " + std::to_string(4 + rng() % 22) : pick(plain) + " > " + std::to_string(rng() % 30);
        for (int k = 1; k < refs; ++k) expr += " and " + pick(source) + " > " + std::to_string(rng() % 30);
        f["visible_if"] = expr;
      }
      if (i % 10 == 5) {
        f["constraints"] = json::array({{{"rule", id + " != 13"}, {"message", "Not 13"}}});
      }
      if (i % 7 == 3) f["required"] = true;
    }
    if (f.contains("visible_if") || f.contains("calculate") || f.contains("constraints")) ++out.rules;
    (dependent ? reaches_hub : plain).push_back(id);
    step_fields.push_back(std::move(f));
    flush_step(false);
  }
  flush_step(true);
  out.definition = {{"format", 1}, {"id", "generated-" + std::to_string(fields)}, {"title", "Generated form"}, {"languages", {"en"}}, {"steps", steps}};
  out.hub_dependents = static_cast<int>(reaches_hub.size()) - 1;
  return out;
}

}  // namespace blankett::bench
