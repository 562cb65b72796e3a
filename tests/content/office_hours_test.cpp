#include "content/office_hours.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

using namespace bhxh;
using namespace std::chrono;

namespace {

// Week of Monday 2026-11-23 .. Sunday 2026-11-29 (Vietnam time).
const CivilDate kMon{2026, 11, 23};
const CivilDate kTue{2026, 11, 24};
const CivilDate kWed{2026, 11, 25};
const CivilDate kFri{2026, 11, 27};
const CivilDate kSat{2026, 11, 28};
const CivilDate kSun{2026, 11, 29};
const CivilDate kNextMon{2026, 11, 30};

system_clock::time_point At(const CivilDate& d, int hour, int minute) {
  return VietnamInstant(d, hour, minute);
}

std::unique_ptr<OfficeHours> Parsed(const std::string& text) {
  std::vector<ContentProblem> problems;
  auto hours = OfficeHours::Parse(text, "office_hours.json", &problems);
  INFO(JoinProblems(problems));
  REQUIRE(hours != nullptr);
  return hours;
}

std::string ProblemsOf(const std::string& text) {
  std::vector<ContentProblem> problems;
  const auto hours = OfficeHours::Parse(text, "office_hours.json", &problems);
  if (!problems.empty()) CHECK(hours == nullptr);
  return JoinProblems(problems);
}

const std::string kWeekdays =
    R"j({"weekly": {"mon": ["07:00-11:30", "13:30-17:00"], "tue": ["07:00-11:30", "13:30-17:00"],
                    "wed": ["07:00-11:30", "13:30-17:00"], "thu": ["07:00-11:30", "13:30-17:00"],
                    "fri": ["07:00-11:30", "13:30-17:00"], "sat": [], "sun": []},)j";

std::unique_ptr<OfficeHours> Shipped() {
  std::vector<ContentProblem> problems;
  auto hours =
      OfficeHours::Load(std::string(BHXH_TEST_CONTENT_DIR) + "/office_hours.json", &problems);
  INFO(JoinProblems(problems));
  REQUIRE(hours != nullptr);
  return hours;
}

}  // namespace

TEST_CASE("The shipped office hours are Monday to Friday, morning and afternoon") {
  const auto hours = Shipped();
  CHECK(hours->Describe() == "07:00-11:30, 13:30-17:00 từ Thứ Hai đến Thứ Sáu");
  CHECK(hours->IsOpen(At(kMon, 8, 0)));
  CHECK_FALSE(hours->IsOpen(At(kSat, 8, 0)));
}

TEST_CASE("IsOpen: a range's start is open, its end is closed") {
  const auto hours = Shipped();
  using Row = std::tuple<CivilDate, int, int, bool>;
  auto row = GENERATE(table<CivilDate, int, int, bool>({
      Row{kMon, 6, 59, false},
      Row{kMon, 7, 0, true},
      Row{kMon, 11, 29, true},
      Row{kMon, 11, 30, false},
      Row{kMon, 12, 0, false},
      Row{kMon, 13, 29, false},
      Row{kMon, 13, 30, true},
      Row{kMon, 16, 59, true},
      Row{kMon, 17, 0, false},
      Row{kMon, 0, 0, false},
      Row{kFri, 16, 59, true},
      Row{kSat, 9, 0, false},
      Row{kSun, 9, 0, false},
  }));
  const CivilDate d = std::get<0>(row);
  CAPTURE(d.ToIso(), std::get<1>(row), std::get<2>(row));
  CHECK(hours->IsOpen(At(d, std::get<1>(row), std::get<2>(row))) == std::get<3>(row));
}

TEST_CASE("IsOpen goes by the minute in Vietnam time, whatever the seconds") {
  const auto hours = Shipped();
  CHECK(hours->IsOpen(At(kMon, 11, 29) + seconds(59)));
  CHECK_FALSE(hours->IsOpen(At(kMon, 6, 59) + seconds(59)));
  // 00:30 UTC on Monday is 07:30 in Vietnam; 23:30 UTC on Sunday is 06:30.
  const auto monday_utc = system_clock::time_point(std::chrono::hours(24) * kMon.DaysSinceEpoch());
  CHECK(hours->IsOpen(monday_utc + minutes(30)));
  CHECK_FALSE(hours->IsOpen(monday_utc - minutes(30)));
}

TEST_CASE("A closed day is closed all day") {
  const auto hours =
      Parsed(kWeekdays + R"j( "closed_days": [{"date": "2026-11-24", "name": "Nghỉ bù"}]})j");
  CHECK_FALSE(hours->IsOpen(At(kTue, 9, 0)));
  CHECK(hours->IsOpen(At(kMon, 9, 0)));
  CHECK(hours->IsOpen(At(kWed, 9, 0)));
}

TEST_CASE("NextOpening across lunch, nights, weekends and closed days") {
  const auto hours = Shipped();
  using Row = std::tuple<std::string, system_clock::time_point, system_clock::time_point>;
  auto row = GENERATE_COPY(table<std::string, system_clock::time_point, system_clock::time_point>({
      Row{"open now: the same instant", At(kMon, 9, 15), At(kMon, 9, 15)},
      Row{"at the start", At(kMon, 7, 0), At(kMon, 7, 0)},
      Row{"early morning", At(kMon, 5, 0), At(kMon, 7, 0)},
      Row{"lunch", At(kMon, 12, 0), At(kMon, 13, 30)},
      Row{"the end of the morning", At(kMon, 11, 30), At(kMon, 13, 30)},
      Row{"evening", At(kMon, 17, 0), At(kTue, 7, 0)},
      Row{"just before midnight", At(kMon, 23, 59), At(kTue, 7, 0)},
      Row{"Friday evening", At(kFri, 18, 0), At(kNextMon, 7, 0)},
      Row{"Saturday", At(kSat, 10, 0), At(kNextMon, 7, 0)},
      Row{"Sunday", At(kSun, 22, 0), At(kNextMon, 7, 0)},
  }));
  CAPTURE(std::get<0>(row));
  const auto next = hours->NextOpening(std::get<1>(row));
  REQUIRE(next.has_value());
  CHECK(FormatVietnameseDateTime(*next) == FormatVietnameseDateTime(std::get<2>(row)));
  CHECK(*next == std::get<2>(row));
}

TEST_CASE("NextOpening skips closed days, a whole Tết week too") {
  const auto hours = Parsed(kWeekdays + R"j( "closed_days": [
      {"date": "2026-11-24", "name": "Nghỉ bù"},
      {"date": "2027-02-08", "name": "Tết"}, {"date": "2027-02-09", "name": "Tết"},
      {"date": "2027-02-10", "name": "Tết"}, {"date": "2027-02-11", "name": "Tết"},
      {"date": "2027-02-12", "name": "Tết"}]})j");
  CHECK(*hours->NextOpening(At(kMon, 18, 0)) == At(kWed, 7, 0));
  CHECK(*hours->NextOpening(At(kTue, 9, 0)) == At(kWed, 7, 0));
  // Friday 2027-02-05 evening -> past the weekend and the Tết week.
  CHECK(*hours->NextOpening(At(CivilDate{2027, 2, 5}, 17, 0)) == At(CivilDate{2027, 2, 15}, 7, 0));
}

TEST_CASE("NextOpening gives up after 60 days without an opening") {
  const auto never = Parsed(R"j({"weekly": {}, "closed_days": []})j");
  CHECK_FALSE(never->NextOpening(At(kMon, 9, 0)).has_value());
  CHECK_FALSE(never->IsOpen(At(kMon, 9, 0)));
  CHECK(never->Describe().empty());
  // Only Mondays, and the next 9 Mondays closed: the 10th is 70 days away.
  std::string closed;
  for (int week = 1; week <= 9; ++week) {
    const CivilDate d = CivilDate::FromDaysSinceEpoch(kMon.DaysSinceEpoch() + 7 * week);
    closed += std::string(closed.empty() ? "" : ", ") + R"({"date": ")" + d.ToIso() + R"("})";
  }
  const auto mondays =
      Parsed(R"j({"weekly": {"mon": ["08:00-09:00"]}, "closed_days": [)j" + closed + "]}");
  CHECK_FALSE(mondays->NextOpening(At(kMon, 10, 0)).has_value());
  CHECK(*mondays->NextOpening(At(kMon, 7, 0)) == At(kMon, 8, 0));
}

TEST_CASE("Describe groups consecutive days with the same hours") {
  using Row = std::tuple<std::string, std::string>;
  auto row = GENERATE(table<std::string, std::string>({
      Row{R"j({"weekly": {"mon": ["08:00-12:00"], "tue": ["08:00-12:00"]}})j",
          "08:00-12:00 Thứ Hai và Thứ Ba"},
      Row{R"j({"weekly": {"mon": ["08:00-12:00"], "wed": ["08:00-12:00"]}})j",
          "08:00-12:00 Thứ Hai; 08:00-12:00 Thứ Tư"},
      Row{R"j({"weekly": {"mon": ["13:30-17:00", "07:00-11:30"], "tue": ["07:00-11:30", "13:30-17:00"],
                          "wed": ["07:00-11:30", "13:30-17:00"], "sat": ["07:00-11:30"]}})j",
          "07:00-11:30, 13:30-17:00 từ Thứ Hai đến Thứ Tư; 07:00-11:30 Thứ Bảy"},
      Row{R"j({"weekly": {"sat": ["08:00-10:00"], "sun": ["08:00-10:00"]}})j",
          "08:00-10:00 Thứ Bảy và Chủ Nhật"},
      Row{R"j({"weekly": {"mon": ["7:00 - 11:30", "13:30-24:00"]}})j",
          "07:00-11:30, 13:30-24:00 Thứ Hai"},
  }));
  CAPTURE(std::get<0>(row));
  CHECK(Parsed(std::get<0>(row))->Describe() == std::get<1>(row));
}

TEST_CASE("Each malformed office-hours file is rejected with every problem and its line") {
  using Row = std::tuple<std::string, std::string>;
  auto row = GENERATE(table<std::string, std::string>({
      Row{"{\"weekly\": {\n \"mon\": [\"07:00-11:30\",]}}",
          "office_hours.json:2: not valid JSON: syntax error while parsing value - unexpected "
          "']'; expected '[', '{', or a literal"},
      Row{"[]",
          "office_hours.json:1: top level must be an object with the keys 'weekly' and "
          "'closed_days'"},
      Row{"{}", "office_hours.json:1: field 'weekly': is required"},
      Row{"{\"weekly\": {},\n \"holidays\": []}", "office_hours.json:2: unknown key 'holidays'"},
      Row{"{\"weekly\": []}",
          "office_hours.json:1: field 'weekly': must be an object of day -> time ranges"},
      Row{"{\"weekly\": {\n \"monday\": []}}",
          "office_hours.json:2: field 'weekly': unknown day 'monday' (use mon, tue, wed, thu, fri, "
          "sat, sun)"},
      Row{"{\"weekly\": {\n \"mon\": \"07:00-11:30\"}}",
          "office_hours.json:2: field 'weekly.mon': must be an array of \"HH:MM-HH:MM\" ranges"},
      Row{"{\"weekly\": {\"mon\": [\n \"7h-11h\",\n \"25:00-26:00\",\n 7,\n \"07:60-08:00\"]}}",
          "office_hours.json:2: field 'weekly.mon[0]': must be a time range \"HH:MM-HH:MM\"\n"
          "office_hours.json:3: field 'weekly.mon[1]': must be a time range \"HH:MM-HH:MM\"\n"
          "office_hours.json:4: field 'weekly.mon[2]': must be a time range \"HH:MM-HH:MM\"\n"
          "office_hours.json:5: field 'weekly.mon[3]': must be a time range \"HH:MM-HH:MM\""},
      Row{"{\"weekly\": {\"tue\": [\n \"11:30-07:00\",\n \"08:00-08:00\"]}}",
          "office_hours.json:2: field 'weekly.tue[0]': must start before it ends\n"
          "office_hours.json:3: field 'weekly.tue[1]': must start before it ends"},
      Row{"{\"weekly\": {\"mon\": [\n \"13:00-14:00\",\n \"07:00-13:30\"]}}",
          "office_hours.json:3: field 'weekly.mon[1]': overlaps another range of the same day "
          "(07:00-13:30 and 13:00-14:00)"},
      Row{"{\"weekly\": {},\n \"closed_days\": {}}",
          "office_hours.json:2: field 'closed_days': must be an array of {\"date\": "
          "\"YYYY-MM-DD\", "
          "\"name\": \"...\"}"},
      Row{"{\"weekly\": {},\n \"closed_days\": [\n {\"date\": \"2027-02-30\", \"name\": \"x\"},\n"
          " {\"name\": \"Tết\"},\n \"2027-01-01\",\n"
          " {\"date\": \"2027-01-01\", \"note\": 1, \"name\": 5},\n {\"date\": \"2027-01-01\"}]}",
          "office_hours.json:3: field 'closed_days[0].date': must be a date \"YYYY-MM-DD\"\n"
          "office_hours.json:4: field 'closed_days[1].date': is required\n"
          "office_hours.json:5: field 'closed_days[2]': must be an object with 'date' and 'name'\n"
          "office_hours.json:6: field 'closed_days[3]': unknown key 'note'\n"
          "office_hours.json:6: field 'closed_days[3].name': must be a string\n"
          "office_hours.json:7: field 'closed_days[4].date': 2027-01-01 is listed more than once"},
      Row{"{\"weekly\": {\"mon\": [],\n \"mon\": []}}",
          "office_hours.json:2: field 'weekly.mon': is defined more than once"},
  }));
  CAPTURE(std::get<0>(row));
  CHECK(ProblemsOf(std::get<0>(row)) == std::get<1>(row));
}

TEST_CASE("A missing office-hours file is one problem naming the path") {
  std::vector<ContentProblem> problems;
  CHECK(OfficeHours::Load("/nonexistent/office_hours.json", &problems) == nullptr);
  CHECK(JoinProblems(problems) == "/nonexistent/office_hours.json: cannot read file");
}
