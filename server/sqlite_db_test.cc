// Tests of the RAII SQLite layer: binding and reading every type, errors as values, and
// the transaction and savepoint guards undoing what was not committed.
#include "sqlite_db.h"

#include <stdlib.h>

#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "temp_dir.h"

namespace blankett::sql {
namespace {

namespace fs = std::filesystem;


Db must_open(const std::string& path) {
  Result<Db> db = open_db(path);
  if (!db) throw std::runtime_error(to_string(db.errors().front()));
  return std::move(db).value();
}

int64_t count_rows(sqlite3* db) {
  Result<Statement> s = prepare(db, "SELECT COUNT(*) FROM t");
  EXPECT_TRUE(s.ok());
  EXPECT_TRUE(step(s.value()).value());
  return column_int64(s.value(), 0);
}

TEST(SqliteDb, BindsAndReadsEveryType) {
  TempDir dir;
  Db db = must_open(dir.file("t.db"));
  ASSERT_TRUE(exec(db.get(), "CREATE TABLE t (a TEXT, b BLOB, c INTEGER, d TEXT, e BLOB)").ok());

  const std::string text = "Gävle – ✓";
  const std::string blob("\x00\x01\xff\x00zz", 6);
  Result<Statement> insert = prepare(db.get(), "INSERT INTO t (a, b, c, d, e) VALUES (?1, ?2, ?3, ?4, ?5)");
  ASSERT_TRUE(insert.ok());
  bind_text(insert.value(), 1, text);
  bind_blob(insert.value(), 2, blob);
  bind_int64(insert.value(), 3, std::numeric_limits<int64_t>::min());
  bind_null(insert.value(), 4);
  bind_blob(insert.value(), 5, "");
  ASSERT_TRUE(run(insert.value()).ok());

  Result<Statement> select =
      prepare(db.get(), "SELECT a, b, c, d, e, typeof(d), typeof(e), length(b) FROM t");
  ASSERT_TRUE(select.ok());
  Result<bool> row = step(select.value());
  ASSERT_TRUE(row.ok());
  ASSERT_TRUE(row.value());
  EXPECT_EQ(column_text(select.value(), 0), text);
  EXPECT_EQ(column_blob(select.value(), 1), blob);  // embedded NULs survive
  EXPECT_EQ(column_int64(select.value(), 2), std::numeric_limits<int64_t>::min());
  EXPECT_TRUE(column_is_null(select.value(), 3));
  EXPECT_EQ(column_text(select.value(), 3), "");
  EXPECT_EQ(column_text(select.value(), 5), "null");
  EXPECT_EQ(column_text(select.value(), 6), "blob");  // an empty blob is not NULL
  EXPECT_EQ(column_int64(select.value(), 7), 6);
  EXPECT_FALSE(step(select.value()).value());
}

TEST(SqliteDb, ResetAllowsReuseWithNewValues) {
  TempDir dir;
  Db db = must_open(dir.file("t.db"));
  ASSERT_TRUE(exec(db.get(), "CREATE TABLE t (a INTEGER)").ok());
  Result<Statement> insert = prepare(db.get(), "INSERT INTO t (a) VALUES (?1)");
  ASSERT_TRUE(insert.ok());
  for (int i = 0; i < 3; ++i) {
    reset(insert.value());
    bind_int64(insert.value(), 1, i);
    ASSERT_TRUE(run(insert.value()).ok());
  }
  EXPECT_EQ(count_rows(db.get()), 3);
}

TEST(SqliteDb, ErrorsAreValues) {
  TempDir dir;
  Db db = must_open(dir.file("t.db"));
  Result<Statement> bad = prepare(db.get(), "SELEC nonsense");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.errors().front().code, "storage.sqlite");
  EXPECT_NE(bad.errors().front().message.find("syntax error"), std::string::npos);

  Result<bool> missing = exec(db.get(), "INSERT INTO nowhere VALUES (1)");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.errors().front().message.find("no such table"), std::string::npos);

  // A failed bind (index out of range) is reported by the step that follows.
  ASSERT_TRUE(exec(db.get(), "CREATE TABLE t (a INTEGER)").ok());
  Result<Statement> insert = prepare(db.get(), "INSERT INTO t (a) VALUES (?1)");
  ASSERT_TRUE(insert.ok());
  bind_int64(insert.value(), 1, 1);
  bind_int64(insert.value(), 7, 1);
  Result<bool> stepped = step(insert.value());
  ASSERT_FALSE(stepped.ok());
  EXPECT_NE(stepped.errors().front().message.find("cannot bind"), std::string::npos);
  EXPECT_EQ(count_rows(db.get()), 0);

  EXPECT_FALSE(open_db(dir.file("no/such/dir/t.db")).ok());
}

TEST(SqliteDb, TransactionRollsBackUnlessCommitted) {
  TempDir dir;
  Db db = must_open(dir.file("t.db"));
  ASSERT_TRUE(exec(db.get(), "CREATE TABLE t (a INTEGER)").ok());
  {
    Result<Transaction> txn = Transaction::begin(db.get());
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE(exec(db.get(), "INSERT INTO t VALUES (1)").ok());
    EXPECT_EQ(count_rows(db.get()), 1);
  }  // not committed
  EXPECT_EQ(count_rows(db.get()), 0);
  EXPECT_NE(sqlite3_get_autocommit(db.get()), 0);  // no transaction left open

  {
    Result<Transaction> txn = Transaction::begin(db.get());
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE(exec(db.get(), "INSERT INTO t VALUES (1)").ok());
    ASSERT_TRUE(txn.value().commit().ok());
    EXPECT_FALSE(txn.value().commit().ok());  // only once
  }
  EXPECT_EQ(count_rows(db.get()), 1);

  // A second connection sees the committed row: it really reached the file.
  Db other = must_open(dir.file("t.db"));
  EXPECT_EQ(count_rows(other.get()), 1);
}

TEST(SqliteDb, BeginImmediateWaitsForTheLockThenFails) {
  TempDir dir;
  Db first = must_open(dir.file("t.db"));
  Db second = must_open(dir.file("t.db"));
  ASSERT_TRUE(exec(first.get(), "CREATE TABLE t (a INTEGER)").ok());
  sqlite3_busy_timeout(second.get(), 20);
  Result<Transaction> holder = Transaction::begin(first.get());
  ASSERT_TRUE(holder.ok());
  Result<Transaction> blocked = Transaction::begin(second.get());
  ASSERT_FALSE(blocked.ok());
  EXPECT_NE(blocked.errors().front().message.find("locked"), std::string::npos) << blocked.errors().front().message;
}

TEST(SqliteDb, SavepointUndoesOnlyItsOwnRows) {
  TempDir dir;
  Db db = must_open(dir.file("t.db"));
  ASSERT_TRUE(exec(db.get(), "CREATE TABLE t (a INTEGER)").ok());
  Result<Transaction> txn = Transaction::begin(db.get());
  ASSERT_TRUE(txn.ok());
  ASSERT_TRUE(exec(db.get(), "INSERT INTO t VALUES (1)").ok());
  {
    Result<Savepoint> sp = Savepoint::begin(db.get());
    ASSERT_TRUE(sp.ok());
    ASSERT_TRUE(exec(db.get(), "INSERT INTO t VALUES (2)").ok());
  }  // not released: undone
  {
    Result<Savepoint> sp = Savepoint::begin(db.get());
    ASSERT_TRUE(sp.ok());
    ASSERT_TRUE(exec(db.get(), "INSERT INTO t VALUES (3)").ok());
    ASSERT_TRUE(sp.value().release().ok());
  }
  ASSERT_TRUE(txn.value().commit().ok());
  Result<Statement> s = prepare(db.get(), "SELECT group_concat(a) FROM (SELECT a FROM t ORDER BY a)");
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(step(s.value()).value());
  EXPECT_EQ(column_text(s.value(), 0), "1,3");
}

}  // namespace
}  // namespace blankett::sql
