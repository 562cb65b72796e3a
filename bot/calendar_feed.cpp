#include "bot/calendar_feed.h"

#include <cstdio>
#include <ctime>

#include "base/civil_date.h"
#include "content/text_normalizer.h"

namespace bhxh {
namespace {

constexpr size_t kMaxLineOctets = 75;  // RFC 5545 3.1, without the CRLF
constexpr const char* kUidDomain = "bhxh-son-ha";

// RFC 5545 3.3.11 TEXT: backslash, ';' and ',' escaped, a line break
// written as "\n". Other control characters are not allowed in a content
// line and are dropped; a tab stays.
std::string EscapeText(const std::string& text) {
  std::string out;
  out.reserve(text.size() + 8);
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case ';':
        out += "\\;";
        break;
      case ',':
        out += "\\,";
        break;
      case '\r':
        if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
        out += "\\n";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7F) break;
        out += c;
    }
  }
  return out;
}

// Appends `line` + CRLF, folded (RFC 5545 3.1): at most 75 octets per
// physical line, continuation lines start with one space. A cut never
// falls before a UTF-8 continuation byte, so every physical line is valid
// UTF-8 (clients differ in how they rejoin split characters).
void AppendLine(std::string* out, const std::string& line) {
  size_t pos = 0;
  size_t room = kMaxLineOctets;
  while (line.size() - pos > room) {
    size_t cut = pos + room;
    while (cut > pos && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
    if (cut == pos) cut = pos + room;  // not UTF-8 at all: cut anywhere, but progress
    // Keep an escape (\, or \n) on one line: RFC 5545 allows the cut,
    // but some clients unescape each physical line on its own.
    size_t backslashes = 0;
    while (cut - backslashes > pos && line[cut - backslashes - 1] == '\\') ++backslashes;
    if (backslashes % 2 == 1 && cut - 1 > pos) --cut;
    out->append(line, pos, cut - pos);
    out->append("\r\n ");
    pos = cut;
    room = kMaxLineOctets - 1;  // the leading space counts
  }
  out->append(line, pos, std::string::npos);
  out->append("\r\n");
}

// "20261205T010000Z".
std::string UtcDateTime(std::chrono::system_clock::time_point t) {
  const auto secs = std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count();
  const std::time_t tt = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[96];  // room for any int the compiler can imagine
  std::snprintf(buf, sizeof buf, "%04d%02d%02dT%02d%02d%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

const char* IcalStatus(MeetingStatus status) {
  switch (status) {
    case MeetingStatus::kPlanned:
      return "TENTATIVE";
    case MeetingStatus::kConfirmed:
      return "CONFIRMED";
    case MeetingStatus::kMoved:
      return "CONFIRMED";  // at its new time
    case MeetingStatus::kCancelled:
      return "CANCELLED";
  }
  return "TENTATIVE";
}

std::chrono::minutes DurationOf(MeetingKind kind) {
  return kind == MeetingKind::kSmallGroup ? kSmallGroupDuration : kConferenceDuration;
}

// What a reader of the event needs beyond time and place, one item a line.
std::string Description(const Meeting& m) {
  std::string d = MeetingKindLabel(m.kind);
  d += "\nThời gian: " + FormatVietnameseDateTime(m.start) + " (giờ Việt Nam)";
  d += std::string("\nTình trạng: ") + MeetingStatusLabel(m.status);
  if (!m.organiser.empty()) d += "\nĐơn vị tổ chức: " + m.organiser;
  if (m.expected_guests > 0) d += "\nSố người dự kiến: " + std::to_string(m.expected_guests);
  if (!m.notes.empty()) d += "\nGhi chú: " + m.notes;
  // The shipped demo's notes already say it is a sample; say it once.
  if (m.sample && FoldVietnamese(m.notes).find("lich mau") == std::string::npos) {
    d += "\nĐây là lịch mẫu để thử, chưa phải lịch chính thức.";
  }
  return d;
}

std::string Summary(const Meeting& m) {
  std::string s = m.title.empty() ? MeetingKindLabel(m.kind) : m.title;
  // Calendar apps show the summary and often ignore STATUS on subscribed
  // calendars; the prefix keeps a cancelled or sample meeting from looking
  // like a real, upcoming one.
  if (m.status == MeetingStatus::kCancelled) s = "[Đã hủy] " + s;
  if (m.sample) s = "[Lịch mẫu] " + s;
  return s;
}

}  // namespace

std::string RenderCommuneCalendar(const Commune& commune, const std::vector<Meeting>& meetings,
                                  std::chrono::system_clock::time_point now) {
  std::string out;
  const std::string stamp = UtcDateTime(now);
  AppendLine(&out, "BEGIN:VCALENDAR");
  AppendLine(&out, "VERSION:2.0");
  AppendLine(&out, "PRODID:-//BHXH co so Son Ha//bhxh-bot//VI");
  AppendLine(&out, "CALSCALE:GREGORIAN");
  AppendLine(&out, "METHOD:PUBLISH");
  AppendLine(&out, "X-WR-CALNAME:" + EscapeText("Hội nghị BHXH, BHYT – xã " + commune.name));
  AppendLine(&out, "X-WR-TIMEZONE:Asia/Ho_Chi_Minh");
  // How often subscribers should fetch again (RFC 7986; X-PUBLISHED-TTL for
  // older clients): the schedule changes a few times a month.
  AppendLine(&out, "REFRESH-INTERVAL;VALUE=DURATION:PT6H");
  AppendLine(&out, "X-PUBLISHED-TTL:PT6H");
  for (const Meeting& m : meetings) {
    if (m.commune_code != commune.code) continue;
    AppendLine(&out, "BEGIN:VEVENT");
    AppendLine(&out, "UID:" + m.id + "@" + kUidDomain);
    AppendLine(&out, "DTSTAMP:" + stamp);
    AppendLine(&out, "DTSTART:" + UtcDateTime(m.start));
    AppendLine(&out, "DTEND:" + UtcDateTime(m.start + DurationOf(m.kind)));
    AppendLine(&out, "SUMMARY:" + EscapeText(Summary(m)));
    AppendLine(&out, "LOCATION:" + EscapeText(m.venue));
    AppendLine(&out, "DESCRIPTION:" + EscapeText(Description(m)));
    AppendLine(&out, std::string("STATUS:") + IcalStatus(m.status));
    AppendLine(&out, "END:VEVENT");
  }
  AppendLine(&out, "END:VCALENDAR");
  return out;
}

}  // namespace bhxh
