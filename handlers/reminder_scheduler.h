// Sends the due meeting reminders and change notices (the persisted jobs of
// storage/meeting_store.h) when the platform allows it: a citizen can be
// messaged first only within a window after their last message (Messenger
// 24 h, Zalo 7 days). A job outside its window, on a channel that cannot
// push (web chat), or for a meeting that is gone ends with that status
// recorded; nothing is dropped silently.
#ifndef BHXH_HANDLERS_REMINDER_SCHEDULER_H_
#define BHXH_HANDLERS_REMINDER_SCHEDULER_H_

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "handlers/conversation_types.h"
#include "handlers/live_content.h"

namespace bhxh {

class ConversationStore;
class MeetingStore;
class UnitOfWork;

class ReminderScheduler {
 public:
  // `windows`: for each channel the bot may message first, how long after
  // the citizen's last message it may do so. Jobs of other channels end
  // 'unsupported'. `unit` may be null (then each step commits on its own).
  ReminderScheduler(const LiveContent& content, MeetingStore& meetings,
                    ConversationStore& conversations, UnitOfWork* unit, const Clock& clock,
                    std::map<std::string, std::chrono::minutes> windows);

  // Writes the messages of one job (the channel renders them into its
  // outbox). Runs inside the transaction that marks the job sent.
  using Deliver = std::function<Status(const std::string& channel, const std::string& user,
                                       const std::vector<Reply>& replies)>;

  // Ends every job due now (at most `limit`), oldest first. Returns how
  // many ended; a storage error stops the run (the job stays pending).
  Result<size_t> RunDue(const Deliver& deliver, size_t limit = 500);

 private:
  const LiveContent& content_;
  MeetingStore& meetings_;
  ConversationStore& conversations_;
  UnitOfWork* unit_;
  const Clock& clock_;
  std::map<std::string, std::chrono::minutes> windows_;
};

}  // namespace bhxh

#endif  // BHXH_HANDLERS_REMINDER_SCHEDULER_H_
