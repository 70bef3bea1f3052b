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

// What the new files' "$schema" say: paths relative to each file's folder, "" to leave
// "$schema" out.
struct SchemaReferences {
  std::string form;      // from <forms>/<id>/ to form.schema.json
  std::string scenario;  // from <forms>/<id>/tests/ to scenario.schema.json
};

// The repository's schemas as seen from a new form <forms_dir>/<form_id>: found in
// forms_dir or the nearest folder above it that is, or has, a forms/ folder with
// form.schema.json. Both "" when there is none (a forms folder outside the repository):
// a "$schema" that points nowhere would only confuse editors.
SchemaReferences schema_references(const std::string& forms_dir, const std::string& form_id);

// The files a new form starts with: form.json and tests/happy-path.json.
struct FormScaffold {
  std::string form_json;
  std::string scenario_json;
};
FormScaffold form_scaffold(const std::string& form_id, const SchemaReferences& schemas = {});

// Exit 0 when written, 1 when the folder exists (nothing is overwritten) or cannot be
// written, 2 on usage errors (including an invalid id).
int new_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace blankett
