// PreviewFiles on the local file system: what `blankett preview` and the native tests use.
#pragma once
#include "preview_model.h"

namespace blankett::preview {

class NativePreviewFiles : public PreviewFiles {
 public:
  std::optional<std::string> read(const std::string& path) override;
  // "<mtime in ns>:<size>": changes on every write, also twice within one second.
  std::optional<std::string> stamp(const std::string& path) override;
  std::vector<std::string> list(const std::string& dir, const std::string& suffix) override;
  // Creates the folder if needed; opens with O_EXCL, so an existing file is never replaced.
  bool create(const std::string& path, const std::string& content) override;
  std::string timestamp() override;
};

}  // namespace blankett::preview
