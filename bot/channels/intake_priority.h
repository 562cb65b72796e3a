// Decides when background work (turning committed events into replies,
// sending replies) steps back for webhook intake.
//
// The platforms need a webhook's 200 within seconds (Zalo 2 s, Messenger
// 5 s), or they redeliver, and Meta disables a webhook that keeps failing;
// a reply may come a little later. When events arrive faster than the
// machine can both acknowledge and answer them, the backlog of replies grows
// whatever is done; this gives the acknowledgements the machine and lets the
// replies catch up when the flood is over.
//
// "Flooded" is measured, not guessed: the mean number of webhook commits
// in flight over the last window (Little's law: the sum of their times from
// parsed to committed, divided by the window), i.e. how many platform
// requests are waiting on the database at once. At ordinary load that is
// well under one, however large the backlog of replies: background work
// then runs flat out. While flooded, every background worker waits `pause`
// before its next item, which keeps a floor of (workers / pause) items per
// second so replies still flow.
#ifndef BHXH_BOT_CHANNELS_INTAKE_PRIORITY_H_
#define BHXH_BOT_CHANNELS_INTAKE_PRIORITY_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>

#include "base/clock.h"

namespace bhxh {

struct IntakePriorityOptions {
  // Mean webhook commits in flight at or above which intake is flooded,
  // and below which a flood is over (a gap, so that the relief the pauses
  // bring does not end them at once). At ordinary load the mean is far
  // below one (1,000 events/s: ~0.3).
  double flooded_in_flight = 4;
  double flood_over_in_flight = 2;
  // How often the mean is taken.
  std::chrono::milliseconds window{100};
  // A background worker's wait before its next item while flooded. With
  // the default 4 event and 4 sender workers: a floor of ~20 turns/s and
  // ~20 sends/s. Measured on 2 cores, the floor at 50 ms (~80/s) cost the
  // intake ~13 us of CPU per webhook (of ~100) more than at 200 ms
  // (bench_webhook's CPU per 200, 6 alternating pairs); a longer pause only
  // delays the return to full speed after a flood, by at most one pause.
  std::chrono::milliseconds pause{200};
};

class IntakePriority {
 public:
  IntakePriority(IntakePriorityOptions options, const Clock& clock);

  // A webhook request was answered `took` after its handler began. Cheap
  // (one atomic add): called for every request.
  void Answered(std::chrono::microseconds took);

  // How long a background worker waits before its next item: zero unless
  // intake is flooded. Re-measures when the window has passed.
  std::chrono::milliseconds BackgroundPause();

  // The last measurement (tests).
  bool flooded() const { return flooded_.load(std::memory_order_relaxed); }
  // How many background pauses were asked for, ever (tests, metrics).
  uint64_t pauses() const { return pauses_.load(std::memory_order_relaxed); }

 private:
  IntakePriorityOptions options_;
  const Clock& clock_;
  std::atomic<int64_t> in_flight_us_{0};  // summed intake time in this window
  std::atomic<bool> flooded_{false};
  std::atomic<uint64_t> pauses_{0};
  std::mutex measure_mu_;                               // one re-measurement at a time
  std::chrono::system_clock::time_point window_start_;  // guarded by measure_mu_
};

}  // namespace bhxh

#endif  // BHXH_BOT_CHANNELS_INTAKE_PRIORITY_H_
