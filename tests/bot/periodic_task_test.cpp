#include "bot/periodic_task.h"

#include <atomic>
#include <catch2/catch.hpp>

using namespace bhxh;

TEST_CASE("a periodic task runs repeatedly until stopped, and survives a throwing job") {
  std::atomic<int> runs{0};
  PeriodicTask task(std::chrono::milliseconds(1), [&] {
    ++runs;
    throw std::runtime_error("a failing job must not end the thread");
  });
  while (runs < 3) std::this_thread::yield();
  task.Stop();
  const int after_stop = runs;
  task.Stop();  // idempotent
  CHECK(after_stop >= 3);
  CHECK(runs == after_stop);
}

TEST_CASE("stopping before the first interval runs nothing") {
  std::atomic<int> runs{0};
  {
    PeriodicTask task(std::chrono::hours(1), [&] { ++runs; });
  }
  CHECK(runs == 0);
}
