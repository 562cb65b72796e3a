// When background work steps back for webhook intake: the measurement of
// commits in flight over a window, its thresholds and their gap.
#include "bot/channels/intake_priority.h"

#include <catch2/catch.hpp>

using namespace bhxh;
using namespace std::chrono;

namespace {

const system_clock::time_point kT0 = system_clock::time_point(seconds(1795662000));

IntakePriorityOptions Options() {
  IntakePriorityOptions o;
  o.flooded_in_flight = 4;
  o.flood_over_in_flight = 2;
  o.window = milliseconds(100);
  o.pause = milliseconds(50);
  return o;
}

// `mean` commits in flight over one window of 100 ms: their times add up to
// mean * 100 ms.
void Load(IntakePriority& p, double mean) {
  const int requests = 100;
  const auto each = microseconds(static_cast<long long>(mean * 100000 / requests));
  for (int i = 0; i < requests; ++i) p.Answered(each);
}

}  // namespace

TEST_CASE("without intake, background work never pauses") {
  FakeClock clock(kT0);
  IntakePriority p(Options(), clock);
  for (int i = 0; i < 5; ++i) {
    clock.Advance(milliseconds(150));
    CHECK(p.BackgroundPause() == milliseconds(0));
  }
  CHECK_FALSE(p.flooded());
  CHECK(p.pauses() == 0);
}

TEST_CASE("ordinary load, however steady, does not count as a flood") {
  FakeClock clock(kT0);
  IntakePriority p(Options(), clock);
  // 1,000 events/s with 0.5 ms commits: 0.5 in flight on average.
  for (int w = 0; w < 10; ++w) {
    Load(p, 0.5);
    clock.Advance(milliseconds(100));
    CHECK(p.BackgroundPause() == milliseconds(0));
  }
  CHECK_FALSE(p.flooded());
}

TEST_CASE("a flood makes background work pause, and its end lets it run again") {
  FakeClock clock(kT0);
  IntakePriority p(Options(), clock);
  Load(p, 12);
  clock.Advance(milliseconds(100));
  CHECK(p.BackgroundPause() == milliseconds(50));
  CHECK(p.flooded());
  // Within the window the measurement stands: every worker pauses.
  CHECK(p.BackgroundPause() == milliseconds(50));
  CHECK(p.pauses() == 2);
  // Intake stops: the next window measures nothing in flight.
  clock.Advance(milliseconds(100));
  CHECK(p.BackgroundPause() == milliseconds(0));
  CHECK_FALSE(p.flooded());
  CHECK(p.pauses() == 2);
}

TEST_CASE("a flood ends only below the lower threshold") {
  FakeClock clock(kT0);
  IntakePriority p(Options(), clock);
  Load(p, 5);  // at/above 4: flooded
  clock.Advance(milliseconds(100));
  CHECK(p.BackgroundPause() > milliseconds(0));
  Load(p, 3);  // below 4 but not below 2: still flooded
  clock.Advance(milliseconds(100));
  CHECK(p.BackgroundPause() > milliseconds(0));
  Load(p, 1.5);  // below 2: over
  clock.Advance(milliseconds(100));
  CHECK(p.BackgroundPause() == milliseconds(0));
  Load(p, 3);  // not flooded, and 3 is below the upper threshold: stays so
  clock.Advance(milliseconds(100));
  CHECK(p.BackgroundPause() == milliseconds(0));
}

TEST_CASE("the mean is taken over the time that really passed") {
  FakeClock clock(kT0);
  IntakePriority p(Options(), clock);
  // 12 in flight for 100 ms, measured after a whole second: 1.2 on average.
  Load(p, 12);
  clock.Advance(seconds(1));
  CHECK(p.BackgroundPause() == milliseconds(0));
}

TEST_CASE("a measurement waits for the window, and a clock set back starts a new one") {
  FakeClock clock(kT0);
  IntakePriority p(Options(), clock);
  Load(p, 12);
  clock.Advance(milliseconds(50));  // half a window: not measured yet
  CHECK(p.BackgroundPause() == milliseconds(0));
  clock.Set(kT0 - hours(1));  // set back: the window restarts from here
  CHECK(p.BackgroundPause() == milliseconds(0));
  clock.Advance(milliseconds(100));
  // What was answered stays counted: 12 * 100 ms over this 100 ms window.
  CHECK(p.BackgroundPause() == milliseconds(50));
}
