#include "storage/handover_queue.h"

#include <sqlite3.h>

#include <utility>

#include "storage/database.h"
#include "storage/sqlite_statement.h"
#include "storage/user_pauses.h"
#include "storage/unix_millis.h"

namespace bhxh {

const char* HandoverStatusName(HandoverStatus status) {
  switch (status) {
    case HandoverStatus::kOpen:
      return "open";
    case HandoverStatus::kReleased:
      return "released";
    case HandoverStatus::kExpired:
      return "expired";
  }
  return "open";
}

namespace {

using std::chrono::system_clock;

HandoverStatus ParseStatus(const std::string& name) {
  // The CHECK constraint holds the column to the three names.
  if (name == "released") return HandoverStatus::kReleased;
  if (name == "expired") return HandoverStatus::kExpired;
  return HandoverStatus::kOpen;
}

// The columns ReadRequests reads, in its order.
#define BHXH_HANDOVER_COLUMNS                                                             \
  "id, channel, user_id, reason, requested_ms, until_ms, status, closed_ms IS NOT NULL, " \
  "closed_ms"

// "The user is not paused at ?N": the pause is the user_pauses row (which a
// staff reply in the platform's own tool may have extended past the
// request's until_ms), and a pause until T is over at T. Written for an
// UPDATE of handover_requests, whose row it refers to by the table name.
#define BHXH_NOT_PAUSED_AT(now_param)                                                       \
  "NOT EXISTS (SELECT 1 FROM user_pauses AS p WHERE p.channel = handover_requests.channel " \
  "AND p.user_id = handover_requests.user_id AND p.until_ms > " now_param ")"

Status ReadRequests(SqliteStatement& stmt, std::vector<HandoverRequest>* out) {
  for (;;) {
    Result<bool> row = stmt.Step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::Ok();
    HandoverRequest r;
    r.id = stmt.ColumnInt64(0);
    r.channel = stmt.ColumnText(1);
    r.user = stmt.ColumnText(2);
    r.reason = stmt.ColumnText(3);
    r.requested = FromUnixMillis(stmt.ColumnInt64(4));
    r.until = FromUnixMillis(stmt.ColumnInt64(5));
    r.status = ParseStatus(stmt.ColumnText(6));
    if (stmt.ColumnInt64(7) != 0) r.closed = FromUnixMillis(stmt.ColumnInt64(8));
    out->push_back(std::move(r));
  }
}

Result<std::optional<HandoverRequest>> OpenForOn(sqlite3* db, const std::string& channel,
                                                 const std::string& user) {
  Result<SqliteStatement> stmt = SqliteStatement::Prepare(
      db, "SELECT " BHXH_HANDOVER_COLUMNS
          " FROM handover_requests WHERE channel = ?1 AND user_id = ?2 AND status = 'open' "
          "ORDER BY id LIMIT 1");
  if (!stmt.ok()) return stmt.status();
  stmt->BindText(1, channel);
  stmt->BindText(2, user);
  std::vector<HandoverRequest> found;
  if (Status read = ReadRequests(*stmt, &found); !read.ok()) return read;
  if (found.empty()) return std::optional<HandoverRequest>();
  return std::optional<HandoverRequest>(std::move(found.front()));
}

// Runs `sql` with the user bound to ?1, ?2; returns the rows it changed.
Result<size_t> RunForUser(sqlite3* db, const char* sql, const std::string& channel,
                          const std::string& user) {
  Result<SqliteStatement> stmt = SqliteStatement::Prepare(db, sql);
  if (!stmt.ok()) return stmt.status();
  stmt->BindText(1, channel);
  stmt->BindText(2, user);
  if (Status run = stmt->Run(); !run.ok()) return run;
  return static_cast<size_t>(sqlite3_changes(db));
}

class SqliteHandoverQueue final : public HandoverQueue {
 public:
  explicit SqliteHandoverQueue(Database& db) : db_(db) {}

  Result<HandoverRequest> Request(const std::string& channel, const std::string& user,
                                  const std::string& reason, system_clock::time_point now,
                                  system_clock::time_point until) override {
    if (channel.empty()) return InvalidArgument("handover: request: no channel");
    if (user.empty()) return InvalidArgument("handover: request: no user");
    if (ToUnixMillis(until) <= ToUnixMillis(now)) {
      return InvalidArgument("handover: request: the pause must end after now");
    }
    std::optional<HandoverRequest> request;
    // One transaction: the request and the pause exist together, and the
    // open-request check cannot race another Request of the same user.
    Status s = db_.InTransaction([&](sqlite3* db) -> Status {
      // An open request whose pause has already run out (ExpireDue has not
      // swept it yet) is over: it is closed, and the user gets a new one
      // rather than an old entry at the bottom of the staff inbox.
      Result<SqliteStatement> expire = SqliteStatement::Prepare(
          db,
          "UPDATE handover_requests SET status = 'expired', closed_ms = ?3 "
          "WHERE channel = ?1 AND user_id = ?2 AND status = 'open' AND " BHXH_NOT_PAUSED_AT("?3"));
      if (!expire.ok()) return expire.status();
      expire->BindText(1, channel);
      expire->BindText(2, user);
      expire->BindInt64(3, ToUnixMillis(now));
      if (Status run = expire->Run(); !run.ok()) return run;

      Result<std::optional<HandoverRequest>> open = OpenForOn(db, channel, user);
      if (!open.ok()) return open.status();
      if (open->has_value()) {
        Result<SqliteStatement> update = SqliteStatement::Prepare(
            db, "UPDATE handover_requests SET until_ms = ?2, reason = ?3 WHERE id = ?1");
        if (!update.ok()) return update.status();
        update->BindInt64(1, (*open)->id);
        update->BindInt64(2, ToUnixMillis(until));
        update->BindText(3, reason);
        if (Status run = update->Run(); !run.ok()) return run;
      } else {
        Result<SqliteStatement> insert = SqliteStatement::Prepare(
            db,
            "INSERT INTO handover_requests (channel, user_id, reason, requested_ms, until_ms, "
            "status) VALUES (?1, ?2, ?3, ?4, ?5, 'open')");
        if (!insert.ok()) return insert.status();
        insert->BindText(1, channel);
        insert->BindText(2, user);
        insert->BindText(3, reason);
        insert->BindInt64(4, ToUnixMillis(now));
        insert->BindInt64(5, ToUnixMillis(until));
        if (Status run = insert->Run(); !run.ok()) return run;
      }

      // The same row ChannelStateStore::PauseUser writes; the channels read
      // it before answering.
      if (Status paused = user_pauses::Set(db, channel, user, until, "handover: " + reason);
          !paused.ok()) {
        return paused;
      }

      Result<std::optional<HandoverRequest>> stored = OpenForOn(db, channel, user);
      if (!stored.ok()) return stored.status();
      if (!stored->has_value()) return Internal("the request just written is not there");
      request = std::move(**stored);
      return Status::Ok();
    });
    if (!s.ok()) return Annotate(s, "handover: request");
    return std::move(*request);
  }

  Result<bool> Release(const std::string& channel, const std::string& user,
                       system_clock::time_point now) override {
    bool released = false;
    // One transaction: the request is not closed while the bot stays
    // silent, nor the reverse.
    Status s = db_.InTransaction([&](sqlite3* db) -> Status {
      Result<SqliteStatement> close = SqliteStatement::Prepare(
          db,
          "UPDATE handover_requests SET status = 'released', closed_ms = ?3 "
          "WHERE channel = ?1 AND user_id = ?2 AND status = 'open'");
      if (!close.ok()) return close.status();
      close->BindText(1, channel);
      close->BindText(2, user);
      close->BindInt64(3, ToUnixMillis(now));
      if (Status run = close->Run(); !run.ok()) return run;
      released = sqlite3_changes(db) > 0;
      // Staff handed the user back: the bot answers again, whatever set
      // the pause (this request or a staff reply on the platform).
      return user_pauses::Clear(db, channel, user);
    });
    if (!s.ok()) return Annotate(s, "handover: release");
    return released;
  }

  Result<size_t> ExpireDue(system_clock::time_point now) override {
    size_t expired = 0;
    Status s = db_.InTransaction([&](sqlite3* db) -> Status {
      Result<SqliteStatement> stmt = SqliteStatement::Prepare(
          db,
          "UPDATE handover_requests SET status = 'expired', closed_ms = ?1 "
          "WHERE status = 'open' AND " BHXH_NOT_PAUSED_AT("?1"));
      if (!stmt.ok()) return stmt.status();
      stmt->BindInt64(1, ToUnixMillis(now));
      if (Status run = stmt->Run(); !run.ok()) return run;
      expired = static_cast<size_t>(sqlite3_changes(db));
      return Status::Ok();
    });
    if (!s.ok()) return Annotate(s, "handover: expire");
    return expired;
  }

  Result<std::vector<HandoverRequest>> Open() override {
    std::vector<HandoverRequest> open;
    Status s = db_.Read([&](sqlite3* db) -> Status {
      Result<SqliteStatement> stmt = SqliteStatement::Prepare(
          db, "SELECT " BHXH_HANDOVER_COLUMNS
              " FROM handover_requests WHERE status = 'open' ORDER BY requested_ms, id");
      if (!stmt.ok()) return stmt.status();
      return ReadRequests(*stmt, &open);
    });
    if (!s.ok()) return Annotate(s, "handover: open");
    return open;
  }

  Result<std::optional<HandoverRequest>> OpenFor(const std::string& channel,
                                                 const std::string& user) override {
    std::optional<HandoverRequest> found;
    Status s = db_.Read([&](sqlite3* db) -> Status {
      Result<std::optional<HandoverRequest>> open = OpenForOn(db, channel, user);
      if (!open.ok()) return open.status();
      found = std::move(*open);
      return Status::Ok();
    });
    if (!s.ok()) return Annotate(s, "handover: open for user");
    return found;
  }

  Result<std::optional<system_clock::time_point>> PausedUntil(
      const std::string& channel, const std::string& user, system_clock::time_point now) override {
    std::optional<system_clock::time_point> until;
    Status s = db_.Read([&](sqlite3* db) -> Status {
      auto found = user_pauses::Until(db, channel, user, now);
      if (!found.ok()) return found.status();
      until = *found;
      return Status::Ok();
    });
    if (!s.ok()) return Annotate(s, "handover: paused until");
    return until;
  }

  Result<size_t> DeleteUser(const std::string& channel, const std::string& user) override {
    size_t deleted = 0;
    Status s = db_.InTransaction([&](sqlite3* db) -> Status {
      for (const char* sql : {"DELETE FROM handover_requests WHERE channel = ?1 AND user_id = ?2",
                              "DELETE FROM user_pauses WHERE channel = ?1 AND user_id = ?2"}) {
        Result<size_t> n = RunForUser(db, sql, channel, user);
        if (!n.ok()) return n.status();
        deleted += *n;
      }
      return Status::Ok();
    });
    if (!s.ok()) return Annotate(s, "handover: delete user");
    return deleted;
  }

 private:
  Database& db_;
};

#undef BHXH_HANDOVER_COLUMNS
#undef BHXH_NOT_PAUSED_AT

}  // namespace

std::unique_ptr<HandoverQueue> NewSqliteHandoverQueue(Database& db) {
  return std::make_unique<SqliteHandoverQueue>(db);
}

}  // namespace bhxh
