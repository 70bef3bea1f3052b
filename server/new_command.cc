#include "new_command.h"

#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>

#include <nlohmann/json.hpp>

namespace blankett {

const char kNewUsage[] = "usage: blankett new <form-id> [--forms DIR]\n";

namespace {

namespace fs = std::filesystem;


// The id goes into the templates as it is: ids are [a-z][a-z0-9-]*, nothing to escape.
// The template's "$schema" line is there only when there is a schema to point at.
std::string fill(std::string text, const std::string& form_id, const std::string& schema) {
  for (size_t at = text.find("@ID@"); at != std::string::npos; at = text.find("@ID@", at + form_id.size())) {
    text.replace(at, 4, form_id);
  }
  const std::string line = schema.empty() ? "" : "  \"$schema\": " + nlohmann::json(schema).dump() + ",\n";
  return text.replace(text.find("@SCHEMA@"), 8, line);
}

// The folder of the repository's JSON schemas (form.schema.json, scenario.schema.json):
// `forms_dir` or the nearest folder above it that is such a folder or has one named
// forms/. nullopt when there is none, e.g. forms kept in a repository of their own.
std::optional<fs::path> find_schema_folder(const fs::path& forms_dir) {
  std::error_code ec;
  fs::path dir = fs::weakly_canonical(fs::absolute(forms_dir, ec), ec);
  if (ec) return std::nullopt;
  for (;;) {
    for (const fs::path& candidate : {dir, dir / "forms"}) {
      if (fs::is_regular_file(candidate / "form.schema.json", ec)) return candidate;
    }
    if (!dir.has_relative_path()) return std::nullopt;  // the root
    dir = dir.parent_path();
  }
}

// `target` as seen from the folder `from` ("../form.schema.json"), with forward slashes
// as JSON Schema references want them; "" when `target` is not a file.
std::string schema_reference(const fs::path& target, const fs::path& from) {
  std::error_code ec;
  if (!fs::is_regular_file(target, ec)) return "";
  const fs::path relative = fs::relative(target, fs::weakly_canonical(fs::absolute(from, ec), ec), ec);
  return ec ? "" : relative.generic_string();
}

constexpr char kFormTemplate[] = R"({
@SCHEMA@  "format": 1,
  "id": "@ID@",
  "title": { "sv": "Ny e-tjänst", "en": "New e-service", "nb": "Ny e-tjeneste" },
  "description": {
    "sv": "Beskriv vad e-tjänsten är till för och vem som kan ansöka.",
    "en": "Describe what the e-service is for and who can apply.",
    "nb": "Beskriv hva e-tjenesten er til og hvem som kan søke."
  },
  "languages": ["sv", "en", "nb"],
  "steps": [
    {
      "id": "applicant",
      "title": { "sv": "Sökande", "en": "Applicant", "nb": "Søker" },
      "fields": [
        {
          "id": "name",
          "type": "text",
          "label": { "sv": "Ditt namn", "en": "Your name", "nb": "Ditt navn" },
          "required": true,
          "max_length": 100
        },
        {
          "id": "pnr",
          "type": "personnummer",
          "label": { "sv": "Ditt personnummer", "en": "Your personal identity number", "nb": "Ditt personnummer" },
          "hint": { "sv": "12 siffror, ÅÅÅÅMMDD-NNNN", "en": "12 digits, YYYYMMDD-NNNN", "nb": "12 sifre, ÅÅÅÅMMDD-NNNN" },
          "required": true
        },
        {
          "id": "contact",
          "type": "choice",
          "label": { "sv": "Hur vill du bli kontaktad?", "en": "How do you want to be contacted?", "nb": "Hvordan vil du bli kontaktet?" },
          "required": true,
          "options": [
            { "value": "email", "label": { "sv": "E-post", "en": "Email", "nb": "E-post" } },
            { "value": "letter", "label": { "sv": "Brev", "en": "Letter", "nb": "Brev" } }
          ]
        },
        {
          "id": "email",
          "type": "email",
          "label": { "sv": "E-postadress", "en": "Email address", "nb": "E-postadresse" },
          "visible_if": "contact == 'email'",
          "required": true
        }
      ]
    },
    {
      "id": "errand",
      "title": { "sv": "Ärende", "en": "Your errand", "nb": "Saken din" },
      "fields": [
        {
          "id": "description",
          "type": "textarea",
          "label": { "sv": "Beskriv ditt ärende", "en": "Describe your errand", "nb": "Beskriv saken din" },
          "required": true,
          "max_length": 2000
        }
      ]
    }
  ]
}
)";

constexpr char kScenarioTemplate[] = R"({
@SCHEMA@  "name": "A complete application by email passes; the email field shows only when email is chosen",
  "today": "2026-08-15",
  "language": "en",
  "actions": [
    { "set": { "name": "Alva Berg", "pnr": "19900101-0017", "contact": "letter" } },
    { "expect": { "hidden": ["email"], "step_valid": true } },
    { "set": { "contact": "email" } },
    { "expect": { "visible": ["email"], "required": ["email"], "step_valid": false } },
    { "set": { "email": "alva@example.se" } },
    { "next": true },
    { "expect": { "step": "errand" } },
    { "set": { "description": "Jag vill ansöka om …" } },
    {
      "expect": {
        "valid": true,
        "submission": {
          "name": "Alva Berg",
          "pnr": "19900101-0017",
          "contact": "email",
          "email": "alva@example.se",
          "description": "Jag vill ansöka om …"
        }
      }
    }
  ]
}
)";

bool write_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  return static_cast<bool>(out);
}

}  // namespace

FormScaffold form_scaffold(const std::string& form_id, const SchemaReferences& schemas) {
  return FormScaffold{fill(kFormTemplate, form_id, schemas.form), fill(kScenarioTemplate, form_id, schemas.scenario)};
}

SchemaReferences schema_references(const std::string& forms_dir, const std::string& form_id) {
  const std::optional<fs::path> folder = find_schema_folder(forms_dir);
  if (!folder) return {};
  const fs::path form_dir = fs::path(forms_dir) / form_id;
  return SchemaReferences{schema_reference(*folder / "form.schema.json", form_dir),
                          schema_reference(*folder / "scenario.schema.json", form_dir / "tests")};
}

int new_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::string forms_dir = "./forms";
  std::string form_id;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--forms" && i + 1 < args.size()) {
      forms_dir = args[++i];
    } else if (form_id.empty() && !args[i].empty() && args[i][0] != '-') {
      form_id = args[i];
    } else {
      err << kNewUsage;
      return 2;
    }
  }
  if (form_id.empty()) {
    err << kNewUsage;
    return 2;
  }
  if (!std::regex_match(form_id, std::regex("[a-z][a-z0-9-]{0,62}"))) {
    err << "blankett new: '" << form_id << "' is not a form id: use a–z, 0–9 and '-', starting with a letter (at most 63)\n";
    return 2;
  }
  const fs::path dir = fs::path(forms_dir) / form_id;
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    err << "blankett new: " << dir.string() << " already exists; nothing was written\n";
    return 1;
  }
  // Before the folder exists: weakly_canonical then resolves what it can.
  const SchemaReferences schemas = schema_references(forms_dir, form_id);
  const FormScaffold scaffold = form_scaffold(form_id, schemas);
  fs::create_directories(dir / "tests", ec);
  if (ec || !write_file(dir / "form.json", scaffold.form_json) || !write_file(dir / "tests" / "happy-path.json", scaffold.scenario_json)) {
    err << "blankett new: cannot write " << dir.string() << (ec ? ": " + ec.message() : std::string()) << "\n";
    return 1;
  }
  out << "blankett new: wrote " << (dir / "form.json").string() << " and " << (dir / "tests" / "happy-path.json").string() << "\n";
  if (schemas.form.empty()) {
    out << "note: no forms/form.schema.json in " << forms_dir << " or above it, so form.json has no \"$schema\" "
        << "(an editor then does not check the form as you type; the engine does not need it)\n";
  }
  out
      << "next: edit the form, then\n"
      << "  blankett lint " << dir.string() << "\n"
      << "  blankett test " << dir.string() << "\n";
  return 0;
}

}  // namespace blankett
