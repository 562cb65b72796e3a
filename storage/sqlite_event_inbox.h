// The SQLite EventInbox with its group-commit writer thread. Private to
// storage/ (and its tests, which read the counters): other code gets an
// EventInbox from NewSqliteEventInbox (event_inbox.h).
//
// Append puts its request on a queue and waits on a future. The writer
// thread takes every request queued at that moment, inserts all their
// events in one Database::InTransaction (so it is serialised with the other
// users of the connection), and fulfils every request's promise after the
// commit; if the transaction fails, every request of the batch gets its
// error and nothing of the batch is stored. One commit then serves all the
// webhook requests that arrived while the previous one was being written.
#ifndef BHXH_STORAGE_SQLITE_EVENT_INBOX_H_
#define BHXH_STORAGE_SQLITE_EVENT_INBOX_H_

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "storage/event_inbox.h"

namespace bhxh {

class SqliteEventInbox final : public EventInbox {
 public:
  // Starts the writer thread. `db` must outlive the inbox.
  explicit SqliteEventInbox(Database& db);
  // Lets the writer commit what is queued, then joins it.
  ~SqliteEventInbox() override;
  SqliteEventInbox(const SqliteEventInbox&) = delete;
  SqliteEventInbox& operator=(const SqliteEventInbox&) = delete;

  Result<std::vector<bool>> Append(const std::vector<ChannelEvent>& events,
                                   std::chrono::system_clock::time_point received,
                                   std::vector<long long>* ids = nullptr) override;
  Result<std::vector<ChannelEvent>> Pending(size_t limit, long long after_id = 0) override;
  Status MarkDone(long long id, std::chrono::system_clock::time_point at) override;
  Result<InboxStatus> StatusOf(long long id) override;
  Result<size_t> DeleteUser(const std::string& channel, const std::string& user) override;
  Result<size_t> PurgeDoneBefore(std::chrono::system_clock::time_point cutoff) override;

  // Counters of the writer, for tests and metrics. Each is read atomically,
  // not together with the others.
  // Batches the writer has taken off the queue (committed, failed or being
  // written).
  size_t batches_started() const { return batches_started_.load(); }
  // Batches whose transaction committed.
  size_t batches_committed() const { return batches_committed_.load(); }
  // Append calls queued and not yet taken by the writer.
  size_t appends_queued() const;

 private:
  // One Append call waiting for its batch. Lives on the caller's stack; the
  // caller blocks on `done` until the writer has answered it.
  struct Request {
    const std::vector<ChannelEvent>* events;
    int64_t received_ms;
    std::vector<long long>* ids;  // filled before `done` is set, when given
    std::promise<Result<std::vector<bool>>> done;
  };

  void WriterLoop();
  void CommitBatch(const std::vector<Request*>& batch);

  Database& db_;
  mutable std::mutex mu_;
  std::condition_variable wake_;  // something queued, or stopping_
  std::vector<Request*> queue_;   // guarded by mu_
  bool stopping_ = false;         // guarded by mu_
  std::atomic<size_t> batches_started_{0};
  std::atomic<size_t> batches_committed_{0};
  std::thread writer_;  // last: started once everything above is constructed
};

}  // namespace bhxh

#endif  // BHXH_STORAGE_SQLITE_EVENT_INBOX_H_
