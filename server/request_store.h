// A database connection for the current request thread: opened on first use and kept
// for the thread's life (httplib's pool threads live as long as the server), so a page
// costs no open and reuses its prepared statements. Never share the Store across threads.
#pragma once
#include <string>

#include "blankett/error.h"
#include "store.h"

namespace blankett {

Result<Store*> request_store(const std::string& database_path);

}  // namespace blankett
