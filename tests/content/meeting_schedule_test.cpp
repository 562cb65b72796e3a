#include "content/meeting_schedule.h"

#include <catch2/catch.hpp>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace bhxh {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

const CivilDate kImportDay{2026, 11, 26};

const CommuneDirectory& Communes() {
  static const std::unique_ptr<CommuneDirectory> dir = [] {
    std::vector<ContentProblem> problems;
    auto d =
        CommuneDirectory::Load(std::string(BHXH_TEST_CONTENT_DIR) + "/communes.json", &problems);
    if (!d) FAIL(JoinProblems(problems));
    return d;
  }();
  return *dir;
}

std::optional<MeetingSchedule> Parse(const std::string& text, std::string* problems_out) {
  std::vector<ContentProblem> problems;
  auto schedule = ParseMeetingSchedule(text, "meetings", Communes(), kImportDay, &problems);
  *problems_out = JoinProblems(problems);
  if (!problems.empty()) CHECK_FALSE(schedule.has_value());
  if (problems.empty()) CHECK(schedule.has_value());
  return schedule;
}

std::string ProblemsOf(const std::string& text) {
  std::string problems;
  Parse(text, &problems);
  return problems;
}

MeetingSchedule MustParse(const std::string& text) {
  std::string problems;
  auto schedule = Parse(text, &problems);
  INFO(problems);
  REQUIRE(schedule.has_value());
  return *schedule;
}

// A JSON schedule of one meeting with `fields` (JSON members) after a valid id.
std::string OneJson(const std::string& fields, bool sample = false) {
  return std::string(R"({"sample": )") + (sample ? "true" : "false") +
         R"(, "meetings": [{"id": "m-1", )" + fields + "}]}";
}
const std::string kCsvHeader =
    "id,commune,kind,title,start,venue,expected_guests,organiser,status,notes\n";

TEST_CASE("The shipped demo schedule parses as a sample over the next five weeks",
          "[meetings][shipped]") {
  std::vector<ContentProblem> problems;
  auto schedule = LoadMeetingSchedule(std::string(BHXH_TEST_CONTENT_DIR) + "/meetings.json",
                                      Communes(), kImportDay, &problems);
  INFO(JoinProblems(problems));
  REQUIRE(schedule.has_value());
  CHECK(schedule->sample);
  CHECK(schedule->meetings.size() >= 10);
  std::set<std::string> communes;
  std::set<MeetingKind> kinds;
  const auto from = VietnamInstant(kImportDay, 0, 0);
  for (const Meeting& m : schedule->meetings) {
    CAPTURE(m.id);
    CHECK(m.sample);
    CHECK(m.start > from);
    CHECK(m.start < from + hours(24 * 36));
    CHECK(m.notes.find("Lịch mẫu") != std::string::npos);
    if (m.kind == MeetingKind::kSmallGroup) {
      CHECK(m.expected_guests >= 5);
      CHECK(m.expected_guests <= 10);
    } else {
      CHECK(m.expected_guests >= 40);
    }
    communes.insert(m.commune_code);
    kinds.insert(m.kind);
  }
  CHECK(communes.size() == 8);
  CHECK(kinds.size() == 3);
}

TEST_CASE("A JSON meeting is read with every field", "[meetings][json]") {
  const auto schedule = MustParse(R"({"sample": false, "meetings": [
    {"id": "2026-12-son-ky-1", "commune": "Sơn Kỳ", "kind": "Hội nghị khách hàng",
     "title": "Hội nghị khách hàng BHXH tự nguyện", "start": "05/12/2026 08:00",
     "venue": " Hội trường UBND xã Sơn Kỳ ", "expected_guests": 60,
     "organiser": "BHXH cơ sở Sơn Hà", "status": "đã xác nhận", "notes": "Mang CCCD"}]})");
  CHECK_FALSE(schedule.sample);
  REQUIRE(schedule.meetings.size() == 1);
  const Meeting& m = schedule.meetings[0];
  CHECK(m.id == "2026-12-son-ky-1");
  CHECK(m.commune_code == "21325");
  CHECK(m.kind == MeetingKind::kCustomer);
  CHECK(m.title == "Hội nghị khách hàng BHXH tự nguyện");
  CHECK(m.start == VietnamInstant(CivilDate{2026, 12, 5}, 8, 0));
  CHECK(FormatUtcTimestamp(m.start) == "2026-12-05T01:00:00.000Z");
  CHECK(m.venue == "Hội trường UBND xã Sơn Kỳ");
  CHECK(m.expected_guests == 60);
  CHECK(m.organiser == "BHXH cơ sở Sơn Hà");
  CHECK(m.status == MeetingStatus::kConfirmed);
  CHECK(m.notes == "Mang CCCD");
  CHECK_FALSE(m.sample);
}

TEST_CASE("Optional fields default and NFD text is stored as NFC", "[meetings][json]") {
  const auto schedule =
      MustParse(R"({"meetings": [{"id": "a", "commune": "S\u01a1n Ky\u0300", "kind": "nhom_nho",
      "start": "2026-12-05 19:30", "venue": "Nha\u0300 v\u0103n ho\u0301a tho\u0302n 1"}]})");
  REQUIRE(schedule.meetings.size() == 1);
  const Meeting& m = schedule.meetings[0];
  CHECK(m.commune_code == "21325");
  CHECK(m.venue == "Nhà văn hóa thôn 1");
  CHECK(m.title.empty());
  CHECK(m.expected_guests == 0);
  CHECK(m.status == MeetingStatus::kPlanned);
  CHECK_FALSE(schedule.sample);
}

TEST_CASE("Start times are read in Vietnam time in each accepted form", "[meetings][start]") {
  auto row = GENERATE(table<std::string, CivilDate, int, int>({
      {"2026-12-05 08:00", CivilDate{2026, 12, 5}, 8, 0},
      {"05/12/2026 08:00", CivilDate{2026, 12, 5}, 8, 0},
      {"5/12/2026 8:00", CivilDate{2026, 12, 5}, 8, 0},
      {"2028-02-29 23:59", CivilDate{2028, 2, 29}, 23, 59},
      {"2026-12-05 00:00:00", CivilDate{2026, 12, 5}, 0, 0},
      {" 2026-12-05  14:15 ", CivilDate{2026, 12, 5}, 14, 15},
  }));
  CAPTURE(std::get<0>(row));
  const auto s =
      MustParse(OneJson(R"("commune": "21325", "kind": "nhom_nho", "venue": "v", "start": ")" +
                        std::get<0>(row) + "\""));
  CHECK(s.meetings.at(0).start ==
        VietnamInstant(std::get<1>(row), std::get<2>(row), std::get<3>(row)));
}

TEST_CASE("Relative starts count days from the import day in sample files only",
          "[meetings][start]") {
  SECTION("sample") {
    const auto s = MustParse(OneJson(
        R"("commune": "21325", "kind": "nhom_nho", "venue": "v", "start": "+5 08:00")", true));
    CHECK(s.sample);
    CHECK(s.meetings.at(0).sample);
    CHECK(s.meetings.at(0).start == VietnamInstant(CivilDate{2026, 12, 1}, 8, 0));
  }
  SECTION("not a sample") {
    CHECK(ProblemsOf(OneJson(R"("commune": "21325", "kind": "nhom_nho", "venue": "v",
 "start": "+5 08:00")")) ==
          "meetings:2: entry 'm-1', field 'start': a relative start ('+5 08:00') is only allowed "
          "in a sample schedule (\"sample\": true)");
  }
}

TEST_CASE("Bad start times are rejected with the reason", "[meetings][start]") {
  auto row = GENERATE(table<std::string, std::string>({
      {"2026-02-30 08:00", "is not a real date and time: '2026-02-30 08:00'"},
      {"2026-12-05 24:00", "is not a real date and time: '2026-12-05 24:00'"},
      {"2026-12-05 08:60", "is not a real date and time: '2026-12-05 08:60'"},
      {"31/04/2026 08:00", "is not a real date and time: '31/04/2026 08:00'"},
      {"0226-12-05 08:00", "is not a real date and time: '0226-12-05 08:00'"},
      {"+400 08:00", "is not a real date and time: '+400 08:00'"},
      {"2026-12-05",
       "must be 'YYYY-MM-DD HH:MM' or 'DD/MM/YYYY HH:MM' (Vietnam time), got "
       "'2026-12-05'"},
      {"2026-12-05T08:00",
       "must be 'YYYY-MM-DD HH:MM' or 'DD/MM/YYYY HH:MM' (Vietnam time), got "
       "'2026-12-05T08:00'"},
      {"sáng mai",
       "must be 'YYYY-MM-DD HH:MM' or 'DD/MM/YYYY HH:MM' (Vietnam time), got "
       "'sáng mai'"},
      {"2026-12-05 8h",
       "must be 'YYYY-MM-DD HH:MM' or 'DD/MM/YYYY HH:MM' (Vietnam time), got "
       "'2026-12-05 8h'"},
      {"+5", "must be 'YYYY-MM-DD HH:MM' or 'DD/MM/YYYY HH:MM' (Vietnam time), got '+5'"},
  }));
  CAPTURE(std::get<0>(row));
  CHECK(ProblemsOf(OneJson(R"("commune": "21325", "kind": "nhom_nho", "venue": "v",
 "start": ")" + std::get<0>(row) +
                               "\"",
                           true)) == "meetings:2: entry 'm-1', field 'start': " + std::get<1>(row));
}

TEST_CASE("Every problem of a JSON schedule is reported with line and field", "[meetings][json]") {
  const std::string text = R"({
  "sample": "no",
  "meetings": [
    {"id": "a-1", "commune": "21325", "kind": "nhom_nho", "start": "2026-12-05 08:00",
     "venue": "v", "expected_guests": 12000},
    {"id": "a-1", "commune": "Sơn Tịnh", "kind": "hop", "start": "2026-12-05 08:00",
     "venue": "  ", "status": "postponed", "colour": "red"},
    {"id": "Bad Id", "commune": 21325, "kind": "nhom_nho", "start": "2026-12-05 08:00",
     "venue": "v", "expected_guests": 5.5},
    {"commune": "son ha", "kind": "nhom_nho", "start": "2026-12-05 08:00",
     "venue": "v", "expected_guests": -1},
    "not an object"
  ],
  "extra": true
})";
  CHECK(ProblemsOf(text) ==
        "meetings:2: field 'sample': must be true or false\n"
        "meetings:5: entry 'a-1', field 'expected_guests': must be a whole number from 0 to "
        "10000, got 12000\n"
        "meetings:6: entry 'a-1', field 'id': duplicates the id at line 4\n"
        "meetings:6: entry 'a-1', field 'commune': unknown commune 'Sơn Tịnh': give a code or a "
        "name from communes.json\n"
        "meetings:6: entry 'a-1', field 'kind': must be one of hoi_nghi_tuyen_truyen, "
        "hoi_nghi_khach_hang, nhom_nho, got 'hop'\n"
        "meetings:7: entry 'a-1': unknown key 'colour'\n"
        "meetings:7: entry 'a-1', field 'venue': must not be empty\n"
        "meetings:7: entry 'a-1', field 'status': must be one of planned, confirmed, moved, "
        "cancelled, got 'postponed'\n"
        "meetings:8: entry '#3', field 'id': must match [a-z0-9-]+, got 'Bad Id'\n"
        "meetings:8: entry '#3', field 'commune': must be a string, got 21325\n"
        "meetings:9: entry '#3', field 'expected_guests': must be a whole number from 0 to "
        "10000, got 5.5\n"
        "meetings:10: entry '#4', field 'id': is required\n"
        "meetings:10: entry '#4', field 'commune': unknown commune 'son ha': give a code or a "
        "name from communes.json\n"
        "meetings:11: entry '#4', field 'expected_guests': must be a whole number from 0 to "
        "10000, got -1\n"
        "meetings:12: entry '#5': must be an object\n"
        "meetings:14: unknown key 'extra'");
}

TEST_CASE("Malformed JSON schedules are rejected with a reason", "[meetings][json]") {
  auto row = GENERATE(table<std::string, std::string>({
      {"{",
       "meetings:1: not valid JSON: syntax error while parsing object key - unexpected "
       "end of input; expected string literal"},
      {"{}", "meetings:1: field 'meetings': is required"},
      {R"({"meetings": {}})", "meetings:1: field 'meetings': must be an array"},
      {R"({"meetings": [], "meetings": []})", "meetings:1: duplicate key 'meetings'"},
      {R"({"meetings": [{"id": "a"}]})",
       "meetings:1: entry 'a', field 'commune': is required\n"
       "meetings:1: entry 'a', field 'kind': is required\n"
       "meetings:1: entry 'a', field 'start': is required\n"
       "meetings:1: entry 'a', field 'venue': is required"},
  }));
  CAPTURE(std::get<0>(row));
  CHECK(ProblemsOf(std::get<0>(row)) == std::get<1>(row));
}

TEST_CASE("An empty meeting list is a valid schedule", "[meetings][json]") {
  CHECK(MustParse(R"({"meetings": []})").meetings.empty());
}

TEST_CASE("Kinds and statuses are read from codes and Vietnamese labels", "[meetings]") {
  auto kind = GENERATE(table<std::string, MeetingKind>({
      {"hoi_nghi_tuyen_truyen", MeetingKind::kPropaganda},
      {"Hội nghị tuyên truyền, đối thoại", MeetingKind::kPropaganda},
      {"hoi_nghi_khach_hang", MeetingKind::kCustomer},
      {"HỘI NGHỊ KHÁCH HÀNG", MeetingKind::kCustomer},
      {"nhom_nho", MeetingKind::kSmallGroup},
      {"Họp nhóm nhỏ", MeetingKind::kSmallGroup},
  }));
  CAPTURE(std::get<0>(kind));
  CHECK(ParseMeetingKind(std::get<0>(kind)) == std::get<1>(kind));
  CHECK(ParseMeetingKind(MeetingKindName(std::get<1>(kind))) == std::get<1>(kind));
  CHECK(ParseMeetingKind(MeetingKindLabel(std::get<1>(kind))) == std::get<1>(kind));

  for (auto status : {MeetingStatus::kPlanned, MeetingStatus::kConfirmed, MeetingStatus::kMoved,
                      MeetingStatus::kCancelled}) {
    CHECK(ParseMeetingStatus(MeetingStatusName(status)) == status);
    CHECK(ParseMeetingStatus(MeetingStatusLabel(status)) == status);
  }
  CHECK(ParseMeetingStatus("dự kiến") == MeetingStatus::kPlanned);
  CHECK(ParseMeetingStatus("dời lịch") == MeetingStatus::kMoved);
  CHECK(ParseMeetingStatus("Hủy") == MeetingStatus::kCancelled);
  CHECK(ParseMeetingStatus("huỷ") == MeetingStatus::kCancelled);
  CHECK_FALSE(ParseMeetingStatus("soon").has_value());
  CHECK_FALSE(ParseMeetingKind("").has_value());
  CHECK(std::string(MeetingKindLabel(MeetingKind::kSmallGroup)) == "Họp nhóm nhỏ");
  CHECK(std::string(MeetingStatusLabel(MeetingStatus::kMoved)) == "Đã dời lịch");
}

TEST_CASE("A CSV export is read with quotes, separators and line ends", "[meetings][csv]") {
  SECTION("comma separated, LF") {
    const auto s = MustParse(kCsvHeader +
                             "a-1,21325,nhom_nho,\"Trao đổi, hỏi đáp\",2026-12-05 19:00,"
                             "\"Nhà văn hóa \"\"thôn 1\"\"\",8,,confirmed,\n");
    REQUIRE(s.meetings.size() == 1);
    CHECK_FALSE(s.sample);
    CHECK(s.meetings[0].title == "Trao đổi, hỏi đáp");
    CHECK(s.meetings[0].venue == "Nhà văn hóa \"thôn 1\"");
    CHECK(s.meetings[0].expected_guests == 8);
    CHECK(s.meetings[0].organiser.empty());
    CHECK(s.meetings[0].status == MeetingStatus::kConfirmed);
  }
  SECTION("semicolon separated, CRLF, BOM, newline in a quoted field, blank lines") {
    const auto s = MustParse(
        "\xEF\xBB\xBFid;commune;kind;start;venue;notes\r\n"
        "a-1;Sơn Hạ;Hội nghị khách hàng;05/12/2026 08:00;Hội trường, UBND xã;\"dòng 1\r\ndòng "
        "2\"\r\n"
        "\r\n"
        "a-2;21289;nhom_nho;06/12/2026 19:00;thôn 2;\r\n");
    REQUIRE(s.meetings.size() == 2);
    CHECK(s.meetings[0].commune_code == "21292");
    CHECK(s.meetings[0].venue == "Hội trường, UBND xã");
    CHECK(s.meetings[0].notes == "dòng 1\ndòng 2");
    CHECK(s.meetings[1].id == "a-2");
    CHECK(s.meetings[1].start == VietnamInstant(CivilDate{2026, 12, 6}, 19, 0));
  }
  SECTION("no final line end, header in capitals") {
    const auto s = MustParse("ID,Commune,Kind,Start,Venue\na-1,21325,nhom_nho,2026-12-05 19:00,v");
    CHECK(s.meetings.size() == 1);
  }
}

TEST_CASE("CSV problems name the row's line and the field", "[meetings][csv]") {
  const std::string text = kCsvHeader +
                           "a-1,21325,nhom_nho,,2026-12-05 19:00,v,ten,,,\n"
                           "a-2,21325,nhom_nho,\"two\nlines\",+3 08:00,v,,,,\n"
                           "a-3,21325,nhom_nho,,2026-12-05 19:00,v\n"
                           "a-1,,nhom_nho,,2026-12-05 19:00,,,,,\n";
  CHECK(ProblemsOf(text) ==
        "meetings:2: entry 'a-1', field 'expected_guests': must be a whole number from 0 to "
        "10000, got 'ten'\n"
        "meetings:3: entry 'a-2', field 'start': a relative start ('+3 08:00') is only allowed "
        "in a sample schedule (\"sample\": true)\n"
        "meetings:5: entry '#3': has 6 fields, the header has 10\n"
        "meetings:6: entry 'a-1', field 'id': duplicates the id at line 2\n"
        "meetings:6: entry 'a-1', field 'commune': must not be empty\n"
        "meetings:6: entry 'a-1', field 'venue': must not be empty");
}

TEST_CASE("Malformed CSV is rejected with a reason", "[meetings][csv]") {
  auto row = GENERATE(table<std::string, std::string>({
      {"", "meetings: no header row (id,commune,kind,start,venue,...)"},
      {"id,commune,kind,start\n", "meetings:1: field 'venue': missing column 'venue'"},
      {"id,commune,kind,start,venue,colour,id\n",
       "meetings:1: field 'colour': unknown column 'colour'\n"
       "meetings:1: field 'id': duplicate column 'id'"},
      {"id,commune,kind,start,venue\na-1,21325,nhom_nho,2026-12-05 19:00,\"v\n",
       "meetings:2: a quoted field is not closed"},
      {"id,commune,kind,start,venue\na-1,21325,nhom_nho,2026-12-05 19:00,\"v\"x\n",
       "meetings:2: text after the closing quote of a field (write \"\" for a quote inside a "
       "quoted field)"},
  }));
  CAPTURE(std::get<0>(row));
  CHECK(ProblemsOf(std::get<0>(row)) == std::get<1>(row));
}

TEST_CASE("Loading a missing schedule file reports it", "[meetings]") {
  std::vector<ContentProblem> problems;
  CHECK_FALSE(LoadMeetingSchedule("/nonexistent/meetings.csv", Communes(), kImportDay, &problems)
                  .has_value());
  CHECK(JoinProblems(problems) == "/nonexistent/meetings.csv: cannot read file");
}

}  // namespace
}  // namespace bhxh
