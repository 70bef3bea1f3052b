#include "form_catalog.h"

#include <filesystem>

#include "files.h"
#include "publications.h"

namespace blankett {

namespace {

// The last part of `dir`, however it is written ("forms/x", "forms/x/", "." inside x).
std::string folder_name(const std::string& dir) {
  std::error_code ec;
  std::filesystem::path path = std::filesystem::absolute(dir, ec).lexically_normal();
  if (!path.has_filename()) path = path.parent_path();
  return path.filename().string();
}

std::string version_key(std::string_view form_id, std::string_view version) {
  return std::string(form_id) + "/" + std::string(version);
}

}  // namespace

Result<std::unique_ptr<FormCatalog>> FormCatalog::load(const std::string& forms_dir, Store store) {
  std::unique_ptr<FormCatalog> catalog(new FormCatalog(std::move(store)));
  Errors errors;
  std::map<std::string, std::string> folder_of;  // form id → folder file, for duplicates
  for (const std::string& dir : find_form_dirs(forms_dir)) {
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
    // The folder says which form it holds; a copy left under an old name would otherwise
    // be served as whichever form its id names.
    const Errors misnamed = check_folder_name(*f, folder_name(dir), *text);
    if (!misnamed.empty()) {
      for (Error e : misnamed) {
        e.message = file + ": " + e.message;
        errors.push_back(std::move(e));
      }
      continue;
    }
    if (!folder_of.emplace(form_id(*f), file).second) {
      errors.push_back(Error{"serve.duplicate_form", "/id", 0, 0, file + ": another folder already has the form '" + form_id(*f) + "'"});
      continue;
    }
    Result<bool> stored = put_form_version(catalog->store_, FormVersion{form_id(*f), form_version(*f), form_definition(*f).dump(), ""});
    if (!stored.ok()) {
      errors.insert(errors.end(), stored.errors().begin(), stored.errors().end());
      continue;
    }
    Result<bool> published = publish_from_folder(catalog->store_, form_id(*f), form_version(*f));
    if (!published.ok()) {
      errors.insert(errors.end(), published.errors().begin(), published.errors().end());
      continue;
    }
    catalog->versions_.emplace(version_key(form_id(*f), form_version(*f)), f);
  }
  if (!errors.empty()) return errors;

  // What citizens get is what the store says is current: the folder's version, or an
  // upload approved since, or nothing for an unpublished form.
  Result<std::vector<Publication>> current = current_published(catalog->store_);
  if (!current.ok()) return current.errors();
  for (const Publication& p : current.value()) {
    Result<FormPtr> form = catalog->compiled_locked(p.form_id, p.version);
    if (!form.ok()) {
      errors.insert(errors.end(), form.errors().begin(), form.errors().end());
      continue;
    }
    catalog->current_.emplace(p.form_id, form.value());
  }
  if (!errors.empty()) return errors;
  if (folder_of.empty() && catalog->current_.empty()) {
    return Errors{Error{"serve.no_forms", "", 0, 0, "no form.json in " + forms_dir + " or its subfolders, and no form is published"}};
  }
  return catalog;
}

Result<FormPtr> FormCatalog::compiled_locked(std::string_view form_id, std::string_view version) {
  const std::string key = version_key(form_id, version);
  const auto it = versions_.find(key);
  if (it != versions_.end()) return it->second;
  Result<std::optional<FormVersion>> stored = get_form_version(store_, form_id, version);
  if (!stored.ok()) return stored.errors();
  // A stored version compiled before it was stored, so this fails only if the database
  // was edited by hand (or a newer engine stored a form this one cannot read).
  const Error broken{"storage.form_version_broken", "", 0, 0,
                     "form '" + std::string(form_id) + "' version " + std::string(version) + " is published but cannot be loaded"};
  if (!stored.value()) return Errors{broken};
  Result<FormPtr> form = compile_form(stored.value()->definition);
  if (!form.ok() || blankett::form_version(*form.value()) != version) return Errors{broken};
  versions_.emplace(key, form.value());
  return form.value();
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
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = versions_.find(version_key(form_id, version));
  if (it != versions_.end()) return it->second;
  // Not compiled yet: an older version, or one published on another connection. Drafts
  // are stored too, so being stored is not enough: it must have been published.
  Result<bool> published = was_published(store_, form_id, version);
  if (!published.ok() || !published.value()) return nullptr;
  Result<FormPtr> form = compiled_locked(form_id, version);
  return form.ok() ? form.value() : nullptr;
}

std::string FormCatalog::definition_text(const FormPtr& form) const { return form_definition(*form).dump(); }

void FormCatalog::publish(FormPtr form) {
  std::lock_guard<std::mutex> lock(mutex_);
  const std::string id = form_id(*form);
  versions_[version_key(id, form_version(*form))] = form;
  current_[id] = std::move(form);
}

void FormCatalog::unpublish(std::string_view form_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = current_.find(form_id);
  if (it != current_.end()) current_.erase(it);
}

Result<bool> FormCatalog::reload(std::string_view form_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  Result<std::optional<Publication>> now = current_publication(store_, form_id);
  if (!now.ok()) return now.errors();
  if (!now.value()) {
    const auto it = current_.find(form_id);
    if (it != current_.end()) current_.erase(it);
    return true;
  }
  Result<FormPtr> form = compiled_locked(form_id, now.value()->version);
  if (!form.ok()) return form.errors();
  current_[std::string(form_id)] = form.value();
  return true;
}

}  // namespace blankett
