// What the citizen sees before the app's engine has loaded: the first step of a fresh
// filling of one form version, in each of the form's languages, made by the same engine
// (view_step) the browser runs. The form page (/f/{id}) carries it as HTML
// (first_step_html.h), inert until the page's engine has opened and replaced it with its
// own view (docs/web-app.md, "First render").
#pragma once
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "blankett/error.h"
#include "blankett/form.h"

namespace blankett {

// {lang: view_step of a fresh filling} for each of the form's languages. `today` is the
// rules' date ("YYYY-MM-DD"): defaults and date rules may depend on it.
Result<nlohmann::json> first_step_views(const FormPtr& form, const std::string& today);

// The form pages with their first step (first_step_html.h), per version and language,
// for one day at a time: a new day replaces an entry instead of adding one. Thread-safe.
class FirstStepCache {
 public:
  std::optional<std::string> find(const std::string& version, const std::string& lang, const std::string& today) const;
  void put(const std::string& version, const std::string& lang, const std::string& today, std::string page);

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::pair<std::string, std::string>> pages_;  // "version lang" -> (today, page)
};

}  // namespace blankett
