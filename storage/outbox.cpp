#include "storage/outbox.h"

#include <cstdint>
#include <limits>
#include <utility>

#include "storage/database.h"
#include "storage/sqlite_statement.h"
#include "storage/unix_millis.h"

namespace bhxh {
namespace {

// Stored in outbox.status (and held to these by its CHECK constraint).
const char* StatusName(OutboxStatus status) {
  switch (status) {
    case OutboxStatus::kPending:
      return "pending";
    case OutboxStatus::kSent:
      return "sent";
    case OutboxStatus::kFailed:
      return "failed";
  }
  return "pending";
}

OutboxStatus ParseStatus(const std::string& name) {
  if (name == "sent") return OutboxStatus::kSent;
  if (name == "failed") return OutboxStatus::kFailed;
  return OutboxStatus::kPending;
}

int64_t ClampLimit(size_t limit) {
  constexpr auto kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  return static_cast<int64_t>(static_cast<uint64_t>(limit) > kMax ? kMax : limit);
}

std::string MessageName(long long id) { return "outbox: message " + std::to_string(id); }

// The columns ReadMessage reads, in its order.
#define BHXH_OUTBOX_COLUMNS                                                                   \
  "o.id, o.channel, o.user_id, o.event_id, o.body, o.status, o.attempts, o.next_attempt_ms, " \
  "o.last_error, o.created_ms, o.sent_ms IS NOT NULL, o.sent_ms"

// Reads a row selected with BHXH_OUTBOX_COLUMNS.
OutboxMessage ReadMessage(const SqliteStatement& stmt) {
  OutboxMessage m;
  m.id = stmt.ColumnInt64(0);
  m.channel = stmt.ColumnText(1);
  m.user = stmt.ColumnText(2);
  m.event_id = stmt.ColumnInt64(3);
  m.body = stmt.ColumnText(4);
  m.status = ParseStatus(stmt.ColumnText(5));
  m.attempts = static_cast<int>(stmt.ColumnInt64(6));
  m.next_attempt = FromUnixMillis(stmt.ColumnInt64(7));
  m.last_error = stmt.ColumnText(8);
  m.created = FromUnixMillis(stmt.ColumnInt64(9));
  if (stmt.ColumnInt64(10) != 0) m.sent = FromUnixMillis(stmt.ColumnInt64(11));
  return m;
}

// A pending row is its user's head when no earlier row of the same user is
// pending. Written as NOT EXISTS so that it is a probe of outbox_by_user
// (channel, user_id, status, id) per candidate row, and the candidates come
// from outbox_by_due (status, next_attempt_ms): the cost follows the number
// of pending rows, not the sent history.
// (Macros only so that the SQL stays one compile-time literal.)
#define BHXH_OUTBOX_IS_HEAD                                                        \
  "NOT EXISTS (SELECT 1 FROM outbox AS earlier WHERE earlier.channel = o.channel " \
  "AND earlier.user_id = o.user_id AND earlier.status = 'pending' AND earlier.id < o.id)"

class SqliteOutbox final : public Outbox {
 public:
  explicit SqliteOutbox(Database& db) : db_(db) {}

  Result<std::vector<long long>> Enqueue(const std::vector<OutboxMessage>& messages) override {
    for (size_t i = 0; i < messages.size(); ++i) {
      const OutboxMessage& m = messages[i];
      const std::string which = "outbox: message " + std::to_string(i) + " of the request";
      if (m.channel.empty()) return InvalidArgument(which + " has no channel");
      if (m.user.empty()) return InvalidArgument(which + " has no user");
      if (m.body.empty()) return InvalidArgument(which + " has no body");
    }
    std::vector<long long> ids;
    // A transaction (a savepoint inside the caller's unit of work): all
    // rows or none.
    Status s = db_.InTransaction([&](sqlite3* db) -> Status {
      Result<SqliteStatement> insert = SqliteStatement::Prepare(
          db,
          "INSERT INTO outbox (channel, user_id, event_id, body, status, attempts, "
          "next_attempt_ms, last_error, created_ms) "
          "VALUES (?1, ?2, ?3, ?4, 'pending', 0, ?5, '', ?6)");
      if (!insert.ok()) return Annotate(insert.status(), "outbox: enqueue");
      for (const OutboxMessage& m : messages) {
        insert->Reset();
        insert->BindText(1, m.channel);
        insert->BindText(2, m.user);
        insert->BindInt64(3, m.event_id);
        insert->BindText(4, m.body);
        insert->BindInt64(5, ToUnixMillis(m.next_attempt));
        insert->BindInt64(6, ToUnixMillis(m.created));
        Status run = insert->Run();
        if (!run.ok()) return Annotate(run, "outbox: enqueue");
        ids.push_back(sqlite3_last_insert_rowid(db));
      }
      return Status::Ok();
    });
    if (!s.ok()) return s;
    return ids;
  }

  Result<std::vector<OutboxMessage>> DueHeads(std::chrono::system_clock::time_point now,
                                              size_t limit) override {
    std::vector<OutboxMessage> heads;
    Status s = db_.Read([&](sqlite3* db) -> Status {
      Result<SqliteStatement> stmt = SqliteStatement::Prepare(
          db, "SELECT " BHXH_OUTBOX_COLUMNS
              " FROM outbox AS o WHERE o.status = 'pending' AND o.next_attempt_ms <= ?1 "
              "AND " BHXH_OUTBOX_IS_HEAD " ORDER BY o.id LIMIT ?2");
      if (!stmt.ok()) return Annotate(stmt.status(), "outbox: due heads");
      stmt->BindInt64(1, ToUnixMillis(now));
      stmt->BindInt64(2, ClampLimit(limit));
      for (;;) {
        Result<bool> row = stmt->Step();
        if (!row.ok()) return Annotate(row.status(), "outbox: due heads");
        if (!*row) return Status::Ok();
        heads.push_back(ReadMessage(*stmt));
      }
    });
    if (!s.ok()) return s;
    return heads;
  }

  Result<std::optional<OutboxMessage>> DueHeadOf(const std::string& channel, const std::string& user,
                                                 std::chrono::system_clock::time_point now) override {
    std::optional<OutboxMessage> found;
    Status s = db_.Read([&](sqlite3* db) -> Status {
      // The (channel, user_id, status, id) index gives the head directly.
      Result<SqliteStatement> stmt = SqliteStatement::Prepare(
          db, "SELECT " BHXH_OUTBOX_COLUMNS
              " FROM outbox AS o WHERE o.channel = ?1 AND o.user_id = ?2 AND o.status = 'pending' "
              "ORDER BY o.id LIMIT 1");
      if (!stmt.ok()) return Annotate(stmt.status(), "outbox: head of user");
      stmt->BindText(1, channel);
      stmt->BindText(2, user);
      Result<bool> row = stmt->Step();
      if (!row.ok()) return Annotate(row.status(), "outbox: head of user");
      if (*row) {
        OutboxMessage m = ReadMessage(*stmt);
        if (m.next_attempt <= now) found = std::move(m);
      }
      return Status::Ok();
    });
    if (!s.ok()) return s;
    return found;
  }

  Status MarkSent(long long id, std::chrono::system_clock::time_point at) override {
    return Transition(id, "mark sent",
                      "UPDATE outbox SET status = 'sent', attempts = attempts + 1, sent_ms = ?2 "
                      "WHERE id = ?1 AND status = 'pending'",
                      [&](SqliteStatement& update) { update.BindInt64(2, ToUnixMillis(at)); });
  }

  Status MarkRetry(long long id, std::chrono::system_clock::time_point next_attempt,
                   const std::string& error) override {
    return Transition(id, "mark retry",
                      "UPDATE outbox SET attempts = attempts + 1, next_attempt_ms = ?2, "
                      "last_error = ?3 WHERE id = ?1 AND status = 'pending'",
                      [&](SqliteStatement& update) {
                        update.BindInt64(2, ToUnixMillis(next_attempt));
                        update.BindText(3, error);
                      });
  }

  Status MarkFailed(long long id, const std::string& error) override {
    return Transition(id, "mark failed",
                      "UPDATE outbox SET status = 'failed', attempts = attempts + 1, "
                      "last_error = ?2 WHERE id = ?1 AND status = 'pending'",
                      [&](SqliteStatement& update) { update.BindText(2, error); });
  }

  Result<std::optional<OutboxMessage>> Get(long long id) override {
    std::optional<OutboxMessage> found;
    Status s = db_.Read([&](sqlite3* db) -> Status {
      Result<SqliteStatement> stmt = SqliteStatement::Prepare(
          db, "SELECT " BHXH_OUTBOX_COLUMNS " FROM outbox AS o WHERE o.id = ?1");
      if (!stmt.ok()) return Annotate(stmt.status(), "outbox: get");
      stmt->BindInt64(1, id);
      Result<bool> row = stmt->Step();
      if (!row.ok()) return Annotate(row.status(), "outbox: get");
      if (*row) found = ReadMessage(*stmt);
      return Status::Ok();
    });
    if (!s.ok()) return s;
    return found;
  }

  Result<std::optional<std::chrono::system_clock::time_point>> NextDue() override {
    std::optional<std::chrono::system_clock::time_point> next;
    Status s = db_.Read([&](sqlite3* db) -> Status {
      // Over the heads only (see outbox.h); MIN is NULL when the count is 0.
      Result<SqliteStatement> stmt =
          SqliteStatement::Prepare(db,
                                   "SELECT count(*), MIN(o.next_attempt_ms) FROM outbox AS o "
                                   "WHERE o.status = 'pending' AND " BHXH_OUTBOX_IS_HEAD);
      if (!stmt.ok()) return Annotate(stmt.status(), "outbox: next due");
      Result<bool> row = stmt->Step();
      if (!row.ok()) return Annotate(row.status(), "outbox: next due");
      if (*row && stmt->ColumnInt64(0) > 0) next = FromUnixMillis(stmt->ColumnInt64(1));
      return Status::Ok();
    });
    if (!s.ok()) return s;
    return next;
  }

  Result<size_t> CountByStatus(OutboxStatus status) override {
    size_t count = 0;
    Status s = db_.Read([&](sqlite3* db) -> Status {
      Result<SqliteStatement> stmt =
          SqliteStatement::Prepare(db, "SELECT count(*) FROM outbox WHERE status = ?1");
      if (!stmt.ok()) return Annotate(stmt.status(), "outbox: count");
      stmt->BindText(1, StatusName(status));
      Result<bool> row = stmt->Step();
      if (!row.ok()) return Annotate(row.status(), "outbox: count");
      count = static_cast<size_t>(stmt->ColumnInt64(0));
      return Status::Ok();
    });
    if (!s.ok()) return s;
    return count;
  }

  Result<size_t> PurgeFinishedBefore(std::chrono::system_clock::time_point cutoff) override {
    size_t deleted = 0;
    Status s = db_.InTransaction([&](sqlite3* db) -> Status {
      Result<SqliteStatement> stmt = SqliteStatement::Prepare(
          db, "DELETE FROM outbox WHERE status != 'pending' AND created_ms < ?1");
      if (!stmt.ok()) return Annotate(stmt.status(), "outbox: purge");
      stmt->BindInt64(1, ToUnixMillis(cutoff));
      Status run = stmt->Run();
      if (!run.ok()) return Annotate(run, "outbox: purge");
      deleted = static_cast<size_t>(sqlite3_changes(db));
      return Status::Ok();
    });
    if (!s.ok()) return s;
    return deleted;
  }

  Result<size_t> DeleteUser(const std::string& channel, const std::string& user) override {
    size_t deleted = 0;
    Status s = db_.InTransaction([&](sqlite3* db) -> Status {
      Result<SqliteStatement> stmt =
          SqliteStatement::Prepare(db, "DELETE FROM outbox WHERE channel = ?1 AND user_id = ?2");
      if (!stmt.ok()) return Annotate(stmt.status(), "outbox: delete user");
      stmt->BindText(1, channel);
      stmt->BindText(2, user);
      Status run = stmt->Run();
      if (!run.ok()) return Annotate(run, "outbox: delete user");
      deleted = static_cast<size_t>(sqlite3_changes(db));
      return Status::Ok();
    });
    if (!s.ok()) return s;
    return deleted;
  }

 private:
  // Runs `sql`, an UPDATE of row ?1 guarded by status = 'pending', with
  // the other parameters bound by `bind`. When it changes nothing, tells a
  // missing row (NotFound) from one already moved on (FailedPrecondition),
  // in the same transaction so the answer matches the update.
  template <typename Bind>
  Status Transition(long long id, const char* what, const char* sql, const Bind& bind) {
    const std::string context = std::string("outbox: ") + what;
    return db_.InTransaction([&](sqlite3* db) -> Status {
      Result<SqliteStatement> update = SqliteStatement::Prepare(db, sql);
      if (!update.ok()) return Annotate(update.status(), context);
      update->BindInt64(1, id);
      bind(*update);
      Status run = update->Run();
      if (!run.ok()) return Annotate(run, context);
      if (sqlite3_changes(db) == 1) return Status::Ok();
      Result<SqliteStatement> current =
          SqliteStatement::Prepare(db, "SELECT status FROM outbox WHERE id = ?1");
      if (!current.ok()) return Annotate(current.status(), context);
      current->BindInt64(1, id);
      Result<bool> row = current->Step();
      if (!row.ok()) return Annotate(row.status(), context);
      if (!*row) return NotFound(MessageName(id) + " not found");
      return FailedPrecondition(MessageName(id) + " is " + current->ColumnText(0) +
                                ", not pending");
    });
  }

  Database& db_;
};

#undef BHXH_OUTBOX_COLUMNS
#undef BHXH_OUTBOX_IS_HEAD

}  // namespace

std::unique_ptr<Outbox> NewSqliteOutbox(Database& db) { return std::make_unique<SqliteOutbox>(db); }

}  // namespace bhxh
