#include "bot/channels/intake_priority.h"

#include <iostream>
#include <nlohmann/json.hpp>

namespace bhxh {

IntakePriority::IntakePriority(IntakePriorityOptions options, const Clock& clock)
    : options_(options), clock_(clock), window_start_(clock.Now()) {}

void IntakePriority::Answered(std::chrono::microseconds took) {
  if (took.count() > 0) in_flight_us_.fetch_add(took.count(), std::memory_order_relaxed);
}

std::chrono::milliseconds IntakePriority::BackgroundPause() {
  // Whoever finds the window over re-measures. The others wait for that
  // (a few atomic operations, at most once per item) rather than act on
  // the previous window's verdict.
  {
    std::lock_guard<std::mutex> lock(measure_mu_);
    const auto now = clock_.Now();
    const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(now - window_start_);
    if (elapsed.count() < 0) {
      window_start_ = now;  // the wall clock was set back: start a new window
    } else if (elapsed >= options_.window) {
      const int64_t busy_us = in_flight_us_.exchange(0, std::memory_order_relaxed);
      const double mean_in_flight =
          static_cast<double>(busy_us) / static_cast<double>(elapsed.count());
      const bool now_flooded = flooded_.load(std::memory_order_relaxed)
                                   ? mean_in_flight >= options_.flood_over_in_flight
                                   : mean_in_flight >= options_.flooded_in_flight;
      window_start_ = now;
      if (now_flooded != flooded_.exchange(now_flooded)) {
        // Once per change, so a flood shows in the log without a line per item.
        nlohmann::json line = {{"event", now_flooded ? "intake_flooded" : "intake_flood_over"},
                               {"mean_in_flight", static_cast<int>(mean_in_flight * 10) / 10.0}};
        std::cerr << line.dump() << "\n";
      }
    }
  }
  if (!flooded_.load(std::memory_order_relaxed)) return std::chrono::milliseconds(0);
  pauses_.fetch_add(1, std::memory_order_relaxed);
  return options_.pause;
}

}  // namespace bhxh
