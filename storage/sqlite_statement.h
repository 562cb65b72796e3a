// A prepared SQLite statement that finalises itself, and the mapping from
// SQLite result codes to Status. Private to storage/: only storage/ sees
// <sqlite3.h>.
//
// Values always go in through Bind*, never into the SQL text.
#ifndef BHXH_STORAGE_SQLITE_STATEMENT_H_
#define BHXH_STORAGE_SQLITE_STATEMENT_H_

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace bhxh {

// The Status for a failed SQLite call: "<context>: <sqlite3_errmsg>" (just
// the SQLite message when `context` is empty).
// SQLITE_BUSY/LOCKED -> Unavailable (another writer held the lock past the
// busy timeout; retrying may succeed), SQLITE_FULL -> ResourceExhausted,
// SQLITE_CONSTRAINT -> InvalidArgument (the stored values broke a key or a
// rule), anything else -> Internal. The caller must hold the connection.
Status SqliteError(sqlite3* db, int rc, const std::string& context);

// `status` with "<context>: " put before its message; OK stays OK.
Status Annotate(const Status& status, const std::string& context);

// Runs every statement of `sql`, a constant script with no values in it
// (migrations, PRAGMAs). Stops at the first failure and returns it; earlier
// statements stay applied unless the caller rolls back.
Status ExecScript(sqlite3* db, const char* sql, const std::string& context);

// Prepared statements of a connection are kept for reuse once its cache is
// enabled: Prepare hands out an idle statement of the same SQL text (reset,
// bindings cleared) instead of compiling it again, and a statement going
// out of scope goes back to the cache. The stores prepare the same few dozen
// statements over and over, each time with the connection locked, so this
// shortens every transaction. Enable right after opening; release (which
// finalises them) before closing the connection. Thread-safe.
void EnableStatementCache(sqlite3* db);
void ReleaseStatementCache(sqlite3* db);

class SqliteStatement {
 public:
  // Prepares the single statement `sql` on `db` (or reuses a cached one).
  // Errors as SqliteError.
  static Result<SqliteStatement> Prepare(sqlite3* db, const char* sql);

  SqliteStatement(SqliteStatement&& other) noexcept;
  SqliteStatement& operator=(SqliteStatement&& other) noexcept;
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;
  ~SqliteStatement();

  // Bind the 1-based parameter `index`. A failure is remembered and
  // returned by the next Step()/Run(), so call sites need not check each.
  void BindText(int index, std::string_view value);
  void BindInt64(int index, int64_t value);
  void BindDouble(int index, double value);

  // Advances: true when a row is ready to read, false when done. A failure's
  // message is SQLite's own ("UNIQUE constraint failed: t.c"); Annotate it.
  Result<bool> Step();
  // Steps until done (INSERT/UPDATE/DELETE). OK when it completed.
  Status Run();
  // Resets to run again with new bindings (bindings are kept until rebound).
  void Reset();

  // Column readers for the current row (0-based). NULL reads as "" / 0.
  std::string ColumnText(int column) const;
  int64_t ColumnInt64(int column) const;
  double ColumnDouble(int column) const;

 private:
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt, bool cached)
      : db_(db), stmt_(stmt), cached_(cached) {}
  void NoteBind(int rc, int index);
  // Returns the statement to its connection's cache, or finalises it.
  void Release();

  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  bool cached_ = false;  // the connection had a cache when it was prepared
  Status bind_status_;
};

}  // namespace bhxh

#endif  // BHXH_STORAGE_SQLITE_STATEMENT_H_
