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

// The name of the folder that holds `file` ("forms/x/form.json", "./form.json",
// "form.json" run inside forms/x: all "x").
std::string folder_name_of(const std::string& file) {
  std::error_code ec;
  std::filesystem::path folder = std::filesystem::absolute(file, ec).lexically_normal().parent_path();
  return folder.filename().string();
}

// A form.json sits in its form's folder, which must be named after the form's id; a
// definition under any other file name (a draft, a copy) is not in a form folder.
Errors folder_errors(const std::string& file, const CompiledForm& form, const std::string& text) {
  if (std::filesystem::path(file).filename() != "form.json") return {};
  return check_folder_name(form, folder_name_of(file), text);
}

void print_warnings_and_ok(const std::string& file, const CompiledForm& form, const std::string& text, std::ostream& out) {
  // Advice, not errors: the form works, but people will find it hard to fill in.
  const Errors warnings = usability_warnings(form, text);
  for (const Error& w : warnings) {
    out << file << ":" << w.line << ": warning: " << w.code << ": " << w.message << " [" << w.pointer << "]\n";
  }
  out << file << ": ok (" << form_id(form) << ", version " << form_version(form).substr(0, 12);
  if (!warnings.empty()) out << ", " << warnings.size() << " warning" << (warnings.size() == 1 ? "" : "s");
  out << ")\n";
}

void print_problems(const std::string& file, const Errors& errors, std::ostream& out) {
  print_form_problems(file, errors, out);
  out << file << ": " << errors.size() << " problem" << (errors.size() == 1 ? "" : "s") << "\n";
}

int lint_file(const std::string& file, std::ostream& out) {
  const std::optional<std::string> text = read_file(file);
  if (!text) {
    out << file << ": error: cannot read the file\n";
    return 1;
  }
  const Result<FormPtr> form = compile_form(*text);
  const Errors errors = form.ok() ? folder_errors(file, *form.value(), *text) : form.errors();
  if (errors.empty()) {
    print_warnings_and_ok(file, *form.value(), *text, out);
    return 0;
  }
  print_problems(file, errors, out);
  return 1;
}

}  // namespace

void print_form_problems(const std::string& file, Errors errors, std::ostream& out) {
  std::stable_sort(errors.begin(), errors.end(), [](const Error& a, const Error& b) { return a.line < b.line; });
  for (const Error& e : errors) {
    out << file << ":" << e.line << ":";
    if (e.column > 0) out << e.column << ":";
    out << " " << e.code << ": " << e.message << " [" << (e.pointer.empty() ? "/" : e.pointer) << "]\n";
  }
}

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
