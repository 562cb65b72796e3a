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
  int attempts = 0;
  std::chrono::system_clock::time_point next_attempt;  // not before this
  std::string last_error;     // "outside_window: (#10) ...", "http 502", ...
  std::chrono::system_clock::time_point created;
  std::optional<std::chrono::system_clock::time_point> sent;
};

class Outbox {
 public:
  virtual ~Outbox() = default;
  // Appends rows (ids assigned in order). Meant to run inside the unit of
  // work of the turn that produced them. Returns the ids.
  virtual Result<std::vector<long long>> Enqueue(const std::vector<OutboxMessage>& messages) = 0;
  // For each user, the oldest pending row if it is due at `now` (a user's
  // later rows wait behind an earlier one that is still retrying), oldest
  // users first, at most `limit`. `exclude_users` are users whose head is
  // being sent right now ("channel\x1fuser").
  virtual Result<std::vector<OutboxMessage>> DueHeads(std::chrono::system_clock::time_point now,
                                                      size_t limit) = 0;
  virtual Status MarkSent(long long id, std::chrono::system_clock::time_point at) = 0;
  // A transient failure: attempts+1, try again at `next_attempt`.
  virtual Status MarkRetry(long long id, std::chrono::system_clock::time_point next_attempt,
                           const std::string& error) = 0;
  // A permanent failure: never retried; `error` starts with the reason class.
  virtual Status MarkFailed(long long id, const std::string& error) = 0;
  virtual Result<std::optional<OutboxMessage>> Get(long long id) = 0;
  // The earliest next_attempt of any pending row (to sleep until), if any.
  virtual Result<std::optional<std::chrono::system_clock::time_point>> NextDue() = 0;
  virtual Result<size_t> CountByStatus(OutboxStatus status) = 0;
  virtual Result<size_t> DeleteUser(const std::string& channel, const std::string& user) = 0;
};

std::unique_ptr<Outbox> NewSqliteOutbox(Database& db);

}  // namespace bhxh

#endif  // BHXH_STORAGE_OUTBOX_H_
