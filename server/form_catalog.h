// The forms a server offers: the current version of each form found in the forms folder
// at start-up (published to the store), and every version ever published (read back from
// the store and compiled on first use), so a submission is always checked against the
// exact version the citizen filled. Thread-safe.
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
  // Compiles every form folder under `forms_dir` (see find_form_dirs) and publishes each
  // version to the store. Fails with every load problem of every broken form: a server
  // must not start with a form it cannot check.
  static Result<std::unique_ptr<FormCatalog>> load(const std::string& forms_dir, Store store);

  // Current versions, sorted by form id.
  std::vector<FormPtr> current() const;
  FormPtr current(std::string_view form_id) const;  // null if unknown
  // Any published version of the form; null if the form never had it.
  FormPtr version(std::string_view form_id, std::string_view version);
  // The canonical definition text of a version (what GET …/versions/{hash} serves).
  std::string definition_text(const FormPtr& form) const;

 private:
  explicit FormCatalog(Store store) : store_(std::move(store)) {}
  mutable std::mutex mutex_;
  Store store_;                                  // reads of older versions
  std::map<std::string, FormPtr, std::less<>> current_;
  std::map<std::string, FormPtr, std::less<>> versions_;  // "id/version" → compiled
};

}  // namespace blankett
