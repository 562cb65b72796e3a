// The durable outbox of replies to send on Messenger and Zalo. A reply is a
// row before any send, written in the same transaction as the conversation
// state that produced it. The sender delivers due rows in order per user,
// marks each sent right after the platform's answer, and retries transient
// failures with backoff; permanent failures are recorded with a reason.
#ifndef BHXH_STORAGE_OUTBOX_H_
#define BHXH_STORAGE_OUTBOX_H_

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"

namespace bhxh {

class Database;

enum class OutboxStatus { kPending, kSent, kFailed };

struct OutboxMessage {
  long long id = 0;           // assigned on insert; rows of one user are sent in id order
  std::string channel;        // "messenger" | "zalo"
  std::string user;           // recipient PSID / Zalo user id
  long long event_id = 0;     // the inbox event it answers (0 = none, e.g. a reminder)
  std::string body;           // the platform JSON to POST, rendered at enqueue time
  OutboxStatus status = OutboxStatus::kPending;
  int attempts = 0;           // send attempts that ended (each Mark* adds one)
  std::chrono::system_clock::time_point next_attempt;  // not before this
  std::string last_error;     // "outside_window: (#10) ...", "http 502", ...
  std::chrono::system_clock::time_point created;
  std::optional<std::chrono::system_clock::time_point> sent;
};

class Outbox {
 public:
  virtual ~Outbox() = default;
  // Appends rows (ids assigned in order) and returns the ids: all of them
  // or none. Meant to run inside the unit of work of the turn that produced
  // them (it joins it). Stored from each message: channel, user, event_id,
  // body, next_attempt (the default, the epoch, is due at once), created;
  // a new row is always pending with 0 attempts, no error and no sent time.
  // InvalidArgument if a message has an empty channel, user or body.
  virtual Result<std::vector<long long>> Enqueue(const std::vector<OutboxMessage>& messages) = 0;
  // For each (channel, user), the oldest pending row if it is due at `now`
  // (next_attempt <= now; a user's later rows wait behind an earlier one
  // that is still retrying), in id order, at most `limit`. A head being
  // sent right now is still pending and so is returned again: the sender
  // must skip the users it has in flight itself.
  virtual Result<std::vector<OutboxMessage>> DueHeads(std::chrono::system_clock::time_point now,
                                                      size_t limit) = 0;
  // MarkSent, MarkRetry and MarkFailed move a pending row on; each adds 1 to
  // attempts. NotFound if there is no such row (or DeleteUser removed it),
  // FailedPrecondition if it is no longer pending ("outbox: message 7 is
  // sent, not pending"): the caller then changes nothing.
  // The oldest pending row of one user if it is due at `now`, else nullopt
  // (an index lookup, for the sender to keep draining a user it is serving).
  virtual Result<std::optional<OutboxMessage>> DueHeadOf(const std::string& channel,
                                                         const std::string& user,
                                                         std::chrono::system_clock::time_point now) = 0;
  virtual Status MarkSent(long long id, std::chrono::system_clock::time_point at) = 0;
  // A transient failure: try again at `next_attempt` (the row stays pending
  // and keeps its user's later rows waiting).
  virtual Status MarkRetry(long long id, std::chrono::system_clock::time_point next_attempt,
                           const std::string& error) = 0;
  // A permanent failure: never retried; `error` starts with the reason class.
  // The user's next row becomes the head.
  virtual Status MarkFailed(long long id, const std::string& error) = 0;
  // nullopt if there is no such row.
  virtual Result<std::optional<OutboxMessage>> Get(long long id) = 0;
  // When DueHeads will next return something if nothing is written
  // meanwhile (to sleep until): the earliest next_attempt among the heads
  // of pending rows, nullopt if nothing is pending. Rows waiting behind a
  // retrying head are left out: they are typically due already, and would
  // wake the sender in a loop.
  virtual Result<std::optional<std::chrono::system_clock::time_point>> NextDue() = 0;
  virtual Result<size_t> CountByStatus(OutboxStatus status) = 0;
  // Deletes every row of the user, whatever its status (privacy), and
  // returns how many.
  virtual Result<size_t> DeleteUser(const std::string& channel, const std::string& user) = 0;
  // Privacy retention: deletes sent and failed rows created before `cutoff`
  // (their bodies repeat what citizens entered); pending rows stay.
  // Returns how many.
  virtual Result<size_t> PurgeFinishedBefore(std::chrono::system_clock::time_point cutoff) = 0;
};

std::unique_ptr<Outbox> NewSqliteOutbox(Database& db);

}  // namespace bhxh

#endif  // BHXH_STORAGE_OUTBOX_H_
