// `blankett new <form-id> [--forms ./forms]`: scaffolds forms/<form-id>/form.json (two
// steps, translated into sv, en and nb, one conditional field) and one passing scenario,
// tests/happy-path.json, so that a form developer starts from something that lints,
// tests and previews, and edits from there.
#pragma once
#include <ostream>
#include <string>
#include <vector>

namespace blankett {

// The text `blankett new --help` prints.
extern const char kNewUsage[];

// The files a new form starts with: form.json and tests/happy-path.json.
struct FormScaffold {
  std::string form_json;
  std::string scenario_json;
};
FormScaffold form_scaffold(const std::string& form_id);

// Exit 0 when written, 1 when the folder exists (nothing is overwritten) or cannot be
// written, 2 on usage errors (including an invalid id).
int new_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace blankett
