// Turns committed inbox events into replies. One user's events are handled
// in arrival order on one worker at a time; different users in parallel.
// Each event's turn is one transaction: conversation state, question log,
// the outbox rows of its replies and "event done" commit together, so a
// crash at any point either redoes the whole turn at restart (event still
// pending) or finds its replies in the outbox (sent after restart).
//
// Memory is bounded whatever the backlog: at most `max_queued` events are
// held in memory. Beyond that, committed events stay only in the inbox and
// are read back from it, in id order, as the queue drains.
#ifndef BHXH_BOT_CHANNELS_EVENT_PROCESSOR_H_
#define BHXH_BOT_CHANNELS_EVENT_PROCESSOR_H_

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "bot/channels/intake_priority.h"
#include "bot/channels/outbox_rows.h"
#include "bot/channels/outbox_sender.h"
#include "handlers/dialog_engine.h"
#include "storage/channel_state_store.h"
#include "storage/conversation_store.h"
#include "storage/event_inbox.h"
#include "storage/outbox.h"
#include "storage/question_log.h"
#include "storage/unit_of_work.h"

namespace bhxh {

struct EventProcessorDeps {
  EventInbox& inbox;
  Outbox& outbox;
  ChannelStateStore& channel_state;
  ConversationStore& conversations;
  QuestionLog& questions;
  UnitOfWork& unit;
  DialogEngine& engine;
  const Clock& clock;
  OutboxSender* sender = nullptr;  // woken after each committed turn; may be null in tests
  OutboxRenderOptions render = {};
  IntakePriority* priority = nullptr;  // workers step back while it says so; null: never
};

class EventProcessor {
 public:
  EventProcessor(EventProcessorDeps deps, int workers, std::chrono::minutes human_pause,
                 size_t max_queued = 10000);
  ~EventProcessor();

  void Start();
  void Stop();  // finishes the events being handled; the rest stay pending in the inbox

  // Queues a committed event (one the inbox reported as inserted). Events
  // must be submitted in id order (the order of their commits). Does not
  // throw: an event it cannot queue (out of memory) is left in the inbox,
  // as LeaveInInbox.
  void Submit(ChannelEvent event) noexcept;
  // Takes the committed event `id` as submitted without holding it: a
  // worker reads it back from the inbox, after the events submitted before
  // it. For a caller that could not even build the event to submit; does
  // not allocate, and does not throw.
  void LeaveInInbox(long long id) noexcept;
  // Queues every pending event of the inbox (after a restart), before any
  // Submit. Returns how many.
  Result<size_t> Recover();

  // Handles one event now on the calling thread (tests, and the workers).
  Status Process(const ChannelEvent& event);

  // Waits until no event is queued, left in the inbox to read back, or being
  // handled (tests, benchmarks).
  void WaitIdle();

 private:
  void Worker();
  // Adds an event to its user's queue. Requires mu_. On an exception
  // (out of memory) nothing is queued.
  void Queue(ChannelEvent event);
  // LeaveInInbox with mu_ held.
  void LeaveInInboxLocked(long long id);
  // True when events wait in the inbox and the queue has room for a page of
  // them. Requires mu_.
  bool RefillDue() const;
  // Reads the next page of events left in the inbox into the queue. Called
  // with `lock` held; releases it while reading.
  void Refill(std::unique_lock<std::mutex>& lock);

  EventProcessorDeps deps_;
  int workers_count_;
  std::chrono::minutes human_pause_;
  std::mutex mu_;
  std::condition_variable work_cv_, idle_cv_;
  std::condition_variable pause_cv_;  // a worker's pause for intake; woken only by Stop
  bool running_ = false;
  std::map<std::string, std::deque<ChannelEvent>> per_user_;
  std::deque<std::string> ready_;  // users with queued events and no worker on them
  std::map<std::string, bool> busy_;
  size_t outstanding_ = 0;  // queued or being handled
  size_t max_queued_;
  // Overflow: events with ids above refill_after_ (up to max_dropped_) were
  // committed but not queued; a worker reads them back from the inbox.
  bool overflow_ = false;
  bool refilling_ = false;
  long long refill_after_ = 0;
  long long max_dropped_ = 0;
  std::vector<std::thread> workers_;
};

}  // namespace bhxh

#endif  // BHXH_BOT_CHANNELS_EVENT_PROCESSOR_H_
