// Delivers the outbox: due rows, in order per user, different users in
// parallel, paced per channel. Each row is marked sent right after the
// platform's answer, so the window in which a crash can repeat a message is
// one HTTP round trip plus one small commit. Transient failures are retried
// with exponential backoff and jitter; permanent ones are recorded with
// their reason and never retried; a row is given up after max_attempts.
#ifndef BHXH_BOT_CHANNELS_OUTBOX_SENDER_H_
#define BHXH_BOT_CHANNELS_OUTBOX_SENDER_H_

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "bot/channels/channel_config.h"
#include "bot/channels/intake_priority.h"
#include "bot/channels/platform_sender.h"
#include "bot/rate_limiter.h"
#include "storage/outbox.h"

namespace bhxh {

struct OutboxSenderStats {
  size_t sent = 0, retried = 0, failed = 0;
};

class OutboxSender {
 public:
  // `random01` returns a value in [0, 1) for the jitter (injected for tests).
  OutboxSender(Outbox& outbox, const SendingConfig& config, const Clock& clock,
               std::function<double()> random01 = {});
  ~OutboxSender();

  // Before Start(): the sender for rows of `channel`, paced to `per_second`.
  void Register(const std::string& channel, PlatformSender* sender, double per_second);
  // Before Start(): workers pause before each send while `priority` says
  // intake is flooded (see intake_priority.h).
  void YieldTo(IntakePriority* priority) { priority_ = priority; }

  void Start();
  void Stop();  // finishes sends in flight, then returns
  // New rows were committed for this user: send them now. Cheap (an index
  // lookup per user), unlike a scan of every pending row.
  void Notify(const std::string& channel, const std::string& user);
  // Something changed somewhere: scan all due rows now.
  void Wake();

  // Sends every row due now, once, on the calling thread (tests). Returns
  // how many rows were attempted.
  size_t RunOnce();

  // The delay before retry number `attempt` (1-based).
  std::chrono::milliseconds Backoff(int attempt);

  OutboxSenderStats stats() const;

 private:
  // Sends one row and records the result; returns true when the row left
  // the pending state (sent or failed), so the user's next row may follow.
  bool Deliver(const OutboxMessage& message);
  void Loop();
  void Worker();

  Outbox& outbox_;
  SendingConfig config_;
  const Clock& clock_;
  std::function<double()> random01_;
  struct Channel {
    PlatformSender* sender = nullptr;
    double per_second = 1;
    std::chrono::steady_clock::time_point next_slot;
  };
  std::map<std::string, Channel> channels_;

  mutable std::mutex mu_;
  std::condition_variable wake_cv_, work_cv_;
  std::condition_variable pause_cv_;  // a worker's pause for intake; woken only by Stop
  IntakePriority* priority_ = nullptr;
  bool running_ = false, woken_ = false, scan_requested_ = true;
  std::set<std::pair<std::string, std::string>> notified_;  // (channel, user)
  std::deque<OutboxMessage> queue_;
  std::set<std::string> in_flight_;  // "channel\x1fuser"
  // Rows a worker finished while the loop was reading due rows: the read
  // may still show them pending, and they must not be sent again.
  std::set<long long> finished_during_read_;
  std::thread loop_;
  std::vector<std::thread> workers_;
  OutboxSenderStats stats_;
};

}  // namespace bhxh

#endif  // BHXH_BOT_CHANNELS_OUTBOX_SENDER_H_
