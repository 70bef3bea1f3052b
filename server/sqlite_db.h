// A thin RAII layer over the SQLite C API: owning handles for connections and statements,
// a transaction guard, and small helpers that turn SQLite's return codes into
// blankett::Error values. Everything above this file (store, migrations, writer) speaks
// SQL through these helpers only, and binds every value as a parameter.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <map>
#include <vector>
#include <string_view>

#include <sqlite3.h>

#include "blankett/error.h"

namespace blankett::sql {

struct DbCloser {
  void operator()(sqlite3* db) const noexcept;
};
using Db = std::unique_ptr<sqlite3, DbCloser>;

class StatementCache;

// Finalizes a statement, or, for one lent by a StatementCache, resets it and hands it
// back so the next use skips SQLite's compile step.
struct StatementFinalizer {
  StatementCache* cache = nullptr;
  void operator()(sqlite3_stmt* stmt) const noexcept;
};

// A prepared statement and the connection it belongs to. `bind_rc` keeps the first
// failed bind so that call sites can bind several values in a row and learn about a
// failure from the step() that follows, instead of checking every bind.
struct Statement {
  sqlite3* db = nullptr;  // not owned; for error messages
  std::unique_ptr<sqlite3_stmt, StatementFinalizer> stmt;
  int bind_rc = SQLITE_OK;
};

// {code "storage.sqlite", message "<what>: <sqlite message> (<extended code name>)"}.
Error sqlite_error(sqlite3* db, std::string_view what);
// The extended result code of the last failed call on `db` (e.g. SQLITE_CONSTRAINT_UNIQUE).
int last_error_code(sqlite3* db);

// Opens (creating if needed) a database file for reading and writing. Sets nothing else:
// pragmas belong to the caller (open_store). Connections are opened without SQLite's
// per-connection mutex: every one in the server has a single user at a time (a thread's
// own, the writer's, or behind FormCatalog's lock), and must keep it that way.
Result<Db> open_db(const std::string& path);
// Opens an existing database file for reading only (audits): fails if it does not exist.
Result<Db> open_db_read_only(const std::string& path);

// Runs fixed SQL (one or more statements) that has no values in it: pragmas, schema,
// BEGIN/COMMIT. Never call it with text that was built from data.
Result<bool> exec(sqlite3* db, const char* sql);

Result<Statement> prepare(sqlite3* db, std::string_view sql);

// Idle prepared statements of one connection, by SQL text. prepare() lends one (or
// compiles a new one); destroying the Statement returns it, reset and unbound. Like its
// connection, use it from one thread at a time, and destroy it before the connection
// (all lent statements must have come back by then).
class StatementCache {
 public:
  explicit StatementCache(sqlite3* db) : db_(db) {}
  ~StatementCache();
  StatementCache(const StatementCache&) = delete;
  StatementCache& operator=(const StatementCache&) = delete;
  Result<Statement> prepare(std::string_view sql);
  void give_back(sqlite3_stmt* stmt) noexcept;

 private:
  sqlite3* db_;
  // std::less<> finds by string_view: no copy of the SQL text per lookup.
  std::map<std::string, std::vector<sqlite3_stmt*>, std::less<>> idle_;
};

// Parameters are numbered from 1, as in SQLite (?1, ?2, ...). Text and blobs are copied
// (SQLITE_TRANSIENT), so the arguments need not outlive the statement.
void bind_text(Statement& s, int index, std::string_view value);
void bind_blob(Statement& s, int index, std::string_view bytes);
void bind_int64(Statement& s, int index, int64_t value);
void bind_null(Statement& s, int index);

// One step: true if a row is available, false when the statement is done. Also reports
// an earlier failed bind.
Result<bool> step(Statement& s);
// Steps until done, for statements that return no rows (INSERT, UPDATE, ...).
Result<bool> run(Statement& s);
// Makes the statement ready to run again with new values (bindings are cleared).
void reset(Statement& s);

// Columns are numbered from 0, as in SQLite. NULL reads as "" or 0.
std::string column_text(const Statement& s, int column);
std::string column_blob(const Statement& s, int column);
int64_t column_int64(const Statement& s, int column);
bool column_is_null(const Statement& s, int column);

// A write transaction that rolls back when it goes out of scope, unless commit()
// succeeded. It starts with BEGIN IMMEDIATE: the write lock is taken (and waited for,
// with the busy timeout) up front, because a deferred transaction that upgrades from
// reading to writing can fail with SQLITE_BUSY halfway, where waiting does not help.
class Transaction {
 public:
  static Result<Transaction> begin(sqlite3* db);
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  // COMMIT. On failure the transaction is rolled back (now or by the destructor).
  Result<bool> commit();

 private:
  explicit Transaction(sqlite3* db) : db_(db) {}
  void rollback() noexcept;
  sqlite3* db_;  // nullptr once committed, rolled back or moved from
};

// A savepoint inside a transaction, rolled back to (and released) when it goes out of
// scope unless release() succeeded. Lets one item of a batch fail without the others.
class Savepoint {
 public:
  // With a cache (the connection's), its three statements are compiled once, not per item.
  static Result<Savepoint> begin(sqlite3* db, StatementCache* cache = nullptr);
  Savepoint(Savepoint&& other) noexcept;
  Savepoint& operator=(Savepoint&&) = delete;
  Savepoint(const Savepoint&) = delete;
  Savepoint& operator=(const Savepoint&) = delete;
  ~Savepoint();

  Result<bool> release();

 private:
  Savepoint(sqlite3* db, StatementCache* cache) : db_(db), cache_(cache) {}
  Result<bool> run(const char* sql);
  sqlite3* db_;
  StatementCache* cache_;
};

}  // namespace blankett::sql
