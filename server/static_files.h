// Files of the web apps (web/): safe path resolution (nothing outside the folder), the
// right MIME types (application/wasm included) and caching headers.
#pragma once
#include <optional>
#include <string>

namespace blankett {

struct StaticFile {
  std::string path;  // canonical path on disk: one per file, however the URL spelled it
  std::string content;
  std::string mime_type;
  std::string cache_control;
};

// The file for a URL path under `root`, or nullopt (absent, a folder, or a path that
// tries to leave `root`, or names tooling: node_modules, tests, test-output, package
// files, dot-files). "/" and folders serve their index.html.
std::optional<StaticFile> find_static_file(const std::string& root, const std::string& url_path);

std::string mime_type_for(const std::string& path);

}  // namespace blankett
