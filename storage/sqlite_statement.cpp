#include "storage/sqlite_statement.h"

#include <utility>

namespace bhxh {

Status SqliteError(sqlite3* db, int rc, const std::string& context) {
  // sqlite3_errmsg describes the most recent failure on this connection,
  // which is `rc` as long as the caller holds the connection (it must).
  std::string message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  if (!context.empty()) message = context + ": " + message;
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Unavailable(std::move(message));
    case SQLITE_FULL:
      return Status(StatusCode::kResourceExhausted, std::move(message));
    case SQLITE_CONSTRAINT:
      return InvalidArgument(std::move(message));
    default:
      return Internal(std::move(message));
  }
}

Status Annotate(const Status& status, const std::string& context) {
  if (status.ok()) return status;
  return Status(status.code(), context + ": " + status.message());
}

Status ExecScript(sqlite3* db, const char* sql, const std::string& context) {
  const char* rest = sql;
  while (rest != nullptr && *rest != '\0') {
    sqlite3_stmt* raw = nullptr;
    const char* tail = nullptr;
    int rc = sqlite3_prepare_v2(db, rest, -1, &raw, &tail);
    if (rc != SQLITE_OK) return SqliteError(db, rc, context);
    rest = tail;
    if (raw == nullptr) continue;  // whitespace or a comment
    do {
      rc = sqlite3_step(raw);
    } while (rc == SQLITE_ROW);
    sqlite3_finalize(raw);
    if (rc != SQLITE_DONE) return SqliteError(db, rc, context);
  }
  return Status::Ok();
}

Result<SqliteStatement> SqliteStatement::Prepare(sqlite3* db, const char* sql) {
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(db, sql, -1, &raw, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(raw);
    return SqliteError(db, rc, "prepare");
  }
  return SqliteStatement(db, raw);
}

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept
    : db_(other.db_),
      stmt_(std::exchange(other.stmt_, nullptr)),
      bind_status_(std::move(other.bind_status_)) {}

SqliteStatement& SqliteStatement::operator=(SqliteStatement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    db_ = other.db_;
    stmt_ = std::exchange(other.stmt_, nullptr);
    bind_status_ = std::move(other.bind_status_);
  }
  return *this;
}

SqliteStatement::~SqliteStatement() { sqlite3_finalize(stmt_); }

void SqliteStatement::NoteBind(int rc, int index) {
  if (rc != SQLITE_OK && bind_status_.ok()) {
    bind_status_ = SqliteError(db_, rc, "bind parameter " + std::to_string(index));
  }
}

void SqliteStatement::BindText(int index, std::string_view value) {
  // SQLITE_TRANSIENT: SQLite copies the bytes, so `value` may die first.
  NoteBind(sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT,
                               SQLITE_UTF8),
           index);
}

void SqliteStatement::BindInt64(int index, int64_t value) {
  NoteBind(sqlite3_bind_int64(stmt_, index, static_cast<sqlite3_int64>(value)), index);
}

void SqliteStatement::BindDouble(int index, double value) {
  NoteBind(sqlite3_bind_double(stmt_, index, value), index);
}

Result<bool> SqliteStatement::Step() {
  if (!bind_status_.ok()) return bind_status_;
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteError(db_, rc, "");
}

Status SqliteStatement::Run() {
  for (;;) {
    Result<bool> row = Step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::Ok();
  }
}

void SqliteStatement::Reset() { sqlite3_reset(stmt_); }

std::string SqliteStatement::ColumnText(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  if (text == nullptr) return std::string();
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

int64_t SqliteStatement::ColumnInt64(int column) const {
  return static_cast<int64_t>(sqlite3_column_int64(stmt_, column));
}

double SqliteStatement::ColumnDouble(int column) const {
  return sqlite3_column_double(stmt_, column);
}

}  // namespace bhxh
