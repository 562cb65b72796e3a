#include "base/civil_date.h"

#include <catch2/catch.hpp>

#include "base/clock.h"

using namespace bhxh;

TEST_CASE("ISO dates parse strictly and round-trip") {
  auto d = CivilDate::ParseIso("2026-07-01");
  REQUIRE(d);
  CHECK(d->ToIso() == "2026-07-01");
  CHECK(d->ToVietnamese() == "01/07/2026");
  CHECK_FALSE(CivilDate::ParseIso("2026-02-29"));
  CHECK(CivilDate::ParseIso("2024-02-29"));
  CHECK_FALSE(CivilDate::ParseIso("2026-13-01"));
  CHECK_FALSE(CivilDate::ParseIso("2026-7-1"));
  CHECK_FALSE(CivilDate::ParseIso("2026-07-01x"));
}

TEST_CASE("days since epoch and weekday agree with the calendar") {
  CHECK(CivilDate{1970, 1, 1}.DaysSinceEpoch() == 0);
  CHECK(CivilDate::FromDaysSinceEpoch(CivilDate{2026, 12, 5}.DaysSinceEpoch()) ==
        CivilDate{2026, 12, 5});
  CHECK(CivilDate{2026, 12, 5}.Weekday() == 6);  // Saturday
  CHECK(CivilDate{2026, 11, 26}.Weekday() == 4);  // Thursday
}

TEST_CASE("the Vietnam date changes at 17:00 UTC") {
  using namespace std::chrono;
  const auto base = system_clock::time_point(seconds(
      CivilDate{2026, 6, 30}.DaysSinceEpoch() * 86400L));
  CHECK(VietnamDateAt(base + hours(16) + minutes(59)) == CivilDate{2026, 6, 30});
  CHECK(VietnamDateAt(base + hours(17)) == CivilDate{2026, 7, 1});
  CHECK(FormatUtcTimestamp(base + milliseconds(1500)) == "2026-06-30T00:00:01.500Z");
}

TEST_CASE("Vietnam local times convert to instants and are written the Vietnamese way") {
  using namespace std::chrono;
  const auto meeting = VietnamInstant(CivilDate{2026, 12, 5}, 8, 0);
  CHECK(FormatUtcTimestamp(meeting) == "2026-12-05T01:00:00.000Z");
  CHECK(VietnamDateAt(meeting) == CivilDate{2026, 12, 5});
  CHECK(VietnamMinuteOfDay(meeting) == 8 * 60);
  CHECK(FormatVietnameseDateTime(meeting) == "Thứ Bảy, 05/12/2026, 8 giờ 00");
  CHECK(FormatVietnameseDateTime(VietnamInstant(CivilDate{2026, 12, 6}, 13, 30)) ==
        "Chủ Nhật, 06/12/2026, 13 giờ 30");
  // 23:30 in Vietnam is still the same day there, though UTC is 16:30.
  CHECK(VietnamDateAt(VietnamInstant(CivilDate{2026, 12, 7}, 23, 30)) == CivilDate{2026, 12, 7});
  CHECK(std::string(VietnameseWeekdayName(1)) == "Thứ Hai");
  CHECK(std::string(VietnameseWeekdayName(7)).empty());
}

TEST_CASE("the fake clock moves only when told") {
  using namespace std::chrono;
  FakeClock clock(system_clock::time_point(seconds(1000)));
  CHECK(clock.Now() == system_clock::time_point(seconds(1000)));
  clock.Advance(minutes(2));
  CHECK(clock.Now() == system_clock::time_point(seconds(1120)));
}
