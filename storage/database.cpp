#include "storage/database.h"

#include <pthread.h>
#include <sqlite3.h>

#include <algorithm>
#include <exception>
#include <filesystem>
#include <future>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "storage/sqlite_statement.h"

namespace bhxh {
namespace {

// The schema, as an ordered list of migrations. Version N's script turns a
// version N-1 database into a version N one; PRAGMA user_version holds the
// version a file is at. Never edit a shipped migration: add the next one.
//
// Planned migrations (not created yet; each will be a new entry here):
//   4  tokens (staff and agency; hashed, scope, created/revoked) and
//      audit_log (who read or changed which personal data, when), with
//      agency status write-back on leads.
//
// Conventions: instants are INTEGER milliseconds since the Unix epoch, UTC
// (storage/unix_millis.h), in columns named *_ms; user ids are `user_id`
// (USER is reserved in PostgreSQL, the likely second backend); no value ever
// enters SQL text.
struct Migration {
  int version;
  const char* sql;
};

const Migration kMigrations[] = {
    {1, R"sql(
-- The live FAQ, one row per entry, in display order. questions and
-- follow_up are JSON arrays of strings; absent optional fields are ''.
CREATE TABLE faq_entries (
  id        TEXT PRIMARY KEY,
  position  INTEGER NOT NULL UNIQUE,
  topic     TEXT NOT NULL DEFAULT '',
  questions TEXT NOT NULL,
  answer    TEXT NOT NULL,
  follow_up TEXT NOT NULL DEFAULT '[]',
  source    TEXT NOT NULL DEFAULT '',
  reviewed  TEXT NOT NULL DEFAULT ''
);

-- One row per change of the live FAQ. snapshot is the whole FAQ after the
-- change, in the import format of content/faq.json ({"faq": [...]}).
CREATE TABLE faq_revisions (
  number      INTEGER PRIMARY KEY,
  at_ms       INTEGER NOT NULL,
  actor       TEXT NOT NULL,
  summary     TEXT NOT NULL,
  entry_count INTEGER NOT NULL,
  snapshot    TEXT NOT NULL
);

-- Every citizen question and what the bot did with it. Personal data:
-- purged by age.
CREATE TABLE question_log (
  id      INTEGER PRIMARY KEY,
  at_ms   INTEGER NOT NULL,
  channel TEXT NOT NULL,
  user_id TEXT NOT NULL,
  text    TEXT NOT NULL,
  outcome TEXT NOT NULL,
  reason  TEXT NOT NULL DEFAULT '',
  faq_id  TEXT NOT NULL DEFAULT '',
  score   REAL NOT NULL DEFAULT 0
);
CREATE INDEX question_log_by_at ON question_log (at_ms);
CREATE INDEX question_log_by_outcome ON question_log (outcome, at_ms);

-- The dialog state of each user, opaque to storage.
CREATE TABLE conversations (
  channel       TEXT NOT NULL,
  user_id       TEXT NOT NULL,
  state         TEXT NOT NULL,
  updated_at_ms INTEGER NOT NULL,
  PRIMARY KEY (channel, user_id)
) WITHOUT ROWID;
)sql"},
    {2, R"sql(
-- The Messenger and Zalo channels: durable inbox, outbox, channel state.
-- AUTOINCREMENT on inbox_events and outbox: an id is never reused, even
-- after DeleteUser removed the newest rows, so a sender or worker still
-- holding an old id (MarkSent, MarkDone) cannot touch another user's row.

-- Platform events as received, committed before the webhook answers 200
-- (storage/event_inbox.h). UNIQUE (channel, platform_id) recognises a
-- redelivery. kind is a ChannelEventKindName ("text", "payload"...).
-- Personal data (the citizen's text): deleted with DeleteUser.
CREATE TABLE inbox_events (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  channel     TEXT NOT NULL,
  platform_id TEXT NOT NULL,
  user_id     TEXT NOT NULL,
  recipient   TEXT NOT NULL DEFAULT '',
  kind        TEXT NOT NULL,
  text        TEXT NOT NULL DEFAULT '',
  payload     TEXT NOT NULL DEFAULT '',
  raw_type    TEXT NOT NULL DEFAULT '',
  at_ms       INTEGER NOT NULL,
  received_ms INTEGER NOT NULL,
  status      TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done')),
  done_ms     INTEGER,
  UNIQUE (channel, platform_id)
);
-- Pending events in arrival order.
CREATE INDEX inbox_events_by_status ON inbox_events (status, id);

-- Replies to send (storage/outbox.h), rendered platform JSON in body.
-- event_id is the inbox event answered (0: none); not a foreign key, as
-- events and replies are purged separately.
CREATE TABLE outbox (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  channel         TEXT NOT NULL,
  user_id         TEXT NOT NULL,
  event_id        INTEGER NOT NULL DEFAULT 0,
  body            TEXT NOT NULL,
  status          TEXT NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'sent', 'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms INTEGER NOT NULL,
  last_error      TEXT NOT NULL DEFAULT '',
  created_ms      INTEGER NOT NULL,
  sent_ms         INTEGER
);
-- Due pending rows (DueHeads, NextDue) and a user's earlier pending rows
-- (is this row the user's head?).
CREATE INDEX outbox_by_due ON outbox (status, next_attempt_ms);
CREATE INDEX outbox_by_user ON outbox (channel, user_id, status, id);

-- OAuth tokens per channel. Secrets: never logged, never exported.
CREATE TABLE channel_tokens (
  channel           TEXT PRIMARY KEY,
  access_token      TEXT NOT NULL,
  refresh_token     TEXT NOT NULL,
  access_expires_ms INTEGER NOT NULL,
  updated_ms        INTEGER NOT NULL
) WITHOUT ROWID;

-- Users the bot stays silent for (a staff member took over) until until_ms.
CREATE TABLE user_pauses (
  channel  TEXT NOT NULL,
  user_id  TEXT NOT NULL,
  until_ms INTEGER NOT NULL,
  reason   TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (channel, user_id)
) WITHOUT ROWID;
)sql"},
    {3, R"sql(
-- The office's outreach work: meetings, RSVPs, reminders, leads, handover.

-- The meeting schedule (content/meetings.json imported by import-meetings).
-- id is the schedule's own stable id; commune_code is a post-2025-07-01
-- commune code (content/communes.json). kind: 'hoi_nghi_tuyen_truyen'
-- (propaganda/dialogue/Q&A), 'hoi_nghi_khach_hang' (customer conference),
-- 'nhom_nho' (small group). sample = 1 for the shipped demo schedule.
CREATE TABLE meetings (
  id              TEXT PRIMARY KEY,
  commune_code    TEXT NOT NULL,
  kind            TEXT NOT NULL,
  title           TEXT NOT NULL DEFAULT '',
  starts_ms       INTEGER NOT NULL,
  venue           TEXT NOT NULL,
  expected_guests INTEGER NOT NULL DEFAULT 0,
  organiser       TEXT NOT NULL DEFAULT '',
  status          TEXT NOT NULL
                  CHECK (status IN ('planned', 'confirmed', 'moved', 'cancelled')),
  notes           TEXT NOT NULL DEFAULT '',
  sample          INTEGER NOT NULL DEFAULT 0,
  updated_ms      INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX meetings_by_commune ON meetings (commune_code, starts_ms);

-- "I will attend": one row per meeting and user. Personal data.
CREATE TABLE meeting_rsvps (
  meeting_id TEXT NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
  channel    TEXT NOT NULL,
  user_id    TEXT NOT NULL,
  at_ms      INTEGER NOT NULL,
  PRIMARY KEY (meeting_id, channel, user_id)
) WITHOUT ROWID;
CREATE INDEX meeting_rsvps_by_user ON meeting_rsvps (channel, user_id);

-- Opt-in to reminders of a commune's meetings. Personal data.
CREATE TABLE reminder_subscriptions (
  channel      TEXT NOT NULL,
  user_id      TEXT NOT NULL,
  commune_code TEXT NOT NULL,
  at_ms        INTEGER NOT NULL,
  PRIMARY KEY (channel, user_id, commune_code)
) WITHOUT ROWID;
CREATE INDEX reminder_subscriptions_by_commune ON reminder_subscriptions (commune_code);

-- Persisted reminder and change-notice jobs. kind: 'day_before',
-- 'morning_of', 'moved', 'cancelled'. status: 'pending' until due, then
-- 'sent' (its outbox row was written), 'outside_window' (the platform
-- would refuse it), 'unsupported' (the channel cannot push, e.g. web),
-- 'obsolete' (the meeting moved or was cancelled, or the user
-- unsubscribed before it was due). Never silently dropped: each job ends
-- in a recorded status. Personal data (who gets reminded).
CREATE TABLE reminder_jobs (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  meeting_id  TEXT NOT NULL,
  channel     TEXT NOT NULL,
  user_id     TEXT NOT NULL,
  kind        TEXT NOT NULL,
  due_ms      INTEGER NOT NULL,
  status      TEXT NOT NULL DEFAULT 'pending'
              CHECK (status IN ('pending', 'sent', 'outside_window', 'unsupported', 'obsolete')),
  detail      TEXT NOT NULL DEFAULT '',
  created_ms  INTEGER NOT NULL,
  done_ms     INTEGER,
  UNIQUE (meeting_id, channel, user_id, kind, due_ms)
);
CREATE INDEX reminder_jobs_due ON reminder_jobs (status, due_ms);
CREATE INDEX reminder_jobs_by_user ON reminder_jobs (channel, user_id);

-- Citizens who asked to be contacted about joining (the lead lists the
-- collection agencies work from). Personal data. phone is normalised
-- (0xxxxxxxxx); one lead per (phone, commune): a second registration
-- updates it. consent_version/consent_ms record the notice agreed to.
CREATE TABLE leads (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  channel         TEXT NOT NULL,
  user_id         TEXT NOT NULL,
  interest        TEXT NOT NULL,
  full_name       TEXT NOT NULL,
  birth_year      INTEGER NOT NULL,
  commune_code    TEXT NOT NULL,
  village         TEXT NOT NULL DEFAULT '',
  phone           TEXT NOT NULL,
  cccd            TEXT NOT NULL DEFAULT '',
  occupation      TEXT NOT NULL DEFAULT '',
  call_time       TEXT NOT NULL DEFAULT '',
  meeting_id      TEXT NOT NULL DEFAULT '',
  consent_version TEXT NOT NULL,
  consent_ms      INTEGER NOT NULL,
  status          TEXT NOT NULL DEFAULT 'new',
  created_ms      INTEGER NOT NULL,
  updated_ms      INTEGER NOT NULL,
  UNIQUE (phone, commune_code)
);
CREATE INDEX leads_by_commune ON leads (commune_code, status, updated_ms);
CREATE INDEX leads_by_user ON leads (channel, user_id);

-- Conversations waiting for a staff member (the staff inbox reads these).
-- status: 'open' until a staff member releases it ('released') or the
-- pause runs out ('expired'). Personal data: reason is a short code, the
-- citizen's words stay in the question log.
CREATE TABLE handover_requests (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  channel      TEXT NOT NULL,
  user_id      TEXT NOT NULL,
  reason       TEXT NOT NULL DEFAULT '',
  requested_ms INTEGER NOT NULL,
  until_ms     INTEGER NOT NULL,
  status       TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'released', 'expired')),
  closed_ms    INTEGER
);
CREATE INDEX handover_requests_open ON handover_requests (status, requested_ms);
CREATE INDEX handover_requests_by_user ON handover_requests (channel, user_id);
CREATE INDEX conversations_by_updated ON conversations (updated_at_ms);
)sql"},
};

std::string Describe(const std::string& path) { return "database " + path; }

Result<int> ReadUserVersion(sqlite3* db) {
  Result<SqliteStatement> stmt = SqliteStatement::Prepare(db, "PRAGMA user_version");
  if (!stmt.ok()) return stmt.status();
  Result<bool> row = stmt->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Internal("PRAGMA user_version returned no row");
  return static_cast<int>(stmt->ColumnInt64(0));
}

Result<std::string> ReadPragmaText(sqlite3* db, const char* sql) {
  Result<SqliteStatement> stmt = SqliteStatement::Prepare(db, sql);
  if (!stmt.ok()) return stmt.status();
  Result<bool> row = stmt->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::string();
  return stmt->ColumnText(0);
}

Status NewerSchemaError(const std::string& path, int version) {
  return FailedPrecondition(Describe(path) + " has schema version " + std::to_string(version) +
                            ", newer than this bhxh-bot (" +
                            std::to_string(CurrentSchemaVersion()) +
                            "); upgrade bhxh-bot or restore a backup");
}

// Connection settings. journal_mode=WAL is stored in the file; the others
// are per connection and must be set on every open.
Status Configure(sqlite3* db, const std::string& path) {
  // foreign_keys is a no-op inside a transaction, so set it before any.
  // journal_size_limit: when the writer restarts the WAL after a checkpoint,
  // a -wal file that a long reader let grow is truncated back to 64 MB.
  // (Checkpoints themselves: Database::OnWalCommit.)
  Status s = ExecScript(db,
                        "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; "
                        "PRAGMA journal_size_limit = 67108864;",
                        Describe(path) + ": configure");
  if (!s.ok()) return s;
  // journal_mode answers with the mode in force, which is not WAL when the
  // file system cannot support it; readers would then block the writer, so
  // refuse rather than run degraded. An in-memory database has no journal.
  Result<std::string> mode = ReadPragmaText(db, "PRAGMA journal_mode = WAL");
  if (!mode.ok()) return Unavailable(Describe(path) + ": cannot enable WAL: " + mode.status().message());
  const std::string expected = path == ":memory:" ? "memory" : "wal";
  if (*mode != expected) {
    return Unavailable(Describe(path) + ": cannot enable WAL (journal_mode is " + *mode + ")");
  }
  return Status::Ok();
}

// Applies every migration newer than the file's version in one IMMEDIATE
// transaction: the write lock is taken before the version is read again, so
// two processes opening the same old file cannot both migrate it, and a
// failure anywhere rolls back every migration (DDL is transactional in
// SQLite), leaving the file at its old version.
Status Migrate(sqlite3* db, const std::string& path) {
  Status s = ExecScript(db, "BEGIN IMMEDIATE", Describe(path) + ": begin migration");
  if (!s.ok()) return s;
  auto rollback = [&](Status failure) {
    if (sqlite3_get_autocommit(db) == 0) {
      (void)ExecScript(db, "ROLLBACK", Describe(path) + ": rollback migration");
    }
    return failure;
  };
  Result<int> version = ReadUserVersion(db);
  if (!version.ok()) return rollback(Annotate(version.status(), Describe(path)));
  if (*version > CurrentSchemaVersion()) return rollback(NewerSchemaError(path, *version));
  for (const Migration& m : kMigrations) {
    if (m.version <= *version) continue;
    s = ExecScript(db, m.sql, "migration to schema version " + std::to_string(m.version));
    if (!s.ok()) {
      return rollback(Internal(Describe(path) + ": " + s.message() + "; no migration was applied"));
    }
  }
  // PRAGMA takes no bound parameters; the number is our own constant.
  const std::string set_version = "PRAGMA user_version = " + std::to_string(CurrentSchemaVersion());
  s = ExecScript(db, set_version.c_str(), Describe(path) + ": set schema version");
  if (!s.ok()) return rollback(s);
  s = ExecScript(db, "COMMIT", Describe(path) + ": commit migration");
  if (!s.ok()) return rollback(s);
  return Status::Ok();
}

}  // namespace

int CurrentSchemaVersion() {
  return std::end(kMigrations)[-1].version;
}

Result<std::unique_ptr<Database>> Database::Open(const std::string& path, DatabaseOptions options) {
  const bool in_memory = path == ":memory:";
  if (!in_memory) {
    const std::filesystem::path parent = std::filesystem::path(path).parent_path();
    std::error_code ec;
    if (!parent.empty() && !std::filesystem::is_directory(parent, ec)) {
      std::filesystem::create_directories(parent, ec);
      if (ec) {
        return Unavailable(Describe(path) + ": cannot create directory " + parent.string() + ": " +
                           ec.message());
      }
    }
  }

  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                                 nullptr);
  // Owned from here, so every early return closes the connection.
  std::unique_ptr<Database> db(new Database(raw, path, options));
  if (rc != SQLITE_OK) {
    return Unavailable(Describe(path) + ": cannot open: " +
                       (raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  sqlite3_busy_timeout(raw, 5000);

  // Check the version before anything writes to the file (WAL mode is
  // written into its header), so a newer database is left byte-for-byte
  // as it was.
  Result<int> version = ReadUserVersion(raw);
  if (!version.ok()) {
    return Unavailable(Describe(path) + ": cannot read: " + sqlite3_errmsg(raw));
  }
  if (*version > CurrentSchemaVersion()) return NewerSchemaError(path, *version);

  Status s = Configure(raw, path);
  if (!s.ok()) return s;
  if (*version < CurrentSchemaVersion()) {
    s = Migrate(raw, path);
    if (!s.ok()) return s;
  }
  EnableStatementCache(raw);
  if (!in_memory) {
    // Replaces SQLite's own checkpoint-on-commit (wal_autocheckpoint).
    sqlite3_wal_hook(raw, &Database::OnWalCommit, db.get());
    db->checkpointer_ = std::thread([d = db.get()] { d->CheckpointerLoop(); });
  }
  db->StartWriter();
  return db;
}

// Checkpoints. SQLite's default has the committing connection copy the WAL
// back into the file every 1,000 pages, with an fsync, while every queued
// transaction waits. Here the bulk of that copying runs on the
// checkpointer thread, on its own connection, concurrently with the writer
// (a PASSIVE checkpoint takes no lock a writer needs). Measured with
// bench_webhook under a flood of webhooks: checkpoints every 10,000 pages
// cost ~10 % less CPU per webhook than every 1,000 (each page is copied once
// however often commits rewrote it), but done on the writer they held its
// commits for tens of ms (p99 at 1,000 webhooks/s: 36 ms against 6).
//
// The WAL can only start over from its beginning when a write transaction
// begins with every frame copied. A writer that never pauses always adds
// frames while the checkpointer copies, so the checkpointer alone would
// never get there. Once it has copied everything it found, the writer's
// next commit copies the few frames added meanwhile itself
// (finish_checkpoint_); its next transaction then restarts the WAL.
int Database::OnWalCommit(void* self, sqlite3* db, const char* schema, int pages) {
  auto* d = static_cast<Database*>(self);
  // Commits on the writing connection are serialised (mu_), and so are
  // their calls of this hook.
  if (pages < d->last_wal_pages_) ++d->wal_restarts_;
  d->last_wal_pages_ = pages;
  const int every = std::max(1, d->options_.checkpoint_pages);
  // Past 4x the size the checkpointer is not keeping up (a reader's old
  // snapshot, or it cannot open its connection): bound the WAL here, as
  // SQLite itself would.
  if (d->finish_checkpoint_.load() || pages >= 4 * every) {
    // The flag stays up while this runs, so the checkpointer does not start
    // a pass now (of two checkpoints at once, one gets SQLITE_BUSY), and
    // until one succeeds.
    if (sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr) ==
        SQLITE_OK) {
      d->finish_checkpoint_ = false;
    }
    return SQLITE_OK;
  }
  if (pages < every) return SQLITE_OK;
  {
    std::lock_guard<std::mutex> lock(d->checkpoint_mu_);
    if (d->checkpoint_requested_) return SQLITE_OK;
    d->checkpoint_requested_ = true;
  }
  d->checkpoint_cv_.notify_one();
  return SQLITE_OK;
}

void Database::CheckpointerLoop() {
  pthread_setname_np(pthread_self(), "db-checkpoint");  // for top -H and perf
  sqlite3* conn = nullptr;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(checkpoint_mu_);
      checkpoint_cv_.wait(lock, [this] { return checkpointer_stopping_ || checkpoint_requested_; });
      if (checkpointer_stopping_) break;
      checkpoint_requested_ = false;
    }
    // The writer is still to finish the last pass; a commit asks again.
    if (finish_checkpoint_.load()) continue;
    if (conn == nullptr) {
      // A new connection finds the WAL only at its first read; until then a
      // checkpoint on it does nothing (and reports no WAL).
      if (sqlite3_open_v2(path_.c_str(), &conn, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                          nullptr) != SQLITE_OK ||
          !ExecScript(conn, "SELECT count(*) FROM sqlite_master", "checkpointer").ok()) {
        sqlite3_close_v2(conn);
        conn = nullptr;
        ++checkpoints_failed_;
        ++checkpoints_run_;
        continue;
      }
    }
    int frames = -1, copied = -1;
    const int rc =
        sqlite3_wal_checkpoint_v2(conn, nullptr, SQLITE_CHECKPOINT_PASSIVE, &frames, &copied);
    // SQLITE_BUSY: another checkpoint was running (the writer's, or
    // another process's); a later commit asks again. No frames (-1): the
    // connection does not see the WAL, and copies nothing.
    if ((rc != SQLITE_OK && rc != SQLITE_BUSY) || (rc == SQLITE_OK && frames < 0)) {
      ++checkpoints_failed_;
    } else if (rc == SQLITE_OK && frames > 0 && copied == frames) {
      finish_checkpoint_ = true;  // everything it found is copied: see OnWalCommit
    }
    ++checkpoints_run_;
  }
  sqlite3_close_v2(conn);  // a no-op for null
}

// Holds the writing connection and records the holding thread, so that a
// transaction started on it joins the open one instead of queueing behind
// itself.
class Database::WritingLock {
 public:
  explicit WritingLock(Database& db) : db_(db), lock_(db.mu_) {
    if (db_.owner_depth_++ == 0) db_.owner_.store(std::this_thread::get_id());
  }
  ~WritingLock() {
    if (--db_.owner_depth_ == 0) db_.owner_.store(std::thread::id());
  }
  WritingLock(const WritingLock&) = delete;
  WritingLock& operator=(const WritingLock&) = delete;

 private:
  Database& db_;
  std::unique_lock<std::recursive_mutex> lock_;
};

// One transaction waiting for its batch, with what to call once it is
// committed or rolled back.
struct Database::QueuedWork {
  std::function<Status(sqlite3*)> work;
  std::function<void(Status)> done;
};

namespace {

// Runs a constant statement through the connection's statement cache.
Status Exec(sqlite3* db, const char* sql, const char* context) {
  Result<SqliteStatement> stmt = SqliteStatement::Prepare(db, sql);
  if (!stmt.ok()) return Annotate(stmt.status(), context);
  return Annotate(stmt->Run(), context);
}

Status RunGuarded(const std::function<Status(sqlite3*)>& work, sqlite3* db, const char* what) {
  try {
    return work(db);
  } catch (const std::exception& e) {
    return Internal(std::string(what) + " aborted by an exception: " + e.what());
  } catch (...) {
    return Internal(std::string(what) + " aborted by an unknown exception");
  }
}

// At most this many reader connections; more concurrent readers wait.
constexpr size_t kMaxReaders = 8;

}  // namespace

Database::Database(sqlite3* db, std::string path, DatabaseOptions options)
    : db_(db), path_(std::move(path)), options_(options) {}

Database::~Database() {
  if (writer_.joinable()) {
    {
      std::lock_guard<std::mutex> lock(queue_mu_);
      stopping_ = true;
    }
    queue_cv_.notify_one();
    writer_.join();
  }
  // After the writer: its last commits may still ask for a checkpoint. The
  // checkpointer's connection closes before the writing one, so that the
  // last close checkpoints the WAL and removes it.
  if (checkpointer_.joinable()) {
    {
      std::lock_guard<std::mutex> lock(checkpoint_mu_);
      checkpointer_stopping_ = true;
    }
    checkpoint_cv_.notify_one();
    checkpointer_.join();
  }
  for (sqlite3* reader : idle_readers_) {
    ReleaseStatementCache(reader);
    sqlite3_close_v2(reader);
  }
  ReleaseStatementCache(db_);
  // _v2 defers the close until any statement a caller leaked is finalised.
  sqlite3_close_v2(db_);
}

int Database::schema_version() const {
  // No lock: the header makes this const, and the connection was opened
  // FULLMUTEX, so SQLite itself serialises this read with other threads.
  Result<int> version = ReadUserVersion(db_);
  return version.ok() ? *version : -1;
}

size_t Database::transactions_queued() const {
  std::lock_guard<std::mutex> lock(queue_mu_);
  return queue_.size();
}

bool Database::HoldsWritingConnection() const {
  return owner_.load() == std::this_thread::get_id();
}

void Database::StartWriter() {
  writer_ = std::thread([this] { WriterLoop(); });
}

Status Database::InTransaction(const std::function<Status(sqlite3*)>& work) {
  if (HoldsWritingConnection()) return InlineTransaction(work);
  // The caller waits here, so the work and the promise can stay on its stack.
  std::promise<Status> committed;
  std::future<Status> result = committed.get_future();
  InTransactionAsync([&work](sqlite3* db) { return work(db); },
                     [&committed](Status s) { committed.set_value(std::move(s)); });
  return result.get();
}

void Database::InTransactionAsync(std::function<Status(sqlite3*)> work,
                                  std::function<void(Status)> done) {
  if (HoldsWritingConnection()) {
    Status s = InlineTransaction(work);
    done(std::move(s));
    return;
  }
  {
    std::lock_guard<std::mutex> lock(queue_mu_);
    if (!stopping_ && writer_.joinable()) {
      queue_.push_back(QueuedWork{std::move(work), std::move(done)});
      queue_cv_.notify_one();
      return;
    }
  }
  done(FailedPrecondition(Describe(path_) + ": closing, no new transaction"));
}

void Database::WriterLoop() {
  pthread_setname_np(pthread_self(), "db-writer");  // for top -H and perf
  for (;;) {
    std::vector<QueuedWork> batch;
    {
      std::unique_lock<std::mutex> lock(queue_mu_);
      queue_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing is left to write
      batch.swap(queue_);
    }
    ++batches_started_;
    CommitBatch(batch);
  }
}

void Database::CommitBatch(std::vector<QueuedWork>& batch) {
  std::vector<Status> results(batch.size());
  Status failure;
  {
    WritingLock lock(*this);
    failure = Exec(db_, "BEGIN IMMEDIATE", "begin transaction");
    for (size_t i = 0; failure.ok() && i < batch.size(); ++i) {
      failure = Exec(db_, "SAVEPOINT bhxh_work", "begin work");
      if (!failure.ok()) break;
      results[i] = RunGuarded(batch[i].work, db_, "transaction");
      if (sqlite3_get_autocommit(db_) != 0) {
        // The error ended the whole transaction (SQLITE_FULL, IOERR...):
        // the batch's earlier work is gone with it.
        failure = results[i].ok() ? Internal("the transaction ended inside its work") : results[i];
        break;
      }
      if (!results[i].ok()) failure = Exec(db_, "ROLLBACK TO bhxh_work", "roll back work");
      if (failure.ok()) failure = Exec(db_, "RELEASE bhxh_work", "end work");
    }
    if (failure.ok()) failure = Exec(db_, "COMMIT", "commit transaction");
    if (!failure.ok() && sqlite3_get_autocommit(db_) == 0) {
      (void)Exec(db_, "ROLLBACK", "roll back transaction");
    }
  }
  if (failure.ok()) ++batches_committed_;
  // Answered only now: no caller may act on work that is not committed.
  for (size_t i = 0; i < batch.size(); ++i) {
    batch[i].work = nullptr;  // what it captured goes before its caller hears back
    try {
      batch[i].done(failure.ok() ? std::move(results[i]) : failure);
    } catch (...) {
      // The contract says `done` does not throw; one that does must not
      // stop the writer or keep the rest of the batch from hearing back.
    }
  }
}

Status Database::InlineTransaction(const std::function<Status(sqlite3*)>& work) {
  WritingLock lock(*this);
  // Holding the writing connection, an open transaction can only be this
  // thread's own outer one: join it through a savepoint, so that several
  // stores' writes (conversation state, question log, the outbox) commit
  // together or not at all.
  const bool nested = sqlite3_get_autocommit(db_) == 0;
  // IMMEDIATE takes the write lock now rather than at the first write, so a
  // read-then-write transaction cannot fail half-way with SQLITE_BUSY when
  // another process writes; busy_timeout waits for the lock instead.
  Status s = nested ? Exec(db_, "SAVEPOINT bhxh_nested", "begin nested transaction")
                    : Exec(db_, "BEGIN IMMEDIATE", "begin transaction");
  if (!s.ok()) return s;
  Status result = RunGuarded(work, db_, "transaction");
  if (nested) {
    if (sqlite3_get_autocommit(db_) != 0) return result;  // the error ended the outer transaction
    if (!result.ok()) (void)Exec(db_, "ROLLBACK TO bhxh_nested", "roll back nested transaction");
    const Status released = Exec(db_, "RELEASE bhxh_nested", "end nested transaction");
    return result.ok() ? released : result;
  }
  if (result.ok()) {
    result = Exec(db_, "COMMIT", "commit transaction");
    if (result.ok()) return result;
  }
  // Some errors (SQLITE_FULL, SQLITE_IOERR...) roll back by themselves.
  if (sqlite3_get_autocommit(db_) == 0) (void)Exec(db_, "ROLLBACK", "rollback transaction");
  return result;
}

Status Database::WithConnection(const std::function<Status(sqlite3*)>& work) {
  WritingLock lock(*this);
  return RunGuarded(work, db_, "database work");
}

Result<sqlite3*> Database::AcquireReader() {
  std::unique_lock<std::mutex> lock(readers_mu_);
  reader_idle_.wait(lock, [this] { return !idle_readers_.empty() || readers_open_ < kMaxReaders; });
  if (!idle_readers_.empty()) {
    sqlite3* reader = idle_readers_.back();
    idle_readers_.pop_back();
    return reader;
  }
  ++readers_open_;
  lock.unlock();
  sqlite3* reader = nullptr;
  // NOMUTEX: a reader serves one thread at a time (it is checked out).
  int rc = sqlite3_open_v2(path_.c_str(), &reader, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                           nullptr);
  Status s = rc == SQLITE_OK ? Status::Ok()
                             : Unavailable(Describe(path_) + ": cannot open a reader: " +
                                           (reader ? sqlite3_errmsg(reader) : sqlite3_errstr(rc)));
  if (s.ok()) {
    sqlite3_busy_timeout(reader, 5000);
    // A store that wrote through Read would bypass the writer: refuse.
    s = ExecScript(reader, "PRAGMA query_only = ON", Describe(path_) + ": configure a reader");
  }
  if (!s.ok()) {
    sqlite3_close_v2(reader);
    std::lock_guard<std::mutex> relock(readers_mu_);
    --readers_open_;
    reader_idle_.notify_one();
    return s;
  }
  EnableStatementCache(reader);
  return reader;
}

void Database::ReleaseReader(sqlite3* reader) {
  {
    std::lock_guard<std::mutex> lock(readers_mu_);
    idle_readers_.push_back(reader);
  }
  reader_idle_.notify_one();
}

Status Database::Read(const std::function<Status(sqlite3*)>& work) {
  if (path_ == ":memory:" || HoldsWritingConnection()) return WithConnection(work);
  Result<sqlite3*> reader = AcquireReader();
  if (!reader.ok()) return reader.status();
  Status s = Exec(*reader, "BEGIN", "begin read");
  if (s.ok()) {
    s = RunGuarded(work, *reader, "database read");
    const Status ended = Exec(*reader, s.ok() ? "COMMIT" : "ROLLBACK", "end read");
    if (s.ok()) s = ended;
  }
  // A read never leaves a transaction open on a reader it hands back.
  if (sqlite3_get_autocommit(*reader) == 0) (void)ExecScript(*reader, "ROLLBACK", "end read");
  ReleaseReader(*reader);
  return s;
}

std::string Database::HealthCheck() {
  std::string problem = "ok";
  Status s = WithConnection([&](sqlite3* db) -> Status {
    Result<SqliteStatement> stmt = SqliteStatement::Prepare(db, "SELECT count(*) FROM sqlite_master");
    if (!stmt.ok()) return stmt.status();
    Result<bool> row = stmt->Step();
    return row.ok() ? Status::Ok() : row.status();
  });
  return s.ok() ? problem : s.message();
}

}  // namespace bhxh
