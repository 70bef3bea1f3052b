// `blankett lint <form.json | folder>`: loads every form and prints every problem in
// compiler style (file:line:column: code: message [pointer]) so editors can jump to it.
#pragma once
#include <ostream>
#include <string>

namespace blankett {

// The text `blankett lint --help` prints.
extern const char kLintUsage[];

// Returns the process exit code: 0 when every form loads cleanly, 1 on any problem,
// 2 when nothing could be found at `path`.
int lint_command(const std::string& path, std::ostream& out);

}  // namespace blankett
