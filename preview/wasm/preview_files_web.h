// PreviewFiles in the browser: the form folder as the dev server last listed it
// (GET /api/dev/forms/{id}/files), and new files created through the server
// (POST /api/dev/forms/{id}/scenarios|drafts?file=…). The page's script polls the listing
// and hands each new one to update(); the model notices changed stamps at its next poll.
#pragma once
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "preview_model.h"

namespace blankett::preview {

class BrowserFiles : public PreviewFiles {
 public:
  // Asks the server to create `folder`/`file` ("tests" or "drafts", a plain name) with
  // `content`; returns the HTTP status (201 created, 409 exists, 0 unreachable…).
  using CreateFn = std::function<int(const std::string& folder, const std::string& file, const std::string& content)>;

  // `form_dir` is the model's name for the folder ("forms/skolskjuts"): paths the model
  // passes start with it.
  BrowserFiles(std::string form_dir, CreateFn create_on_server);

  // Replaces every file with the listing's {"files": [{"path", "content"}…]}, paths
  // relative to the form folder. Returns false (and keeps the files) for anything else,
  // e.g. the server's {"error": …} when the folder is gone.
  bool update(const nlohmann::json& listing);
  size_t file_count() const { return files_.size(); }

  std::optional<std::string> read(const std::string& path) override;
  std::optional<std::string> stamp(const std::string& path) override;
  std::vector<std::string> list(const std::string& dir, const std::string& suffix) override;
  bool create(const std::string& path, const std::string& content) override;
  std::string timestamp() override;

 private:
  // The path relative to the form folder, or nullopt for a path outside it.
  std::optional<std::string> relative(const std::string& path) const;

  struct File {
    std::string content;
    std::string stamp;  // size and hash of the content
  };
  std::string form_dir_;
  CreateFn create_on_server_;
  std::map<std::string, File> files_;  // by path relative to the form folder
};

}  // namespace blankett::preview
