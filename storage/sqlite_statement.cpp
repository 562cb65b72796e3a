#include "storage/sqlite_statement.h"

#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace bhxh {
namespace {

// Idle statements by connection and SQL text. Statements in use belong to
// their SqliteStatement; only idle ones are here.
struct StatementCaches {
  std::mutex mu;
  std::unordered_map<sqlite3*, std::unordered_map<std::string, std::vector<sqlite3_stmt*>>> idle;
};

StatementCaches& Caches() {
  static StatementCaches* caches = new StatementCaches();  // never destroyed: used until exit
  return *caches;
}

// An idle statement of `sql` on `db`; nullptr when there is none (or no cache).
sqlite3_stmt* TakeCached(sqlite3* db, const char* sql, bool* has_cache) {
  StatementCaches& c = Caches();
  std::lock_guard<std::mutex> lock(c.mu);
  auto conn = c.idle.find(db);
  *has_cache = conn != c.idle.end();
  if (!*has_cache) return nullptr;
  auto it = conn->second.find(sql);
  if (it == conn->second.end() || it->second.empty()) return nullptr;
  sqlite3_stmt* stmt = it->second.back();
  it->second.pop_back();
  return stmt;
}

}  // namespace

void EnableStatementCache(sqlite3* db) {
  StatementCaches& c = Caches();
  std::lock_guard<std::mutex> lock(c.mu);
  c.idle.emplace(db, std::unordered_map<std::string, std::vector<sqlite3_stmt*>>());
}

void ReleaseStatementCache(sqlite3* db) {
  std::unordered_map<std::string, std::vector<sqlite3_stmt*>> idle;
  {
    StatementCaches& c = Caches();
    std::lock_guard<std::mutex> lock(c.mu);
    auto conn = c.idle.find(db);
    if (conn == c.idle.end()) return;
    idle = std::move(conn->second);
    c.idle.erase(conn);
  }
  for (auto& [sql, stmts] : idle) {
    for (sqlite3_stmt* s : stmts) sqlite3_finalize(s);
  }
}

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
  bool cached = false;
  if (sqlite3_stmt* reuse = TakeCached(db, sql, &cached)) return SqliteStatement(db, reuse, true);
  sqlite3_stmt* raw = nullptr;
  // PERSISTENT: SQLite's hint for statements kept and reused.
  int rc = sqlite3_prepare_v3(db, sql, -1, cached ? SQLITE_PREPARE_PERSISTENT : 0, &raw, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(raw);
    return SqliteError(db, rc, "prepare");
  }
  return SqliteStatement(db, raw, cached);
}

void SqliteStatement::Release() {
  if (stmt_ == nullptr) return;
  sqlite3_stmt* stmt = std::exchange(stmt_, nullptr);
  if (cached_) {
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    StatementCaches& c = Caches();
    std::lock_guard<std::mutex> lock(c.mu);
    auto conn = c.idle.find(db_);
    if (conn != c.idle.end()) {
      conn->second[sqlite3_sql(stmt)].push_back(stmt);
      return;
    }
  }
  sqlite3_finalize(stmt);  // no cache (any more): the connection may be closing
}

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept
    : db_(other.db_),
      stmt_(std::exchange(other.stmt_, nullptr)),
      cached_(other.cached_),
      bind_status_(std::move(other.bind_status_)) {}

SqliteStatement& SqliteStatement::operator=(SqliteStatement&& other) noexcept {
  if (this != &other) {
    Release();
    db_ = other.db_;
    stmt_ = std::exchange(other.stmt_, nullptr);
    cached_ = other.cached_;
    bind_status_ = std::move(other.bind_status_);
  }
  return *this;
}

SqliteStatement::~SqliteStatement() { Release(); }

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
