// `blankett test <folder | scenario.json>`: runs the scenario tests of every form found
// and prints one line per scenario, the differences of each failure, and a closing
// "N passed, N failed" line.
#pragma once
#include <ostream>
#include <string>

namespace blankett {

// Returns 0 only if every scenario passed (and at least one ran), else 1; 2 when
// nothing could be found at `path`.
int test_command(const std::string& path, std::ostream& out);

}  // namespace blankett
