// A calendar date with no time zone, and conversions for Vietnam time.
// Vietnam has used UTC+7 without daylight saving since 1975, so "today in
// Vietnam" is a fixed offset from UTC.
#ifndef BHXH_BASE_CIVIL_DATE_H_
#define BHXH_BASE_CIVIL_DATE_H_

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace bhxh {

struct CivilDate {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31

  // Days since 1970-01-01 (may be negative).
  long DaysSinceEpoch() const;
  static CivilDate FromDaysSinceEpoch(long days);
  // 0 = Sunday ... 6 = Saturday.
  int Weekday() const;

  // Parses "YYYY-MM-DD" strictly (a real calendar date). nullopt otherwise.
  static std::optional<CivilDate> ParseIso(std::string_view text);
  std::string ToIso() const;         // "2026-07-01"
  std::string ToVietnamese() const;  // "01/07/2026"

  friend bool operator==(const CivilDate& a, const CivilDate& b) {
    return a.year == b.year && a.month == b.month && a.day == b.day;
  }
  friend bool operator!=(const CivilDate& a, const CivilDate& b) { return !(a == b); }
  friend bool operator<(const CivilDate& a, const CivilDate& b) {
    return a.DaysSinceEpoch() < b.DaysSinceEpoch();
  }
  friend bool operator<=(const CivilDate& a, const CivilDate& b) { return !(b < a); }
};

constexpr std::chrono::hours kVietnamUtcOffset{7};

// The date in Vietnam at the given instant.
CivilDate VietnamDateAt(std::chrono::system_clock::time_point t);

// The instant of a Vietnam local date and time of day.
std::chrono::system_clock::time_point VietnamInstant(const CivilDate& date, int hour, int minute);
// Minutes since midnight, Vietnam time, at the given instant (0..1439).
int VietnamMinuteOfDay(std::chrono::system_clock::time_point t);

// "Chủ Nhật", "Thứ Hai" ... "Thứ Bảy" for CivilDate::Weekday() 0..6.
const char* VietnameseWeekdayName(int weekday);
// How a date and time are written for citizens: "Thứ Bảy, 05/12/2026,
// 8 giờ 00" (Vietnam time; 24-hour clock, as official notices write it).
std::string FormatVietnameseDateTime(std::chrono::system_clock::time_point t);

// ISO 8601 UTC timestamp with milliseconds, "2026-11-26T15:19:49.123Z".
std::string FormatUtcTimestamp(std::chrono::system_clock::time_point t);

}  // namespace bhxh

#endif  // BHXH_BASE_CIVIL_DATE_H_
