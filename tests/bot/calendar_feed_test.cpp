#include "bot/calendar_feed.h"

#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

#include "base/civil_date.h"

namespace bhxh {
namespace {

using std::chrono::hours;

// A content line read back: name, parameters (after ';'), value as written.
struct Property {
  std::string name;
  std::string params;
  std::string value;
};
struct Event {
  std::map<std::string, Property> props;
  const std::string& operator[](const std::string& name) const { return props.at(name).value; }
};
struct Calendar {
  std::vector<Property> props;  // of the VCALENDAR itself
  std::vector<Event> events;
  std::string Get(const std::string& name) const {
    for (const auto& p : props) {
      if (p.name == name) return p.value;
    }
    return "<missing>";
  }
};

// RFC 5545 3.1: a CRLF followed by one space or tab continues the line.
std::vector<std::string> Unfold(const std::string& text) {
  std::vector<std::string> lines;
  size_t pos = 0;
  std::string current;
  while (pos < text.size()) {
    const size_t end = text.find("\r\n", pos);
    REQUIRE(end != std::string::npos);  // every line ends in CRLF
    const std::string physical = text.substr(pos, end - pos);
    if (!physical.empty() && (physical[0] == ' ' || physical[0] == '\t')) {
      REQUIRE_FALSE(lines.empty());
      lines.back() += physical.substr(1);
    } else {
      lines.push_back(physical);
    }
    pos = end + 2;
  }
  return lines;
}

// The value of a TEXT property, unescaped.
std::string Unescape(const std::string& value) {
  std::string out;
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] != '\\' || i + 1 == value.size()) {
      out += value[i];
      continue;
    }
    const char e = value[++i];
    out += (e == 'n' || e == 'N') ? '\n' : e;
  }
  return out;
}

Calendar ParseCalendar(const std::string& text) {
  Calendar cal;
  const std::vector<std::string> lines = Unfold(text);
  REQUIRE(lines.size() >= 2);
  CHECK(lines.front() == "BEGIN:VCALENDAR");
  CHECK(lines.back() == "END:VCALENDAR");
  Event* event = nullptr;
  for (size_t i = 1; i + 1 < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (line == "BEGIN:VEVENT") {
      REQUIRE(event == nullptr);
      cal.events.emplace_back();
      event = &cal.events.back();
      continue;
    }
    if (line == "END:VEVENT") {
      REQUIRE(event != nullptr);
      event = nullptr;
      continue;
    }
    const size_t colon = line.find(':');
    REQUIRE(colon != std::string::npos);
    Property p;
    const std::string head = line.substr(0, colon);
    const size_t semi = head.find(';');
    p.name = head.substr(0, semi);
    p.params = semi == std::string::npos ? "" : head.substr(semi + 1);
    p.value = line.substr(colon + 1);
    if (event) {
      CHECK(event->props.count(p.name) == 0);
      event->props[p.name] = p;
    } else {
      cal.props.push_back(p);
    }
  }
  CHECK(event == nullptr);
  return cal;
}

Commune SonKy() {
  Commune c;
  c.code = "21325";
  c.name = "Sơn Kỳ";
  return c;
}

Meeting MakeMeeting(const std::string& id, MeetingKind kind, MeetingStatus status) {
  Meeting m;
  m.id = id;
  m.commune_code = "21325";
  m.kind = kind;
  m.status = status;
  m.start = VietnamInstant(CivilDate{2026, 12, 5}, 8, 0);
  m.venue = "Hội trường UBND xã Sơn Kỳ";
  return m;
}

const auto kNow = VietnamInstant(CivilDate{2026, 11, 26}, 22, 19) + std::chrono::seconds(49);

TEST_CASE("The calendar has the RFC 5545 header and the commune's name", "[calendar]") {
  const Calendar cal = ParseCalendar(RenderCommuneCalendar(SonKy(), {}, kNow));
  CHECK(cal.Get("VERSION") == "2.0");
  CHECK(cal.Get("PRODID") == "-//BHXH co so Son Ha//bhxh-bot//VI");
  CHECK(cal.Get("CALSCALE") == "GREGORIAN");
  CHECK(cal.Get("METHOD") == "PUBLISH");
  CHECK(cal.Get("X-WR-CALNAME") == "Hội nghị BHXH\\, BHYT – xã Sơn Kỳ");
  CHECK(Unescape(cal.Get("X-WR-CALNAME")) == "Hội nghị BHXH, BHYT – xã Sơn Kỳ");
  CHECK(cal.Get("X-WR-TIMEZONE") == "Asia/Ho_Chi_Minh");
  CHECK(cal.events.empty());
}

TEST_CASE("A meeting becomes one event with UTC times and its fields", "[calendar]") {
  Meeting m = MakeMeeting("2026-12-son-ky-1", MeetingKind::kCustomer, MeetingStatus::kConfirmed);
  m.title = "Hội nghị khách hàng BHXH tự nguyện, BHYT hộ gia đình";
  m.expected_guests = 60;
  m.organiser = "BHXH cơ sở Sơn Hà phối hợp UBND xã";
  m.notes = "Mang theo CCCD";
  const Calendar cal = ParseCalendar(RenderCommuneCalendar(SonKy(), {m}, kNow));
  REQUIRE(cal.events.size() == 1);
  const Event& e = cal.events[0];
  CHECK(e["UID"] == "2026-12-son-ky-1@bhxh-son-ha");
  CHECK(e["DTSTAMP"] == "20261126T151949Z");
  CHECK(e["DTSTART"] == "20261205T010000Z");  // 08:00 in Vietnam
  CHECK(e["DTEND"] == "20261205T030000Z");    // a conference: 2 hours
  CHECK(Unescape(e["SUMMARY"]) == m.title);
  CHECK(Unescape(e["LOCATION"]) == "Hội trường UBND xã Sơn Kỳ");
  CHECK(e["STATUS"] == "CONFIRMED");
  CHECK(Unescape(e["DESCRIPTION"]) ==
        "Hội nghị khách hàng\n"
        "Thời gian: Thứ Bảy, 05/12/2026, 8 giờ 00 (giờ Việt Nam)\n"
        "Tình trạng: Đã xác nhận\n"
        "Đơn vị tổ chức: BHXH cơ sở Sơn Hà phối hợp UBND xã\n"
        "Số người dự kiến: 60\n"
        "Ghi chú: Mang theo CCCD");
}

TEST_CASE("Kind and status decide the length, summary and STATUS", "[calendar]") {
  auto row = GENERATE(table<MeetingKind, MeetingStatus, std::string, std::string, std::string>({
      {MeetingKind::kPropaganda, MeetingStatus::kPlanned, "20261205T030000Z", "TENTATIVE",
       "Hội nghị tuyên truyền, đối thoại"},
      {MeetingKind::kCustomer, MeetingStatus::kConfirmed, "20261205T030000Z", "CONFIRMED",
       "Hội nghị khách hàng"},
      {MeetingKind::kSmallGroup, MeetingStatus::kMoved, "20261205T023000Z", "CONFIRMED",
       "Họp nhóm nhỏ"},
      {MeetingKind::kSmallGroup, MeetingStatus::kCancelled, "20261205T023000Z", "CANCELLED",
       "[Đã hủy] Họp nhóm nhỏ"},
  }));
  const Meeting m = MakeMeeting("m-1", std::get<0>(row), std::get<1>(row));
  const Calendar cal = ParseCalendar(RenderCommuneCalendar(SonKy(), {m}, kNow));
  REQUIRE(cal.events.size() == 1);
  const Event& e = cal.events[0];
  CHECK(e["DTEND"] == std::get<2>(row));
  CHECK(e["STATUS"] == std::get<3>(row));
  CHECK(Unescape(e["SUMMARY"]) == std::get<4>(row));
  const std::string description = Unescape(e["DESCRIPTION"]);
  CHECK(description.find(std::string("Tình trạng: ") + MeetingStatusLabel(m.status)) !=
        std::string::npos);
  if (m.status == MeetingStatus::kMoved) {
    CHECK(description.find("Đã dời lịch") != std::string::npos);
  }
}

TEST_CASE("Sample meetings are marked as samples", "[calendar]") {
  Meeting m = MakeMeeting("mau-01", MeetingKind::kCustomer, MeetingStatus::kPlanned);
  m.sample = true;
  const Calendar cal = ParseCalendar(RenderCommuneCalendar(SonKy(), {m}, kNow));
  REQUIRE(cal.events.size() == 1);
  CHECK(Unescape(cal.events[0]["SUMMARY"]) == "[Lịch mẫu] Hội nghị khách hàng");
  CHECK(Unescape(cal.events[0]["DESCRIPTION"]).find("lịch mẫu để thử, chưa phải lịch chính thức") !=
        std::string::npos);
}

TEST_CASE("Only the commune's meetings are listed, in the given order", "[calendar]") {
  Meeting a = MakeMeeting("b-later", MeetingKind::kCustomer, MeetingStatus::kPlanned);
  Meeting other = MakeMeeting("other", MeetingKind::kCustomer, MeetingStatus::kPlanned);
  other.commune_code = "21289";
  Meeting b = MakeMeeting("a-earlier", MeetingKind::kSmallGroup, MeetingStatus::kPlanned);
  b.start -= hours(48);
  const Calendar cal = ParseCalendar(RenderCommuneCalendar(SonKy(), {a, other, b}, kNow));
  REQUIRE(cal.events.size() == 2);
  CHECK(cal.events[0]["UID"] == "b-later@bhxh-son-ha");
  CHECK(cal.events[1]["UID"] == "a-earlier@bhxh-son-ha");
}

TEST_CASE("TEXT values are escaped and read back unchanged", "[calendar]") {
  auto text = GENERATE(as<std::string>{}, "a, b; c", "back\\slash", "hai\ndòng", "crlf\r\ndòng",
                       "\\n is not a newline", "trailing\\", "tab\tkept");
  CAPTURE(text);
  Meeting m = MakeMeeting("m-1", MeetingKind::kCustomer, MeetingStatus::kPlanned);
  m.venue = text;
  m.title = text;
  const std::string ics = RenderCommuneCalendar(SonKy(), {m}, kNow);
  const Calendar cal = ParseCalendar(ics);
  REQUIRE(cal.events.size() == 1);
  std::string expected = text;
  const size_t cr = expected.find('\r');
  if (cr != std::string::npos) expected.erase(cr, 1);
  CHECK(Unescape(cal.events[0]["LOCATION"]) == expected);
  CHECK(Unescape(cal.events[0]["SUMMARY"]) == expected);
  // Exactly one escape form per special character, and no raw ones.
  const std::string& raw = cal.events[0]["LOCATION"];
  CHECK(raw.find('\n') == std::string::npos);
  CHECK(raw.find('\r') == std::string::npos);
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == ',' || raw[i] == ';') CHECK((i > 0 && raw[i - 1] == '\\'));
  }
}

TEST_CASE("Control characters other than tab are dropped", "[calendar]") {
  Meeting m = MakeMeeting("m-1", MeetingKind::kCustomer, MeetingStatus::kPlanned);
  m.venue = std::string(
      "a\x01"
      "b\x7F"
      "c");
  const Calendar cal = ParseCalendar(RenderCommuneCalendar(SonKy(), {m}, kNow));
  CHECK(cal.events.at(0)["LOCATION"] == "abc");
}

TEST_CASE("Long lines are folded at 75 octets without splitting a character", "[calendar]") {
  Meeting m = MakeMeeting("m-1", MeetingKind::kCustomer, MeetingStatus::kPlanned);
  // Vietnamese letters of 1, 2 and 3 bytes, long enough for several folds,
  // at every offset against the 75-octet boundary.
  const size_t shift = GENERATE(range<size_t>(0, 6));
  CAPTURE(shift);
  std::string notes(shift, 'x');
  for (int i = 0; i < 20; ++i) notes += "Người tham dự đóng BHXH tự nguyện, ";
  m.notes = notes;
  m.title = std::string(shift, 'y') + "Ậ" + std::string(200, 'a');
  const std::string ics = RenderCommuneCalendar(SonKy(), {m}, kNow);

  size_t pos = 0;
  size_t folded = 0;
  while (pos < ics.size()) {
    const size_t end = ics.find("\r\n", pos);
    REQUIRE(end != std::string::npos);
    const std::string line = ics.substr(pos, end - pos);
    CAPTURE(line);
    CHECK(line.size() <= 75);
    CHECK(line.find('\n') == std::string::npos);
    CHECK(line.find('\r') == std::string::npos);
    if (!line.empty() && line[0] == ' ') ++folded;
    // A physical line starts and ends on a character boundary.
    const std::string content = !line.empty() && line[0] == ' ' ? line.substr(1) : line;
    REQUIRE_FALSE(content.empty());
    CHECK((static_cast<unsigned char>(content.front()) & 0xC0) != 0x80);
    const unsigned char last = static_cast<unsigned char>(content.back());
    if (last >= 0x80) {
      // the last character is complete: count back to its lead byte
      size_t k = content.size() - 1;
      while (k > 0 && (static_cast<unsigned char>(content[k]) & 0xC0) == 0x80) --k;
      const unsigned char lead = static_cast<unsigned char>(content[k]);
      const size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
      CHECK(content.size() - k == need);
    }
    // An escape is not cut in two: no line ends in an odd run of backslashes.
    size_t backslashes = 0;
    while (backslashes < content.size() && content[content.size() - 1 - backslashes] == '\\') {
      ++backslashes;
    }
    CHECK(backslashes % 2 == 0);
    pos = end + 2;
  }
  CHECK(folded > 10);
  const Calendar cal = ParseCalendar(ics);
  CHECK(Unescape(cal.events.at(0)["SUMMARY"]) == m.title);
  CHECK(Unescape(cal.events.at(0)["DESCRIPTION"]).find(m.notes) != std::string::npos);
}

TEST_CASE("The output ends every line in CRLF and has no bare LF", "[calendar]") {
  Meeting m = MakeMeeting("m-1", MeetingKind::kCustomer, MeetingStatus::kPlanned);
  m.notes = "một\ncâu";
  const std::string ics = RenderCommuneCalendar(SonKy(), {m, m}, kNow);
  REQUIRE(ics.size() >= 2);
  CHECK(ics.substr(ics.size() - 2) == "\r\n");
  for (size_t i = 0; i < ics.size(); ++i) {
    if (ics[i] == '\n') CHECK((i > 0 && ics[i - 1] == '\r'));
    if (ics[i] == '\r') CHECK((i + 1 < ics.size() && ics[i + 1] == '\n'));
  }
}

}  // namespace
}  // namespace bhxh
