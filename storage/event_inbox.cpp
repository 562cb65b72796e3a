#include "storage/event_inbox.h"

#include <cstdint>
#include <future>
#include <limits>
#include <memory>
#include <utility>

#include "storage/database.h"
#include "storage/sqlite_statement.h"
#include "storage/unix_millis.h"

namespace bhxh {

namespace {

struct KindName {
  ChannelEventKind kind;
  const char* name;
};

// The names are stored in inbox_events.kind: never rename one.
constexpr KindName kKindNames[] = {
    {ChannelEventKind::kText, "text"},
    {ChannelEventKind::kPayload, "payload"},
    {ChannelEventKind::kMedia, "media"},
    {ChannelEventKind::kFollow, "follow"},
    {ChannelEventKind::kUnfollow, "unfollow"},
    {ChannelEventKind::kUserInfo, "user_info"},
    {ChannelEventKind::kHumanReply, "human_reply"},
    {ChannelEventKind::kWithdraw, "withdraw"},
    {ChannelEventKind::kStandby, "standby"},
    {ChannelEventKind::kThreadReturned, "thread_returned"},
    {ChannelEventKind::kEcho, "echo"},
};

constexpr char kUnknownKind[] = "unknown";

int64_t ClampLimit(size_t limit) {
  constexpr auto kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  return static_cast<int64_t>(static_cast<uint64_t>(limit) > kMax ? kMax : limit);
}

std::string EventName(long long id) { return "inbox: event " + std::to_string(id); }

}  // namespace

const char* ChannelEventKindName(ChannelEventKind k) {
  for (const KindName& entry : kKindNames) {
    if (entry.kind == k) return entry.name;
  }
  return kUnknownKind;
}

bool ParseChannelEventKind(const std::string& name, ChannelEventKind* out) {
  for (const KindName& entry : kKindNames) {
    if (name == entry.name) {
      *out = entry.kind;
      return true;
    }
  }
  return false;
}


// Append validates the events and inserts them in one
// Database::InTransaction, which the database group-commits with the other
// transactions queued at that moment (see database.h).
class SqliteEventInbox final : public EventInbox {
 public:
  explicit SqliteEventInbox(Database& db) : db_(db) {}

  Result<std::vector<bool>> Append(const std::vector<ChannelEvent>& events,
                                   std::chrono::system_clock::time_point received,
                                   std::vector<long long>* ids) override;
  void AppendAsync(std::shared_ptr<const std::vector<ChannelEvent>> events,
                   std::chrono::system_clock::time_point received, AppendDone done) override;
  Result<std::vector<ChannelEvent>> Pending(size_t limit, long long after_id) override;
  Status MarkDone(long long id, std::chrono::system_clock::time_point at) override;
  Result<InboxStatus> StatusOf(long long id) override;
  Result<size_t> DeleteUser(const std::string& channel, const std::string& user) override;
  Result<size_t> PurgeDoneBefore(std::chrono::system_clock::time_point cutoff) override;

 private:
  // Both Appends: validates, queues the insert, calls `done` after the
  // commit. `events` must stay valid until `done` has been called.
  void AppendTo(const std::vector<ChannelEvent>& events,
                std::chrono::system_clock::time_point received, AppendDone done);

  Database& db_;
};

namespace {

Status ValidateForAppend(const std::vector<ChannelEvent>& events) {
  for (size_t i = 0; i < events.size(); ++i) {
    const ChannelEvent& e = events[i];
    const std::string which = "inbox: event " + std::to_string(i) + " of the request";
    if (e.channel.empty()) return InvalidArgument(which + " has no channel");
    if (e.platform_id.empty()) return InvalidArgument(which + " has no platform_id");
    if (ChannelEventKindName(e.kind) == kUnknownKind) {
      return InvalidArgument(which + " has an unknown kind");
    }
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<bool>> SqliteEventInbox::Append(const std::vector<ChannelEvent>& events,
                                                   std::chrono::system_clock::time_point received,
                                                   std::vector<long long>* ids) {
  // The caller waits, so the events need not be copied into the work.
  std::promise<Result<std::vector<bool>>> committed;
  auto result = committed.get_future();
  AppendTo(events, received, [&](Result<std::vector<bool>> inserted, std::vector<long long> row_ids) {
    if (ids) *ids = std::move(row_ids);
    committed.set_value(std::move(inserted));
  });
  return result.get();
}

void SqliteEventInbox::AppendAsync(std::shared_ptr<const std::vector<ChannelEvent>> events,
                                   std::chrono::system_clock::time_point received,
                                   AppendDone done) {
  const std::vector<ChannelEvent>& list = *events;
  AppendTo(list, received, [events = std::move(events), done = std::move(done)](
                               Result<std::vector<bool>> inserted, std::vector<long long> ids) {
    done(std::move(inserted), std::move(ids));
  });
}

void SqliteEventInbox::AppendTo(const std::vector<ChannelEvent>& events,
                                std::chrono::system_clock::time_point received, AppendDone done) {
  // Checked before the transaction, so that a bad request fails alone
  // instead of failing the batch it would have joined.
  if (Status valid = ValidateForAppend(events); !valid.ok()) {
    done(valid, {});
    return;
  }
  if (events.empty()) {
    done(std::vector<bool>(), {});
    return;
  }
  struct Outcome {
    std::vector<bool> inserted;
    std::vector<long long> row_ids;
  };
  auto outcome = std::make_shared<Outcome>();
  const int64_t received_ms = ToUnixMillis(received);
  // The database group-commits this with the other transactions queued at
  // the moment (other requests' events, conversation turns), so one commit
  // serves every webhook that arrived while the previous one was written.
  db_.InTransactionAsync(
      [&events, outcome, received_ms](sqlite3* db) -> Status {
        outcome->inserted.clear();
        outcome->row_ids.clear();
        // OR IGNORE: a key already stored (or stored earlier in this
        // request, or in a transaction committed together with it) leaves
        // the first row as it is and changes nothing, which is how a
        // redelivery is recognised.
        Result<SqliteStatement> insert = SqliteStatement::Prepare(
            db,
            "INSERT OR IGNORE INTO inbox_events (channel, platform_id, user_id, recipient, kind, "
            "text, payload, raw_type, at_ms, received_ms) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
        if (!insert.ok()) return insert.status();
        for (const ChannelEvent& e : events) {
          insert->Reset();
          insert->BindText(1, e.channel);
          insert->BindText(2, e.platform_id);
          insert->BindText(3, e.user);
          insert->BindText(4, e.recipient);
          insert->BindText(5, ChannelEventKindName(e.kind));
          insert->BindText(6, e.text);
          insert->BindText(7, e.payload);
          insert->BindText(8, e.raw_type);
          insert->BindInt64(9, ToUnixMillis(e.at));
          insert->BindInt64(10, received_ms);
          Status run = insert->Run();
          if (!run.ok()) return run;
          const bool is_new = sqlite3_changes(db) == 1;
          outcome->inserted.push_back(is_new);
          outcome->row_ids.push_back(is_new ? sqlite3_last_insert_rowid(db) : 0);
        }
        return Status::Ok();
      },
      // Answered only after the commit: a caller's 200 must not go out before.
      [outcome, done = std::move(done)](Status s) {
        if (!s.ok()) {
          done(Annotate(s, "inbox: append"), {});
          return;
        }
        done(std::move(outcome->inserted), std::move(outcome->row_ids));
      });
}

Result<std::vector<ChannelEvent>> SqliteEventInbox::Pending(size_t limit, long long after_id) {
  std::vector<ChannelEvent> events;
  Status s = db_.Read([&](sqlite3* db) -> Status {
    Result<SqliteStatement> stmt = SqliteStatement::Prepare(
        db,
        "SELECT id, channel, platform_id, user_id, recipient, kind, text, payload, raw_type, "
        "at_ms FROM inbox_events WHERE status = 'pending' AND id > ?2 ORDER BY id LIMIT ?1");
    if (!stmt.ok()) return Annotate(stmt.status(), "inbox: pending");
    stmt->BindInt64(1, ClampLimit(limit));
    stmt->BindInt64(2, after_id);
    for (;;) {
      Result<bool> row = stmt->Step();
      if (!row.ok()) return Annotate(row.status(), "inbox: pending");
      if (!*row) return Status::Ok();
      ChannelEvent e;
      e.id = stmt->ColumnInt64(0);
      e.channel = stmt->ColumnText(1);
      e.platform_id = stmt->ColumnText(2);
      e.user = stmt->ColumnText(3);
      e.recipient = stmt->ColumnText(4);
      const std::string kind = stmt->ColumnText(5);
      if (!ParseChannelEventKind(kind, &e.kind)) {
        return Internal(EventName(e.id) + " has unknown kind \"" + kind + "\"");
      }
      e.text = stmt->ColumnText(6);
      e.payload = stmt->ColumnText(7);
      e.raw_type = stmt->ColumnText(8);
      e.at = FromUnixMillis(stmt->ColumnInt64(9));
      events.push_back(std::move(e));
    }
  });
  if (!s.ok()) return s;
  return events;
}

Status SqliteEventInbox::MarkDone(long long id, std::chrono::system_clock::time_point at) {
  // A transaction (a savepoint inside the caller's unit of work) so the
  // update and the existence check see the same state.
  return db_.InTransaction([&](sqlite3* db) -> Status {
    Result<SqliteStatement> update =
        SqliteStatement::Prepare(db,
                                 "UPDATE inbox_events SET status = 'done', done_ms = ?2 "
                                 "WHERE id = ?1 AND status = 'pending'");
    if (!update.ok()) return Annotate(update.status(), "inbox: mark done");
    update->BindInt64(1, id);
    update->BindInt64(2, ToUnixMillis(at));
    Status run = update->Run();
    if (!run.ok()) return Annotate(run, "inbox: mark done");
    if (sqlite3_changes(db) == 1) return Status::Ok();
    Result<SqliteStatement> exists =
        SqliteStatement::Prepare(db, "SELECT 1 FROM inbox_events WHERE id = ?1");
    if (!exists.ok()) return Annotate(exists.status(), "inbox: mark done");
    exists->BindInt64(1, id);
    Result<bool> row = exists->Step();
    if (!row.ok()) return Annotate(row.status(), "inbox: mark done");
    return *row ? Status::Ok() : NotFound(EventName(id) + " not found");
  });
}

Result<InboxStatus> SqliteEventInbox::StatusOf(long long id) {
  std::string status;
  bool found = false;
  Status s = db_.Read([&](sqlite3* db) -> Status {
    Result<SqliteStatement> stmt =
        SqliteStatement::Prepare(db, "SELECT status FROM inbox_events WHERE id = ?1");
    if (!stmt.ok()) return Annotate(stmt.status(), "inbox: status");
    stmt->BindInt64(1, id);
    Result<bool> row = stmt->Step();
    if (!row.ok()) return Annotate(row.status(), "inbox: status");
    found = *row;
    if (found) status = stmt->ColumnText(0);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  if (!found) return NotFound(EventName(id) + " not found");
  // The CHECK constraint allows nothing else.
  return status == "done" ? InboxStatus::kDone : InboxStatus::kPending;
}

Result<size_t> SqliteEventInbox::DeleteUser(const std::string& channel, const std::string& user) {
  size_t deleted = 0;
  Status s = db_.InTransaction([&](sqlite3* db) -> Status {
    Result<SqliteStatement> stmt = SqliteStatement::Prepare(
        db, "DELETE FROM inbox_events WHERE channel = ?1 AND user_id = ?2");
    if (!stmt.ok()) return Annotate(stmt.status(), "inbox: delete user");
    stmt->BindText(1, channel);
    stmt->BindText(2, user);
    Status run = stmt->Run();
    if (!run.ok()) return Annotate(run, "inbox: delete user");
    deleted = static_cast<size_t>(sqlite3_changes(db));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return deleted;
}

Result<size_t> SqliteEventInbox::PurgeDoneBefore(std::chrono::system_clock::time_point cutoff) {
  size_t deleted = 0;
  Status s = db_.InTransaction([&](sqlite3* db) -> Status {
    Result<SqliteStatement> stmt = SqliteStatement::Prepare(
        db, "DELETE FROM inbox_events WHERE status = 'done' AND received_ms < ?1");
    if (!stmt.ok()) return Annotate(stmt.status(), "inbox: purge");
    stmt->BindInt64(1, ToUnixMillis(cutoff));
    Status run = stmt->Run();
    if (!run.ok()) return Annotate(run, "inbox: purge");
    deleted = static_cast<size_t>(sqlite3_changes(db));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return deleted;
}

std::unique_ptr<EventInbox> NewSqliteEventInbox(Database& db) {
  return std::make_unique<SqliteEventInbox>(db);
}

}  // namespace bhxh
