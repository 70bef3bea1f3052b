// `blankett lint <form.json | folder>`: loads every form and prints every problem in
// compiler style (file:line:column: code: message [pointer]) so editors can jump to it.
#pragma once
#include <ostream>
#include <string>

#include "blankett/error.h"

namespace blankett {

// The text `blankett lint --help` prints.
extern const char kLintUsage[];

// Returns the process exit code: 0 when every form loads cleanly, 1 on any problem,
// 2 when nothing could be found at `path`.
int lint_command(const std::string& path, std::ostream& out);

// A form's problems as lint prints them, one line each in file order (the engine lists
// them by kind); the caller adds the count line. `blankett publish` prints the same.
void print_form_problems(const std::string& file, Errors errors, std::ostream& out);

}  // namespace blankett
