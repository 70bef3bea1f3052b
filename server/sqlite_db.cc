#include "sqlite_db.h"

#include <mutex>
#include <utility>

namespace blankett::sql {

namespace {

// Process-wide settings, made before SQLite initializes (at the first open). Memory
// statistics take a global mutex on every allocation of every connection; nothing here
// reads them.
void configure_library_once() {
  static std::once_flag once;
  std::call_once(once, [] { (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
}

}  // namespace

void DbCloser::operator()(sqlite3* db) const noexcept {
  // close_v2 rather than close: if a statement were still alive the connection becomes a
  // zombie that closes with the last statement, instead of leaking with SQLITE_BUSY.
  sqlite3_close_v2(db);
}

void StatementFinalizer::operator()(sqlite3_stmt* stmt) const noexcept {
  if (cache != nullptr) {
    cache->give_back(stmt);
  } else {
    sqlite3_finalize(stmt);
  }
}

StatementCache::~StatementCache() {
  for (auto& [sql, list] : idle_) {
    for (sqlite3_stmt* stmt : list) sqlite3_finalize(stmt);
  }
}

Result<Statement> StatementCache::prepare(std::string_view sql) {
  auto it = idle_.find(sql);
  if (it != idle_.end() && !it->second.empty()) {
    Statement s;
    s.db = db_;
    s.stmt = std::unique_ptr<sqlite3_stmt, StatementFinalizer>(it->second.back(), StatementFinalizer{this});
    it->second.pop_back();
    return s;
  }
  Result<Statement> fresh = sql::prepare(db_, sql);
  if (!fresh.ok()) return fresh;
  Statement s;
  s.db = db_;
  s.stmt = std::unique_ptr<sqlite3_stmt, StatementFinalizer>(fresh.value().stmt.release(), StatementFinalizer{this});
  return s;
}

void StatementCache::give_back(sqlite3_stmt* stmt) noexcept {
  if (stmt == nullptr) return;
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
  try {
    const std::string_view text = sqlite3_sql(stmt);
    auto it = idle_.find(text);
    if (it == idle_.end()) it = idle_.emplace(std::string(text), std::vector<sqlite3_stmt*>()).first;
    it->second.push_back(stmt);
  } catch (...) {
    sqlite3_finalize(stmt);  // out of memory: just drop it
  }
}

Error sqlite_error(sqlite3* db, std::string_view what) {
  std::string message(what);
  if (db != nullptr) {
    const int code = sqlite3_extended_errcode(db);
    message += ": ";
    message += sqlite3_errmsg(db);
    message += " (";
    message += sqlite3_errstr(code);
    message += ", code " + std::to_string(code) + ")";
  }
  return Error{"storage.sqlite", "", 0, 0, std::move(message)};
}

int last_error_code(sqlite3* db) { return sqlite3_extended_errcode(db); }

Result<Db> open_db_read_only(const std::string& path) {
  configure_library_once();
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
  Db db(raw);
  if (rc != SQLITE_OK) {
    if (!db) return Errors{Error{"storage.sqlite", "", 0, 0, "cannot open " + path + ": out of memory"}};
    return Errors{sqlite_error(db.get(), "cannot open " + path)};
  }
  sqlite3_extended_result_codes(db.get(), 1);
  return db;
}

Result<Db> open_db(const std::string& path) {
  configure_library_once();
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  Db db(raw);  // owned even on failure: SQLite may hand back a handle that holds the message
  if (rc != SQLITE_OK) {
    if (!db) return Errors{Error{"storage.sqlite", "", 0, 0, "cannot open " + path + ": out of memory"}};
    return Errors{sqlite_error(db.get(), "cannot open " + path)};
  }
  // Extended codes tell a UNIQUE violation from a FOREIGN KEY one; the store maps them
  // to distinct errors.
  sqlite3_extended_result_codes(db.get(), 1);
  return db;
}

Result<bool> exec(sqlite3* db, const char* sql) {
  if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) return Errors{sqlite_error(db, sql)};
  return true;
}

Result<Statement> prepare(sqlite3* db, std::string_view sql) {
  sqlite3_stmt* raw = nullptr;
  const int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &raw, nullptr);
  Statement s;
  s.db = db;
  s.stmt.reset(raw);
  if (rc != SQLITE_OK) return Errors{sqlite_error(db, "cannot prepare " + std::string(sql))};
  return s;
}

namespace {

void keep_first_failure(Statement& s, int rc) {
  if (s.bind_rc == SQLITE_OK && rc != SQLITE_OK) s.bind_rc = rc;
}

}  // namespace

void bind_text(Statement& s, int index, std::string_view value) {
  keep_first_failure(s, sqlite3_bind_text64(s.stmt.get(), index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
}

void bind_blob(Statement& s, int index, std::string_view bytes) {
  // A zero-length blob is still a blob, not NULL: bind_zeroblob keeps that distinction
  // where a null data pointer would not.
  if (bytes.empty()) {
    keep_first_failure(s, sqlite3_bind_zeroblob(s.stmt.get(), index, 0));
    return;
  }
  keep_first_failure(s, sqlite3_bind_blob64(s.stmt.get(), index, bytes.data(), bytes.size(), SQLITE_TRANSIENT));
}

void bind_int64(Statement& s, int index, int64_t value) {
  keep_first_failure(s, sqlite3_bind_int64(s.stmt.get(), index, value));
}

void bind_null(Statement& s, int index) { keep_first_failure(s, sqlite3_bind_null(s.stmt.get(), index)); }

Result<bool> step(Statement& s) {
  if (s.bind_rc != SQLITE_OK) {
    return Errors{Error{"storage.sqlite", "", 0, 0,
                        std::string("cannot bind a value to ") + sqlite3_sql(s.stmt.get()) + ": " + sqlite3_errstr(s.bind_rc)}};
  }
  const int rc = sqlite3_step(s.stmt.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return Errors{sqlite_error(s.db, sqlite3_sql(s.stmt.get()))};
}

Result<bool> run(Statement& s) {
  for (;;) {
    Result<bool> more = step(s);
    if (!more) return more;
    if (!more.value()) return true;
  }
}

void reset(Statement& s) {
  sqlite3_reset(s.stmt.get());
  sqlite3_clear_bindings(s.stmt.get());
  s.bind_rc = SQLITE_OK;
}

std::string column_text(const Statement& s, int column) {
  const unsigned char* text = sqlite3_column_text(s.stmt.get(), column);
  const int size = sqlite3_column_bytes(s.stmt.get(), column);  // after the pointer, as SQLite requires
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text), static_cast<size_t>(size));
}

std::string column_blob(const Statement& s, int column) {
  const void* bytes = sqlite3_column_blob(s.stmt.get(), column);
  const int size = sqlite3_column_bytes(s.stmt.get(), column);
  if (bytes == nullptr) return {};
  return std::string(static_cast<const char*>(bytes), static_cast<size_t>(size));
}

int64_t column_int64(const Statement& s, int column) { return sqlite3_column_int64(s.stmt.get(), column); }

bool column_is_null(const Statement& s, int column) {
  return sqlite3_column_type(s.stmt.get(), column) == SQLITE_NULL;
}

// --- Transaction -----------------------------------------------------------------------

Result<Transaction> Transaction::begin(sqlite3* db) {
  Result<bool> begun = exec(db, "BEGIN IMMEDIATE");
  if (!begun) return begun.errors();
  return Transaction(db);
}

Transaction::Transaction(Transaction&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}

Transaction::~Transaction() { rollback(); }

Result<bool> Transaction::commit() {
  if (db_ == nullptr) return Errors{Error{"storage.sqlite", "", 0, 0, "commit of a transaction that is not open"}};
  Result<bool> committed = exec(db_, "COMMIT");
  if (!committed) {
    rollback();
    return committed;
  }
  db_ = nullptr;
  return true;
}

void Transaction::rollback() noexcept {
  if (db_ == nullptr) return;
  // Some errors (SQLITE_FULL, SQLITE_IOERR, ...) make SQLite roll back on its own; a second
  // ROLLBACK would then only fail, so check whether a transaction is still open.
  if (sqlite3_get_autocommit(db_) == 0) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  db_ = nullptr;
}

// --- Savepoint -------------------------------------------------------------------------

Result<Savepoint> Savepoint::begin(sqlite3* db, StatementCache* cache) {
  Savepoint savepoint(db, cache);
  Result<bool> begun = savepoint.run("SAVEPOINT item");
  if (!begun) {
    savepoint.db_ = nullptr;  // nothing to roll back to
    return begun.errors();
  }
  return savepoint;
}

Savepoint::Savepoint(Savepoint&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), cache_(other.cache_) {}

Result<bool> Savepoint::run(const char* sql) {
  if (cache_ == nullptr) return exec(db_, sql);
  Result<Statement> s = cache_->prepare(sql);
  if (!s) return s.errors();
  return sql::run(s.value());
}

Savepoint::~Savepoint() {
  if (db_ == nullptr) return;
  // ROLLBACK TO undoes the item's changes but leaves the savepoint open; RELEASE closes it.
  // If SQLite already rolled back the whole transaction both fail, harmlessly: the owner
  // of the transaction sees that from sqlite3_get_autocommit.
  if (sqlite3_get_autocommit(db_) == 0) {
    (void)run("ROLLBACK TO item");
    (void)run("RELEASE item");
  }
}

Result<bool> Savepoint::release() {
  if (db_ == nullptr) return Errors{Error{"storage.sqlite", "", 0, 0, "release of a savepoint that is not open"}};
  Result<bool> released = run("RELEASE item");
  if (!released) return released;  // the destructor rolls back to it
  db_ = nullptr;
  return true;
}

}  // namespace blankett::sql
