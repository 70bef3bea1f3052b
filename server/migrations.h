// Numbered schema migrations of the submission store. The schema is never edited in
// place: a change is a new migration appended to the list, so every database, whatever
// version it is at, reaches the same schema by applying the ones it lacks, in order.
#pragma once
#include <sqlite3.h>

#include <vector>

#include "blankett/error.h"

namespace blankett {

struct Migration {
  int version;       // 1, 2, 3, ... without gaps
  const char* name;  // what it does, for people reading schema_migrations
  const char* sql;   // fixed SQL, one or more statements
  // Rebuilds a table other tables reference (SQLite's way to change a CHECK): applied
  // with foreign keys off, as SQLite's documentation prescribes, and checked with
  // PRAGMA foreign_key_check before it commits.
  bool rebuilds_tables = false;
};

// Every migration the code knows, in version order.
const std::vector<Migration>& schema_migrations();

// The version a fully migrated database has.
int latest_schema_version();

// The highest version recorded in schema_migrations (0 for a new database).
Result<int> current_schema_version(sqlite3* db);

// Applies the migrations `db` lacks, each in its own transaction together with its row in
// schema_migrations, so a crash leaves the database at one version or the next, never
// in between. Refuses ("storage.schema_too_new") a database written by newer code,
// whose schema this code does not know. Safe to run from several processes at once:
// each migration re-reads the version after taking the write lock. Returns the version
// reached.
Result<int> migrate(sqlite3* db);

}  // namespace blankett
