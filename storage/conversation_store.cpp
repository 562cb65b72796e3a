#include "storage/conversation_store.h"

#include <sqlite3.h>

#include <utility>

#include "storage/database.h"
#include "storage/sqlite_statement.h"
#include "storage/unix_millis.h"

namespace bhxh {
namespace {

// Each method is a single statement, atomic on its own, so none needs an
// explicit transaction.
class SqliteConversationStore final : public ConversationStore {
 public:
  explicit SqliteConversationStore(Database& db) : db_(db) {}

  Result<std::optional<StoredConversation>> Load(const ConversationKey& key) override {
    std::optional<StoredConversation> found;
    Status s = db_.Read([&](sqlite3* db) -> Status {
      Result<SqliteStatement> stmt = SqliteStatement::Prepare(
          db, "SELECT state, updated_at_ms FROM conversations WHERE channel = ?1 AND user_id = ?2");
      if (!stmt.ok()) return Annotate(stmt.status(), "conversations: load");
      stmt->BindText(1, key.channel);
      stmt->BindText(2, key.user);
      Result<bool> row = stmt->Step();
      if (!row.ok()) return Annotate(row.status(), "conversations: load");
      if (*row) found = StoredConversation{stmt->ColumnText(0), FromUnixMillis(stmt->ColumnInt64(1))};
      return Status::Ok();
    });
    if (!s.ok()) return s;
    return found;
  }

  Status Save(const ConversationKey& key, const std::string& state,
              std::chrono::system_clock::time_point at) override {
    return db_.WithConnection([&](sqlite3* db) -> Status {
      Result<SqliteStatement> stmt = SqliteStatement::Prepare(
          db,
          "INSERT INTO conversations (channel, user_id, state, updated_at_ms) "
          "VALUES (?1, ?2, ?3, ?4) "
          "ON CONFLICT (channel, user_id) DO UPDATE SET "
          "state = excluded.state, updated_at_ms = excluded.updated_at_ms");
      if (!stmt.ok()) return Annotate(stmt.status(), "conversations: save");
      stmt->BindText(1, key.channel);
      stmt->BindText(2, key.user);
      stmt->BindText(3, state);
      stmt->BindInt64(4, ToUnixMillis(at));
      return Annotate(stmt->Run(), "conversations: save");
    });
  }

  Status Delete(const ConversationKey& key) override {
    return db_.WithConnection([&](sqlite3* db) -> Status {
      Result<SqliteStatement> stmt = SqliteStatement::Prepare(
          db, "DELETE FROM conversations WHERE channel = ?1 AND user_id = ?2");
      if (!stmt.ok()) return Annotate(stmt.status(), "conversations: delete");
      stmt->BindText(1, key.channel);
      stmt->BindText(2, key.user);
      return Annotate(stmt->Run(), "conversations: delete");
    });
  }

  Result<size_t> PurgeUpdatedBefore(std::chrono::system_clock::time_point cutoff) override {
    size_t deleted = 0;
    Status s = db_.WithConnection([&](sqlite3* db) -> Status {
      Result<SqliteStatement> stmt =
          SqliteStatement::Prepare(db, "DELETE FROM conversations WHERE updated_at_ms < ?1");
      if (!stmt.ok()) return Annotate(stmt.status(), "conversations: purge");
      stmt->BindInt64(1, ToUnixMillis(cutoff));
      if (Status run = stmt->Run(); !run.ok()) return Annotate(run, "conversations: purge");
      deleted = static_cast<size_t>(sqlite3_changes(db));
      return Status::Ok();
    });
    if (!s.ok()) return s;
    return deleted;
  }

  Result<std::vector<ConversationKey>> StaleWithMarker(const std::string& marker,
                                                       std::chrono::system_clock::time_point cutoff,
                                                       size_t limit) override {
    std::vector<ConversationKey> keys;
    Status s = db_.Read([&](sqlite3* db) -> Status {
      Result<SqliteStatement> stmt = SqliteStatement::Prepare(
          db,
          "SELECT channel, user_id FROM conversations "
          "WHERE updated_at_ms < ?1 AND instr(state, ?2) > 0 ORDER BY updated_at_ms LIMIT ?3");
      if (!stmt.ok()) return Annotate(stmt.status(), "conversations: stale");
      stmt->BindInt64(1, ToUnixMillis(cutoff));
      stmt->BindText(2, marker);
      stmt->BindInt64(3, static_cast<long long>(limit));
      for (;;) {
        Result<bool> row = stmt->Step();
        if (!row.ok()) return Annotate(row.status(), "conversations: stale");
        if (!*row) return Status::Ok();
        keys.push_back({stmt->ColumnText(0), stmt->ColumnText(1)});
      }
    });
    if (!s.ok()) return s;
    return keys;
  }

 private:
  Database& db_;
};

}  // namespace

std::unique_ptr<ConversationStore> NewSqliteConversationStore(Database& db) {
  return std::make_unique<SqliteConversationStore>(db);
}

}  // namespace bhxh
