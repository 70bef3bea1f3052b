#include "first_step_view.h"

#include "blankett/state.h"
#include "blankett/view.h"

namespace blankett {

Result<nlohmann::json> first_step_views(const FormPtr& form, const std::string& today) {
  Result<FormState> state = FormState::create(form, today);
  if (!state) return state.errors();
  nlohmann::json views = nlohmann::json::object();
  const nlohmann::json summary = form_summary(*form);
  for (const nlohmann::json& lang : summary.at("languages")) {
    const std::string code = lang.get<std::string>();
    views[code] = view_step(state.value(), code);
  }
  return nlohmann::json{{"id", form_id(*form)},
                        {"version", form_version(*form)},
                        {"today", today},
                        {"languages", summary.at("languages")},
                        {"views", std::move(views)}};
}

std::optional<CompressedBytes> FirstStepViewCache::find(const std::string& version, const std::string& today) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = by_version_.find(version);
  if (it == by_version_.end() || it->second.first != today) return std::nullopt;
  return it->second.second;
}

void FirstStepViewCache::put(const std::string& version, const std::string& today, CompressedBytes body) {
  std::lock_guard<std::mutex> lock(mutex_);
  by_version_.insert_or_assign(version, std::make_pair(today, std::move(body)));
}

}  // namespace blankett
