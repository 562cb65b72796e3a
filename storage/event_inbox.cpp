#include "storage/event_inbox.h"

#include <cstdint>
#include <limits>
#include <memory>
#include <utility>

#include "storage/database.h"
#include "storage/sqlite_event_inbox.h"
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

SqliteEventInbox::SqliteEventInbox(Database& db) : db_(db), writer_([this] { WriterLoop(); }) {}

SqliteEventInbox::~SqliteEventInbox() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_one();
  writer_.join();
}

size_t SqliteEventInbox::appends_queued() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queue_.size();
}

Result<std::vector<bool>> SqliteEventInbox::Append(const std::vector<ChannelEvent>& events,
                                                   std::chrono::system_clock::time_point received,
                                                   std::vector<long long>* ids) {
  // Checked here, not in the writer, so that a bad request fails alone
  // instead of failing the batch it would have joined.
  for (size_t i = 0; i < events.size(); ++i) {
    const ChannelEvent& e = events[i];
    const std::string which = "inbox: event " + std::to_string(i) + " of the request";
    if (e.channel.empty()) return InvalidArgument(which + " has no channel");
    if (e.platform_id.empty()) return InvalidArgument(which + " has no platform_id");
    if (ChannelEventKindName(e.kind) == kUnknownKind) {
      return InvalidArgument(which + " has an unknown kind");
    }
  }
  if (ids) ids->assign(events.size(), 0);
  if (events.empty()) return std::vector<bool>();

  Request request{&events, ToUnixMillis(received), ids, {}};
  std::future<Result<std::vector<bool>>> done = request.done.get_future();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return FailedPrecondition("inbox: shutting down");
    queue_.push_back(&request);
    // Notified under the lock: once it is released the writer may answer
    // the request and the destructor may finish, so no member (wake_
    // included) is touched after this block.
    wake_.notify_one();
  }
  return done.get();
}

void SqliteEventInbox::WriterLoop() {
  for (;;) {
    std::vector<Request*> batch;
    {
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing is left to write
      batch.swap(queue_);
    }
    ++batches_started_;
    CommitBatch(batch);
  }
}

void SqliteEventInbox::CommitBatch(const std::vector<Request*>& batch) {
  std::vector<std::vector<bool>> inserted(batch.size());
  std::vector<std::vector<long long>> row_ids(batch.size());
  Status s = db_.InUrgentTransaction([&](sqlite3* db) -> Status {
    // OR IGNORE: a key already stored (or stored earlier in this batch)
    // leaves the first row as it is and changes nothing, which is how a
    // redelivery is recognised.
    Result<SqliteStatement> insert = SqliteStatement::Prepare(
        db,
        "INSERT OR IGNORE INTO inbox_events (channel, platform_id, user_id, recipient, kind, "
        "text, payload, raw_type, at_ms, received_ms) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
    if (!insert.ok()) return insert.status();
    for (size_t r = 0; r < batch.size(); ++r) {
      const std::vector<ChannelEvent>& events = *batch[r]->events;
      inserted[r].clear();
      row_ids[r].clear();
      inserted[r].reserve(events.size());
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
        insert->BindInt64(10, batch[r]->received_ms);
        Status run = insert->Run();
        if (!run.ok()) return run;
        const bool is_new = sqlite3_changes(db) == 1;
        inserted[r].push_back(is_new);
        row_ids[r].push_back(is_new ? sqlite3_last_insert_rowid(db) : 0);
      }
    }
    return Status::Ok();
  });
  if (s.ok()) ++batches_committed_;
  // Answered only now: a caller's 200 must not go out before the commit.
  for (size_t r = 0; r < batch.size(); ++r) {
    if (s.ok()) {
      if (batch[r]->ids) *batch[r]->ids = std::move(row_ids[r]);
      batch[r]->done.set_value(std::move(inserted[r]));
    } else {
      batch[r]->done.set_value(Annotate(s, "inbox: append"));
    }
  }
}

Result<std::vector<ChannelEvent>> SqliteEventInbox::Pending(size_t limit, long long after_id) {
  std::vector<ChannelEvent> events;
  Status s = db_.WithConnection([&](sqlite3* db) -> Status {
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
  Status s = db_.WithConnection([&](sqlite3* db) -> Status {
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
