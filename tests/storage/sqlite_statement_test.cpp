#include "storage/sqlite_statement.h"

#include <catch2/catch.hpp>

#include "storage/database.h"
#include "tests/storage/scratch_dir.h"

namespace bhxh {
namespace {

// The connection of an open Database, for statements of this test only.
sqlite3* Connection(Database& db) {
  sqlite3* conn = nullptr;
  REQUIRE(db.WithConnection([&](sqlite3* c) {
                conn = c;
                return Status::Ok();
              }).ok());
  return conn;
}

TEST_CASE("A statement of a cached connection is reused, reset and with its bindings cleared") {
  auto db = OpenOrFail(":memory:");
  sqlite3* conn = Connection(*db);
  const char* sql = "SELECT ?1";
  sqlite3_stmt* first_raw = nullptr;
  {
    Result<SqliteStatement> first = SqliteStatement::Prepare(conn, sql);
    REQUIRE(first.ok());
    first->BindText(1, "bound once");
    Result<bool> row = first->Step();
    REQUIRE(row.ok());
    REQUIRE(*row);
    CHECK(first->ColumnText(0) == "bound once");
    first_raw = sqlite3_next_stmt(conn, nullptr);
    // Left mid-result: going back to the cache must reset it.
  }
  Result<SqliteStatement> again = SqliteStatement::Prepare(conn, sql);
  REQUIRE(again.ok());
  CHECK(sqlite3_next_stmt(conn, nullptr) == first_raw);  // the same compiled statement
  Result<bool> row = again->Step();
  REQUIRE(row.ok());
  REQUIRE(*row);
  CHECK(again->ColumnText(0).empty());  // the old binding is gone (NULL reads as "")

  // Two in use at once: the second is a new statement, not the one in use.
  Result<SqliteStatement> both = SqliteStatement::Prepare(conn, sql);
  REQUIRE(both.ok());
  both->BindInt64(1, 7);
  REQUIRE(both->Step().ok());
  CHECK(both->ColumnInt64(0) == 7);
}

TEST_CASE("A connection without a cache compiles and finalises every statement") {
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open_v2(":memory:", &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) ==
          SQLITE_OK);
  {
    Result<SqliteStatement> s = SqliteStatement::Prepare(raw, "SELECT 1");
    REQUIRE(s.ok());
    CHECK(sqlite3_next_stmt(raw, nullptr) != nullptr);
  }
  CHECK(sqlite3_next_stmt(raw, nullptr) == nullptr);  // finalised, not kept
  // A cache released while a statement is out: the statement is finalised
  // when it comes back, so the connection closes cleanly.
  EnableStatementCache(raw);
  {
    Result<SqliteStatement> s = SqliteStatement::Prepare(raw, "SELECT 2");
    REQUIRE(s.ok());
    ReleaseStatementCache(raw);
  }
  CHECK(sqlite3_next_stmt(raw, nullptr) == nullptr);
  CHECK(sqlite3_close(raw) == SQLITE_OK);
}

}  // namespace
}  // namespace bhxh
