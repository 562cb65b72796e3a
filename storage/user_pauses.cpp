#include "storage/user_pauses.h"

#include "storage/sqlite_statement.h"
#include "storage/unix_millis.h"

namespace bhxh::user_pauses {

Status Set(sqlite3* db, const std::string& channel, const std::string& user,
           std::chrono::system_clock::time_point until, const std::string& reason) {
  Result<SqliteStatement> stmt = SqliteStatement::Prepare(
      db,
      "INSERT INTO user_pauses (channel, user_id, until_ms, reason) VALUES (?1, ?2, ?3, ?4) "
      "ON CONFLICT (channel, user_id) DO UPDATE SET until_ms = excluded.until_ms, "
      "reason = excluded.reason");
  if (!stmt.ok()) return stmt.status();
  stmt->BindText(1, channel);
  stmt->BindText(2, user);
  stmt->BindInt64(3, ToUnixMillis(until));
  stmt->BindText(4, reason);
  return stmt->Run();
}

Status Clear(sqlite3* db, const std::string& channel, const std::string& user) {
  Result<SqliteStatement> stmt =
      SqliteStatement::Prepare(db, "DELETE FROM user_pauses WHERE channel = ?1 AND user_id = ?2");
  if (!stmt.ok()) return stmt.status();
  stmt->BindText(1, channel);
  stmt->BindText(2, user);
  return stmt->Run();
}

Result<std::optional<std::chrono::system_clock::time_point>> Until(
    sqlite3* db, const std::string& channel, const std::string& user,
    std::chrono::system_clock::time_point now) {
  Result<SqliteStatement> stmt = SqliteStatement::Prepare(
      db, "SELECT until_ms FROM user_pauses WHERE channel = ?1 AND user_id = ?2 AND until_ms > ?3");
  if (!stmt.ok()) return stmt.status();
  stmt->BindText(1, channel);
  stmt->BindText(2, user);
  stmt->BindInt64(3, ToUnixMillis(now));
  Result<bool> row = stmt->Step();
  if (!row.ok()) return row.status();
  std::optional<std::chrono::system_clock::time_point> until;
  if (*row) until = FromUnixMillis(stmt->ColumnInt64(0));
  return until;
}

}  // namespace bhxh::user_pauses
