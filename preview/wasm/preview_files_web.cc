#include "preview_files_web.h"

#include "clock.h"

#include <ctime>
#include <utility>

namespace blankett::preview {

namespace {

std::string stamp_of(const std::string& content) {
  return std::to_string(content.size()) + ":" + std::to_string(std::hash<std::string>{}(content));
}

}  // namespace

BrowserFiles::BrowserFiles(std::string form_dir, CreateFn create_on_server)
    : form_dir_(std::move(form_dir)), create_on_server_(std::move(create_on_server)) {}

bool BrowserFiles::update(const nlohmann::json& listing) {
  if (!listing.is_object() || !listing.contains("files") || !listing["files"].is_array()) return false;
  std::map<std::string, File> files;
  for (const nlohmann::json& f : listing["files"]) {
    if (!f.is_object() || !f.value("path", nlohmann::json()).is_string() || !f.value("content", nlohmann::json()).is_string()) continue;
    const std::string content = f["content"];
    files[f["path"]] = File{content, stamp_of(content)};
  }
  files_ = std::move(files);
  return true;
}

std::optional<std::string> BrowserFiles::relative(const std::string& path) const {
  if (path.size() <= form_dir_.size() + 1 || path.compare(0, form_dir_.size(), form_dir_) != 0 || path[form_dir_.size()] != '/') {
    return std::nullopt;
  }
  return path.substr(form_dir_.size() + 1);
}

std::optional<std::string> BrowserFiles::read(const std::string& path) {
  const std::optional<std::string> rel = relative(path);
  if (!rel) return std::nullopt;
  const auto it = files_.find(*rel);
  if (it == files_.end()) return std::nullopt;
  return it->second.content;
}

std::optional<std::string> BrowserFiles::stamp(const std::string& path) {
  const std::optional<std::string> rel = relative(path);
  if (!rel) return std::nullopt;
  const auto it = files_.find(*rel);
  if (it == files_.end()) return std::nullopt;
  return it->second.stamp;
}

std::vector<std::string> BrowserFiles::list(const std::string& dir, const std::string& suffix) {
  std::vector<std::string> names;
  std::string prefix;  // "tests/" for form_dir + "/tests"; "" for the form folder
  if (dir != form_dir_) {
    const std::optional<std::string> rel = relative(dir);
    if (!rel) return names;
    prefix = *rel + "/";
  }
  for (const auto& [path, file] : files_) {  // std::map: sorted
    if (path.compare(0, prefix.size(), prefix) != 0) continue;
    const std::string name = path.substr(prefix.size());
    if (name.find('/') != std::string::npos || name.size() < suffix.size()) continue;
    if (name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) names.push_back(name);
  }
  return names;
}

bool BrowserFiles::create(const std::string& path, const std::string& content) {
  const std::optional<std::string> rel = relative(path);
  if (!rel || files_.count(*rel)) return false;
  const size_t slash = rel->find('/');
  if (slash == std::string::npos || rel->find('/', slash + 1) != std::string::npos) return false;
  const std::string folder = rel->substr(0, slash);
  if (folder != "tests" && folder != "drafts") return false;
  if (create_on_server_(folder, rel->substr(slash + 1), content) != 201) return false;
  // Known at once; the next listing confirms it.
  files_[*rel] = File{content, stamp_of(content)};
  return true;
}

std::string BrowserFiles::timestamp() { return utc_file_stamp(); }

}  // namespace blankett::preview
