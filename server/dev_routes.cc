#include "dev_routes.h"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <filesystem>
#include <optional>
#include <regex>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "api_response.h"
#include "clock.h"
#include "files.h"
#include "static_files.h"

namespace fs = std::filesystem;

namespace blankett {

namespace {

using nlohmann::json;

constexpr char kIdPattern[] = "([a-z][a-z0-9-]{0,62})";

ApiResponse dev_error(int status, const std::string& code, const std::string& message) {
  return error_response(status, Error{code, "", 0, 0, message});
}

// True if `path` (already canonical) is `root` or lies below it.
bool inside(const fs::path& root, const fs::path& path) {
  const std::string r = root.string();
  const std::string p = path.string();
  return p == r || (p.size() > r.size() && p.compare(0, r.size(), r) == 0 && p[r.size()] == '/');
}

std::optional<fs::path> canonical_dir(const fs::path& path) {
  std::error_code ec;
  fs::path c = fs::canonical(path, ec);
  if (ec || !fs::is_directory(c, ec)) return std::nullopt;
  return c;
}

// The folder of form `id` under the forms folder, resolved (symlinks followed) and
// checked to lie inside it: forms/<id>/, or the forms folder itself when it is one form
// whose form.json says "id": id.
std::optional<fs::path> form_dir(const std::string& forms_dir, const std::string& id) {
  const std::optional<fs::path> root = canonical_dir(forms_dir);
  if (!root) return std::nullopt;
  std::error_code ec;
  if (fs::is_regular_file(*root / "form.json", ec)) {
    const std::optional<std::string> text = read_file((*root / "form.json").string());
    const json form = text ? json::parse(*text, nullptr, false) : json();
    if (form.is_object() && form.contains("id") && form["id"].is_string() && form["id"] == id) return root;
    return std::nullopt;
  }
  const std::optional<fs::path> dir = canonical_dir(*root / id);
  if (!dir || !inside(*root, *dir) || *dir == *root || !fs::is_regular_file(*dir / "form.json", ec)) return std::nullopt;
  return dir;
}

// The .json files of dir/sub, sorted, each resolved inside `dir` (a symlink out of the
// form folder is skipped, never read).
std::vector<std::string> json_files(const fs::path& dir, const std::string& sub) {
  std::vector<std::string> names;
  std::error_code ec;
  const std::optional<fs::path> folder = canonical_dir(dir / sub);
  if (!folder || !inside(dir, *folder)) return names;
  for (const auto& entry : fs::directory_iterator(*folder, ec)) {
    const fs::path p = entry.path();
    if (p.extension() != ".json" || p.filename().string()[0] == '.') continue;
    const fs::path c = fs::canonical(p, ec);
    if (ec || !inside(dir, c) || !fs::is_regular_file(c, ec)) continue;
    names.push_back(sub + "/" + p.filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string sha256_hex(const std::string& bytes) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : digest) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

// "2026-08-15T10:12:03.123Z" → "20260815-101203".
std::string file_timestamp() {
  std::string digits;
  for (char c : utc_now().substr(0, 19)) {
    if (c >= '0' && c <= '9') digits += c;
  }
  return digits.substr(0, 8) + "-" + digits.substr(8);
}

// Writes `content` under the first of `names` that does not exist in `dir`: never over an
// existing file. The bytes go to a temporary file first and are linked into place (link()
// fails on an existing name, atomically), so the preview's polling never sees half a
// file. Returns the name written; nullopt with *all_taken set when every name existed.
std::optional<std::string> write_new_file(const fs::path& dir, const std::vector<std::string>& names,
                                          const std::string& content, bool* all_taken) {
  *all_taken = false;
  static std::atomic<unsigned> counter{0};
  const fs::path tmp = dir / (".dev-save." + std::to_string(::getpid()) + "." + std::to_string(++counter) + ".tmp");
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) return std::nullopt;
  size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  const bool written = done == content.size() && ::fsync(fd) == 0;
  ::close(fd);
  std::optional<std::string> result;
  bool taken = written;
  for (size_t i = 0; written && i < names.size() && !result; ++i) {
    if (::link(tmp.c_str(), (dir / names[i]).c_str()) == 0) result = names[i];
    else if (errno != EEXIST) taken = false;
  }
  ::unlink(tmp.c_str());
  if (result) {
    const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
      ::fsync(dfd);
      ::close(dfd);
    }
  } else {
    *all_taken = taken;
  }
  return result;
}

// Saves the body as a new file in <form>/<sub>/: named exactly ?file=<name>.json (409 if
// it exists: the preview chose a fresh name and must learn it was not fresh), or
// ?name=<slug> (default `default_name`) plus the server's UTC time, with -2, -3… added
// while a name is taken.
ApiResponse save(const DevRoutesOptions& options, const std::string& id, const std::string& sub,
                 const std::string& default_name, const httplib::Request& req) {
  const std::optional<fs::path> dir = form_dir(options.forms_dir, id);
  if (!dir) return dev_error(404, "dev.form_not_found", "there is no form folder '" + id + "' under --forms");
  std::vector<std::string> names;
  if (req.has_param("file")) {
    static const std::regex kFile("[a-z0-9][a-z0-9_-]{0,79}(\\.[a-z0-9_-]{1,20})*\\.json");
    const std::string file = req.get_param_value("file");
    if (!std::regex_match(file, kFile)) {
      return dev_error(400, "dev.bad_name", "file must be a plain file name ending in .json: a-z, 0-9, '-', '_' and '.' (no folders)");
    }
    names.push_back(file);
  } else {
    const std::string name = req.has_param("name") ? req.get_param_value("name") : default_name;
    static const std::regex kName("[a-z0-9][a-z0-9-]{0,47}");
    if (!std::regex_match(name, kName)) {
      return dev_error(400, "dev.bad_name", "name must be 1 to 48 of a-z, 0-9 and '-', starting with a letter or digit");
    }
    const std::string stem = name + "-" + file_timestamp();
    for (int i = 1; i <= 100; ++i) names.push_back(stem + (i == 1 ? "" : "-" + std::to_string(i)) + ".json");
  }
  const json body = json::parse(req.body, nullptr, false);
  if (!body.is_object()) return dev_error(400, "dev.bad_json", "the body must be one JSON object");

  // The target folder must be a real folder inside the form folder, never a symlink out.
  const fs::path target = *dir / sub;
  std::error_code ec;
  const fs::file_status status = fs::symlink_status(target, ec);
  if (fs::is_symlink(status)) return dev_error(403, "dev.outside_forms", sub + "/ of '" + id + "' is a symbolic link; nothing is written through it");
  if (!fs::exists(status)) fs::create_directory(target, ec);
  const std::optional<fs::path> resolved = canonical_dir(target);
  if (!resolved || !inside(*dir, *resolved)) return dev_error(403, "dev.outside_forms", sub + "/ of '" + id + "' is not a folder inside --forms");

  std::string content = req.body;
  if (content.empty() || content.back() != '\n') content += '\n';
  bool all_taken = false;
  const std::optional<std::string> written = write_new_file(*resolved, names, content, &all_taken);
  if (!written && all_taken) return dev_error(409, "dev.file_exists", sub + "/" + names.back() + " exists; nothing was overwritten");
  if (!written) return dev_error(500, "dev.write_failed", "cannot write a new file in " + sub + "/ of '" + id + "'");
  return ApiResponse{201, {{"path", sub + "/" + *written}}};
}

}  // namespace

void register_dev_routes(httplib::Server& http, const DevRoutesOptions& options) {
  // The page: one shell for every form; its script reads the id from the path.
  http.Get(std::string("/preview/") + kIdPattern + "/?", [options](const httplib::Request& req, httplib::Response& res) {
    std::optional<StaticFile> page = find_static_file(options.preview_dir, "/preview.html");
    if (!page) {
      return send_json(res, dev_error(404, "dev.no_preview_build",
                                      "no preview.html in " + options.preview_dir + ": build the preview with scripts/build --wasm"));
    }
    res.status = form_dir(options.forms_dir, req.matches[1].str()) ? 200 : 404;
    res.set_content(std::move(page->content), page->mime_type);
    res.set_header("Cache-Control", "no-cache");
  });

  http.Get(R"(/preview/assets/(.+))", [options](const httplib::Request& req, httplib::Response& res) {
    std::optional<StaticFile> file = find_static_file(options.preview_dir, "/" + req.matches[1].str());
    if (!file) return send_json(res, dev_error(404, "request.not_found", "no preview asset " + req.path));
    res.set_content(std::move(file->content), file->mime_type);
    // A rebuild must show at once: revalidate every time.
    res.set_header("Cache-Control", "no-cache");
  });

  http.Get(std::string("/api/dev/forms/") + kIdPattern + "/files", [options](const httplib::Request& req, httplib::Response& res) {
    const std::string id = req.matches[1].str();
    const std::optional<fs::path> dir = form_dir(options.forms_dir, id);
    if (!dir) return send_json(res, dev_error(404, "dev.form_not_found", "there is no form folder '" + id + "' under --forms"));
    std::vector<std::string> names = {"form.json"};
    for (const char* sub : {"tests", "drafts"}) {
      for (std::string& n : json_files(*dir, sub)) names.push_back(std::move(n));
    }
    json files = json::array();
    std::string hashed;
    for (const std::string& name : names) {
      const std::optional<std::string> content = read_file((*dir / name).string());
      if (!content) continue;  // removed meanwhile
      hashed += name + '\0' + *content + '\0';
      files.push_back({{"path", name}, {"content", *content}});
    }
    const std::string version = sha256_hex(hashed);
    const std::string etag = "\"" + version + "\"";
    res.set_header("ETag", etag);
    if (req.get_header_value("If-None-Match") == etag) {
      res.status = 304;
      res.set_header("Cache-Control", "no-cache");
      return;
    }
    send_json(res, ApiResponse{200, {{"id", id}, {"version", version}, {"files", files}}});
  });

  http.Post(std::string("/api/dev/forms/") + kIdPattern + "/scenarios", [options](const httplib::Request& req, httplib::Response& res) {
    send_json(res, save(options, req.matches[1].str(), "tests", "scenario", req));
  });
  http.Post(std::string("/api/dev/forms/") + kIdPattern + "/drafts", [options](const httplib::Request& req, httplib::Response& res) {
    send_json(res, save(options, req.matches[1].str(), "drafts", "draft", req));
  });
}

}  // namespace blankett
