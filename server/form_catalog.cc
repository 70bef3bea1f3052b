#include "form_catalog.h"

#include "files.h"

namespace blankett {

Result<std::unique_ptr<FormCatalog>> FormCatalog::load(const std::string& forms_dir, Store store) {
  std::unique_ptr<FormCatalog> catalog(new FormCatalog(std::move(store)));
  Errors errors;
  const auto dirs = find_form_dirs(forms_dir);
  if (dirs.empty()) {
    return Errors{Error{"serve.no_forms", "", 0, 0, "no form.json in " + forms_dir + " or its subfolders"}};
  }
  for (const std::string& dir : dirs) {
    const std::string file = dir + "/form.json";
    const std::optional<std::string> text = read_file(file);
    if (!text) {
      errors.push_back(Error{"file.unreadable", "", 0, 0, "cannot read " + file});
      continue;
    }
    Result<FormPtr> form = compile_form(*text);
    if (!form.ok()) {
      for (Error e : form.errors()) {
        e.message = file + ": " + e.message;
        errors.push_back(std::move(e));
      }
      continue;
    }
    const FormPtr& f = form.value();
    if (catalog->current_.count(form_id(*f))) {
      errors.push_back(Error{"serve.duplicate_form", "/id", 0, 0, file + ": another folder already has the form '" + form_id(*f) + "'"});
      continue;
    }
    Result<bool> stored = put_form_version(catalog->store_, FormVersion{form_id(*f), form_version(*f), form_definition(*f).dump(), ""});
    if (!stored.ok()) {
      errors.insert(errors.end(), stored.errors().begin(), stored.errors().end());
      continue;
    }
    catalog->current_.emplace(form_id(*f), f);
    catalog->versions_.emplace(form_id(*f) + "/" + form_version(*f), f);
  }
  if (!errors.empty()) return errors;
  return catalog;
}

std::vector<FormPtr> FormCatalog::current() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<FormPtr> out;
  for (const auto& [id, form] : current_) out.push_back(form);
  return out;
}

FormPtr FormCatalog::current(std::string_view form_id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = current_.find(form_id);
  return it == current_.end() ? nullptr : it->second;
}

FormPtr FormCatalog::version(std::string_view form_id, std::string_view version) {
  if (!is_sha256_hex(version)) return nullptr;
  const std::string key = std::string(form_id) + "/" + std::string(version);
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = versions_.find(key);
  if (it != versions_.end()) return it->second;
  // An older version: read it back and compile it once. A stored version compiled
  // before, so this cannot fail unless the database was tampered with.
  Result<std::optional<FormVersion>> stored = get_form_version(store_, form_id, version);
  if (!stored.ok() || !stored.value()) return nullptr;
  Result<FormPtr> form = compile_form(stored.value()->definition);
  if (!form.ok() || blankett::form_version(*form.value()) != version) return nullptr;
  versions_.emplace(key, form.value());
  return form.value();
}

std::string FormCatalog::definition_text(const FormPtr& form) const { return form_definition(*form).dump(); }

}  // namespace blankett
