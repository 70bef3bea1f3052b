#include "request_store.h"

#include <map>
#include <memory>

namespace blankett {

Result<Store*> request_store(const std::string& database_path) {
  // Keyed by path: tests run several servers (several databases) in one process.
  thread_local std::map<std::string, std::unique_ptr<Store>> stores;
  auto it = stores.find(database_path);
  if (it == stores.end()) {
    Result<Store> opened = open_store(database_path);
    if (!opened.ok()) return opened.errors();
    it = stores.emplace(database_path, std::make_unique<Store>(std::move(opened).value())).first;
  }
  return it->second.get();
}

}  // namespace blankett
