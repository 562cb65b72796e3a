#include "base/clock.h"

namespace bhxh {

std::chrono::system_clock::time_point SystemClock::Now() const {
  return std::chrono::system_clock::now();
}

FakeClock::FakeClock(std::chrono::system_clock::time_point start)
    : ticks_(start.time_since_epoch().count()) {}

std::chrono::system_clock::time_point FakeClock::Now() const {
  return std::chrono::system_clock::time_point(
      std::chrono::system_clock::duration(ticks_.load()));
}

void FakeClock::Advance(std::chrono::system_clock::duration d) { ticks_ += d.count(); }

void FakeClock::Set(std::chrono::system_clock::time_point t) {
  ticks_ = t.time_since_epoch().count();
}

}  // namespace bhxh
