#include "storage/database.h"

#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "tests/storage/scratch_dir.h"

namespace bhxh {
namespace {

std::string SchemaText(const std::string& path) {
  RawConnection raw(path);
  return raw.QueryText("SELECT group_concat(type || ' ' || name || ': ' || sql, char(10)) FROM "
                       "(SELECT * FROM sqlite_master ORDER BY name)");
}

long long CountRows(Database& db, const std::string& table) {
  std::string text;
  RequireOk(db.WithConnection([&](sqlite3* c) {
    text = RawConnection::QueryTextOn(c, "SELECT count(*) FROM " + table);
    return Status::Ok();
  }));
  return std::stoll(text);
}

TEST_CASE("Opening a new file creates it with WAL, the current schema version and foreign keys on") {
  ScratchDir dir;
  // The parent directories do not exist yet.
  const std::string path = dir.File("data/nested/bhxh-bot.db");
  auto db = OpenOrFail(path);

  CHECK(std::filesystem::is_regular_file(path));
  CHECK(db->path() == path);
  CHECK(CurrentSchemaVersion() == 3);
  CHECK(db->schema_version() == CurrentSchemaVersion());
  CHECK(db->HealthCheck() == "ok");

  std::string journal_mode, foreign_keys, synchronous, busy_timeout, autocheckpoint, size_limit;
  RequireOk(db->WithConnection([&](sqlite3* c) {
    autocheckpoint = RawConnection::QueryTextOn(c, "PRAGMA wal_autocheckpoint");
    size_limit = RawConnection::QueryTextOn(c, "PRAGMA journal_size_limit");
    journal_mode = RawConnection::QueryTextOn(c, "PRAGMA journal_mode");
    foreign_keys = RawConnection::QueryTextOn(c, "PRAGMA foreign_keys");
    synchronous = RawConnection::QueryTextOn(c, "PRAGMA synchronous");
    busy_timeout = RawConnection::QueryTextOn(c, "PRAGMA busy_timeout");
    return Status::Ok();
  }));
  CHECK(journal_mode == "wal");
  CHECK(foreign_keys == "1");
  CHECK(synchronous == "1");  // NORMAL
  CHECK(busy_timeout == "5000");
  // The committing connection never checkpoints (its WAL hook only asks the
  // checkpointer thread to); a WAL restart truncates the file to 64 MB.
  CHECK(autocheckpoint == "0");
  CHECK(size_limit == "67108864");  // bytes

  // Seen from another connection: the version and the tables are in the file.
  RawConnection raw(path);
  CHECK(raw.QueryInt("PRAGMA user_version") == CurrentSchemaVersion());
  CHECK(raw.QueryText("PRAGMA journal_mode") == "wal");
  CHECK(raw.QueryText("SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master "
                      "WHERE name NOT LIKE 'sqlite_%' ORDER BY name)") ==
        "channel_tokens,conversations,conversations_by_updated,faq_entries,faq_revisions,"
        "handover_requests,handover_requests_by_user,handover_requests_open,inbox_events,"
        "inbox_events_by_status,leads,leads_by_commune,leads_by_user,meeting_rsvps,"
        "meeting_rsvps_by_user,meetings,meetings_by_commune,outbox,outbox_by_due,outbox_by_user,"
        "question_log,question_log_by_at,question_log_by_outcome,reminder_jobs,"
        "reminder_jobs_by_user,reminder_jobs_due,reminder_subscriptions,"
        "reminder_subscriptions_by_commune,user_pauses");
}

TEST_CASE("Reopening a migrated database changes neither its schema nor its data") {
  ScratchDir dir;
  const std::string path = dir.File("bhxh-bot.db");
  {
    auto db = OpenOrFail(path);
    RequireOk(db->InTransaction([](sqlite3* c) {
      RawConnection::QueryTextOn(c,
                                 "INSERT INTO conversations VALUES ('web', 'u1', 'menu', 1000)");
      return Status::Ok();
    }));
  }
  const std::string schema = SchemaText(path);
  for (int i = 0; i < 2; ++i) {
    auto db = OpenOrFail(path);
    CHECK(db->schema_version() == CurrentSchemaVersion());
    CHECK(CountRows(*db, "conversations") == 1);
  }
  CHECK(SchemaText(path) == schema);
}

TEST_CASE("A database from a newer bhxh-bot is refused and left untouched") {
  ScratchDir dir;
  const std::string path = dir.File("bhxh-bot.db");
  {
    RawConnection raw(path);
    raw.Exec("CREATE TABLE from_the_future (x); INSERT INTO from_the_future VALUES (42);"
             "PRAGMA user_version = 7;");
  }
  const std::string before = ReadFileBytes(path);
  REQUIRE(!before.empty());

  Result<std::unique_ptr<Database>> db = Database::Open(path);
  REQUIRE_FALSE(db.ok());
  CHECK(db.status().code() == StatusCode::kFailedPrecondition);
  CHECK(db.status().message() ==
        "database " + path +
            " has schema version 7, newer than this bhxh-bot (3); upgrade bhxh-bot or restore a "
            "backup");

  const bool unchanged = ReadFileBytes(path) == before;  // not printed: binary
  CHECK(unchanged);
  CHECK_FALSE(std::filesystem::exists(path + "-wal"));
  RawConnection raw(path);
  CHECK(raw.QueryInt("PRAGMA user_version") == 7);
  CHECK(raw.QueryText("PRAGMA journal_mode") == "delete");
}

TEST_CASE("A migration that fails leaves nothing of the schema applied") {
  ScratchDir dir;
  const std::string path = dir.File("bhxh-bot.db");
  // A version-0 file that already has a `conversations` table: migration 1
  // creates its other tables first, then fails on this one, so the rollback
  // has real work to undo.
  {
    RawConnection raw(path);
    raw.Exec("CREATE TABLE conversations (legacy TEXT); INSERT INTO conversations VALUES ('x');");
  }

  Result<std::unique_ptr<Database>> db = Database::Open(path);
  REQUIRE_FALSE(db.ok());
  CHECK(db.status().code() == StatusCode::kInternal);
  CHECK(db.status().message() == "database " + path +
                                     ": migration to schema version 1: table conversations "
                                     "already exists; no migration was applied");

  RawConnection raw(path);
  CHECK(raw.QueryInt("PRAGMA user_version") == 0);
  CHECK(raw.QueryText("SELECT group_concat(name, ',') FROM sqlite_master") == "conversations");
  CHECK(raw.QueryText("SELECT legacy FROM conversations") == "x");
}

// A version-1 file as the previous release left it: today's file with the
// version-2 tables dropped and the version set back (SQLite keeps its own
// sqlite_sequence table, emptied: it cannot be dropped).
void DowngradeToVersion1(const std::string& path) {
  OpenOrFail(path);
  RawConnection raw(path);
  raw.Exec("DROP TABLE inbox_events; DROP TABLE outbox; DROP TABLE channel_tokens;"
           "DROP TABLE user_pauses; DROP TABLE meeting_rsvps; DROP TABLE meetings;"
           "DROP TABLE reminder_subscriptions; DROP TABLE reminder_jobs; DROP TABLE leads;"
           "DROP TABLE handover_requests; DROP INDEX conversations_by_updated;"
           "DELETE FROM sqlite_sequence; PRAGMA user_version = 1;");
}

TEST_CASE("A version-1 database is upgraded to the current version and keeps its data") {
  ScratchDir dir;
  const std::string path = dir.File("bhxh-bot.db");
  DowngradeToVersion1(path);
  {
    RawConnection raw(path);
    raw.Exec("INSERT INTO conversations VALUES ('web', 'u1', 'menu', 1000)");
  }

  auto db = OpenOrFail(path);
  CHECK(db->schema_version() == CurrentSchemaVersion());
  CHECK(CountRows(*db, "conversations") == 1);
  CHECK(CountRows(*db, "inbox_events") == 0);
  CHECK(CountRows(*db, "outbox") == 0);
  CHECK(CountRows(*db, "channel_tokens") == 0);
  CHECK(CountRows(*db, "user_pauses") == 0);
  for (const char* table : {"meetings", "meeting_rsvps", "reminder_subscriptions", "reminder_jobs",
                            "leads", "handover_requests"}) {
    CHECK(CountRows(*db, table) == 0);
  }
}

TEST_CASE("A failing migration 2 leaves a version-1 database as it was") {
  ScratchDir dir;
  const std::string path = dir.File("bhxh-bot.db");
  DowngradeToVersion1(path);
  // Migration 2 creates inbox_events first, then fails on this table.
  {
    RawConnection raw(path);
    raw.Exec("CREATE TABLE outbox (legacy TEXT)");
  }

  Result<std::unique_ptr<Database>> db = Database::Open(path);
  REQUIRE_FALSE(db.ok());
  CHECK(db.status().code() == StatusCode::kInternal);
  CHECK(db.status().message() == "database " + path +
                                     ": migration to schema version 2: table outbox already "
                                     "exists; no migration was applied");

  RawConnection raw(path);
  CHECK(raw.QueryInt("PRAGMA user_version") == 1);
  CHECK(raw.QueryText("SELECT count(*) FROM sqlite_master WHERE name = 'inbox_events'") == "0");
}

TEST_CASE("A file that is not a SQLite database is refused as unavailable") {
  ScratchDir dir;
  const std::string path = dir.File("bhxh-bot.db");
  {
    std::ofstream out(path, std::ios::binary);
    out << std::string(4096, 'x');
  }
  Result<std::unique_ptr<Database>> db = Database::Open(path);
  REQUIRE_FALSE(db.ok());
  CHECK(db.status().code() == StatusCode::kUnavailable);
  CHECK(db.status().message() == "database " + path + ": cannot read: file is not a database");
  CHECK(ReadFileBytes(path) == std::string(4096, 'x'));
}

TEST_CASE("A database whose directory cannot be created is refused as unavailable") {
  ScratchDir dir;
  const std::string blocker = dir.File("not-a-dir");
  { std::ofstream out(blocker); }
  const std::string path = blocker + "/data/bhxh-bot.db";

  Result<std::unique_ptr<Database>> db = Database::Open(path);
  REQUIRE_FALSE(db.ok());
  CHECK(db.status().code() == StatusCode::kUnavailable);
  CHECK(db.status().message() == "database " + path + ": cannot create directory " + blocker +
                                     "/data: Not a directory");
}

TEST_CASE("An in-memory database is migrated like a file") {
  auto db = OpenOrFail(":memory:");
  CHECK(db->schema_version() == CurrentSchemaVersion());
  CHECK(CountRows(*db, "faq_entries") == 0);
}

TEST_CASE("InTransaction commits work that succeeds and rolls back work that fails") {
  ScratchDir dir;
  auto db = OpenOrFail(dir.File("bhxh-bot.db"));
  auto insert = [](sqlite3* c) {
    RawConnection::QueryTextOn(c, "INSERT INTO conversations VALUES ('web', 'u1', 's', 1)");
  };

  SECTION("work returning OK is committed") {
    RequireOk(db->InTransaction([&](sqlite3* c) {
      insert(c);
      return Status::Ok();
    }));
    CHECK(CountRows(*db, "conversations") == 1);
  }
  SECTION("work returning an error is rolled back and its status returned") {
    Status s = db->InTransaction([&](sqlite3* c) {
      insert(c);
      return NotFound("no such user");
    });
    CHECK(s.code() == StatusCode::kNotFound);
    CHECK(s.message() == "no such user");
    CHECK(CountRows(*db, "conversations") == 0);
  }
  SECTION("work that throws is rolled back and reported as Internal") {
    Status s = db->InTransaction([&](sqlite3* c) -> Status {
      insert(c);
      throw std::runtime_error("boom");
    });
    CHECK(s.code() == StatusCode::kInternal);
    CHECK(s.message() == "transaction aborted by an exception: boom");
    CHECK(CountRows(*db, "conversations") == 0);
  }
  SECTION("a transaction inside a transaction joins it and commits with it") {
    RequireOk(db->InTransaction([&](sqlite3*) {
      RequireOk(db->InTransaction([&](sqlite3* inner) {
        insert(inner);
        return Status::Ok();
      }));
      return Status::Ok();
    }));
    CHECK(CountRows(*db, "conversations") == 1);
  }
  SECTION("a failing inner transaction undoes only its own work") {
    RequireOk(db->InTransaction([&](sqlite3*) {
      Status inner = db->InTransaction([&](sqlite3* c) -> Status {
        insert(c);
        return Unavailable("inner failed");
      });
      CHECK(inner.message() == "inner failed");
      return Status::Ok();
    }));
    CHECK(CountRows(*db, "conversations") == 0);
  }
  SECTION("a failing outer transaction undoes the inner work that succeeded") {
    Status s = db->InTransaction([&](sqlite3*) -> Status {
      RequireOk(db->InTransaction([&](sqlite3* c) {
        insert(c);
        return Status::Ok();
      }));
      return Unavailable("outer failed");
    });
    CHECK(s.message() == "outer failed");
    CHECK(CountRows(*db, "conversations") == 0);
  }
  // Nothing is left open either way: the connection can start another.
  RequireOk(db->InTransaction([](sqlite3*) { return Status::Ok(); }));
}

// Thread-safe (no Catch2 macros): "" when the row is missing.
std::string ReadCounter(sqlite3* c) {
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(c, "SELECT state FROM conversations WHERE user_id = 'counter'", -1, &stmt,
                     nullptr);
  std::string out;
  if (sqlite3_step(stmt) == SQLITE_ROW) {
    out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  }
  sqlite3_finalize(stmt);
  return out;
}

TEST_CASE("Transactions from several threads are serialised on the one connection") {
  ScratchDir dir;
  auto db = OpenOrFail(dir.File("bhxh-bot.db"));
  RequireOk(db->InTransaction([](sqlite3* c) {
    RawConnection::QueryTextOn(c, "INSERT INTO conversations VALUES ('web', 'counter', '0', 0)");
    return Status::Ok();
  }));
  // Read-modify-write in each transaction: a lost update would show as a
  // final count below threads * rounds.
  constexpr int kThreads = 4;
  constexpr int kRounds = 50;
  std::vector<std::thread> threads;
  std::vector<Status> failures(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kRounds; ++i) {
        // No Catch2 macros here: its assertions are not thread-safe.
        Status s = db->InTransaction([](sqlite3* c) {
          sqlite3_stmt* stmt = nullptr;
          sqlite3_prepare_v2(c, "UPDATE conversations SET state = ?1 WHERE user_id = 'counter'",
                             -1, &stmt, nullptr);
          const std::string n = ReadCounter(c);
          const std::string next = std::to_string(std::stoi(n.empty() ? "0" : n) + 1);
          sqlite3_bind_text(stmt, 1, next.c_str(), -1, SQLITE_TRANSIENT);
          const int rc = sqlite3_step(stmt);
          sqlite3_finalize(stmt);
          return rc == SQLITE_DONE ? Status::Ok() : Internal(sqlite3_errmsg(c));
        });
        if (!s.ok()) failures[t] = s;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (const Status& s : failures) CHECK(s.message() == "");
  std::string final_count;
  RequireOk(db->WithConnection([&](sqlite3* c) {
    final_count = ReadCounter(c);
    return Status::Ok();
  }));
  CHECK(final_count == std::to_string(kThreads * kRounds));
}

// Work for the writer thread: no Catch2 macros (its assertions are not
// thread-safe, and the test thread may be asserting meanwhile).
std::function<Status(sqlite3*)> InsertUser(const std::string& user, Status outcome = Status::Ok()) {
  return [user, outcome](sqlite3* c) {
    const std::string sql = "INSERT INTO conversations VALUES ('web', '" + user + "', 's', 1)";
    if (sqlite3_exec(c, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
      return Internal(sqlite3_errmsg(c));
    }
    return outcome;
  };
}

TEST_CASE("Transactions queued together commit in one batch, and a failing one is undone alone") {
  ScratchDir dir;
  auto db = OpenOrFail(dir.File("bhxh-bot.db"));
  std::vector<std::future<Status>> results;
  // Holding the connection keeps the writer from starting the batch while
  // the three transactions queue.
  RequireOk(db->WithConnection([&](sqlite3*) {
    results.push_back(std::async(std::launch::async, [&] { return db->InTransaction(InsertUser("a")); }));
    REQUIRE(WaitFor([&] { return db->batches_started() == 1; }));
    results.push_back(std::async(std::launch::async, [&] {
      return db->InTransaction(InsertUser("b", Unavailable("b failed")));
    }));
    REQUIRE(WaitFor([&] { return db->transactions_queued() == 1; }));
    results.push_back(std::async(std::launch::async, [&] { return db->InTransaction(InsertUser("c")); }));
    REQUIRE(WaitFor([&] { return db->transactions_queued() == 2; }));
    return Status::Ok();
  }));
  CHECK(results[0].get().ok());
  CHECK(results[1].get().message() == "b failed");
  CHECK(results[2].get().ok());
  CHECK(db->batches_started() == 2);
  CHECK(db->batches_committed() == 2);
  CHECK(RawConnection(db->path()).QueryText(
            "SELECT group_concat(user_id) FROM (SELECT user_id FROM conversations ORDER BY 1)") ==
        "a,c");
}

// Commits `n` transactions of one conversation row each, through the writer.
void CommitRows(Database& db, int first, int n) {
  for (int i = first; i < first + n; ++i) {
    RequireOk(db.InTransaction(InsertUser("u" + std::to_string(i))));
  }
}

TEST_CASE("A background thread checkpoints the WAL, and a writer that never pauses restarts it") {
  ScratchDir dir;
  const std::string path = dir.File("bhxh-bot.db");
  DatabaseOptions options;
  options.checkpoint_pages = 300;
  Result<std::unique_ptr<Database>> opened = Database::Open(path, options);
  RequireOk(opened.status());
  Database& db = **opened;
  // Each commit appends at least one page (4 KB) to the WAL, which holds
  // the schema already (well under 300 pages).
  CommitRows(db, 0, 20);
  CHECK(db.checkpoints_run() == 0);  // below the size: nothing asked
  // Commits back to back, as under a flood: the checkpointer copies while
  // the writer adds frames, so it never finds the WAL fully copied; the
  // writer's commit after its pass finishes the copy, and the WAL starts
  // over (after ~350 pages when alone; a pass slowed by another process's
  // fsyncs lets it grow further, so no size is asserted here).
  CommitRows(db, 20, 3000);
  CHECK(db.checkpoints_run() >= 1);
  CHECK(db.checkpoints_failed() == 0);
  CHECK(db.wal_restarts() >= 1);
  CHECK(CountRows(db, "conversations") == 3020);
}

TEST_CASE("InTransactionAsync returns at once and reports the commit through its callback") {
  ScratchDir dir;
  auto db = OpenOrFail(dir.File("bhxh-bot.db"));
  std::promise<Status> ok_done, failed_done;
  std::promise<std::thread::id> done_thread;
  auto ok_result = ok_done.get_future();
  auto failed_result = failed_done.get_future();
  // Holding the connection keeps the writer from committing: both calls
  // must return while their work is still queued.
  RequireOk(db->WithConnection([&](sqlite3*) {
    std::thread caller([&] {
      db->InTransactionAsync(InsertUser("a"), [&](Status s) {
        done_thread.set_value(std::this_thread::get_id());
        ok_done.set_value(std::move(s));
      });
      db->InTransactionAsync(InsertUser("b", Unavailable("b failed")),
                             [&](Status s) { failed_done.set_value(std::move(s)); });
    });
    caller.join();
    CHECK(ok_result.wait_for(std::chrono::milliseconds(50)) == std::future_status::timeout);
    return Status::Ok();
  }));
  CHECK(ok_result.get().ok());
  CHECK(failed_result.get().message() == "b failed");
  // The callback ran on the writer, not on the (finished) caller's thread.
  CHECK(done_thread.get_future().get() != std::this_thread::get_id());
  CHECK(RawConnection(db->path()).QueryText("SELECT group_concat(user_id) FROM conversations") == "a");
}

TEST_CASE("InTransactionAsync inside a transaction joins it and reports on the calling thread") {
  ScratchDir dir;
  auto db = OpenOrFail(dir.File("bhxh-bot.db"));
  bool reported = false;
  Status inner;
  Status outer = db->InTransaction([&](sqlite3* c) -> Status {
    RequireOk(InsertUser("a")(c));
    db->InTransactionAsync(InsertUser("b"), [&](Status s) {
      reported = true;
      inner = std::move(s);
    });
    // Reported before InTransactionAsync returned; the outer work then
    // fails, which undoes the joined work too.
    CHECK(reported);
    return Unavailable("outer failed");
  });
  CHECK(inner.ok());
  CHECK(outer.message() == "outer failed");
  CHECK(CountRows(*db, "conversations") == 0);
}

TEST_CASE("Read sees committed data in a snapshot, refuses to write, and sees its own transaction") {
  ScratchDir dir;
  auto db = OpenOrFail(dir.File("bhxh-bot.db"));
  RequireOk(db->InTransaction(InsertUser("a")));
  std::string seen;
  RequireOk(db->Read([&](sqlite3* c) {
    seen = RawConnection::QueryTextOn(c, "SELECT count(*) FROM conversations");
    return Status::Ok();
  }));
  CHECK(seen == "1");

  Status write = db->Read([&](sqlite3* c) -> Status {
    return sqlite3_exec(c, "DELETE FROM conversations", nullptr, nullptr, nullptr) == SQLITE_OK
               ? Status::Ok()
               : Internal(sqlite3_errmsg(c));
  });
  CHECK(write.message() == "attempt to write a readonly database");
  CHECK(CountRows(*db, "conversations") == 1);

  // Inside a transaction a read sees the transaction's own, uncommitted rows.
  RequireOk(db->InTransaction([&](sqlite3* c) {
    RequireOk(InsertUser("b")(c));
    return db->Read([&](sqlite3* r) {
      seen = RawConnection::QueryTextOn(r, "SELECT count(*) FROM conversations");
      return Status::Ok();
    });
  }));
  CHECK(seen == "2");
}

TEST_CASE("Closing the database first commits the transactions already queued") {
  ScratchDir dir;
  const std::string path = dir.File("bhxh-bot.db");
  auto db = OpenOrFail(path);
  Database* raw = db.get();
  std::vector<std::future<Status>> results;
  std::thread closer;
  RequireOk(raw->WithConnection([&](sqlite3*) {
    results.push_back(std::async(std::launch::async, [&] { return raw->InTransaction(InsertUser("a")); }));
    REQUIRE(WaitFor([&] { return raw->batches_started() == 1; }));
    results.push_back(std::async(std::launch::async, [&] { return raw->InTransaction(InsertUser("b")); }));
    REQUIRE(WaitFor([&] { return raw->transactions_queued() == 1; }));
    // The destructor waits for the writer, which waits for this connection.
    closer = std::thread([&] { db.reset(); });
    return Status::Ok();
  }));
  closer.join();
  for (auto& r : results) CHECK(r.get().ok());
  CHECK(RawConnection(path).QueryText("SELECT count(*) FROM conversations") == "2");
}

}  // namespace
}  // namespace bhxh
