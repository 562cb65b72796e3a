// The meeting schedule: the office's three kinds of meeting in its
// communes, as imported from content/meetings.json or a CSV export of the
// office's spreadsheet (bhxh-bot import-meetings FILE).
//
// meetings.json:
//   {"sample": false,
//    "meetings": [
//      {"id": "2026-12-son-ky-1", "commune": "21325", "kind": "hoi_nghi_khach_hang",
//       "title": "Hội nghị khách hàng BHXH tự nguyện, BHYT hộ gia đình",
//       "start": "2026-12-05 08:00", "venue": "Hội trường UBND xã Sơn Kỳ",
//       "expected_guests": 60, "organiser": "BHXH cơ sở Sơn Hà và Bưu điện",
//       "status": "planned", "notes": ""}]}
// commune: a code or a commune name from communes.json ("Sơn Kỳ");
// kind: hoi_nghi_tuyen_truyen | hoi_nghi_khach_hang | nhom_nho (Vietnamese
// labels "Hội nghị tuyên truyền", ... are accepted too); start: Vietnam
// local time "YYYY-MM-DD HH:MM" (also "DD/MM/YYYY HH:MM"); status: planned
// | confirmed | moved | cancelled (or "dự kiến", "đã xác nhận", "dời
// lịch", "hủy"). A file with "sample": true is the shipped demo schedule:
// its meetings may give "start": "+5 08:00" (5 days after the day of
// import, 08:00), so a newcomer always sees upcoming meetings.
//
// CSV: a header row with the same field names (id,commune,kind,title,start,
// venue,expected_guests,organiser,status,notes), comma or semicolon
// separated, RFC 4180 quoting, UTF-8 with or without BOM.
#ifndef BHXH_CONTENT_MEETING_SCHEDULE_H_
#define BHXH_CONTENT_MEETING_SCHEDULE_H_

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/civil_date.h"
#include "content/communes.h"
#include "content/content_problem.h"

namespace bhxh {

enum class MeetingKind { kPropaganda, kCustomer, kSmallGroup };
enum class MeetingStatus { kPlanned, kConfirmed, kMoved, kCancelled };

// "hoi_nghi_tuyen_truyen" ... and back; nullopt for unknown text.
const char* MeetingKindName(MeetingKind kind);
std::optional<MeetingKind> ParseMeetingKind(std::string_view text);
const char* MeetingStatusName(MeetingStatus status);  // "planned" ...
std::optional<MeetingStatus> ParseMeetingStatus(std::string_view text);
// How citizens read it: "Hội nghị tuyên truyền, đối thoại", "Hội nghị khách
// hàng", "Họp nhóm nhỏ"; "Dự kiến", "Đã xác nhận", "Đã dời lịch", "Đã hủy".
const char* MeetingKindLabel(MeetingKind kind);
const char* MeetingStatusLabel(MeetingStatus status);

struct Meeting {
  std::string id;            // [a-z0-9-]+, unique in the schedule
  std::string commune_code;  // a code from communes.json
  MeetingKind kind = MeetingKind::kPropaganda;
  std::string title;         // topic, may be empty (then the kind's label is shown)
  std::chrono::system_clock::time_point start;  // an instant (the file gives Vietnam time)
  std::string venue;
  int expected_guests = 0;
  std::string organiser;
  MeetingStatus status = MeetingStatus::kPlanned;
  std::string notes;
  bool sample = false;
};

struct MeetingSchedule {
  bool sample = false;
  std::vector<Meeting> meetings;  // file order
};

// Parses a schedule (JSON when the first non-space character is '{', else
// CSV). Every problem is reported with the file, the line (JSON: the line
// of the value; CSV: the row's line) and the field; on any problem nullopt
// (all-or-nothing). `import_day` anchors "+N HH:MM" starts in sample files.
std::optional<MeetingSchedule> ParseMeetingSchedule(std::string_view text,
                                                    const std::string& file_label,
                                                    const CommuneDirectory& communes,
                                                    CivilDate import_day,
                                                    std::vector<ContentProblem>* problems);
std::optional<MeetingSchedule> LoadMeetingSchedule(const std::string& path,
                                                   const CommuneDirectory& communes,
                                                   CivilDate import_day,
                                                   std::vector<ContentProblem>* problems);

}  // namespace bhxh

#endif  // BHXH_CONTENT_MEETING_SCHEDULE_H_
