// An IntakePriority that already reports a flood, for the tests of the
// background workers that step back for intake.
#ifndef BHXH_TESTS_BOT_FLOODED_INTAKE_H_
#define BHXH_TESTS_BOT_FLOODED_INTAKE_H_

#include <chrono>
#include <memory>

#include "base/clock.h"
#include "bot/channels/intake_priority.h"

namespace bhxh::testing {

// 12 webhook commits in flight over its first window, measured by moving
// `clock` past that window; every worker then pauses `pause`.
inline std::unique_ptr<IntakePriority> FloodedIntake(FakeClock& clock,
                                                     std::chrono::milliseconds pause) {
  IntakePriorityOptions o;
  o.pause = pause;
  auto p = std::make_unique<IntakePriority>(o, clock);
  p->Answered(o.window * 12);
  clock.Advance(o.window);
  return p;
}

}  // namespace bhxh::testing

#endif  // BHXH_TESTS_BOT_FLOODED_INTAKE_H_
