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

std::string first_step_script(const nlohmann::json& views) {
  const std::string text = views.dump();
  std::string out = R"(<script type="application/json" id="first-step">)";
  out.reserve(out.size() + text.size() + 32);
  for (char c : text) {
    if (c == '<') out += "\\u003c";  // inside a JSON string: the same text to JSON.parse
    else out += c;
  }
  out += "</script>\n";
  return out;
}

std::string with_first_step(std::string page, const std::string& script) {
  const size_t body_end = page.rfind("</body>");
  if (body_end == std::string::npos) return page + script;
  page.insert(body_end, script);
  return page;
}

std::optional<std::string> FirstStepCache::find(const std::string& version, const std::string& today) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = by_version_.find(version);
  if (it == by_version_.end() || it->second.first != today) return std::nullopt;
  return it->second.second;
}

void FirstStepCache::put(const std::string& version, const std::string& today, std::string script) {
  std::lock_guard<std::mutex> lock(mutex_);
  by_version_.insert_or_assign(version, std::make_pair(today, std::move(script)));
}

}  // namespace blankett
