// Test helpers for code that uses the store: a temporary directory and a store that
// must open. Header-only; included by the server's tests only.
#pragma once
#include <stdexcept>
#include <string>

#include "store.h"
#include "temp_dir.h"

namespace blankett {

// Declare the TempDir before any Store or writer, so the database is closed before its
// files are removed.
inline Store must_open_store(const std::string& path) {
  Result<Store> store = open_store(path);
  if (!store) throw std::runtime_error(to_string(store.errors().front()));
  return std::move(store).value();
}

}  // namespace blankett
