// The forms a server offers, following the publishing workflow (publications.h): the
// current published version of each form, and every version that was ever published
// (read back from the store and compiled on first use), so a submission is always checked
// against the exact version the citizen filled. Drafts are never served from here: they
// are seen only through their private preview link. Thread-safe.
#pragma once
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "blankett/form.h"
#include "store.h"

namespace blankett {

class FormCatalog {
 public:
  // Compiles every form folder under `forms_dir` (see find_form_dirs); a folder version
  // that was never published before is published now (uploaded_by NULL, actor "system":
  // the deployment is trusted), so a restart with the same folder changes nothing and an
  // approved upload stays current until something newer is published. Then takes the
  // current version of every form from the store. Fails with every load problem of every
  // broken form (a server must not start with a form it cannot check), with
  // "form.folder_name" for a folder not named after its form's id (the message names the
  // file), and with "serve.no_forms" when the folder has no form and nothing is published.
  static Result<std::unique_ptr<FormCatalog>> load(const std::string& forms_dir, Store store);

  // Current versions, sorted by form id. Unpublished forms are not here.
  std::vector<FormPtr> current() const;
  FormPtr current(std::string_view form_id) const;  // null if unknown or unpublished
  // A version that was published at some point (current, replaced or unpublished); null
  // for a draft, a rejected upload or a version the form never had.
  FormPtr version(std::string_view form_id, std::string_view version);
  // The canonical definition text of a version (what GET …/versions/{hash} serves).
  std::string definition_text(const FormPtr& form) const;

  // Makes `form` its form's current version at once, without a restart.
  // REQUIRES: the version is published in the store (publications.h approve).
  void publish(FormPtr form);
  // Takes the form off the current list at once (after publications.h unpublish).
  void unpublish(std::string_view form_id);
  // Makes the form's current version whatever the store says now: the race-free way to
  // follow an approval or unpublish made on any connection (two approvals of one form
  // finishing in either order end with the store's answer).
  Result<bool> reload(std::string_view form_id);

 private:
  explicit FormCatalog(Store store) : store_(std::move(store)) {}
  // The compiled version from the cache or the store. REQUIRES: mutex_ held.
  Result<FormPtr> compiled_locked(std::string_view form_id, std::string_view version);

  mutable std::mutex mutex_;
  Store store_;                                            // reads of publications and versions
  std::map<std::string, FormPtr, std::less<>> current_;    // form id → current version
  std::map<std::string, FormPtr, std::less<>> versions_;  // "id/version" → compiled; published ones only
};

}  // namespace blankett
