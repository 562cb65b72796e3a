#include "storage/conversation_store.h"

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
    Status s = db_.WithConnection([&](sqlite3* db) -> Status {
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

 private:
  Database& db_;
};

}  // namespace

std::unique_ptr<ConversationStore> NewSqliteConversationStore(Database& db) {
  return std::make_unique<SqliteConversationStore>(db);
}

}  // namespace bhxh
