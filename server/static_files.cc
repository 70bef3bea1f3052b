#include "static_files.h"

#include <filesystem>

#include "files.h"

namespace fs = std::filesystem;

namespace blankett {

std::string mime_type_for(const std::string& path) {
  struct Type { const char* ext; const char* mime; };
  static const Type kTypes[] = {
      {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
      {".json", "application/json; charset=utf-8"}, {".wasm", "application/wasm"},
      {".svg", "image/svg+xml"}, {".png", "image/png"}, {".ico", "image/x-icon"},
      {".txt", "text/plain; charset=utf-8"}, {".webmanifest", "application/manifest+json"},
  };
  const std::string ext = fs::path(path).extension().string();
  for (const Type& t : kTypes) {
    if (ext == t.ext) return t.mime;
  }
  return "application/octet-stream";
}

namespace {

// web/ also holds what builds and tests the apps (node_modules, tests, their output,
// package files, dot-files): never served, whatever --web points at.
bool publishable(const std::string& segment) {
  static const char* const kPrivate[] = {"node_modules", "tests", "test-output", "package.json", "package-lock.json"};
  if (!segment.empty() && segment[0] == '.') return false;
  for (const char* name : kPrivate) {
    if (segment == name) return false;
  }
  return true;
}

}  // namespace

std::optional<StaticFile> find_static_file(const std::string& root, const std::string& url_path) {
  if (url_path.empty() || url_path[0] != '/' || url_path.find('\0') != std::string::npos) return std::nullopt;
  // Refuse any ".." segment outright rather than trusting normalisation.
  for (size_t start = 1; start <= url_path.size();) {
    const size_t end = url_path.find('/', start);
    const std::string segment = url_path.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (segment == ".." || segment == "." || segment.find('\\') != std::string::npos) return std::nullopt;
    if (!publishable(segment)) return std::nullopt;
    if (end == std::string::npos) break;
    start = end + 1;
  }
  std::error_code ec;
  fs::path path = fs::path(root) / url_path.substr(1);
  if (fs::is_directory(path, ec)) path /= "index.html";
  const fs::path canonical_root = fs::weakly_canonical(root, ec);
  const fs::path canonical = fs::weakly_canonical(path, ec);
  if (ec || canonical.string().rfind(canonical_root.string(), 0) != 0 || !fs::is_regular_file(canonical, ec)) return std::nullopt;
  std::optional<std::string> content = read_file(canonical.string());
  if (!content) return std::nullopt;
  const std::string mime = mime_type_for(canonical.string());
  // HTML must be revalidated so a new release is seen at once; assets may be cached
  // briefly (the service worker of the citizen app manages offline copies itself).
  const std::string cache = mime.rfind("text/html", 0) == 0 ? "no-cache" : "public, max-age=300";
  return StaticFile{canonical.string(), std::move(*content), mime, cache};
}

}  // namespace blankett
