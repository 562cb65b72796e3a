// The one SQLite database of the service (WAL mode, foreign keys on, busy
// timeout), with versioned schema migrations applied in one transaction at
// open. Only storage/ sees <sqlite3.h>; other layers use the stores built on
// a Database (faq_store.h, question_log.h, conversation_store.h).
#ifndef BHXH_STORAGE_DATABASE_H_
#define BHXH_STORAGE_DATABASE_H_

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/status.h"

struct sqlite3;

namespace bhxh {

// The schema version this build writes. A database with a higher
// PRAGMA user_version is refused (FailedPrecondition) instead of being
// damaged by an older binary.
int CurrentSchemaVersion();

struct DatabaseOptions {
  // WAL pages after which a background thread copies the WAL back into the
  // database file (a checkpoint), instead of the committing connection:
  // the writer never waits for a checkpoint or its fsync. Larger means
  // fewer copies of the pages every commit rewrites (the inbox's last leaf,
  // its indexes' last leaves, sqlite_sequence) and a larger -wal file
  // (4 KB per page). See docs/architecture.md, "Checkpoints".
  int checkpoint_pages = 10000;
};

class Database {
 public:
  // Opens (creating if needed) the database file at `path` (":memory:" for
  // tests that need no file), creating its parent directory, and migrates it.
  // Errors: Unavailable (cannot open/create), FailedPrecondition (newer
  // schema), Internal (a migration failed; nothing of it is applied).
  static Result<std::unique_ptr<Database>> Open(const std::string& path,
                                                DatabaseOptions options = {});
  // Lets the writer commit what is queued, then closes every connection.
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  const std::string& path() const { return path_; }
  // PRAGMA user_version of the open file; -1 if it cannot be read.
  int schema_version() const;

  // Runs `work` in a transaction on the writing connection and returns
  // once it is committed or rolled back. Concurrent calls are
  // group-committed: one writer thread takes every call queued at that
  // moment and runs each in its own savepoint of one BEGIN IMMEDIATE ...
  // COMMIT, so a single commit (one append to the WAL) serves them all.
  // If `work` returns a non-OK status (or throws) only its savepoint is
  // rolled back and that status (Internal for an exception) is returned; if
  // the transaction itself fails (BEGIN or COMMIT, or an error that ends
  // it, such as a full disk), every call of the batch gets that error and
  // nothing of the batch is stored.
  // `work` runs on the writer thread while its caller waits, so it must
  // not wait for anything that needs this database's writer. Reentrant: a
  // call from inside `work` (or from inside WithConnection) joins the
  // enclosing transaction as a savepoint on the calling thread; if the
  // inner work fails only it is undone, and the outer work decides about
  // the rest. Thread-safe, as is every method of Database.
  Status InTransaction(const std::function<Status(sqlite3*)>& work);
  // InTransaction without waiting: queues `work` and returns at once;
  // `done` gets what InTransaction would have returned, once the batch is
  // committed or rolled back. `done` runs on the writer thread (on the
  // calling thread when the call joins an enclosing transaction, or when the
  // database is closing and refuses it with FailedPrecondition), so it must
  // be quick, must not throw and must not wait for anything, least of all
  // this database's writer: it only hands the result on. The writer drops
  // `work` (and what it captured) before calling `done`.
  void InTransactionAsync(std::function<Status(sqlite3*)> work, std::function<void(Status)> done);
  // Runs `work` with the writing connection locked, without a transaction
  // of its own (inside the caller's when there is one): each statement
  // that writes commits by itself, so group writes with InTransaction.
  Status WithConnection(const std::function<Status(sqlite3*)>& work);
  // Runs read-only `work` in one read transaction (a consistent snapshot)
  // on a reader connection: under WAL, readers neither wait for the writer
  // nor hold it up. Inside InTransaction or WithConnection work it reads on
  // the writing connection instead, and so sees that transaction's own
  // writes. Writing from `work` fails (the readers are query_only). An
  // in-memory database has no readers: reads share the writing connection.
  Status Read(const std::function<Status(sqlite3*)>& work);

  // "ok" when a trivial query succeeds, else the error text.
  std::string HealthCheck();

  // Counters of the writer, for tests and metrics; each is read atomically,
  // not together with the others.
  // Batches the writer has taken off the queue (committed, failed or being
  // written), and those whose transaction committed.
  size_t batches_started() const { return batches_started_.load(); }
  size_t batches_committed() const { return batches_committed_.load(); }
  // InTransaction calls queued and not yet taken by the writer.
  size_t transactions_queued() const;
  // Background checkpoints run, and those that failed (the checkpointer
  // could not open its connection, or SQLite reported an error; the next
  // request tries again). A checkpoint that a reader's snapshot kept from
  // copying every page still counts as run.
  size_t checkpoints_run() const { return checkpoints_run_.load(); }
  size_t checkpoints_failed() const { return checkpoints_failed_.load(); }
  // Times the WAL started over from its beginning (after a complete
  // checkpoint), as seen by the writing connection's commits.
  size_t wal_restarts() const { return wal_restarts_.load(); }

 private:
  struct QueuedWork;
  class WritingLock;
  Database(sqlite3* db, std::string path, DatabaseOptions options);
  void StartWriter();
  void WriterLoop();
  // The WAL hook of the writing connection: after each commit, with the
  // WAL's size in pages.
  static int OnWalCommit(void* self, sqlite3* db, const char* schema, int pages);
  void CheckpointerLoop();
  bool Checkpoint();
  void CommitBatch(std::vector<QueuedWork>& batch);
  // The transaction of a caller that holds the writing connection already.
  Status InlineTransaction(const std::function<Status(sqlite3*)>& work);
  bool HoldsWritingConnection() const;
  Result<sqlite3*> AcquireReader();
  void ReleaseReader(sqlite3* reader);

  sqlite3* db_;
  std::string path_;
  // The writing connection: the writer thread, and WithConnection callers.
  std::recursive_mutex mu_;
  std::atomic<std::thread::id> owner_{};  // the thread holding mu_, if any
  int owner_depth_ = 0;                   // guarded by mu_

  mutable std::mutex queue_mu_;
  std::condition_variable queue_cv_;   // work queued, or stopping_
  std::vector<QueuedWork> queue_;      // guarded by queue_mu_
  bool stopping_ = false;              // guarded by queue_mu_
  std::atomic<size_t> batches_started_{0};
  std::atomic<size_t> batches_committed_{0};
  std::thread writer_;

  // Checkpoints (file databases only): requested by OnWalCommit, run by
  // the checkpointer thread on its own connection.
  DatabaseOptions options_;
  std::mutex checkpoint_mu_;
  std::condition_variable checkpoint_cv_;
  bool checkpoint_requested_ = false;   // guarded by checkpoint_mu_
  bool checkpointer_stopping_ = false;  // guarded by checkpoint_mu_
  // The checkpointer copied every frame it found: the next commit copies
  // the rest, so that the WAL can restart.
  std::atomic<bool> finish_checkpoint_{false};
  int last_wal_pages_ = 0;  // the WAL's size at the last commit; under mu_
  std::atomic<size_t> wal_restarts_{0};
  std::atomic<size_t> checkpoints_run_{0};
  std::atomic<size_t> checkpoints_failed_{0};
  std::thread checkpointer_;

  std::mutex readers_mu_;
  std::condition_variable reader_idle_;
  std::vector<sqlite3*> idle_readers_;  // guarded by readers_mu_
  size_t readers_open_ = 0;             // guarded by readers_mu_
};

}  // namespace bhxh

#endif  // BHXH_STORAGE_DATABASE_H_
