// The injected clock. Everything that depends on "now" (answers by date,
// rate limits, windows, reminders, expiry) takes a Clock& so tests control
// time and never sleep.
#ifndef BHXH_BASE_CLOCK_H_
#define BHXH_BASE_CLOCK_H_

#include <atomic>
#include <chrono>

namespace bhxh {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock now. Thread-safe.
  virtual std::chrono::system_clock::time_point Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  std::chrono::system_clock::time_point Now() const override;
};

// A clock that only moves when told to. Thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(std::chrono::system_clock::time_point start);
  std::chrono::system_clock::time_point Now() const override;
  void Advance(std::chrono::system_clock::duration d);
  void Set(std::chrono::system_clock::time_point t);

 private:
  std::atomic<std::chrono::system_clock::rep> ticks_;
};

}  // namespace bhxh

#endif  // BHXH_BASE_CLOCK_H_
