#include "first_step_view.h"

#include "blankett/state.h"
#include "blankett/view.h"

namespace blankett {

Result<nlohmann::json> first_step_views(const FormPtr& form, const std::string& today) {
  Result<FormState> state = FormState::create(form, today);
  if (!state) return state.errors();
  nlohmann::json views = nlohmann::json::object();
  for (const std::string& code : form_languages(*form)) views[code] = view_step(state.value(), code);
  return views;
}

std::optional<std::string> FirstStepCache::find(const std::string& version, const std::string& lang,
                                                const std::string& today) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = pages_.find(version + " " + lang);
  if (it == pages_.end() || it->second.first != today) return std::nullopt;
  return it->second.second;
}

void FirstStepCache::put(const std::string& version, const std::string& lang, const std::string& today,
                         std::string page) {
  std::lock_guard<std::mutex> lock(mutex_);
  pages_.insert_or_assign(version + " " + lang, std::make_pair(today, std::move(page)));
}

}  // namespace blankett
