// Turns committed inbox events into replies. One user's events are handled
// in arrival order on one worker at a time; different users in parallel.
// Each event's turn is one transaction: conversation state, question log,
// the outbox rows of its replies and "event done" commit together, so a
// crash at any point either redoes the whole turn at restart (event still
// pending) or finds its replies in the outbox (sent after restart).
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
  EventProcessor(EventProcessorDeps deps, int workers, std::chrono::minutes human_pause);
  ~EventProcessor();

  void Start();
  void Stop();  // finishes the events being handled; the rest stay pending in the inbox

  // Queues a committed event (one the inbox reported as inserted).
  void Submit(ChannelEvent event);
  // Queues every pending event of the inbox (after a restart). Returns how many.
  Result<size_t> Recover();

  // Handles one event now on the calling thread (tests, and the workers).
  Status Process(const ChannelEvent& event);

  // Waits until no event is queued or being handled (tests, benchmarks).
  void WaitIdle();

 private:
  void Worker();

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
  size_t outstanding_ = 0;
  std::vector<std::thread> workers_;
};

}  // namespace bhxh

#endif  // BHXH_BOT_CHANNELS_EVENT_PROCESSOR_H_
