// What the citizen app can draw before its engine has loaded: the first step of a fresh
// filling of one form version, in each of the form's languages, made by the same engine
// (view_step) the browser runs. The page shows it inert and replaces it with the
// engine's own view once that has opened (docs/web-app.md, "First render"); on a cold
// visit to a large form that is most of a second earlier (docs/performance.md).
#pragma once
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "blankett/error.h"
#include "blankett/form.h"
#include "response_compression.h"

namespace blankett {

// {"id", "version", "today", "languages" (the form's, its default first), "views": {lang:
// view_step of a fresh filling}}. `today` is
// the rules' date ("YYYY-MM-DD"): defaults and date rules may depend on it.
Result<nlohmann::json> first_step_views(const FormPtr& form, const std::string& today);

// The answer above, compressed, per version for one day at a time: a new day replaces the
// version's entry instead of adding one. Thread-safe.
class FirstStepViewCache {
 public:
  std::optional<CompressedBytes> find(const std::string& version, const std::string& today) const;
  void put(const std::string& version, const std::string& today, CompressedBytes body);

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::pair<std::string, CompressedBytes>> by_version_;  // version -> (today, body)
};

}  // namespace blankett
