// When the office's staff answer (content/office_hours.json), so the bot can
// tell a citizen who asked for a staff member when to expect an answer.
//
// office_hours.json:
//   {"weekly": {"mon": ["07:00-11:30", "13:30-17:00"], "tue": [...], ...,
//               "sat": [], "sun": []},
//    "closed_days": [{"date": "2027-01-01", "name": "Tết Dương lịch"}]}
// Times are Vietnam local time, ranges "HH:MM-HH:MM" (start < end, not
// overlapping); a missing day is closed; closed_days are whole days off.
#ifndef BHXH_CONTENT_OFFICE_HOURS_H_
#define BHXH_CONTENT_OFFICE_HOURS_H_

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/civil_date.h"
#include "content/content_problem.h"

namespace bhxh {

// Immutable after Parse/Load; const methods are thread-safe.
class OfficeHours {
 public:
  // Every problem is reported (file, line, field); nullptr on any.
  static std::unique_ptr<OfficeHours> Parse(std::string_view text, const std::string& file_label,
                                            std::vector<ContentProblem>* problems);
  static std::unique_ptr<OfficeHours> Load(const std::string& path,
                                           std::vector<ContentProblem>* problems);

  // Staff are at work at `t` (start inclusive, end exclusive).
  bool IsOpen(std::chrono::system_clock::time_point t) const;
  // The next opening at or after `t` (`t` itself when open); nullopt when
  // no opening in the next 60 days.
  std::optional<std::chrono::system_clock::time_point> NextOpening(
      std::chrono::system_clock::time_point t) const;
  // "07:00-11:30, 13:30-17:00 từ Thứ Hai đến Thứ Sáu" style summary for
  // citizens (consecutive days with the same hours grouped).
  std::string Describe() const;

 private:
  struct Range {
    int from_minute = 0;  // minutes since midnight
    int to_minute = 0;
  };
  std::vector<Range> weekly_[7];  // index: CivilDate::Weekday()
  std::vector<CivilDate> closed_days_;
};

}  // namespace bhxh

#endif  // BHXH_CONTENT_OFFICE_HOURS_H_
