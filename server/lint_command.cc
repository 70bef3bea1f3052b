#include "lint_command.h"

#include <algorithm>
#include <filesystem>

#include "blankett/form.h"
#include "blankett/usability.h"
#include "files.h"

namespace blankett {

const char kLintUsage[] =
    "usage: blankett lint <form.json | folder>\n"
    "  checks the form (or every form.json in the folder and its subfolders) and prints\n"
    "  each problem as file:line:column: code: message [pointer]. Exit 0 when every form\n"
    "  loads (warnings allowed), 1 on any problem, 2 when there is no form at the path.\n";

namespace {

int lint_file(const std::string& file, std::ostream& out) {
  const std::optional<std::string> text = read_file(file);
  if (!text) {
    out << file << ": error: cannot read the file\n";
    return 1;
  }
  const Result<FormPtr> form = compile_form(*text);
  if (form.ok()) {
    // Advice, not errors: the form works, but people will find it hard to fill in.
    const Errors warnings = usability_warnings(*form.value(), *text);
    for (const Error& w : warnings) {
      out << file << ":" << w.line << ": warning: " << w.code << ": " << w.message << " [" << w.pointer << "]\n";
    }
    out << file << ": ok (" << form_id(*form.value()) << ", version " << form_version(*form.value()).substr(0, 12);
    if (!warnings.empty()) out << ", " << warnings.size() << " warning" << (warnings.size() == 1 ? "" : "s");
    out << ")\n";
    return 0;
  }
  // In file order, as a compiler would list them (the engine lists them by kind).
  Errors errors = form.errors();
  std::stable_sort(errors.begin(), errors.end(), [](const Error& a, const Error& b) { return a.line < b.line; });
  for (const Error& e : errors) {
    out << file << ":" << e.line << ":";
    if (e.column > 0) out << e.column << ":";
    out << " " << e.code << ": " << e.message << " [" << (e.pointer.empty() ? "/" : e.pointer) << "]\n";
  }
  out << file << ": " << form.errors().size() << " problem" << (form.errors().size() == 1 ? "" : "s") << "\n";
  return 1;
}

}  // namespace

int lint_command(const std::string& path, std::ostream& out) {
  std::error_code ec;
  if (std::filesystem::is_regular_file(path, ec)) return lint_file(path, out);
  const auto dirs = find_form_dirs(path);
  if (dirs.empty()) {
    out << path << ": error: no form.json here or in its subfolders\n";
    return 2;
  }
  int status = 0;
  for (const std::string& dir : dirs) status = std::max(status, lint_file(dir + "/form.json", out));
  return status;
}

}  // namespace blankett
