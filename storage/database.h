// The one SQLite database of the service (WAL mode, foreign keys on, busy
// timeout), with versioned schema migrations applied in one transaction at
// open. Only storage/ sees <sqlite3.h>; other layers use the stores built on
// a Database (faq_store.h, question_log.h, conversation_store.h).
#ifndef BHXH_STORAGE_DATABASE_H_
#define BHXH_STORAGE_DATABASE_H_

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "base/status.h"

struct sqlite3;

namespace bhxh {

// The schema version this build writes. A database with a higher
// PRAGMA user_version is refused (FailedPrecondition) instead of being
// damaged by an older binary.
int CurrentSchemaVersion();

class Database {
 public:
  // Opens (creating if needed) the database file at `path` (":memory:" for
  // tests that need no file), creating its parent directory, and migrates it.
  // Errors: Unavailable (cannot open/create), FailedPrecondition (newer
  // schema), Internal (a migration failed; nothing of it is applied).
  static Result<std::unique_ptr<Database>> Open(const std::string& path);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  const std::string& path() const { return path_; }
  // PRAGMA user_version of the open file; -1 if it cannot be read.
  int schema_version() const;

  // Runs `work` inside BEGIN IMMEDIATE ... COMMIT on this connection,
  // serialised with every other use of the connection. If `work` returns a
  // non-OK status (or throws) the transaction is rolled back and that status
  // (Internal for an exception) is returned. Reentrant: a call from inside
  // `work` joins the outer transaction as a savepoint; if the inner work
  // fails only it is undone, and the outer work decides about the rest.
  // Thread-safe, as is every method of Database.
  Status InTransaction(const std::function<Status(sqlite3*)>& work);
  // InTransaction for work someone is waiting on right now (the inbox's
  // group commit, which holds back webhook answers): while it waits for
  // the connection, new non-urgent users wait behind it.
  Status InUrgentTransaction(const std::function<Status(sqlite3*)>& work);
  // Runs `work` with the connection locked, without a transaction (reads).
  Status WithConnection(const std::function<Status(sqlite3*)>& work);

  // "ok" when a trivial query succeeds, else the error text.
  std::string HealthCheck();

 private:
  Database(sqlite3* db, std::string path);
  sqlite3* db_;
  std::string path_;
  std::recursive_mutex mu_;
  std::atomic<int> urgent_waiting_{0};
  // Takes mu_; a non-urgent caller first lets waiting urgent work go ahead.
  std::unique_lock<std::recursive_mutex> Lock(bool urgent);
};

}  // namespace bhxh

#endif  // BHXH_STORAGE_DATABASE_H_
