// `blankett test <folder | form.json | scenario.json>`: runs the scenario tests of every
// form found (a form.json: that form's tests/), or one scenario file, and prints one line
// per scenario, the differences of each failure (a scenario that is not JSON: file:line:
// column: json.syntax, as lint says it), and a closing "N passed, N failed" line, or
// "no scenario tests found under <path>" when nothing ran.
#pragma once
#include <ostream>
#include <string>

namespace blankett {

// The text `blankett test --help` prints.
extern const char kTestUsage[];

// Returns 0 only if every scenario passed (and at least one ran), else 1; 2 when
// nothing could be found at `path`.
int test_command(const std::string& path, std::ostream& out);

}  // namespace blankett
