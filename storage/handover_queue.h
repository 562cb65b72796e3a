// Conversations handed to a staff member (table handover_requests) and the
// bot's silence for those users (table user_pauses, shared with
// ChannelStateStore, which the channels consult before answering). The
// staff inbox (4/5) lists and releases requests; the channels record a
// staff reply typed in the platform's own tool as a pause.
#ifndef BHXH_STORAGE_HANDOVER_QUEUE_H_
#define BHXH_STORAGE_HANDOVER_QUEUE_H_

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"

namespace bhxh {

class Database;

enum class HandoverStatus { kOpen, kReleased, kExpired };
const char* HandoverStatusName(HandoverStatus status);  // "open" ...

struct HandoverRequest {
  long long id = 0;
  std::string channel;
  std::string user;
  std::string reason;  // short code: "asked", "unknown_twice", "personal_case"
  std::chrono::system_clock::time_point requested;
  std::chrono::system_clock::time_point until;  // the bot is silent until then
  HandoverStatus status = HandoverStatus::kOpen;
  std::optional<std::chrono::system_clock::time_point> closed;
};

// Implementations are thread-safe; each method is one transaction (or
// joins the caller's unit of work).
class HandoverQueue {
 public:
  virtual ~HandoverQueue() = default;
  // Queues the conversation and pauses the bot for the user until `until`
  // (user_pauses, replacing an earlier pause). A user with an open request
  // keeps it (its until and reason are updated): one open request per user.
  // An open request whose pause has already run out is expired first, and
  // a new one is opened. Returns the open request as stored.
  // InvalidArgument for an empty channel or user, or until <= now.
  virtual Result<HandoverRequest> Request(const std::string& channel, const std::string& user,
                                          const std::string& reason,
                                          std::chrono::system_clock::time_point now,
                                          std::chrono::system_clock::time_point until) = 0;
  // Staff hand the user back to the bot: the open request is released and
  // the pause ends. OK when there is none (returns false); the pause (a
  // staff reply's, say) ends all the same.
  virtual Result<bool> Release(const std::string& channel, const std::string& user,
                               std::chrono::system_clock::time_point now) = 0;
  // Open requests whose pause has run out become expired (closed = now);
  // returns how many. The pause is the user's user_pauses row: a staff
  // reply on the platform that extended it keeps the request open, a
  // pause ended by ChannelStateStore::ResumeUser lets it expire.
  virtual Result<size_t> ExpireDue(std::chrono::system_clock::time_point now) = 0;
  // Open requests, oldest first (the staff inbox).
  virtual Result<std::vector<HandoverRequest>> Open() = 0;
  virtual Result<std::optional<HandoverRequest>> OpenFor(const std::string& channel,
                                                         const std::string& user) = 0;
  // The end of the user's pause if paused at `now` (now < until), else nullopt.
  virtual Result<std::optional<std::chrono::system_clock::time_point>> PausedUntil(
      const std::string& channel, const std::string& user,
      std::chrono::system_clock::time_point now) = 0;
  // Privacy: deletes the user's requests and pause; returns how many rows.
  virtual Result<size_t> DeleteUser(const std::string& channel, const std::string& user) = 0;
};

std::unique_ptr<HandoverQueue> NewSqliteHandoverQueue(Database& db);

}  // namespace bhxh

#endif  // BHXH_STORAGE_HANDOVER_QUEUE_H_
