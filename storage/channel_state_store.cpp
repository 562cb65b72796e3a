#include "storage/channel_state_store.h"

#include <utility>

#include "storage/database.h"
#include "storage/sqlite_statement.h"
#include "storage/user_pauses.h"
#include "storage/unix_millis.h"

namespace bhxh {
namespace {

// Tokens are secrets: no message here ever includes one.
Result<std::optional<TokenPair>> LoadTokensOn(sqlite3* db, const std::string& channel) {
  Result<SqliteStatement> stmt = SqliteStatement::Prepare(
      db,
      "SELECT access_token, refresh_token, access_expires_ms, updated_ms FROM channel_tokens "
      "WHERE channel = ?1");
  if (!stmt.ok()) return stmt.status();
  stmt->BindText(1, channel);
  Result<bool> row = stmt->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<TokenPair>();
  TokenPair tokens;
  tokens.access_token = stmt->ColumnText(0);
  tokens.refresh_token = stmt->ColumnText(1);
  tokens.access_expires = FromUnixMillis(stmt->ColumnInt64(2));
  tokens.updated = FromUnixMillis(stmt->ColumnInt64(3));
  return std::optional<TokenPair>(std::move(tokens));
}

// Writes `tokens` for `channel`; with `replace` false, only if none are
// stored yet.
Status WriteTokensOn(sqlite3* db, const std::string& channel, const TokenPair& tokens,
                     bool replace) {
  Result<SqliteStatement> stmt = SqliteStatement::Prepare(
      db, replace ? "INSERT INTO channel_tokens (channel, access_token, refresh_token, "
                    "access_expires_ms, updated_ms) VALUES (?1, ?2, ?3, ?4, ?5) "
                    "ON CONFLICT (channel) DO UPDATE SET access_token = excluded.access_token, "
                    "refresh_token = excluded.refresh_token, "
                    "access_expires_ms = excluded.access_expires_ms, "
                    "updated_ms = excluded.updated_ms"
                  : "INSERT INTO channel_tokens (channel, access_token, refresh_token, "
                    "access_expires_ms, updated_ms) VALUES (?1, ?2, ?3, ?4, ?5) "
                    "ON CONFLICT (channel) DO NOTHING");
  if (!stmt.ok()) return stmt.status();
  stmt->BindText(1, channel);
  stmt->BindText(2, tokens.access_token);
  stmt->BindText(3, tokens.refresh_token);
  stmt->BindInt64(4, ToUnixMillis(tokens.access_expires));
  stmt->BindInt64(5, ToUnixMillis(tokens.updated));
  return stmt->Run();
}

class SqliteChannelStateStore final : public ChannelStateStore {
 public:
  explicit SqliteChannelStateStore(Database& db) : db_(db) {}

  Result<std::optional<TokenPair>> LoadTokens(const std::string& channel) override {
    std::optional<TokenPair> tokens;
    Status s = db_.Read([&](sqlite3* db) -> Status {
      Result<std::optional<TokenPair>> loaded = LoadTokensOn(db, channel);
      if (!loaded.ok()) return loaded.status();
      tokens = std::move(*loaded);
      return Status::Ok();
    });
    if (!s.ok()) return Annotate(s, "channel state: load tokens of " + channel);
    return tokens;
  }

  Status SaveTokens(const std::string& channel, const TokenPair& tokens) override {
    // The Zalo refresh token is single-use: the new pair must be on disk
    // before the old one is spent, hence a commit of its own.
    Status s = db_.InTransaction(
        [&](sqlite3* db) { return WriteTokensOn(db, channel, tokens, /*replace=*/true); });
    return Annotate(s, "channel state: save tokens of " + channel);
  }

  Result<TokenPair> SeedTokens(const std::string& channel, const TokenPair& initial) override {
    std::optional<TokenPair> stored;
    // One transaction: two processes seeding at once both read back the
    // pair that won.
    Status s = db_.InTransaction([&](sqlite3* db) -> Status {
      Status written = WriteTokensOn(db, channel, initial, /*replace=*/false);
      if (!written.ok()) return written;
      Result<std::optional<TokenPair>> loaded = LoadTokensOn(db, channel);
      if (!loaded.ok()) return loaded.status();
      stored = std::move(*loaded);
      return stored ? Status::Ok() : Internal("the seeded tokens are not there");
    });
    if (!s.ok()) return Annotate(s, "channel state: seed tokens of " + channel);
    return std::move(*stored);
  }

  Status PauseUser(const std::string& channel, const std::string& user,
                   std::chrono::system_clock::time_point until,
                   const std::string& reason) override {
    Status s = db_.WithConnection(
        [&](sqlite3* db) { return user_pauses::Set(db, channel, user, until, reason); });
    return Annotate(s, "channel state: pause user");
  }

  Status ResumeUser(const std::string& channel, const std::string& user) override {
    Status s =
        db_.WithConnection([&](sqlite3* db) { return user_pauses::Clear(db, channel, user); });
    return Annotate(s, "channel state: resume user");
  }

  Result<std::optional<std::chrono::system_clock::time_point>> PausedUntil(
      const std::string& channel, const std::string& user,
      std::chrono::system_clock::time_point now) override {
    std::optional<std::chrono::system_clock::time_point> until;
    Status s = db_.Read([&](sqlite3* db) -> Status {
      auto found = user_pauses::Until(db, channel, user, now);
      if (!found.ok()) return found.status();
      until = *found;
      return Status::Ok();
    });
    if (!s.ok()) return Annotate(s, "channel state: paused until");
    return until;
  }

 private:
  Database& db_;
};

}  // namespace

std::unique_ptr<ChannelStateStore> NewSqliteChannelStateStore(Database& db) {
  return std::make_unique<SqliteChannelStateStore>(db);
}

}  // namespace bhxh
