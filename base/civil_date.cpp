#include "base/civil_date.h"

#include <cstdio>
#include <ctime>

namespace bhxh {
namespace {

// Howard Hinnant's days_from_civil / civil_from_days (public domain).
long DaysFromCivil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const long era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long>(doe) - 719468;
}

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

}  // namespace

long CivilDate::DaysSinceEpoch() const {
  return DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
}

CivilDate CivilDate::FromDaysSinceEpoch(long z) {
  z += 719468;
  const long era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const long y = static_cast<long>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return CivilDate{static_cast<int>(y + (m <= 2)), static_cast<int>(m), static_cast<int>(d)};
}

int CivilDate::Weekday() const {
  const long z = DaysSinceEpoch();
  return static_cast<int>(z >= -4 ? (z + 4) % 7 : (z + 5) % 7 + 6);
}

std::optional<CivilDate> CivilDate::ParseIso(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto digits = [&](size_t pos, size_t len, int* out) {
    int v = 0;
    for (size_t i = pos; i < pos + len; ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
      v = v * 10 + (text[i] - '0');
    }
    *out = v;
    return true;
  };
  CivilDate d;
  if (!digits(0, 4, &d.year) || !digits(5, 2, &d.month) || !digits(8, 2, &d.day)) {
    return std::nullopt;
  }
  if (d.month < 1 || d.month > 12 || d.day < 1 || d.day > DaysInMonth(d.year, d.month)) {
    return std::nullopt;
  }
  return d;
}

std::string CivilDate::ToIso() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
  return buf;
}

std::string CivilDate::ToVietnamese() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d/%02d/%04d", day, month, year);
  return buf;
}

CivilDate VietnamDateAt(std::chrono::system_clock::time_point t) {
  const auto local = t + kVietnamUtcOffset;
  const auto days = std::chrono::floor<std::chrono::hours>(local.time_since_epoch()).count();
  return CivilDate::FromDaysSinceEpoch(static_cast<long>(days >= 0 ? days / 24 : (days - 23) / 24));
}

std::chrono::system_clock::time_point VietnamInstant(const CivilDate& date, int hour, int minute) {
  const auto local = std::chrono::system_clock::time_point(std::chrono::hours(24) * date.DaysSinceEpoch() +
                                                           std::chrono::hours(hour) +
                                                           std::chrono::minutes(minute));
  return local - kVietnamUtcOffset;
}

int VietnamMinuteOfDay(std::chrono::system_clock::time_point t) {
  const auto minutes =
      std::chrono::floor<std::chrono::minutes>((t + kVietnamUtcOffset).time_since_epoch()).count();
  const long long m = minutes % (24 * 60);
  return static_cast<int>(m < 0 ? m + 24 * 60 : m);
}

const char* VietnameseWeekdayName(int weekday) {
  static const char* const kNames[] = {"Chủ Nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư",
                                       "Thứ Năm",  "Thứ Sáu", "Thứ Bảy"};
  return weekday >= 0 && weekday < 7 ? kNames[weekday] : "";
}

std::string FormatVietnameseDateTime(std::chrono::system_clock::time_point t) {
  const CivilDate d = VietnamDateAt(t);
  const int minute_of_day = VietnamMinuteOfDay(t);
  char time[32];
  std::snprintf(time, sizeof time, "%d giờ %02d", minute_of_day / 60, minute_of_day % 60);
  return std::string(VietnameseWeekdayName(d.Weekday())) + ", " + d.ToVietnamese() + ", " + time;
}

std::string FormatUtcTimestamp(std::chrono::system_clock::time_point t) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
  const int millis = static_cast<int>(ms - static_cast<long long>(secs) * 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
  return buf;
}

}  // namespace bhxh
