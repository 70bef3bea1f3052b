#include "test_command.h"

#include <filesystem>

#include "blankett/form.h"
#include "blankett/json_input.h"
#include "blankett/scenario.h"
#include "files.h"

namespace fs = std::filesystem;

namespace blankett {

const char kTestUsage[] =
    "usage: blankett test <folder | form.json | scenario.json>\n"
    "  runs the scenario tests (tests/*.json beside each form.json) of the form, of every\n"
    "  form under the folder, or one scenario file. Exit 0 when every scenario passed,\n"
    "  1 on a failure or when no scenario ran, 2 when there is no form at the path.\n";

namespace {

struct Tally {
  int passed = 0;
  int failed = 0;
};

void run_file(const FormPtr& form, const std::string& file, std::ostream& out, Tally* tally) {
  const std::optional<std::string> text = read_file(file);
  nlohmann::json scenario;
  std::string problem;
  Error error;
  if (!text) {
    problem = "cannot read the file";
  } else if (!parse_json_input(*text, &scenario, &error)) {
    // Where, as lint says it: file:line:column: code: message [pointer] (a repeated key
    // has a pointer; a syntax error has none).
    problem = file + ":" + std::to_string(error.line) + ":" + std::to_string(error.column) + ": " + error.code + ": " + error.message;
    if (!error.pointer.empty()) problem += " [" + error.pointer + "]";
  }
  if (!problem.empty()) {
    ++tally->failed;
    out << "FAIL " << file << "\n  " << problem << "\n";
    return;
  }
  const ScenarioResult r = run_scenario(form, scenario);
  if (r.passed) {
    ++tally->passed;
    out << "PASS " << file << " — " << r.name << "\n";
    return;
  }
  ++tally->failed;
  out << "FAIL " << file << " — " << r.name << "\n";
  for (const ScenarioFailure& f : r.failures) {
    out << "  ";
    if (f.action >= 0) out << "action " << f.action << " ";
    out << "(" << (f.pointer.empty() ? "/" : f.pointer) << "): " << f.message << "\n";
  }
}

void run_form(const std::string& dir, const std::vector<std::string>& files, std::ostream& out, Tally* tally) {
  const std::optional<std::string> text = read_file(dir + "/form.json");
  const Result<FormPtr> form = text ? compile_form(*text) : Result<FormPtr>(Errors{Error{"file.unreadable", "", 0, 0, "cannot read form.json"}});
  if (!form.ok()) {
    for (const std::string& f : files) {
      ++tally->failed;
      out << "FAIL " << f << "\n  the form does not load:\n";
    }
    for (const Error& e : form.errors()) out << "  " << dir << "/form.json: " << to_string(e) << "\n";
    if (files.empty()) ++tally->failed;
    return;
  }
  for (const std::string& f : files) run_file(form.value(), f, out, tally);
}

}  // namespace

int test_command(const std::string& path, std::ostream& out) {
  Tally tally;
  std::error_code ec;
  if (fs::is_regular_file(path, ec) && fs::path(path).filename() == "form.json") {
    // A form's definition: that form's scenarios.
    const std::string dir = fs::path(path).parent_path().empty() ? "." : fs::path(path).parent_path().string();
    run_form(dir, find_scenarios(dir), out, &tally);
  } else if (fs::is_regular_file(path, ec)) {
    // One scenario file: its form is the form.json of the folder above tests/.
    const fs::path dir = fs::absolute(path).parent_path().parent_path();
    run_form(dir.string(), {path}, out, &tally);
  } else {
    const auto dirs = find_form_dirs(path);
    if (dirs.empty()) {
      out << path << ": error: no form.json here or in its subfolders\n";
      return 2;
    }
    for (const std::string& dir : dirs) {
      const auto files = find_scenarios(dir);
      if (files.empty()) out << "NOTE " << dir << ": no scenario tests in " << dir << "/tests/\n";
      run_form(dir, files, out, &tally);
    }
  }
  if (tally.passed == 0 && tally.failed == 0) {
    // Nothing ran: not a pass (a CI job must not go green on a folder without tests).
    out << "no scenario tests found under " << path << " (a form's tests are tests/*.json beside its form.json)\n";
    return 1;
  }
  out << tally.passed << " passed, " << tally.failed << " failed\n";
  return tally.failed == 0 ? 0 : 1;
}

}  // namespace blankett
