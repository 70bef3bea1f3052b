// Engine benchmark: load time, single-edit latency (p50/p99) and full validation on
// generated forms of 100, 1,000 and 5,000 fields. Prints one JSON object per line.
// Run: scripts/bench engine
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <vector>

#include "blankett/form.h"
#include "blankett/state.h"
#include "generated_form.h"

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[static_cast<size_t>(p * static_cast<double>(v.size() - 1))];
}

int run(int fields) {
  const blankett::bench::GeneratedForm generated = blankett::bench::generated_form(fields);
  const std::string text = generated.definition.dump(1);
  // Load: the median of several compiles of the same text.
  std::vector<double> loads;
  blankett::FormPtr form;
  for (int i = 0; i < 15; ++i) {
    const auto t = Clock::now();
    blankett::Result<blankett::FormPtr> r = blankett::compile_form(text);
    loads.push_back(ms_since(t));
    if (!r.ok()) {
      std::cerr << "generated form does not load: " << blankett::to_string(r.errors()[0]) << "\n";
      return 1;
    }
    form = r.value();
  }
  blankett::Result<blankett::FormState> created = blankett::FormState::create(form, "2026-08-15");
  blankett::FormState state = std::move(created).value();
  // Answer every plain field once so that rules have something to read.
  for (int f = 1; f < state.field_count(); f += 3) (void)state.set_answer("f" + std::to_string(f), 50);

  // Edits of the hub, alternating across the thresholds rules test (0..29), so each edit
  // flips visibility of part of the dependents. The dependents' count is reported.
  std::vector<double> edits;
  size_t touched = 0;
  const int kEdits = 4000;
  for (int i = 0; i < kEdits; ++i) {
    const int value = (i % 2 == 0) ? 3 : 27;
    const auto t = Clock::now();
    blankett::Result<blankett::Changes> r = state.set_answer("hub", value);
    edits.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t).count());
    touched = std::max(touched, r.value().fields.size());
  }
  std::vector<double> validations;
  for (int i = 0; i < 50; ++i) {
    const auto t = Clock::now();
    state.revalidate_all();
    validations.push_back(ms_since(t));
  }
  // The server's re-evaluation of a submission: a state made with all the answers at
  // once, against an empty state that set_answers() then fills (two evaluations).
  const nlohmann::json answers = state.answers();
  std::vector<double> two_pass, once;
  for (int i = 0; i < 30; ++i) {
    auto t = Clock::now();
    blankett::FormState filled = blankett::FormState::create(form, "2026-08-15").value();
    (void)filled.set_answers(answers);
    two_pass.push_back(ms_since(t));
    t = Clock::now();
    const blankett::Result<blankett::FormState> made = blankett::FormState::create(form, "2026-08-15", answers);
    once.push_back(ms_since(t));
    if (!made.ok() || made.value().valid() != filled.valid()) {
      std::cerr << "a state created with the answers differs from one filled afterwards\n";
      return 1;
    }
  }
  std::printf(
      "{\"bench\":\"engine\",\"fields\":%d,\"load_ms\":%.3f,\"edit_p50_us\":%.2f,\"edit_p99_us\":%.2f,\"validate_ms\":%.3f,"
      "\"reevaluate_ms\":%.3f,\"reevaluate_two_pass_ms\":%.3f,"
      "\"rules\":%d,\"rules_reading_edited_field\":%d,\"changed_fields_per_edit\":%zu,\"definition_bytes\":%zu}\n",
      fields, percentile(loads, 0.5), percentile(edits, 0.5), percentile(edits, 0.99), percentile(validations, 0.5),
      percentile(once, 0.5), percentile(two_pass, 0.5), generated.rules, generated.hub_dependents, touched, text.size());
  return 0;
}

}  // namespace

int main() {
  for (int fields : {100, 1000, 5000}) {
    if (run(fields) != 0) return 1;
  }
  return 0;
}
