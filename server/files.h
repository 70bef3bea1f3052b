// File helpers for the command line: reading whole files and finding forms on disk.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace blankett {

// The whole file, or nullopt if it cannot be read.
std::optional<std::string> read_file(const std::string& path);

// Writes via a temporary file and rename, so a reader never sees half a file.
bool write_file_atomically(const std::string& path, const std::string& content);

// Form folders under `path`: `path` itself if it holds a form.json, else each direct
// subfolder that does, sorted by name.
std::vector<std::string> find_form_dirs(const std::string& path);

// Scenario files of a form folder: <dir>/tests/*.json, sorted by name.
std::vector<std::string> find_scenarios(const std::string& form_dir);

}  // namespace blankett
