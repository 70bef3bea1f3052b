// What the citizen app can draw before its engine has loaded: the first step of a fresh
// filling of one form version, in each of the form's languages, made by the same engine
// (view_step) the browser runs. The form page (/f/{id}) carries it as a JSON data block;
// the page draws it inert and replaces it with the engine's own view once that has
// opened (docs/web-app.md, "First render"). On a cold visit to a large form that is
// about half a second earlier (docs/performance.md).
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

// {"id", "version", "today", "languages" (the form's, its default first), "views": {lang:
// view_step of a fresh filling}}. `today` is the rules' date ("YYYY-MM-DD"): defaults and
// date rules may depend on it.
Result<nlohmann::json> first_step_views(const FormPtr& form, const std::string& today);

// <script type="application/json" id="first-step">…</script>: a data block the browser
// never runs. Every "<" in the JSON is written \u003c, so no label can close the element.
std::string first_step_script(const nlohmann::json& views);

// `page` with `script` inserted before its </body> (appended when there is none).
std::string with_first_step(std::string page, const std::string& script);

// first_step_script's text per version for one day at a time: a new day replaces the
// version's entry instead of adding one. Thread-safe.
class FirstStepCache {
 public:
  std::optional<std::string> find(const std::string& version, const std::string& today) const;
  void put(const std::string& version, const std::string& today, std::string script);

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::pair<std::string, std::string>> by_version_;  // version -> (today, script)
};

}  // namespace blankett
